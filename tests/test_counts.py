"""Counts do not leak: every aggregate agrees with what the user may read."""

from .common import SupportCase


class TestCounts(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tickets = (
            cls.new_ticket("Di Luca", user=cls.tech_b)
            | cls.new_ticket("Di Anna", user=cls.tech_a)
            | cls.new_ticket("Del call center", user=cls.callcenter)
            | cls.new_ticket("Gruppo A 1", group=cls.group_a)
            | cls.new_ticket("Gruppo A 2", group=cls.group_a)
            | cls.new_ticket("Gruppo B", group=cls.group_b)
            | cls.new_ticket("In sospeso")
        )
        cls.domain = [("id", "in", cls.tickets.ids)]

    def readable_ids(self, user):
        """Ticket by ticket, which ones ``user`` may read (the reference)."""
        return {
            ticket.id
            for ticket in self.tickets
            if ticket.with_user(user).has_access("read")
        }

    def test_search_agrees_with_per_record_access(self):
        for user in self.seed_users:
            with self.subTest(user=user.login):
                found = self.env["support.ticket"].with_user(user).search(self.domain)
                self.assertEqual(set(found.ids), self.readable_ids(user))

    def test_search_count_agrees_with_search(self):
        for user in self.seed_users:
            with self.subTest(user=user.login):
                Ticket = self.env["support.ticket"].with_user(user)
                self.assertEqual(
                    Ticket.search_count(self.domain), len(self.readable_ids(user))
                )

    def test_read_group_counts_agree_per_group(self):
        for user in self.seed_users:
            with self.subTest(user=user.login):
                Ticket = self.env["support.ticket"].with_user(user)
                counted = {
                    group.id: count
                    for group, count in Ticket._read_group(
                        self.domain, ["group_id"], ["__count"]
                    )
                }
                expected = {}
                for ticket in self.tickets.browse(self.readable_ids(user)):
                    expected[ticket.group_id.id] = (
                        expected.get(ticket.group_id.id, 0) + 1
                    )
                self.assertEqual(counted, expected)

    def test_public_read_group_agrees(self):
        # the web client's own entry point, with its __count aggregate
        Ticket = self.env["support.ticket"].with_user(self.resp_b)
        groups = Ticket.read_group(self.domain, ["group_id"], ["group_id"])
        self.assertEqual(
            sum(group["group_id_count"] for group in groups),
            len(self.readable_ids(self.resp_b)),
        )

    def test_seed_counts(self):
        expected = {
            self.supervisor: 7,
            self.teamadmin: 7,
            self.callcenter: 4,  # own + Gruppo A x2 + Gruppo B
            self.resp_a: 3,  # Anna's + Gruppo A x2
            self.tech_a: 3,
            self.resp_b: 2,  # Luca's + Gruppo B
            self.tech_b: 2,
            self.loner: 0,
        }
        for user, count in expected.items():
            with self.subTest(user=user.login):
                Ticket = self.env["support.ticket"].with_user(user)
                self.assertEqual(Ticket.search_count(self.domain), count)

    def test_partner_smart_button_counts_what_it_opens(self):
        # the company, a person of it, and a person's own sub-contact: each
        # count is the number of tickets its button lists
        company = self.env["res.partner"].create(
            {"name": "Rossi Impianti", "is_company": True}
        )
        person = self.env["res.partner"].create(
            {"name": "Paolo Rossi", "parent_id": company.id}
        )
        address = self.env["res.partner"].create(
            {"name": "Cantiere", "parent_id": person.id, "type": "other"}
        )
        self.tickets[0].partner_id = company
        self.tickets[1:3].partner_id = person
        self.tickets[3:5].partner_id = address
        for partner in (company, person, address):
            with self.subTest(partner=partner.name):
                partner = partner.with_user(self.supervisor)
                action = partner.action_view_support_tickets()
                listed = self.env["support.ticket"].with_user(self.supervisor)
                self.assertEqual(
                    partner.support_ticket_count,
                    listed.search_count(action["domain"]),
                )
        self.assertEqual(company.with_user(self.supervisor).support_ticket_count, 5)
        self.assertEqual(person.with_user(self.supervisor).support_ticket_count, 4)
        self.assertEqual(address.with_user(self.supervisor).support_ticket_count, 2)

    def test_partner_smart_button_counts_only_readable_tickets(self):
        customer = self.env["res.partner"].create({"name": "Rossi Impianti"})
        self.tickets.write({"partner_id": customer.id})
        for user in (self.resp_a, self.resp_b, self.supervisor):
            with self.subTest(user=user.login):
                count = customer.with_user(user).support_ticket_count
                self.assertEqual(count, len(self.readable_ids(user)))
