"""Rule 7 and seed 003 phase 3: custom sharing rules widen which tickets a
profile's actions reach, never which actions."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import SupportCase


class SharingCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_tech_b = cls.new_ticket("Di Tecnico B", user=cls.tech_b)
        cls.ticket_resp_b = cls.new_ticket("Di Responsabile B", user=cls.resp_b)
        cls.ticket_tech_a = cls.new_ticket("Di Tecnico A", user=cls.tech_a)
        cls.ticket_cc = cls.new_ticket("Del Call Center", user=cls.callcenter)
        cls.ticket_group_b = cls.new_ticket("Al Gruppo B", group=cls.group_b)
        cls.ticket_group_a = cls.new_ticket("Al Gruppo A", group=cls.group_a)

    @classmethod
    def share(cls, **vals):
        return cls.env["support.sharing.rule"].create(
            dict({"team_id": cls.team.id}, **vals)
        )


class TestSources(SharingCase):
    def test_source_role_shares_tickets_of_its_holders(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_tech_b)

    def test_source_role_does_not_share_roles_below_or_above(self):
        self.share(source_role_id=self.role_resp_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_resp_b)
        self.assertNotSees(self.loner, self.ticket_tech_b)
        self.assertNotSees(self.loner, self.ticket_group_b)

    def test_source_role_subtree_shares_the_role_and_below(self):
        self.share(
            source_role_subtree_id=self.role_resp_b.id,
            target_role_id=self.role_callcenter.id,
        )
        self.assertSees(self.callcenter, self.ticket_resp_b)
        self.assertSees(self.callcenter, self.ticket_tech_b)
        self.assertNotSees(self.callcenter, self.ticket_tech_a)

    def test_a_role_source_names_its_roles_not_their_holders(self):
        # the target's resolved rules compare the role the tickets keep of
        # their holder: a new holder changes what they reach, not the rule
        self.share(
            source_role_subtree_id=self.role_resp_b.id, target_user_id=self.loner.id
        )
        Rule = self.env["ir.rule"].with_user(self.loner)
        Ticket = self.env["support.ticket"].with_user(self.loner)

        def resolved():
            return Ticket._resolved_rules(Rule._compute_domain("support.ticket"))

        roles = sorted((self.role_resp_b | self.role_tech_b).ids)
        before = resolved()
        self.assertIn(("user_role_id", "in", roles), before)
        newcomer = self.tech_b.copy(
            {"login": "t_tech_b2", "support_role_id": self.role_tech_b.id}
        )
        held = self.new_ticket("Del nuovo", user=newcomer)
        after = resolved()
        self.assertIsNot(after, before)  # resolved again, under a new stamp
        self.assertEqual(after, before)
        self.assertSees(self.loner, held)
        self.assertSees(self.loner, self.ticket_tech_b)
        self.assertNotSees(self.loner, self.ticket_tech_a)

    def test_source_group_shares_the_group_tickets(self):
        self.share(source_group_id=self.group_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_group_b)
        self.assertNotSees(self.loner, self.ticket_group_a)

    def test_source_group_shares_the_tickets_its_members_own(self):
        self.share(source_group_id=self.group_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_tech_b)
        self.assertSees(self.loner, self.ticket_resp_b)
        self.assertNotSees(self.loner, self.ticket_tech_a)

    def test_source_group_counts_members_through_nested_groups(self):
        # the call center is in Gruppo B through the nested group Call Center
        self.share(source_group_id=self.group_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_cc)


class TestTargets(SharingCase):
    def test_target_user(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.resp_a.id)
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertNotSees(self.tech_a, self.ticket_tech_b)

    def test_target_role_reaches_its_holders_only(self):
        self.share(
            source_role_id=self.role_tech_b.id, target_role_id=self.role_resp_a.id
        )
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertNotSees(self.tech_a, self.ticket_tech_b)

    def test_target_role_subtree_reaches_the_role_and_below(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_role_subtree_id=self.role_resp_a.id,
        )
        self.assertSees(self.resp_a, self.ticket_tech_b)
        self.assertSees(self.tech_a, self.ticket_tech_b)
        self.assertNotSees(self.callcenter, self.ticket_tech_b)

    def test_target_group_reaches_its_effective_members(self):
        self.share(source_role_id=self.role_tech_a.id, target_group_id=self.group_b.id)
        self.assertSees(self.resp_b, self.ticket_tech_a)
        self.assertSees(self.tech_b, self.ticket_tech_a)
        # member of Gruppo B through the nested group Call Center
        self.assertSees(self.callcenter, self.ticket_tech_a)
        self.assertNotSees(self.loner, self.ticket_tech_a)

    def test_target_group_follows_a_new_member_at_once(self):
        self.share(source_role_id=self.role_tech_a.id, target_group_id=self.group_cc.id)
        self.assertNotSees(self.loner, self.ticket_tech_a)
        self.group_cc.user_ids = [Command.link(self.loner.id)]
        self.assertSees(self.loner, self.ticket_tech_a)

    def test_shared_with_fields_list_the_targets(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_role_subtree_id=self.role_resp_a.id,
            access="write",
        )
        self.assertEqual(
            self.ticket_tech_b.support_shared_with_user_ids, self.resp_a | self.tech_a
        )
        self.assertEqual(
            self.ticket_tech_b.support_shared_for_write_user_ids,
            self.resp_a | self.tech_a,
        )
        self.assertFalse(self.ticket_tech_a.support_shared_with_user_ids)


class TestReadAndWrite(SharingCase):
    def test_read_share_never_lets_an_agent_write(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_tech_b)
        self.assertCannotWrite(self.loner, self.ticket_tech_b)

    def test_read_share_never_lets_a_manager_write_or_delete(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.resp_a.id)
        self.assertCannotWrite(self.resp_a, self.ticket_tech_b)
        self.assertCannotDelete(self.resp_a, self.ticket_tech_b)

    def test_write_share_lets_an_agent_write(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_user_id=self.loner.id,
            access="write",
        )
        self.assertCanWrite(self.loner, self.ticket_tech_b)
        self.assertCannotDelete(self.loner, self.ticket_tech_b)

    def test_write_share_never_lets_a_manager_delete(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_user_id=self.resp_a.id,
            access="write",
        )
        self.assertCanWrite(self.resp_a, self.ticket_tech_b)
        self.assertCannotDelete(self.resp_a, self.ticket_tech_b)

    def test_write_share_never_lets_a_technician_write(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_user_id=self.tech_a.id,
            access="write",
        )
        self.assertSees(self.tech_a, self.ticket_tech_b)
        self.assertCannotWrite(self.tech_a, self.ticket_tech_b)

    def test_write_share_lets_an_agent_take_the_ticket(self):
        self.share(
            source_group_id=self.group_b.id,
            target_user_id=self.loner.id,
            access="write",
        )
        self.ticket_group_b.with_user(self.loner).action_take()
        self.assertEqual(self.ticket_group_b.user_id, self.loner)

    def test_write_share_grants_nothing_beyond_its_source(self):
        self.share(
            source_role_id=self.role_tech_b.id,
            target_user_id=self.loner.id,
            access="write",
        )
        self.assertNotSees(self.loner, self.ticket_tech_a)


class TestCombined(SharingCase):
    def test_share_keeps_the_hierarchy(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.assertSees(self.resp_b, self.ticket_tech_b)
        self.assertCanWrite(self.resp_b, self.ticket_tech_b)
        self.assertNotSees(self.resp_a, self.ticket_tech_b)

    def test_superior_of_a_target_gains_nothing(self):
        # shared with Tecnico A only: Responsabile A, above, does not see it
        self.share(
            source_role_id=self.role_tech_b.id, target_role_id=self.role_tech_a.id
        )
        self.assertSees(self.tech_a, self.ticket_tech_b)
        self.assertNotSees(self.resp_a, self.ticket_tech_b)

    def test_read_share_never_narrows_what_a_group_grants(self):
        self.share(source_group_id=self.group_a.id, target_role_id=self.role_resp_a.id)
        self.assertCanWrite(self.resp_a, self.ticket_group_a)
        self.assertCanDelete(self.resp_a, self.ticket_group_a)

    def test_shared_ticket_forwarded_to_a_group_follows_the_group(self):
        self.share(source_group_id=self.group_a.id, target_user_id=self.loner.id)
        self.assertNotSees(self.loner, self.ticket_group_b)
        self.ticket_group_b.group_id = self.group_a
        self.assertSees(self.loner, self.ticket_group_b)

    def test_owner_changing_role_changes_the_share(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.tech_b.support_role_id = self.role_tech_a
        self.assertNotSees(self.loner, self.ticket_tech_b)

    def test_target_changing_role_changes_the_share(self):
        self.share(
            source_role_id=self.role_tech_b.id, target_role_id=self.role_resp_a.id
        )
        self.resp_a.support_role_id = self.role_callcenter
        self.assertNotSees(self.resp_a, self.ticket_tech_b)
        self.callcenter.support_role_id = self.role_resp_a
        self.assertSees(self.callcenter, self.ticket_tech_b)

    def test_several_rules_add_up(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.share(source_group_id=self.group_a.id, target_user_id=self.loner.id)
        visible = self.visible(self.loner, self.ticket_tech_b | self.ticket_group_a)
        self.assertEqual(visible, self.ticket_tech_b | self.ticket_group_a)


class TestChangesApplyAtOnce(SharingCase):
    def test_unlinking_a_rule_revokes_at_once(self):
        rule = self.share(
            source_role_id=self.role_tech_b.id, target_user_id=self.loner.id
        )
        self.assertSees(self.loner, self.ticket_tech_b)
        rule.unlink()
        self.assertNotSees(self.loner, self.ticket_tech_b)

    def test_archiving_a_rule_revokes_at_once(self):
        rule = self.share(
            source_role_id=self.role_tech_b.id, target_user_id=self.loner.id
        )
        self.assertSees(self.loner, self.ticket_tech_b)
        rule.active = False
        self.assertNotSees(self.loner, self.ticket_tech_b)
        rule.active = True
        self.assertSees(self.loner, self.ticket_tech_b)

    def test_editing_the_target_applies_at_once(self):
        rule = self.share(
            source_role_id=self.role_tech_b.id, target_user_id=self.loner.id
        )
        rule.target_user_id = self.resp_a
        self.assertNotSees(self.loner, self.ticket_tech_b)
        self.assertSees(self.resp_a, self.ticket_tech_b)

    def test_editing_the_source_applies_at_once(self):
        rule = self.share(
            source_role_id=self.role_tech_b.id, target_user_id=self.loner.id
        )
        rule.write({"source_role_id": False, "source_group_id": self.group_a.id})
        self.assertNotSees(self.loner, self.ticket_tech_b)
        self.assertSees(self.loner, self.ticket_group_a)

    def test_downgrading_to_read_only_applies_at_once(self):
        rule = self.share(
            source_role_id=self.role_tech_b.id,
            target_user_id=self.loner.id,
            access="write",
        )
        self.assertCanWrite(self.loner, self.ticket_tech_b)
        rule.access = "read"
        self.assertCannotWrite(self.loner, self.ticket_tech_b)
        self.assertSees(self.loner, self.ticket_tech_b)

    def test_an_administrator_edits_rules_from_the_team(self):
        admin = self.env.ref("base.user_admin")
        self.team.with_user(admin).write(
            {
                "ticket_access": "private",
                "sharing_rule_ids": [
                    Command.create(
                        {
                            "source_role_id": self.role_tech_b.id,
                            "target_user_id": self.loner.id,
                        }
                    )
                ],
            }
        )
        self.assertSees(self.loner, self.ticket_tech_b)
        self.team.with_user(admin).sharing_rule_ids.active = False
        self.assertNotSees(self.loner, self.ticket_tech_b)
        # archived rules stay on the team's sharing screen
        self.assertEqual(len(self.team.sharing_rule_ids), 1)


class TestPerTeam(SharingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_team = cls.env["support.team"].create({"name": "Altro Team"})
        # a holder of Tecnico B in the other team (a ticket's operator is
        # of its team)
        tech_b_elsewhere = new_test_user(
            cls.env,
            login="t_tech_b_elsewhere",
            groups="base.group_user",
            support_role_id=cls.role_tech_b.id,
        )
        cls.other_team.operator_ids = tech_b_elsewhere
        cls.elsewhere = cls.new_ticket(
            "Altrove", user=tech_b_elsewhere, team=cls.other_team
        )

    def test_rule_shares_its_own_team_tickets_only(self):
        self.share(source_role_id=self.role_tech_b.id, target_user_id=self.loner.id)
        self.assertSees(self.loner, self.ticket_tech_b)
        self.assertNotSees(self.loner, self.elsewhere)

    def test_rule_of_another_team_does_not_share_this_team(self):
        self.env["support.sharing.rule"].create(
            {
                "team_id": self.other_team.id,
                "source_role_id": self.role_tech_b.id,
                "target_user_id": self.loner.id,
            }
        )
        self.assertSees(self.loner, self.elsewhere)
        self.assertNotSees(self.loner, self.ticket_tech_b)

    def test_group_of_another_team_is_refused(self):
        with self.assertRaises(ValidationError):
            self.env["support.sharing.rule"].create(
                {
                    "team_id": self.other_team.id,
                    "source_group_id": self.group_a.id,
                    "target_user_id": self.loner.id,
                }
            )


class TestValidation(SharingCase):
    def test_no_source_is_refused(self):
        with self.assertRefused(ValidationError, "exactly one source"):
            self.share(target_user_id=self.loner.id)

    def test_two_sources_are_refused(self):
        with self.assertRefused(ValidationError, "exactly one source"):
            self.share(
                source_role_id=self.role_tech_b.id,
                source_group_id=self.group_a.id,
                target_user_id=self.loner.id,
            )

    def test_no_target_is_refused(self):
        with self.assertRefused(ValidationError, "exactly one target"):
            self.share(source_role_id=self.role_tech_b.id)

    def test_two_targets_are_refused(self):
        with self.assertRefused(ValidationError, "exactly one target"):
            self.share(
                source_role_id=self.role_tech_b.id,
                target_user_id=self.loner.id,
                target_group_id=self.group_a.id,
            )

    def test_rule_is_named_after_what_it_shares(self):
        rule = self.share(
            source_role_subtree_id=self.role_resp_b.id,
            target_group_id=self.group_cc.id,
            access="write",
        )
        self.assertIn("Responsabile B and subordinates", rule.display_name)
        self.assertIn("group Call Center", rule.display_name)
        self.assertEqual(rule.source_type, "role_subtree")
        self.assertEqual(rule.target_type, "group")

    def test_only_administrators_manage_rules(self):
        with self.assertRaises(AccessError):
            self.env["support.sharing.rule"].with_user(self.teamadmin).create(
                {
                    "team_id": self.team.id,
                    "source_role_id": self.role_tech_b.id,
                    "target_user_id": self.teamadmin.id,
                }
            )

    def test_administrators_manage_their_companies_rules_only(self):
        # a support administrator of this company neither sees nor makes the
        # sharing rules of another company's team: they would open its
        # tickets to anyone
        __, team_b = self.other_company_desk()
        rule_b = self.env["support.sharing.rule"].create(
            {
                "team_id": team_b.id,
                "source_role_id": self.role_tech_b.id,
                "target_user_id": self.resp_b.id,
            }
        )
        admin_a = new_test_user(
            self.env,
            login="t_support_admin_a",
            groups="support_team_queue.group_support_admin",
        )
        Rule = self.env["support.sharing.rule"].with_user(admin_a)
        self.assertNotIn(rule_b, Rule.search([]))
        attempts = [
            lambda: rule_b.with_user(admin_a).read(["display_name"]),
            lambda: rule_b.with_user(admin_a).write({"access": "write"}),
            lambda: rule_b.with_user(admin_a).unlink(),
            lambda: Rule.create(
                {
                    "team_id": team_b.id,
                    "source_role_id": self.role_tech_b.id,
                    "target_user_id": admin_a.id,
                }
            ),
        ]
        for attempt in attempts:
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                attempt()
        self.assertEqual(rule_b.access, "read")
        # their own company's team, as ever
        own = Rule.create(
            {
                "team_id": self.team.id,
                "source_role_id": self.role_tech_b.id,
                "target_user_id": admin_a.id,
            }
        )
        self.assertIn(own, Rule.search([]))
        self.assertTrue(own.read(["display_name"]))
        own.write({"access": "write"})
        own.unlink()
