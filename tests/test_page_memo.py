"""The queue page's shortcut (bench/README.md): within one web_search_read,
the rows its search returned are not checked against the rules a second
time. Only those rows: any other ticket read in the same call is checked as
always, and nothing outlives the call."""

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import SupportCase


class TestPageMemo(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls.new_ticket("Gruppo A", group=cls.group_a)
        cls.ticket_b = cls.new_ticket("Gruppo B", group=cls.group_b)

    def test_rows_outside_the_page_are_still_checked(self):
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        memo = self.env.cr.cache
        memo[Ticket._PAGE_MEMO] = {}
        try:
            found = Ticket.search_fetch(
                [("id", "in", (self.ticket_a | self.ticket_b).ids)], ["name"]
            )
            self.assertEqual(found, self.ticket_a.with_user(self.tech_a))
            found.check_access("read")
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.ticket_b.with_user(self.tech_a).check_access("read")
            # the shortcut is for reading only
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                found.check_access("write")
        finally:
            memo.pop(Ticket._PAGE_MEMO, None)

    def test_the_page_memo_ends_with_the_call(self):
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        result = Ticket.web_search_read(
            [("id", "in", (self.ticket_a | self.ticket_b).ids)],
            {"name": {}},
        )
        self.assertEqual([row["id"] for row in result["records"]], [self.ticket_a.id])
        self.assertNotIn(Ticket._PAGE_MEMO, self.env.cr.cache)

    def test_a_user_never_benefits_from_another_users_page(self):
        Ticket = self.env["support.ticket"]
        memo = self.env.cr.cache
        memo[Ticket._PAGE_MEMO] = {}
        try:
            Ticket.with_user(self.resp_b).search_fetch(
                [("id", "=", self.ticket_b.id)], ["name"]
            )
            with self.assertRaises(AccessError), mute_logger("odoo.models"):
                self.ticket_b.with_user(self.tech_a).check_access("read")
        finally:
            memo.pop(Ticket._PAGE_MEMO, None)
