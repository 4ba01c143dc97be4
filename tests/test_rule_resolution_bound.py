"""Past its bound, a resolved path stays a sub-query, and decides the same.

The resolved rules are cached per user in Odoo's ormcache, an LRU bounded
by its number of entries, not their size; a path that reaches more ids
than ``_RESOLVED_IDS_MAX`` (a manager high in the role tree over
thousands of subordinates) is kept as its sub-query instead of its ids
(bench/README.md, "The resolved rules' cache"). Reaching that many ids
takes thousands of users: here the bound is lowered to none, so that every
path of every rule is over it, and the decisions are compared with Odoo's
own, as ``test_rule_resolution`` does with the ids.
"""

from odoo.tools import SQL

from .common import keep_every_rule_path_a_subquery
from .test_rule_resolution import TestRuleResolution


class TestRuleResolutionPastTheBound(TestRuleResolution):
    def setUp(self):
        super().setUp()
        keep_every_rule_path_a_subquery(self)

    def resolved_read_rules(self, user):
        domain = (
            self.env["ir.rule"]
            .with_user(user)
            ._compute_domain("support.ticket", "read")
        )
        return self.env["support.ticket"].with_user(user)._resolved_rules(domain)

    def test_paths_over_the_bound_stay_sub_queries(self):
        # the call center's agent is in three groups (its own, nested in
        # Gruppo A and Gruppo B) and an operator of the team
        resolved = self.resolved_read_rules(self.callcenter)
        values = {
            term[0]: term[2]
            for term in resolved
            if isinstance(term, tuple) and term[1] == "in"
        }
        self.assertIsInstance(values["group_id"], SQL)
        self.assertIsInstance(values["team_id"], SQL)
        self.assertFalse(
            [
                term
                for term in resolved
                if isinstance(term, tuple)
                and isinstance(term[2], list)
                and term[0] in ("group_id", "team_id")
                and term[2]
            ],
            resolved,
        )
        # and they reach what the ids reached
        Ticket = self.env["support.ticket"].with_user(self.callcenter)
        Ticket = Ticket.with_context(active_test=False)
        found = Ticket.search([("id", "in", self.tickets.ids)])
        self.assertEqual(set(found.ids), self.odoo_decision(self.callcenter, "read"))
        # and the count takes those sub-queries branch by branch
        query = Ticket._search([("id", "in", self.tickets.ids)])
        self.assertGreater(len(Ticket._disjoint_rule_branches(query)), 1)
        self.assertEqual(
            Ticket.search_count([("id", "in", self.tickets.ids)]), len(found)
        )

    def test_the_bound_keeps_the_cached_entry_small(self):
        # a sub-query's SQL names what the path's own conditions name (the
        # roles of the manager's subtree, whose children are below them),
        # not what it reaches: a new holder changes nothing in the entry, a
        # new role below the manager adds that one role to it
        def superiors_sql():
            resolved = self.resolved_read_rules(self.resp_a)
            [sql] = [
                term[2]
                for term in resolved
                if isinstance(term, tuple)
                and term[0] == "user_role_id"
                and isinstance(term[2], SQL)
            ]
            return sql

        def named(sql):
            return {
                value
                for param in sql.params
                for value in (param if isinstance(param, tuple | list) else [param])
            }

        def reached(sql):
            rows = self.env.execute_query(
                SQL("SELECT id FROM support_role WHERE id IN %s", sql)
            )
            return {row[0] for row in rows}

        before = superiors_sql()
        self.assertEqual(named(before), set((self.role_resp_a | self.role_tech_a).ids))
        self.assertEqual(reached(before), set(self.role_tech_a.ids))

        # a second holder of Tecnico A: the entry is the same
        holder = self.tech_a.copy(
            {"login": "t_tech_a2", "support_role_id": self.role_tech_a.id}
        )
        again = superiors_sql()
        self.assertIsNot(again, before)  # resolved again, under a new stamp
        self.assertEqual((again.code, again.params), (before.code, before.params))

        # a role below Tecnico A: named once, whoever holds it
        junior = self.env["support.role"].create(
            {"name": "Tecnico A junior", "parent_id": self.role_tech_a.id}
        )
        newcomers = self.tech_a.copy(
            {"login": "t_junior_1", "support_role_id": junior.id}
        ) | self.tech_a.copy({"login": "t_junior_2", "support_role_id": junior.id})
        after = superiors_sql()
        self.assertEqual(
            named(after), set((self.role_resp_a | self.role_tech_a | junior).ids)
        )
        self.assertEqual(reached(after), set((self.role_tech_a | junior).ids))

        # and it reaches the holders' tickets at once
        held = self.env["support.ticket"].create(
            [
                {"name": "Nuovo", "team_id": self.team.id, "user_id": user.id}
                for user in holder | newcomers
            ]
        )
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        self.assertEqual(Ticket.search([("id", "in", held.ids)]), held)

    def test_a_sharing_rules_source_group_stays_a_sub_query(self):
        # Gruppo B's tickets and its members' are shared with Marco and his
        # subordinates: past the bound, its members are a sub-query of the
        # membership table that names the group, not its members' ids
        resolved = self.resolved_read_rules(self.resp_a)
        members = sorted(self.group_b.sudo().effective_user_ids.ids)
        self.assertTrue(members)
        held_by = [
            term[2]
            for term in resolved
            if isinstance(term, tuple) and term[0] == "user_id" and term[1] == "in"
        ]
        self.assertNotIn(members, [sorted(v) for v in held_by if isinstance(v, list)])
        [sql] = [
            value
            for value in held_by
            if isinstance(value, SQL)
            and "support_group_effective_user_rel" in value.code
        ]
        self.assertEqual(sql.params, [tuple(self.group_b.ids)])
        # the same tickets as Odoo's own decision, and a new member's tickets
        # with them at once
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        Ticket = Ticket.with_context(active_test=False)
        found = Ticket.search([("id", "in", self.tickets.ids)])
        self.assertEqual(set(found.ids), self.odoo_decision(self.resp_a, "read"))
        newcomer = self.tech_b.copy({"login": "t_tech_b2"})
        self.assertIn(newcomer, self.group_b.effective_user_ids)
        theirs = self.new_ticket("Del nuovo di B", user=newcomer)
        self.assertIn(theirs, Ticket.search([("id", "=", theirs.id)]))
