"""The queue's filters (Supremo's "In sospeso", "Assegnati ad operatori",
GetCourse's "Mine" / "Others"; spec: Pending, Mine, Assigned to operators,
Others, Closed, Expired): each filter's domain, taken from the search view as
the web client gets it, finds exactly the tickets the filter's words
promise, among those the user may read."""

from lxml import etree

from odoo.tools.safe_eval import safe_eval

from odoo.addons.support_team_queue.models.support_ticket import OPEN_STATES

from .common import SupportCase, ref

PROMISES = {
    "filter_pending": lambda t, user: not t.user_id and t.state in OPEN_STATES,
    "filter_unrouted": lambda t, user: (
        not t.group_id and not t.user_id and t.state in OPEN_STATES
    ),
    "filter_mine": lambda t, user: t.user_id == user,
    "filter_assigned_operators": lambda t, user: (
        bool(t.user_id) and t.state in OPEN_STATES
    ),
    "filter_others": lambda t, user: bool(t.user_id) and t.user_id != user,
    "filter_open": lambda t, user: t.state in OPEN_STATES,
    "filter_closed": lambda t, user: t.state == "closed",
    "filter_expired": lambda t, user: t.state == "expired",
}


class TestQueueFilters(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waiting = cls.new_ticket("In coda", group=cls.group_a)
        cls.marcos = cls.new_ticket("Di Marco", user=cls.resp_a, group=cls.group_a)
        cls.annas = cls.new_ticket("Di Anna", user=cls.tech_a)
        cls.unrouted = cls.new_ticket("Da smistare")
        cls.closed = cls.new_ticket("Chiuso", user=cls.resp_a, group=cls.group_a)
        cls.closed.state = "closed"
        cls.expired = cls.new_ticket("Scaduto", group=cls.group_a)
        cls.expired.state = "expired"
        cls.tickets = (
            cls.waiting
            | cls.marcos
            | cls.annas
            | cls.unrouted
            | cls.closed
            | cls.expired
        )

    def filters(self, user):
        """{filter name: domain} of the queue's search view, as ``user``
        gets it (filters reserved to a group are left out for others)."""
        view = ref(self.env, "view_support_ticket_search")
        arch = (
            self.env["support.ticket"]
            .with_user(user)
            .get_views([(view.id, "search")])["views"]["search"]["arch"]
        )
        return {
            node.get("name"): safe_eval(node.get("domain"), {"uid": user.id})
            for node in etree.fromstring(arch).iter("filter")
            if node.get("name") in PROMISES
        }

    def test_each_filter_finds_what_it_promises(self):
        dispatchers_only = {"filter_assigned_operators"}
        for user, offered in (
            (self.resp_a, set(PROMISES)),
            (self.teamadmin, set(PROMISES)),
            (self.tech_a, set(PROMISES) - dispatchers_only),
        ):
            filters = self.filters(user)
            self.assertEqual(set(filters), offered, user.login)
            for name in offered:
                promise = PROMISES[name]
                with self.subTest(user=user.login, filter=name):
                    Ticket = self.env["support.ticket"].with_user(user)
                    found = Ticket.search(
                        filters[name] + [("id", "in", self.tickets.ids)]
                    )
                    readable = self.tickets.filtered(
                        lambda t, user=user: t.with_user(user).has_access("read")
                    )
                    expected = readable.filtered(
                        lambda t, user=user, promise=promise: promise(t, user)
                    )
                    self.assertEqual(found, expected.with_user(user))

    def test_assigned_to_operators_is_the_dispatchers(self):
        # seed 002: "Assegnati ad operatori" is the administrator's view
        self.assertIn("filter_assigned_operators", self.filters(self.teamadmin))
        self.assertNotIn("filter_assigned_operators", self.filters(self.tech_a))

    def test_every_promised_filter_is_in_the_view(self):
        self.assertLessEqual(set(PROMISES), set(self.filters(self.teamadmin)))
