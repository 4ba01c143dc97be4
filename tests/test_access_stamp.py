"""The rules' cache and its access stamp (support.access.stamp).

Each user's resolved rules are cached under a stamp that every change of
a field the rules read (support.access.stamp.mixin's lists: memberships,
roles, teams, sharing rules) replaces, in its own transaction. The first
class checks which changes replace it, field by field, and that the cache
serves the next query; the second, with committed cursors, the race a cache
of access rights must survive: a request that started before a change, and
resolves the rules after it, must not leave its (old) answer to the
requests that come after.
"""

import contextlib

from odoo import SUPERUSER_ID, Command, api
from odoo.tests.common import new_test_user

from .common import MODULE, CommittedCase, SupportCase, _RolledBack


class AccessFieldChangesMixin:
    """One change of each field the rules read, on the seed scenario."""

    def access_field_changes(self):
        """``{model: {field: change}}``, each change a function changing
        that field alone (its docstring says what it does)."""
        other_team = self.env["support.team"].create({"name": "Altro team"})
        company = self.env["res.company"].create({"name": "Altra azienda"})
        Rule = self.env["support.sharing.rule"]
        by_role = Rule.create(
            {
                "team_id": self.team.id,
                "source_role_id": self.role_tech_a.id,
                "target_user_id": self.tech_b.id,
            }
        )
        by_subtree = Rule.create(
            {
                "team_id": self.team.id,
                "source_role_subtree_id": self.role_resp_a.id,
                "target_role_id": self.role_tech_b.id,
            }
        )
        by_group = Rule.create(
            {
                "team_id": self.team.id,
                "source_group_id": self.group_a.id,
                "target_role_subtree_id": self.role_resp_b.id,
            }
        )
        to_group = Rule.create(
            {
                "team_id": self.team.id,
                "source_role_id": self.role_tech_b.id,
                "target_group_id": self.group_a.id,
            }
        )

        def change(doc, function):
            function.__doc__ = doc
            return function

        def assign(record, vals):
            return lambda: record.write(vals)

        return {
            "res.users": {
                "support_role_id": change(
                    "a user given another role",
                    assign(self.tech_a, {"support_role_id": self.role_tech_b.id}),
                ),
                "support_team_ids": change(
                    "a user's teams",
                    assign(
                        self.loner,
                        {"support_team_ids": [Command.unlink(self.team.id)]},
                    ),
                ),
                "support_team_id": change(
                    "a user's team",
                    assign(self.loner, {"support_team_id": other_team.id}),
                ),
                "active": change(
                    "a user archived", assign(self.loner, {"active": False})
                ),
            },
            "support.team": {
                "admin_id": change(
                    "the team's administrator",
                    assign(self.team, {"admin_id": self.supervisor.id}),
                ),
                "operator_ids": change(
                    "an operator removed from the team",
                    assign(
                        self.team, {"operator_ids": [Command.unlink(self.teamadmin.id)]}
                    ),
                ),
                "queue_mode": change(
                    "the team's queue mode", assign(self.team, {"queue_mode": "open"})
                ),
                "ticket_access": change(
                    "the team's access level",
                    assign(self.team, {"ticket_access": "public_read"}),
                ),
                "company_id": change(
                    "a team moved to another company",
                    assign(other_team, {"company_id": company.id}),
                ),
                "active": change(
                    "a team archived", assign(other_team, {"active": False})
                ),
            },
            "support.group": {
                "user_ids": change(
                    "a user added to a group",
                    assign(self.group_b, {"user_ids": [Command.link(self.tech_a.id)]}),
                ),
                "role_ids": change(
                    "a role's holders made members",
                    assign(
                        self.group_cc, {"role_ids": [Command.link(self.role_tech_a.id)]}
                    ),
                ),
                "role_subtree_ids": change(
                    "a role's subtree made members",
                    assign(
                        self.group_cc,
                        {"role_subtree_ids": [Command.link(self.role_resp_b.id)]},
                    ),
                ),
                "member_group_ids": change(
                    "a group no longer nested",
                    assign(
                        self.group_a,
                        {"member_group_ids": [Command.unlink(self.group_cc.id)]},
                    ),
                ),
                "parent_group_ids": change(
                    "a group taken out from the group nesting it",
                    assign(
                        self.group_cc,
                        {"parent_group_ids": [Command.unlink(self.group_b.id)]},
                    ),
                ),
                "active": change(
                    "a nested group archived", assign(self.group_cc, {"active": False})
                ),
            },
            "support.role": {
                "parent_id": change(
                    "a role moved in the hierarchy",
                    assign(self.role_tech_b, {"parent_id": self.role_resp_a.id}),
                ),
                "user_ids": change(
                    "a holder given to a role",
                    assign(
                        self.role_tech_b,
                        {"user_ids": [Command.link(self.callcenter.id)]},
                    ),
                ),
            },
            "support.sharing.rule": {
                "team_id": change(
                    "a sharing rule moved to another team",
                    assign(by_role, {"team_id": other_team.id}),
                ),
                "source_role_id": change(
                    "a sharing rule's source role",
                    assign(by_role, {"source_role_id": self.role_tech_b.id}),
                ),
                "source_role_subtree_id": change(
                    "a sharing rule's source subtree",
                    assign(by_subtree, {"source_role_subtree_id": self.role_resp_b.id}),
                ),
                "source_group_id": change(
                    "a sharing rule's source group",
                    assign(by_group, {"source_group_id": self.group_b.id}),
                ),
                "target_role_id": change(
                    "a sharing rule's target role",
                    assign(by_subtree, {"target_role_id": self.role_tech_a.id}),
                ),
                "target_role_subtree_id": change(
                    "a sharing rule's target subtree",
                    assign(by_group, {"target_role_subtree_id": self.role_resp_a.id}),
                ),
                "target_group_id": change(
                    "a sharing rule's target group",
                    assign(to_group, {"target_group_id": self.group_b.id}),
                ),
                "target_user_id": change(
                    "a sharing rule's target user",
                    assign(by_role, {"target_user_id": self.tech_a.id}),
                ),
                "access": change(
                    "a sharing rule made read-write",
                    assign(to_group, {"access": "write"}),
                ),
                "active": change(
                    "a sharing rule archived", assign(by_subtree, {"active": False})
                ),
            },
        }


