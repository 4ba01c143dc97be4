"""The queue page's index (bench/README.md): the open tickets in the list's
order, so that a page is read off the index instead of sorting every open
ticket; and the open tickets by group and by holder, which an operator's
count reads. The planner only picks them on large tables, which the
benchmark measures; here, that they exist and match the model's order and
the queries the rules generate."""

from odoo.tools import SQL

from odoo.addons.support_team_queue.models.support_ticket import OPEN_STATES

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
            "INCLUDE (company_id, team_id, user_id)",
            definition,
        )
        self.assertIn("WHERE (active AND", definition)
        for state in OPEN_STATES:
            self.assertIn(f"'{state}'", definition)
        for state in ("closed", "expired"):
            self.assertNotIn(f"'{state}'", definition)

    def test_an_operators_count_reads_the_open_tickets_indexes(self):
        # 20,000 tickets, a third open, spread over other groups and
        # holders: the technician's count must find their few tickets
        # through the open tickets' indexes, which only works if the rules'
        # SQL implies the indexes' predicate (active AND an open state).
        other = self.env.ref("base.user_admin")
        self.env.cr.execute(
            """
            INSERT INTO support_ticket (number, name, team_id, company_id,
                group_id, user_id, state, active, priority, channel,
                create_date, write_date)
            SELECT 'IDX' || g, 'Bulk', %(team)s, %(company)s,
                CASE WHEN g %% 50 = 0 THEN %(group)s ELSE %(other_group)s END,
                CASE WHEN g %% 70 = 0 THEN %(user)s ELSE %(other)s END,
                CASE WHEN g %% 3 = 0 THEN 'new' ELSE 'closed' END,
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
        self.env.cr.execute("ANALYZE support_ticket")
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        query = Ticket._search([("state", "in", OPEN_STATES)], limit=10001)
        self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.assertIn("Bitmap Index Scan on support_ticket_open_group_index", plan)
        self.assertIn("Bitmap Index Scan on support_ticket_open_user_index", plan)
        self.assertIn(f"Index Cond: (group_id = {self.group_a.id})", plan)

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
