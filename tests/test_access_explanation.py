""" "Who can see this ticket, and why", and its converse, agree exactly with
what the record rules let each user do: on the seed scenario and on a larger
generated one. The explanation walks the data in Python; the record rules
run SQL: each checks the other."""

import random

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import SupportCase


class ExplanationCase(SupportCase):
    def explainer(self):
        return self.env["support.access.explanation"]

    def assertExplanationAgreesWithRules(self, tickets):
        """For every ticket and every internal user with a support profile:
        the explained readers, editors and deleters are exactly those the
        record rules allow."""
        explained = tickets._access_explanations()
        walker = self.explainer()._walker()
        users = walker.users
        self.assertTrue(self.seed_users <= users)
        for user in users:
            as_user = tickets.with_user(user)
            allowed = {
                operation: as_user._filtered_access(operation).with_env(self.env)
                for operation in ("read", "write", "unlink")
            }
            told = {"read": [], "write": [], "unlink": []}
            for ticket in tickets:
                reasons = explained[ticket].get(user)
                read, write, unlink = walker.access(user, reasons or [])
                for operation, granted in zip(
                    ("read", "write", "unlink"), (read, write, unlink), strict=True
                ):
                    if granted:
                        told[operation].append(ticket.id)
            for operation in ("read", "write", "unlink"):
                self.assertEqual(
                    sorted(told[operation]),
                    sorted(allowed[operation].ids),
                    f"{operation} for {user.login}: explanation vs record rules",
                )

    def assertConverseAgreesWithSearch(self, users):
        """The tickets each user is told they can read are exactly those
        their search finds."""
        for user in users:
            explained = user._support_readable_tickets_explained()
            found = self.env["support.ticket"].with_user(user).search([])
            self.assertEqual(
                sorted(ticket.id for ticket in explained),
                sorted(found.ids),
                f"tickets {user.login} can read: explanation vs search",
            )