class TestAccessStamp(AccessFieldChangesMixin, SupportCase):
    def stamp(self):
        return self.env["support.access.stamp"]._access_stamp()

    def assertStampChanges(self, change):
        before = self.stamp()
        change()
        self.assertNotEqual(self.stamp(), before, change.__doc__)

    def assertStampKept(self, change):
        before = self.stamp()
        change()
        self.assertEqual(self.stamp(), before, change.__doc__)

    def test_every_change_the_rules_read_replaces_the_stamp(self):
        def add_group_member():
            """a user added to a group"""
            self.group_b.user_ids = [Command.link(self.tech_a.id)]

        def move_role():
            """a role moved in the hierarchy"""
            self.role_tech_b.parent_id = self.role_resp_a

        def change_user_role():
            """a user given another role"""
            self.tech_a.support_role_id = self.role_tech_b

        def remove_operator_from_team():
            """an operator removed from the team"""
            self.team.operator_ids = [Command.unlink(self.loner.id)]

        def add_operator_from_user():
            """a user's team changed from the user"""
            self.loner.support_team_id = self.team

        def change_queue_mode():
            """the team's queue mode"""
            self.team.queue_mode = "open"

        def change_team_admin():
            """the team's administrator"""
            self.team.admin_id = self.supervisor

        def new_sharing_rule():
            """a sharing rule created"""
            self.rule = self.env["support.sharing.rule"].create(
                {
                    "team_id": self.team.id,
                    "source_group_id": self.group_b.id,
                    "target_user_id": self.tech_a.id,
                }
            )

        def archive_sharing_rule():
            """a sharing rule archived"""
            self.rule.active = False

        def new_role():
            """a role created"""
            self.env["support.role"].create({"name": "Nuovo ruolo"})

        def delete_group():
            """a group deleted"""
            self.group_cc.unlink()

        def new_user():
            """a user created with a role"""
            new_test_user(
                self.env,
                login="t_newcomer",
                groups="base.group_user",
                support_role_id=self.role_tech_a.id,
            )

        def new_operator():
            """a user created in a team"""
            new_test_user(
                self.env,
                login="t_new_operator",
                groups="base.group_user",
                support_team_id=self.team.id,
            )

        for change in (
            add_group_member,
            move_role,
            change_user_role,
            remove_operator_from_team,
            add_operator_from_user,
            change_queue_mode,
            change_team_admin,
            new_sharing_rule,
            archive_sharing_rule,
            new_role,
            delete_group,
            new_user,
            new_operator,
        ):
            with self.subTest(change=change.__doc__):
                self.assertStampChanges(change)

    def test_each_field_the_rules_read_replaces_the_stamp(self):
        for model, changes in self.access_field_changes().items():
            with self.subTest(model=model):
                # the model's one list, each field of it changed here
                self.assertEqual(
                    set(changes), self.env[model]._support_access_fields, model
                )
            for field, change in changes.items():
                with self.subTest(model=model, field=field):
                    self.assertStampChanges(change)

    def test_other_changes_keep_it(self):
        ticket = self.new_ticket("Nessun cambio", group=self.group_a)
        rule = self.env["support.sharing.rule"].create(
            {
                "team_id": self.team.id,
                "source_group_id": self.group_b.id,
                "target_user_id": self.tech_a.id,
            }
        )

        def group_presentation():
            """a group's name, description, colour and sequence"""
            self.group_a.write(
                {
                    "name": "Gruppo A Nord",
                    "description": "Nord",
                    "color": 3,
                    "sequence": 5,
                }
            )

        def group_notified():
            """who a group's new tickets are told to"""
            self.group_a.notify_user_ids = [Command.link(self.resp_a.id)]

        def role_name():
            """a role's name"""
            self.role_tech_a.name = "Tecnico A senior"

        def rule_presentation():
            """a sharing rule's description and sequence"""
            rule.write({"description": "Per le ferie", "sequence": 3})

        def team_name():
            """the team's name and dispatchers"""
            self.team.write(
                {
                    "name": "Assistenza",
                    "notify_user_ids": [Command.link(self.resp_a.id)],
                }
            )

        def write_ticket():
            """a ticket changed"""
            ticket.with_user(self.resp_a).action_take()

        def user_preferences():
            """a user's e-mail preference"""
            self.tech_a.with_user(self.tech_a).support_notify = False

        def team_expiry():
            """the team's expiry delay"""
            self.team.expire_hours = 48

        def new_user():
            """a user created with no role and no team"""
            new_test_user(self.env, login="t_customer_like", groups="base.group_user")

        for change in (
            write_ticket,
            user_preferences,
            team_expiry,
            new_user,
            group_presentation,
            group_notified,
            role_name,
            rule_presentation,
            team_name,
        ):
            with self.subTest(change=change.__doc__):
                self.assertStampKept(change)

    def test_the_next_query_uses_the_cache_until_a_change(self):
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        domain = (
            self.env["ir.rule"]
            .with_user(self.tech_a)
            ._compute_domain("support.ticket", "read")
        )
        first = Ticket._resolved_rules(domain)
        queries = self.env.cr.sql_log_count
        again = Ticket._resolved_rules(domain)
        # the stamp only: nothing is resolved again
        self.assertEqual(self.env.cr.sql_log_count - queries, 1)
        self.assertIs(again, first)
        self.group_b.user_ids = [Command.link(self.tech_a.id)]
        after = Ticket._resolved_rules(domain)
        self.assertIsNot(after, first)

        def groups_reached(domain):
            return {
                group_id
                for leaf in domain
                if isinstance(leaf, tuple) and leaf[:2] == ("group_id", "in")
                for group_id in leaf[2]
            }

        self.assertNotIn(self.group_b.id, groups_reached(first))
        self.assertIn(self.group_b.id, groups_reached(after))

    def test_a_membership_given_in_the_transaction_counts_for_checks(self):
        # has_access resolves the rules without a search of its own first:
        # the memberships still to be recomputed must count, and must not
        # be cached stale under the new stamp
        ticket = self.new_ticket("Al Gruppo B", group=self.group_b)
        as_tech_a = ticket.with_user(self.tech_a)
        self.assertFalse(as_tech_a.has_access("read"))
        # through the call center's group, nested in Gruppo B
        self.group_cc.user_ids = [Command.link(self.tech_a.id)]
        self.assertTrue(as_tech_a.has_access("read"))
        self.assertIn(ticket, as_tech_a.search([]))
        self.group_cc.user_ids = [Command.unlink(self.tech_a.id)]
        self.assertFalse(as_tech_a.has_access("read"))
        # through the hierarchy: Tecnico B's role moved under Responsabile A
        owned = self.new_ticket("Di Tecnico B", user=self.tech_b)
        as_resp_a = owned.with_user(self.resp_a)
        self.assertFalse(as_resp_a.has_access("read"))
        self.role_tech_b.parent_id = self.role_resp_a
        self.assertTrue(as_resp_a.has_access("read"))
        # through a role's holders: Tecnico A takes Tecnico B's role
        self.tech_a.support_role_id = self.role_tech_b
        self.assertTrue(ticket.with_user(self.tech_a).has_access("read"))

    def test_a_transaction_reads_the_stamp_once_until_it_replaces_it(self):
        cr = self.env.cr
        ticket = self.new_ticket("Al Gruppo B", group=self.group_b)
        as_tech_a = ticket.with_user(self.tech_a)
        self.assertFalse(as_tech_a.has_access("read"))  # the caches warm
        cr.flush()  # as a new transaction starts: nothing read yet
        queries = cr.sql_log_count
        first = self.stamp()
        self.assertEqual(self.stamp(), first)
        self.assertFalse(as_tech_a.has_access("read"))
        self.assertEqual(cr.sql_log_count - queries, 2)  # the stamp, one check
        # a change in the transaction replaces it: from then on the
        # transaction reads the table, and access follows at once
        self.group_b.user_ids = [Command.link(self.tech_a.id)]
        second = self.stamp()
        self.assertNotEqual(second, first)
        queries = cr.sql_log_count
        self.assertEqual(self.stamp(), second)
        self.assertEqual(cr.sql_log_count - queries, 1)
        self.assertTrue(as_tech_a.has_access("read"))
        # a change undone with its savepoint leaves the table's value
        with contextlib.suppress(_RolledBack), cr.savepoint():
            self.group_b.user_ids = [Command.unlink(self.tech_a.id)]
            self.assertNotIn(self.stamp(), (first, second))
            self.assertFalse(as_tech_a.has_access("read"))
            raise _RolledBack
        self.env.invalidate_all()
        self.assertEqual(self.stamp(), second)
        self.assertTrue(as_tech_a.has_access("read"))
        # also by a plain SQL savepoint, which Odoo's caches do not see (an
        # import's dry run)
        cr.flush()
        self.assertEqual(self.stamp(), second)
        cr.execute("SAVEPOINT stamp_test")
        self.env["support.access.stamp"]._touch_access_stamp()
        self.assertNotEqual(self.stamp(), second)
        cr.execute("ROLLBACK TO SAVEPOINT stamp_test")
        self.assertEqual(self.stamp(), second)

    def test_rules_with_nothing_to_resolve_skip_the_stamp(self):
        # a supervisor's rules come down to the company rule: no path, no
        # computed field, nothing cached, so not even the stamp is read
        domain = (
            self.env["ir.rule"]
            .with_user(self.supervisor)
            ._compute_domain("support.ticket", "read")
        )
        Ticket = self.env["support.ticket"].with_user(self.supervisor)
        queries = self.env.cr.sql_log_count
        self.assertIs(Ticket._resolved_rules(domain), domain)
        self.assertEqual(self.env.cr.sql_log_count, queries)
        # a path still goes through the cache and its stamp
        path_domain = [("group_id.effective_user_ids", "in", self.tech_a.id)]
        resolved = Ticket._resolved_rules(path_domain)
        self.assertEqual(resolved, [("group_id", "in", [self.group_a.id])])
        self.assertGreater(self.env.cr.sql_log_count, queries)


