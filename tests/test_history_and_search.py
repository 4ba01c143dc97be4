"""The history (seed 000: "history"): requested and closed dates as columns,
newest closed first, date filters; the search box finds words of the
description and of the messages, with each user's own access."""

from lxml import etree

from odoo.tools.safe_eval import safe_eval

from .common import SupportCase, ref


class TestHistoryAndSearch(SupportCase):
    def _search_view_domain(self, field_name, words):
        arch = self.env["support.ticket"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        node = etree.fromstring(arch).xpath(f"//field[@name='{field_name}']")[0]
        return safe_eval(node.get("filter_domain"), {"self": words})

    def test_the_search_box_finds_the_description_and_the_messages(self):
        ticket = self.new_ticket("Stampante", group=self.group_a)
        ticket.description = "<p>Il toner fa strisce KJH-5512</p>"
        ticket.message_post(
            body="Il cliente richiama per il rullo PLM-8821",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        Ticket = self.env["support.ticket"]
        for words in ("KJH-5512", "PLM-8821"):
            domain = self._search_view_domain("description", words)
            with self.subTest(words=words):
                self.assertEqual(Ticket.with_user(self.resp_a).search(domain), ticket)
                # a user who may not read the ticket finds nothing
                self.assertFalse(Ticket.with_user(self.tech_b).search(domain))

    def test_the_history_lists_requested_and_closed_newest_closed_first(self):
        action = ref(self.env, "action_support_ticket_history")
        arch = self.env["support.ticket"].get_views([(action.view_id.id, "list")])[
            "views"
        ]["list"]["arch"]
        tree = etree.fromstring(arch)
        labels = {
            node.get("name"): node.get("string") for node in tree.xpath("//field")
        }
        self.assertEqual(labels["create_date"], "Requested On")
        self.assertEqual(labels["date_closed"], "Closed On")
        self.assertTrue(tree.get("default_order").startswith("date_closed desc"))
        first, second = (
            self.new_ticket(name, user=self.resp_a) for name in ("Primo", "Secondo")
        )
        first.with_user(self.resp_a).action_close()
        self.env.cr.execute(
            "UPDATE support_ticket SET date_closed = date_closed - interval '1 day'"
            " WHERE id = %s",
            [first.id],
        )
        second.with_user(self.resp_a).action_close()
        self.env.invalidate_all()
        found = (
            self.env["support.ticket"]
            .with_user(self.resp_a)
            .search(safe_eval(action.domain), order=tree.get("default_order"))
        )
        self.assertLess(list(found).index(second), list(found).index(first))

    def test_date_filters(self):
        arch = self.env["support.ticket"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        dates = {
            node.get("name"): node.get("date")
            for node in etree.fromstring(arch).xpath("//filter[@date]")
        }
        self.assertEqual(dates["filter_create_date"], "create_date")
        self.assertEqual(dates["filter_date_closed"], "date_closed")