class TestExplanationOnSeedScenario(ExplanationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owned = {
            user: cls.new_ticket(f"Di {user.name}", user=user)
            for user in cls.seed_users
        }
        cls.ticket_group_a = cls.new_ticket("Al Gruppo A", group=cls.group_a)
        cls.ticket_group_b = cls.new_ticket("Al Gruppo B", group=cls.group_b)
        cls.ticket_group_cc = cls.new_ticket("Al Call Center", group=cls.group_cc)
        cls.ticket_a_tech = cls.new_ticket(
            "Al Gruppo A, di Tecnico A", user=cls.tech_a, group=cls.group_a
        )
        cls.unassigned = cls.new_ticket("In sospeso")
        cls.tickets = (
            cls.env["support.ticket"].concat(*cls.owned.values())
            | cls.ticket_group_a
            | cls.ticket_group_b
            | cls.ticket_group_cc
            | cls.ticket_a_tech
            | cls.unassigned
        )
        Rule = cls.env["support.sharing.rule"]
        cls.rule_read = Rule.create(
            {
                "team_id": cls.team.id,
                "source_role_id": cls.role_tech_b.id,
                "target_user_id": cls.loner.id,
            }
        )
        cls.rule_write = Rule.create(
            {
                "team_id": cls.team.id,
                "source_group_id": cls.group_a.id,
                "target_role_subtree_id": cls.role_resp_b.id,
                "access": "write",
            }
        )

    def reasons(self, ticket, user):
        return ticket._access_explanations()[ticket].get(user, [])

    def labels(self, ticket, user):
        return [reason["label"] for reason in self.reasons(ticket, user)]

    # -- agreement --------------------------------------------------------

    def test_readers_agree_with_record_rules(self):
        self.assertExplanationAgreesWithRules(self.tickets)

    def test_converse_agrees_with_search(self):
        self.assertConverseAgreesWithSearch(self.seed_users)

    def test_agreement_in_an_open_public_team(self):
        self.team.write({"queue_mode": "open", "ticket_access": "public_write"})
        self.assertExplanationAgreesWithRules(self.tickets)
        self.assertConverseAgreesWithSearch(self.seed_users)

    def test_agreement_in_a_fully_public_team(self):
        self.team.write({"ticket_access": "public_full"})
        self.assertExplanationAgreesWithRules(self.tickets)

    def test_agreement_after_changes(self):
        self.rule_read.active = False
        self.group_cc.user_ids = [Command.link(self.loner.id)]
        self.tech_b.support_role_id = self.role_tech_a
        self.assertExplanationAgreesWithRules(self.tickets)
        self.assertConverseAgreesWithSearch(self.seed_users)

    def test_agreement_with_an_archived_nested_group(self):
        # Call Center archived: Gruppo A's tickets are no longer the call
        # center's, and the panel no longer says "via nested group"
        self.group_cc.active = False
        self.assertExplanationAgreesWithRules(self.tickets)
        self.assertConverseAgreesWithSearch(self.seed_users)
        self.assertNotIn(
            "Member of group Gruppo A, via nested group Call Center (directly)",
            self.labels(self.ticket_group_a, self.callcenter),
        )

    # -- the reasons, as the seed says them ---------------------------------

    def test_call_center_sees_group_a_through_the_nested_group(self):
        self.assertIn(
            "Member of group Gruppo A, via nested group Call Center (directly)",
            self.labels(self.ticket_group_a, self.callcenter),
        )

    def test_technician_sees_group_a_through_the_role(self):
        self.assertIn(
            "Member of group Gruppo A, "
            "via role Supervisore / Responsabile A / Tecnico A",
            self.labels(self.ticket_group_a, self.tech_a),
        )

    def test_superiors_see_the_role_chain(self):
        ticket = self.owned[self.tech_b]
        self.assertIn(
            "Above the owner Tech B in the hierarchy: Responsabile B > Tecnico B",
            self.labels(ticket, self.resp_b),
        )
        self.assertIn(
            "Above the owner Tech B in the hierarchy: "
            "Supervisore > Responsabile B > Tecnico B",
            self.labels(ticket, self.supervisor),
        )
        self.assertIn(
            "Profile Supervisor: every ticket", self.labels(ticket, self.supervisor)
        )

    def test_owner_and_team_administrator(self):
        ticket = self.owned[self.tech_b]
        self.assertEqual(
            [r["kind"] for r in self.reasons(ticket, self.tech_b)], ["owner"]
        )
        self.assertEqual(
            [r["kind"] for r in self.reasons(ticket, self.teamadmin)], ["team_admin"]
        )

    def test_sharing_rule_is_named(self):
        (reason,) = self.reasons(self.owned[self.tech_b], self.loner)
        self.assertEqual(reason["kind"], "sharing_rule")
        self.assertEqual(reason["rule"], self.rule_read)
        self.assertIn(self.rule_read.display_name, reason["label"])
        self.assertFalse(reason["write"])

    def test_write_share_through_a_role_subtree(self):
        (reason,) = self.reasons(self.ticket_group_a, self.tech_b)
        self.assertEqual(reason["rule"], self.rule_write)
        self.assertTrue(reason["write"])
        self.assertFalse(reason["unlink"])

    def test_open_queue_and_team_level(self):
        self.team.write({"queue_mode": "open", "ticket_access": "public_read"})
        kinds = [r["kind"] for r in self.reasons(self.unassigned, self.loner)]
        self.assertEqual(kinds, ["open_queue", "team_level"])

    def test_peers_holding_the_same_role_do_not_see_each_other(self):
        # found by the converse check: the search of rule 3 once let holders
        # of the same role find each other's tickets
        self.tech_b.support_role_id = self.role_tech_a
        self.assertNotSees(self.tech_a, self.owned[self.tech_b])
        self.assertNotSees(self.tech_b, self.owned[self.tech_a])
        self.assertSees(self.resp_a, self.owned[self.tech_b])

    def test_nobody_is_told_they_see_what_they_do_not(self):
        self.assertFalse(self.reasons(self.owned[self.tech_b], self.resp_a))
        self.assertFalse(self.reasons(self.ticket_group_b, self.resp_a))

    # -- the panels -----------------------------------------------------------

    def open_panel(self, action):
        return self.env[action["res_model"]].browse(action["res_id"])

    def test_panel_lists_every_reader(self):
        admin = self.env.ref("base.user_admin")
        ticket = self.ticket_group_a
        panel = self.open_panel(
            ticket.with_user(admin).action_support_access_explanation()
        )
        readers = ticket._access_explanations()[ticket]
        self.assertEqual(panel.line_ids.user_id, self.env["res.users"].concat(*readers))
        # ... which are exactly the users the record rules let read it
        users = self.env["res.users"].search([])
        self.assertEqual(
            panel.line_ids.user_id,
            users.filtered(lambda user: ticket.with_user(user).has_access("read")),
        )
        line = panel.line_ids.filtered(lambda line: line.user_id == self.tech_a)
        self.assertFalse(line.can_write)
        line = panel.line_ids.filtered(lambda line: line.user_id == self.resp_a)
        self.assertTrue(line.can_write)
        self.assertTrue(line.can_delete)

    def test_team_administrator_may_open_the_panel(self):
        ticket = self.ticket_group_b.with_user(self.teamadmin)
        self.assertTrue(ticket.support_can_explain_access)
        panel = self.open_panel(ticket.action_support_access_explanation())
        self.assertIn(self.callcenter, panel.line_ids.user_id)

    def test_panel_refused_to_an_operator(self):
        ticket = self.ticket_group_a.with_user(self.resp_a)
        self.assertFalse(ticket.support_can_explain_access)
        with self.assertRaises(AccessError):
            ticket.action_support_access_explanation()

    def test_user_panel_lists_what_the_user_can_read(self):
        admin = self.env.ref("base.user_admin")
        panel = self.open_panel(
            self.callcenter.with_user(admin).action_support_readable_tickets()
        )
        found = self.env["support.ticket"].with_user(self.callcenter).search([])
        self.assertEqual(sorted(panel.line_ids.ticket_id.ids), sorted(found.ids))

    def test_user_panel_shows_no_ticket_of_another_company(self):
        # a support administrator of this company asks what a user of
        # another company reads: never that company's tickets
        company_b, team_b = self.other_company_desk()
        secret = self.new_ticket("Riservato B", team=team_b)
        user_b = self.company_user(
            company_b, "t_user_b", "support_team_queue.group_support_supervisor"
        )
        # a supervisor of both companies: the panel has this company's too
        user_b.company_ids = [Command.link(self.team.company_id.id)]
        self.assertIn(
            secret,
            self.env["support.ticket"]
            .with_user(user_b)
            .with_context(allowed_company_ids=user_b.company_ids.ids)
            .search([]),
        )
        admin_a = new_test_user(
            self.env,
            login="t_support_admin_a",
            groups="support_team_queue.group_support_admin",
        )
        panel = self.open_panel(
            user_b.with_user(admin_a).action_support_readable_tickets()
        )
        self.assertNotIn(secret, panel.sudo().line_ids.ticket_id)
        self.assertIn(self.ticket_group_a, panel.sudo().line_ids.ticket_id)
        # the superuser's panel, every company's, lists it
        panel = self.open_panel(user_b.sudo().action_support_readable_tickets())
        self.assertIn(secret, panel.line_ids.ticket_id)

    def test_user_panel_refused_to_a_team_administrator(self):
        with self.assertRaises(AccessError):
            self.callcenter.with_user(self.teamadmin).action_support_readable_tickets()


class TestExplanationOnGeneratedScenario(ExplanationCase):
    """A seeded random organisation: a 4-level role tree, 30 users, two
    teams (one private in dispatch mode, one open and public read), 10 groups
    with every kind of member and nesting, 150 tickets, sharing rules."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(20250518)
        env = cls.env
        Role = env["support.role"]
        levels = [Role.create({"name": "Direzione"})]
        roles = list(levels)
        for depth, width in ((1, 3), (2, 2), (3, 2)):
            levels = [
                Role.create(
                    {"name": f"Livello {depth}.{parent.id}.{i}", "parent_id": parent.id}
                )
                for parent in levels
                for i in range(width)
            ]
            roles += levels

        profiles = ["readonly", "agent", "agent", "manager", "manager"]
        cls.gen_users = env["res.users"]
        for i in range(30):
            profile = "supervisor" if i == 0 else rng.choice(profiles)
            role = rng.choice(roles + [None] * 4)
            cls.gen_users |= new_test_user(
                env,
                login=f"g_user_{i}",
                name=f"G User {i}",
                groups=f"support_team_queue.group_support_{profile}",
                support_role_id=role.id if role else False,
                context={"mail_create_nolog": True, "no_reset_password": True},
            )
        users = list(cls.gen_users)
        Team = env["support.team"]
        cls.team_private = Team.create(
            {
                "name": "Privato",
                "admin_id": users[1].id,
                "operator_ids": [Command.set([u.id for u in users[:15]])],
            }
        )
        cls.team_open = Team.create(
            {
                "name": "Aperto",
                "admin_id": users[2].id,
                "operator_ids": [Command.set([u.id for u in users[15:28]])],
                "queue_mode": "open",
                "ticket_access": "public_read",
            }
        )
        # a group's direct members and a ticket's operator are of its team
        # (its operators; for a ticket also its administrator and the
        # supervisor, user 0)
        members = {cls.team_private: users[:15], cls.team_open: users[15:28]}
        Group = env["support.group"]
        groups = {cls.team_private: [], cls.team_open: []}
        for i in range(10):
            team = cls.team_private if i < 6 else cls.team_open
            earlier = groups[team]
            vals = {
                "name": f"Gruppo {i}",
                "team_id": team.id,
                "user_ids": [
                    Command.set(
                        [u.id for u in rng.sample(members[team], rng.randint(0, 3))]
                    )
                ],
                "role_ids": [
                    Command.set([r.id for r in rng.sample(roles, rng.randint(0, 2))])
                ],
                "role_subtree_ids": [
                    Command.set([r.id for r in rng.sample(roles, rng.randint(0, 1))])
                ],
                "member_group_ids": [
                    Command.set(
                        [
                            g.id
                            for g in rng.sample(
                                earlier, min(len(earlier), rng.randint(0, 2))
                            )
                        ]
                    )
                ],
            }
            if i in (1, 7):  # make sure of each kind of member
                vals["role_subtree_ids"] = [Command.set([roles[1].id])]
                vals["member_group_ids"] = [Command.set([earlier[0].id])]
            groups[team].append(Group.create(vals))

        Ticket = env["support.ticket"]
        vals_list = []
        for i in range(150):
            team = rng.choice([cls.team_private, cls.team_open])
            holders = [*members[team], team.admin_id, users[0]]
            owner = rng.choice(holders + [None] * 12)
            group = rng.choice(groups[team] + [None] * 6)
            vals_list.append(
                {
                    "name": f"Generato {i}",
                    "team_id": team.id,
                    "user_id": owner.id if owner else False,
                    "group_id": group.id if group else False,
                }
            )
        cls.gen_tickets = Ticket.create(vals_list)

        Rule = env["support.sharing.rule"]
        for i in range(8):
            team = cls.team_private if i < 5 else cls.team_open
            source = rng.choice(
                ["source_role_id", "source_role_subtree_id", "source_group_id"]
            )
            target = rng.choice(
                [
                    "target_role_id",
                    "target_role_subtree_id",
                    "target_group_id",
                    "target_user_id",
                ]
            )
            pick = {
                "source_role_id": lambda: rng.choice(roles),
                "source_role_subtree_id": lambda: rng.choice(roles),
                "source_group_id": lambda team=team: rng.choice(groups[team]),
                "target_role_id": lambda: rng.choice(roles),
                "target_role_subtree_id": lambda: rng.choice(roles),
                "target_group_id": lambda team=team: rng.choice(groups[team]),
                "target_user_id": lambda: rng.choice(users),
            }
            Rule.create(
                {
                    "team_id": team.id,
                    source: pick[source]().id,
                    target: pick[target]().id,
                    "access": rng.choice(["read", "write"]),
                }
            )

    def test_generated_scenario_is_varied(self):
        kinds = {
            reason["kind"]
            for readers in self.gen_tickets._access_explanations().values()
            for reasons in readers.values()
            for reason in reasons
        }
        self.assertEqual(
            kinds,
            {
                "profile",
                "team_admin",
                "owner",
                "hierarchy",
                "group",
                "open_queue",
                "team_level",
                "sharing_rule",
            },
        )

    def test_readers_agree_with_record_rules(self):
        self.assertExplanationAgreesWithRules(self.gen_tickets)

    def test_converse_agrees_with_search(self):
        self.assertConverseAgreesWithSearch(self.gen_users)