class TestAccessStampRaceCommitted(CommittedCase):
    """COMMITS to the database, then deletes what it created."""

    @classmethod
    def build_committed(cls, env, tag):
        user = new_test_user(
            env,
            login=f"stq_stamp_{tag}",
            groups=f"{MODULE}.group_support_agent",
            context={"no_reset_password": True},
        )
        team = env["support.team"].create(
            {"name": f"Stamp test {tag}", "operator_ids": [Command.link(user.id)]}
        )
        group = env["support.group"].create(
            {"name": f"Gruppo {tag}", "team_id": team.id}
        )
        ticket = env["support.ticket"].create(
            {"name": f"Ticket {tag}", "team_id": team.id, "group_id": group.id}
        )
        return {"user": user, "team": team, "group": group, "ticket": ticket}

    def sees_ticket(self, cr):
        [user] = self.created["user"]
        env = api.Environment(cr, user, {})
        ticket = self.created["ticket"]
        return bool(env["support.ticket"].search([("id", "in", ticket)]))

    def test_a_request_older_than_a_change_leaves_no_stale_answer(self):
        with self.registry.cursor() as old_request:
            # the old request's snapshot is taken by its first statement
            old_request.execute("SELECT 1")
            with self.registry.cursor() as change:  # commits on exit
                env = api.Environment(change, SUPERUSER_ID, {})
                group = env["support.group"].browse(self.created["group"])
                group.user_ids = [Command.set(self.created["user"])]
            # it resolves the rules after the change, from its old snapshot,
            # and caches that under the old stamp
            self.assertFalse(self.sees_ticket(old_request))
        with self.registry.cursor() as next_request:
            self.assertTrue(self.sees_ticket(next_request))
