"""The queue page's index (bench/README.md): the open tickets in the list's
order, so that a page is read off the index instead of sorting every open
ticket. The planner only picks it on large tables, which the benchmark
measures; here, that it exists and matches the model's order and the open
states."""

from odoo.addons.support_team_queue.models.support_ticket import OPEN_STATES

from .common import SupportCase


class TestQueueIndex(SupportCase):
    def test_the_open_queue_index_follows_the_list_order(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["support_ticket_open_queue_index"],
        )
        [(definition,)] = self.env.cr.fetchall()
        Ticket = self.env["support.ticket"]
        self.assertEqual(Ticket._order, "priority desc, create_date desc, id desc")
        self.assertIn("(priority DESC, create_date DESC, id DESC)", definition)
        self.assertIn("WHERE (active AND", definition)
        for state in OPEN_STATES:
            self.assertIn(f"'{state}'", definition)
        for state in ("closed", "expired"):
            self.assertNotIn(f"'{state}'", definition)
