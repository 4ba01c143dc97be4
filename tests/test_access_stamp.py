"""The rules' cache and its access stamp (support.access.stamp.mixin).

Each user's resolved rules are cached under a stamp that every change of
memberships, roles, teams or sharing rules replaces, in its own transaction.
The first class checks which changes replace it and that the cache serves
the next query; the second, with committed cursors, the race a cache of
access rights must survive: a request that started before a change, and
resolves the rules after it, must not leave its (old) answer to the
requests that come after.
"""

import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name, new_test_user

from .common import MODULE, SupportCase, _OdooTestAttributes


class TestAccessStamp(SupportCase):
    def stamp(self):
        return self.env["support.access.stamp.mixin"]._support_access_stamp()

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

    def test_other_changes_keep_it(self):
        ticket = self.new_ticket("Nessun cambio", group=self.group_a)

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

        for change in (write_ticket, user_preferences, team_expiry, new_user):
            with self.subTest(change=change.__doc__):
                self.assertStampKept(change)

    def test_the_next_query_uses_the_cache_until_a_change(self):
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        domain = (
            self.env["ir.rule"]
            .with_user(self.tech_a)
            ._compute_domain("support.ticket", "read")
        )
        first = Ticket._support_resolved_rules(domain)
        queries = self.env.cr.sql_log_count
        again = Ticket._support_resolved_rules(domain)
        # the stamp only: nothing is resolved again
        self.assertEqual(self.env.cr.sql_log_count - queries, 1)
        self.assertIs(again, first)
        self.group_b.user_ids = [Command.link(self.tech_a.id)]
        after = Ticket._support_resolved_rules(domain)
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
        self.assertIs(Ticket._support_resolved_rules(domain), domain)
        self.assertEqual(self.env.cr.sql_log_count, queries)
        # a path still goes through the cache and its stamp
        path_domain = [("group_id.effective_user_ids", "in", self.tech_a.id)]
        resolved = Ticket._support_resolved_rules(path_domain)
        self.assertEqual(resolved, [("group_id", "in", [self.group_a.id])])
        self.assertGreater(self.env.cr.sql_log_count, queries)


class TestAccessStampRaceCommitted(_OdooTestAttributes, BaseCase):
    """COMMITS to the database, then deletes what it created."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.created = {}
        cls.addClassCleanup(cls._delete_committed_data)
        tag = uuid.uuid4().hex[:8]
        with cls.registry.cursor() as cr:  # commits on exit
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
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
            cls.created = {
                "user": user.id,
                "team": team.id,
                "group": group.id,
                "ticket": ticket.id,
            }

    @classmethod
    def _delete_committed_data(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            env["support.ticket"].browse(cls.created.get("ticket")).exists().unlink()
            env["support.group"].browse(cls.created.get("group")).exists().unlink()
            env["support.team"].browse(cls.created.get("team")).exists().unlink()
            user = env["res.users"].browse(cls.created.get("user")).exists()
            partner = user.partner_id
            user.unlink()
            partner.unlink()

    def sees_ticket(self, cr):
        env = api.Environment(cr, self.created["user"], {})
        ticket = self.created["ticket"]
        return bool(env["support.ticket"].search([("id", "=", ticket)]))

    def test_a_request_older_than_a_change_leaves_no_stale_answer(self):
        with self.registry.cursor() as old_request:
            # the old request's snapshot is taken by its first statement
            old_request.execute("SELECT 1")
            with self.registry.cursor() as change:  # commits on exit
                env = api.Environment(change, SUPERUSER_ID, {})
                group = env["support.group"].browse(self.created["group"])
                group.user_ids = [Command.link(self.created["user"])]
            # it resolves the rules after the change, from its old snapshot,
            # and caches that under the old stamp
            self.assertFalse(self.sees_ticket(old_request))
        with self.registry.cursor() as next_request:
            self.assertTrue(self.sees_ticket(next_request))
