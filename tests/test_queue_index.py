"""The queue page's index (bench/README.md): the open tickets in the list's
order, so that a page is read off the index instead of sorting every open
ticket; and the open tickets by holder, by group and by the holder's role,
with the columns the rules read, which an operator's search and each branch
of their count read. The planner only picks them on large tables, which the
benchmark measures; here, that they exist and match the model's order and
the queries the rules generate."""

from odoo import Command
from odoo.models import BaseModel
from odoo.tools import SQL

from odoo.addons.support_team_queue.models.support_rule_engine import (
    _IDS_COUNTED_LAST,
)

from .common import SupportCase


class TestQueueIndex(SupportCase):
    def test_the_queue_page_index_follows_the_list_order(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["support_ticket_queue_page_index"],
        )
        [(definition,)] = self.env.cr.fetchall()
        Ticket = self.env["support.ticket"]
        self.assertEqual(Ticket._order, "priority desc, create_date desc, id desc")
        self.assertIn(
            "(priority DESC, create_date DESC, id DESC) "
            "INCLUDE (user_id, user_role_id, group_id, team_id, company_id)",
            definition,
        )
        self.assertIn("WHERE (active AND is_open)", definition)

    def bulk_tickets(self):
        """20,000 tickets, a third open, spread over other groups and
        holders; a fiftieth in Gruppo A, a seventieth held by Anna."""
        other = self.env.ref("base.user_admin")
        self.env.cr.execute(
            """
            INSERT INTO support_ticket (number, name, team_id, company_id,
                group_id, user_id, state, is_open, active, priority, channel,
                create_date, write_date)
            SELECT 'IDX' || g, 'Bulk', %(team)s, %(company)s,
                CASE WHEN g %% 50 = 0 THEN %(group)s ELSE %(other_group)s END,
                CASE WHEN g %% 70 = 0 THEN %(user)s ELSE %(other)s END,
                CASE WHEN g %% 3 = 0 THEN 'new' ELSE 'closed' END, g %% 3 = 0,
                true, '1', 'backend', now(), now()
              FROM generate_series(1, 20000) g
            """,
            {
                "team": self.team.id,
                "company": self.team.company_id.id,
                "group": self.group_a.id,
                "other_group": self.group_b.id,
                "user": self.tech_a.id,
                "other": other.id,
            },
        )
        self.holders_roles_as_the_orm_writes_them()
        self.env.cr.execute("ANALYZE support_ticket")

    def holders_roles_as_the_orm_writes_them(self):
        self.env.cr.execute(
            """
            UPDATE support_ticket t SET user_role_id = u.support_role_id
              FROM res_users u
             WHERE u.id = t.user_id
               AND t.user_role_id IS DISTINCT FROM u.support_role_id
            """
        )

    def plan(self, sql):
        self.env.cr.execute(SQL("EXPLAIN %s", sql))
        return "\n".join(row[0] for row in self.env.cr.fetchall())

    def test_an_operators_search_reads_the_open_tickets_indexes(self):
        # The technician's search must find their few tickets through the
        # open tickets' indexes, which only works if the rules' SQL implies
        # the indexes' predicate (active AND is_open).
        self.bulk_tickets()
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        query = Ticket._search([("is_open", "=", True)], limit=10001)
        plan = self.plan(query.select())
        self.assertIn("Bitmap Index Scan on support_ticket_open_group_index", plan)
        self.assertIn("Bitmap Index Scan on support_ticket_open_user_index", plan)
        self.assertIn(f"Index Cond: (group_id = {self.group_a.id})", plan)

    def test_an_operators_count_reads_each_branch_off_its_index(self):
        # The count as search_count writes it: one branch per rule that
        # reaches something (Anna's own tickets, then Gruppo A's that are
        # not hers), each read through its own index, never the table in
        # full.
        self.bulk_tickets()
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        domain = [("is_open", "=", True)]
        branches = Ticket._disjoint_rule_branches(Ticket._search(domain, limit=10001))
        self.assertEqual(len(branches), 2)
        plan = self.plan(SQL(" UNION ALL ").join(branches))
        self.assertIn("Append", plan)
        self.assertNotIn("Seq Scan", plan)
        self.assertRegex(
            plan, r"Index (Only )?Scan using support_ticket_open_user_index"
        )
        self.assertRegex(
            plan, r"Index (Only )?Scan using support_ticket_open_group_index"
        )
        self.assertIn(f"Index Cond: (user_id = {self.tech_a.id})", plan)
        self.assertIn(f"Index Cond: (group_id = {self.group_a.id})", plan)
        self.assertEqual(Ticket.search_count(domain), len(Ticket.search(domain)))

    def test_a_managers_count_reads_the_roles_below_off_their_index(self):
        # Resp A reaches the tickets held by the roles below theirs: that
        # branch names the roles (Tecnico A), not their holders, and is read
        # off the open tickets' index by the holder's role
        self.bulk_tickets()
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        domain = [("is_open", "=", True)]
        query = Ticket._search(domain, limit=10001)
        _common, branches = Ticket._rule_branches(query._support_read_rules.domain)
        # second in the rules' order, counted last: no other branch reads the
        # holder's role, which the other indexes do not include
        self.assertEqual(
            branches.index([("user_role_id", "in", self.role_tech_a.ids)]), 1
        )
        counted = Ticket._disjoint_rule_branches(query)
        self.assertEqual(len(counted), 3)
        self.assertEqual(
            ["user_role_id" in branch.code for branch in counted], [False, False, True]
        )
        plan = self.plan(SQL(" UNION ALL ").join(counted))
        self.assertNotIn("Seq Scan", plan)
        self.assertRegex(
            plan, r"Index (Only )?Scan using support_ticket_open_user_role_index"
        )
        self.assertIn(f"Index Cond: (user_role_id = {self.role_tech_a.id})", plan)
        found = Ticket.search(domain)
        self.assertIn(self.tech_a, found.user_id)
        self.assertEqual(Ticket.search_count(domain), len(found))

    def test_a_long_list_of_groups_is_counted_last(self):
        # Anna reaches her own tickets, her groups' and, the team's queue
        # being open, its tickets nobody holds: in more than a hundred
        # groups, her groups' branch is counted after the open queue's, so
        # that its list of groups is written (and planned) once, not again
        # in the open queue's AND NOT.
        self.team.queue_mode = "open"
        groups = self.env["support.group"].create(
            [
                {
                    "name": f"Gruppo {n}",
                    "team_id": self.team.id,
                    "user_ids": [Command.link(self.tech_a.id)],
                }
                for n in range(_IDS_COUNTED_LAST)
            ]
        )
        # past the groups' list (arrays start at 1), nobody's and no group's
        self.env.cr.execute(
            """
            INSERT INTO support_ticket (number, name, team_id, company_id,
                group_id, user_id, state, is_open, active, priority, channel,
                create_date, write_date)
            SELECT 'LONG' || g, 'Long', %(team)s, %(company)s,
                (%(groups)s)[g %% 120],
                CASE WHEN g %% 7 = 0 THEN %(user)s END,
                'new', true, true, '1', 'backend', now(), now()
              FROM generate_series(1, 600) g
            """,
            {
                "team": self.team.id,
                "company": self.team.company_id.id,
                "groups": groups.ids,
                "user": self.tech_a.id,
            },
        )
        self.holders_roles_as_the_orm_writes_them()
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        domain = [("is_open", "=", True)]
        query = Ticket._search(domain)
        _common, in_rules_order = Ticket._rule_branches(
            query._support_read_rules.domain
        )
        reached = sorted([*groups.ids, self.group_a.id])
        long_branch = [("group_id", "in", reached)]
        self.assertLess(in_rules_order.index(long_branch), len(in_rules_order) - 1)
        branches = Ticket._disjoint_rule_branches(query)
        self.assertEqual(len(branches), len(in_rules_order))
        # the groups' list, written once: in the last branch
        written = [
            index
            for index, branch in enumerate(branches)
            if tuple(reached) in branch.params
        ]
        self.assertEqual(written, [len(branches) - 1])
        # and the counts are Odoo's
        found = Ticket.search(domain)
        self.assertTrue(set(groups.ids) & set(found.group_id.ids))
        self.assertTrue(found.filtered(lambda ticket: not ticket.group_id))
        self.assertEqual(Ticket.search_count(domain), len(found))
        self.assertEqual(Ticket.search_count(domain, limit=7), 7)
        self.assertEqual(
            Ticket._read_group(domain, ["group_id"], ["__count"]),
            BaseModel._read_group(Ticket, domain, ["group_id"], ["__count"]),
        )

    def test_the_side_panels_counts_read_each_branch_off_its_index(self):
        # the queue's side panel counts the open tickets by group and by
        # state as the count does: branch by branch, each off its index
        self.bulk_tickets()
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        domain = [("is_open", "=", True)]
        for field_name in ("group_id", "state"):
            with self.subTest(field=field_name):
                branches = Ticket._disjoint_rule_branches(
                    Ticket._search(domain), SQL.identifier("support_ticket", field_name)
                )
                plan = self.plan(SQL(" UNION ALL ").join(branches))
                self.assertNotIn("Seq Scan", plan)
                for index in ("open_user_index", "open_group_index"):
                    self.assertRegex(
                        plan,
                        rf"(Index (Only )?Scan using|Bitmap Index Scan on) "
                        rf"support_ticket_{index}",
                    )
                grouped = Ticket._read_group(domain, [field_name], ["__count"])
                self.assertEqual(
                    grouped,
                    BaseModel._read_group(Ticket, domain, [field_name], ["__count"]),
                )
                # and that is the count taken branch by branch
                self.assertEqual(
                    Ticket._read_group_by_branch(
                        domain, [field_name], ["__count"], (), 0, None, None
                    ),
                    grouped,
                )

    def test_a_count_with_no_or_to_take_apart_is_odoos_own(self):
        # the superuser applies no rule; a supervisor's rules come down to
        # the company rule: both counts are Odoo's, as the search writes it
        domain = [("is_open", "=", True)]
        for Ticket in (
            self.env["support.ticket"].sudo(),
            self.env["support.ticket"].with_user(self.supervisor),
        ):
            query = Ticket._search(domain)
            self.assertIsNone(Ticket._disjoint_rule_branches(query))
            self.assertEqual(Ticket.search_count(domain), len(Ticket.search(domain)))

    def test_the_open_tickets_indexes_carry_the_rules_columns(self):
        # what lets a branch of the count be read off the index alone
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [
                (
                    "support_ticket_open_user_index",
                    "support_ticket_open_user_role_index",
                    "support_ticket_open_group_index",
                )
            ],
        )
        definitions = dict(self.env.cr.fetchall())
        self.assertIn(
            "(user_id) INCLUDE (group_id, team_id, company_id)",
            definitions["support_ticket_open_user_index"],
        )
        self.assertIn(
            "(group_id) INCLUDE (user_id, team_id, company_id)",
            definitions["support_ticket_open_group_index"],
        )
        # the holder's role, counted last, reads the others' columns
        self.assertIn(
            "(user_role_id) INCLUDE (user_id, group_id, team_id, company_id)",
            definitions["support_ticket_open_user_role_index"],
        )
        for definition in definitions.values():
            self.assertIn("WHERE (active AND", definition)

    def test_an_upgrade_replaces_the_open_tickets_indexes(self):
        cr = self.env.cr
        for column in ("user", "group"):
            cr.execute(f"DROP INDEX support_ticket_open_{column}_index")
            cr.execute(
                f"CREATE INDEX support_ticket_open_{column}_index "
                f"ON support_ticket ({column}_id) WHERE active"
            )
        self.env["support.ticket"].init()
        cr.execute(
            "SELECT count(*) FROM pg_indexes WHERE indexname IN %s "
            "AND indexdef LIKE %s",
            [
                ("support_ticket_open_user_index", "support_ticket_open_group_index"),
                "%INCLUDE%",
            ],
        )
        self.assertEqual(cr.fetchone()[0], 2)

    def test_an_upgrade_adds_the_group_to_the_queue_index(self):
        # the queue index of an earlier version did not include group_id
        cr = self.env.cr
        cr.execute("DROP INDEX support_ticket_queue_page_index")
        cr.execute(
            "CREATE INDEX support_ticket_queue_page_index ON support_ticket "
            "(priority DESC, create_date DESC, id DESC) "
            "INCLUDE (company_id, team_id, user_id) WHERE active AND is_open"
        )
        self.env["support.ticket"].init()
        self.test_the_queue_page_index_follows_the_list_order()

    def test_an_upgrade_replaces_an_index_of_other_open_tickets(self):
        # the same columns over other rows: not the index the searches use
        cr = self.env.cr
        cr.execute("DROP INDEX support_ticket_open_group_index")
        cr.execute(
            "CREATE INDEX support_ticket_open_group_index ON support_ticket "
            "(group_id) INCLUDE (user_id, team_id, company_id) WHERE is_open"
        )
        self.env["support.ticket"].init()
        self.test_the_open_tickets_indexes_carry_the_rules_columns()
        cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["support_ticket_open_group_index"],
        )
        self.assertIn("WHERE (active AND is_open)", cr.fetchone()[0])

    def test_an_upgrade_replaces_the_first_queue_index(self):
        cr = self.env.cr
        cr.execute(
            "CREATE INDEX support_ticket_open_queue_index ON support_ticket "
            "(priority DESC, create_date DESC, id DESC)"
        )
        cr.execute("DROP INDEX support_ticket_queue_page_index")
        self.env["support.ticket"].init()
        cr.execute(
            "SELECT indexname FROM pg_indexes WHERE indexname LIKE %s",
            ["support_ticket_%_index"],
        )
        names = {name for (name,) in cr.fetchall()}
        self.assertNotIn("support_ticket_open_queue_index", names)
        self.assertIn("support_ticket_queue_page_index", names)

    def test_an_upgrade_rewrites_the_indexes_on_the_list_of_open_states(self):
        # before is_open, the open tickets' indexes named the open states,
        # which a search for is_open does not imply
        cr = self.env.cr
        names = (
            "support_ticket_queue_page_index",
            "support_ticket_open_group_index",
            "support_ticket_open_user_index",
            "support_ticket_open_sla_state_index",
            "support_ticket_open_sla_next_check_index",
        )
        for name in names:
            cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON support_ticket (id) WHERE active AND "
                    "state IN ('new', 'in_progress', 'waiting')",
                    SQL.identifier(name),
                )
            )
        self.env["support.ticket"].init()
        cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN %s",
            [names],
        )
        definitions = dict(cr.fetchall())
        self.assertEqual(set(definitions), set(names))
        for name, definition in definitions.items():
            self.assertIn("WHERE (active AND is_open", definition, name)
            self.assertNotIn("state", definition.replace("sla_state", ""), name)
