"""A page of tickets is searched, then fetched by id (support.rule.engine's
``_search_fetch_page``, bench/README.md): the same rows, in the same order,
with their columns fetched, as Odoo's own ``search_fetch`` gives, for every
reader, order, offset and limit. The page's activities are then searched
without the readable tickets' sub-query, but only when every ticket asked
for was found readable in the same call, by the same user."""

from odoo import sql_db
from odoo.models import BaseModel

from .common import SupportCase

FIELDS = ["name", "priority", "user_id", "partner_id", "sla_deadline", "activity_ids"]
# total orders: among ties, Odoo's own order is the database's whim
ORDERS = [
    None,
    "name, id",
    "name desc, id",
    "partner_id, id",
    "partner_id desc, id desc",
    "user_id desc, id",
    "sla_deadline, id",
    "priority desc, create_date desc, id desc",
]


class TestPageFetch(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls.env["res.partner"].create({"name": "Zeta Srl"})
        other = cls.env["res.partner"].create({"name": "Alfa Spa"})
        cls.tickets = cls.env["support.ticket"]
        for index, (group, user) in enumerate(
            [
                (cls.group_a, None),
                (cls.group_a, cls.tech_a),
                (cls.group_b, None),
                (cls.group_b, cls.tech_b),
                (None, cls.resp_a),
                (cls.group_a, cls.resp_b),
                (None, None),
            ]
        ):
            ticket = cls.new_ticket(f"Richiesta {7 - index}", user=user, group=group)
            ticket.priority = str(index % 3)
            ticket.partner_id = (customer, other, False)[index % 3]
            cls.tickets |= ticket
        cls.tickets[-2].active = False
        cls.tickets[3].state = "closed"

    def fetches_by_id(self):
        """For each fetch of ticket rows from now on, whether it was by id
        (the page's ids joined to the table): a list that grows."""
        engine = type(self.env["support.ticket"])
        fetch_query = engine._fetch_query
        by_id = []

        def spied(model, query, fields):
            by_id.append("support_ticket__page" in query.from_clause.code)
            return fetch_query(model, query, fields)

        self.patch(engine, "_fetch_query", spied)
        return by_id

    def test_a_page_is_odoos_page(self):
        by_id = self.fetches_by_id()
        domains = [[], [("is_open", "=", True)], [("group_id", "!=", False)]]
        fetched_by_id, readers = set(), set()
        for user in self.seed_users:
            Ticket = self.env["support.ticket"].with_user(user)
            if not Ticket.has_access("read"):
                continue
            readers.add(user)
            for Scoped in (Ticket, Ticket.with_context(active_test=False)):
                for domain in domains:
                    for order in ORDERS:
                        for limit, offset in ((80, 0), (2, 0), (2, 3), (1, 6)):
                            args = (domain, FIELDS, offset, limit, order)
                            with self.subTest(user=user.login, args=args):
                                expected = BaseModel.search_fetch(Scoped, *args)
                                self.env.invalidate_all()
                                by_id.clear()
                                found = Scoped.search_fetch(*args)
                                self.assertEqual(found.ids, expected.ids)
                                # in the order the search finds them
                                searched = Scoped._search(
                                    domain, offset, limit, order or Scoped._order
                                )
                                self.assertEqual(found.ids, list(searched))
                                # the columns came with the page
                                with self.assertQueryCount(0):
                                    [
                                        (row.name, row.priority, row.user_id.id)
                                        for row in found
                                    ]
                                if any(by_id):
                                    fetched_by_id.add(user)
        # the operators got their page by id; the supervisor, whose rules
        # keep every ticket of the company, and the superuser, Odoo's own
        operators = {self.callcenter, self.resp_a, self.tech_a, self.resp_b}
        self.assertLessEqual(operators | {self.teamadmin}, fetched_by_id)
        self.assertIn(self.supervisor, readers - fetched_by_id)
        by_id.clear()
        self.env["support.ticket"].search_fetch([], FIELDS, limit=2)
        self.assertEqual(by_id, [False])

    def test_ties_come_in_the_order_the_search_finds_them(self):
        # the list sorted by a column sends that column alone: among equal
        # priorities, the page keeps the order of its search
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        for order in ("priority desc", "priority", "partner_id", "state"):
            for limit, offset in ((80, 0), (3, 0), (3, 2)):
                with self.subTest(order=order, limit=limit, offset=offset):
                    searched = Ticket._search([], offset, limit, order)
                    found = Ticket.search_fetch([], FIELDS, offset, limit, order)
                    self.assertEqual(found.ids, list(searched))
                    if limit == 80:  # the whole list: the same rows as Odoo's
                        odoos = BaseModel.search_fetch(Ticket, [], FIELDS, 0, 80, order)
                        self.assertEqual(set(found.ids), set(odoos.ids))

    def test_the_values_fetched_are_the_rows(self):
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        found = Ticket.search_fetch([], ["name", "user_id"], limit=3, order="name")
        names = [(row.name, row.user_id.id) for row in found]
        self.env.invalidate_all()
        self.assertEqual(names, [(row.name, row.user_id.id) for row in found.sudo()])
        self.assertEqual(names, sorted(names))

    def test_an_ids_only_search_is_not_fetched_again(self):
        # search() with a limit asks no column: its ids are the search's own,
        # read as Odoo reads them, in as many queries, with no page around
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        engine = type(Ticket)
        aliases = self.fetches_by_id()

        def queries(search):
            before = sql_db.sql_counter
            ids = search(Ticket, [], limit=2).ids
            return sql_db.sql_counter - before, ids

        def odoos(model, domain, limit):
            return BaseModel.search_fetch(model, domain, [], 0, limit, None)

        queries(odoos)  # the rules resolved and cached once
        aliases.clear()
        self.assertEqual(queries(engine.search), queries(odoos))
        self.assertEqual(aliases, [False, False])
        # a column asked for: the page is fetched by id
        aliases.clear()
        Ticket.search_fetch([], ["name"], limit=2)
        self.assertEqual(aliases, [True])


class TestPageActivities(SupportCase):
    """The activities of a page's tickets, read by the page itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls.new_ticket("Gruppo A", group=cls.group_a)
        # tech_a is assigned an activity on a ticket he then may not read:
        # it was Gruppo A's when assigned, then forwarded to Gruppo B
        cls.ticket_b = cls.new_ticket("Gruppo B", group=cls.group_a)
        cls.activity_a, cls.activity_b = (
            ticket.activity_schedule(
                "mail.mail_activity_data_todo",
                summary="Richiamare",
                user_id=cls.tech_a.id,
            )
            for ticket in (cls.ticket_a, cls.ticket_b)
        )
        cls.ticket_b.group_id = cls.group_b
        # in the cache, as created: what is measured below is the search of
        # the page's activities, not their fetch by id
        (cls.activity_a | cls.activity_b).read(["summary", "res_id", "res_model"])

    def sub_queries_of_readable_tickets(self):
        """Counts the readable tickets' sub-queries built (``calls[0]``)."""
        from odoo.addons.support_team_queue.models import ticket_side_tables

        calls = [0]
        readable = ticket_side_tables.readable_tickets_domain

        def spied(*args, **kwargs):
            calls[0] += 1
            return readable(*args, **kwargs)

        self.patch(ticket_side_tables, "readable_tickets_domain", spied)
        return calls

    def in_page_of(self, user, tickets):
        """Opens a page memo in which ``user`` has found ``tickets``; the
        caller closes it."""
        Ticket = self.env["support.ticket"].with_user(user)
        self.env.cr.cache[Ticket._PAGE_MEMO] = {}
        self.addCleanup(self.env.cr.cache.pop, Ticket._PAGE_MEMO, None)
        return Ticket.search_fetch([("id", "in", tickets.ids)], ["name"])

    def test_a_page_reads_its_activities_without_the_sub_query(self):
        calls = self.sub_queries_of_readable_tickets()
        Ticket = self.env["support.ticket"].with_user(self.tech_a)
        result = Ticket.web_search_read(
            [("id", "in", (self.ticket_a | self.ticket_b).ids)],
            {"name": {}, "activity_ids": {"fields": {"summary": {}}}},
            limit=80,
        )
        rows = result["records"]
        self.assertEqual(
            [(row["id"], [a["id"] for a in row["activity_ids"]]) for row in rows],
            [(self.ticket_a.id, self.activity_a.ids)],
        )
        self.assertEqual(calls[0], 0)

    def test_a_ticket_not_found_in_the_page_keeps_the_sub_query(self):
        calls = self.sub_queries_of_readable_tickets()
        found = self.in_page_of(self.tech_a, self.ticket_a | self.ticket_b)
        self.assertEqual(found, self.ticket_a.with_user(self.tech_a))
        Activity = self.env["mail.activity"].with_user(self.tech_a)
        both = (self.ticket_a | self.ticket_b).ids
        for domain, expected in (
            ([("res_model", "=", "support.ticket"), ("res_id", "in", both)], True),
            ([("res_id", "=", self.ticket_b.id)], False),
            ([("res_id", "in", self.ticket_b.ids)], False),
            # an OR, a NOT: the ids no longer bound what is found
            (
                ["|", ("res_id", "in", self.ticket_a.ids), ("user_id", "!=", False)],
                True,
            ),
            (["!", ("res_id", "in", self.ticket_a.ids)], False),
        ):
            with self.subTest(domain=domain):
                calls[0] = 0
                self.assertEqual(
                    Activity.search(domain),
                    self.activity_a if expected else Activity.browse(),
                )
                self.assertEqual(calls[0], 1)
        # the ticket found: no sub-query, the same activity
        calls[0] = 0
        self.assertEqual(
            Activity.search([("res_id", "in", self.ticket_a.ids)]), self.activity_a
        )
        self.assertEqual(calls[0], 0)

    def test_the_followers_of_a_page_are_read_alike(self):
        calls = self.sub_queries_of_readable_tickets()
        self.in_page_of(self.tech_a, self.ticket_a | self.ticket_b)
        Followers = self.env["mail.followers"].with_user(self.tech_a)
        for ticket, found in ((self.ticket_a, True), (self.ticket_b, False)):
            calls[0] = 0
            followers = Followers.search(
                [("res_model", "=", "support.ticket"), ("res_id", "in", ticket.ids)]
            )
            self.assertEqual(bool(followers), found)
            self.assertEqual(calls[0], 0 if found else 1)

    def test_another_company_is_another_page(self):
        # the rules depend on the companies in context: a ticket found
        # readable under one set of companies is not taken as found under
        # another
        calls = self.sub_queries_of_readable_tickets()
        self.in_page_of(self.tech_a, self.ticket_a)
        other = self.env["res.company"].create({"name": "Altra"})
        self.tech_a.company_ids |= other
        Activity = (
            self.env["mail.activity"]
            .with_user(self.tech_a)
            .with_context(allowed_company_ids=[other.id, self.tech_a.company_id.id])
        )
        self.assertEqual(
            Activity.search([("res_id", "in", self.ticket_a.ids)]), self.activity_a
        )
        self.assertEqual(calls[0], 1)

    def test_the_page_memo_ends_with_the_page(self):
        calls = self.sub_queries_of_readable_tickets()
        self.env["support.ticket"].with_user(self.tech_a).web_search_read(
            [], {"name": {}, "activity_ids": {"fields": {}}}, limit=80
        )
        self.assertEqual(calls[0], 0)
        Activity = self.env["mail.activity"].with_user(self.tech_a)
        self.assertEqual(
            Activity.search([("res_id", "in", self.ticket_a.ids)]), self.activity_a
        )
        self.assertEqual(calls[0], 1)

    def test_another_users_page_does_not_count(self):
        calls = self.sub_queries_of_readable_tickets()
        self.in_page_of(self.resp_b, self.ticket_b)
        Activity = self.env["mail.activity"].with_user(self.tech_a)
        self.assertFalse(Activity.search([("res_id", "in", self.ticket_b.ids)]))
        self.assertEqual(calls[0], 1)
        self.assertEqual(
            self.env["mail.activity"]
            .with_user(self.resp_b)
            .search([("res_id", "in", self.ticket_b.ids)]),
            self.activity_b,
        )
        self.assertEqual(calls[0], 1)

    def test_outside_a_page_the_sub_query_stays(self):
        calls = self.sub_queries_of_readable_tickets()
        Activity = self.env["mail.activity"].with_user(self.tech_a)
        self.assertEqual(
            Activity.search([("res_id", "in", self.ticket_a.ids)]), self.activity_a
        )
        self.assertEqual(calls[0], 1)
