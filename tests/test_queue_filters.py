"""The queue's filters (Supremo's "In sospeso", "Assegnati ad operatori",
GetCourse's "Mine" / "Others"; spec: Pending, Mine, Assigned to operators,
Others, Closed, Expired): each filter's domain, taken from the search view as
the web client gets it, finds exactly the tickets the filter's words
promise, among those the user may read."""

from collections import Counter

from lxml import etree

from odoo.models import BaseModel
from odoo.tools.safe_eval import safe_eval

from odoo.addons.support_team_queue.models.support_ticket_search_panel import NO_VALUE

from .common import SupportCase, ref

PROMISES = {
    "filter_pending": lambda t, user: not t.user_id and t.is_open,
    "filter_unrouted": lambda t, user: not t.group_id and not t.user_id and t.is_open,
    "filter_mine": lambda t, user: t.user_id == user,
    "filter_assigned_operators": lambda t, user: bool(t.user_id) and t.is_open,
    "filter_others": lambda t, user: bool(t.user_id) and t.user_id != user,
    "filter_open": lambda t, user: t.is_open,
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

    def test_open_means_new_in_progress_or_waiting(self):
        # the spec's queue: new, in progress, waiting for the customer; the
        # history: closed and expired. Every filter, action and figure asks
        # is_open, the one place that names them.
        queue = {"new", "in_progress", "waiting"}
        ticket = self.waiting
        for state, _label in ticket._fields["state"].selection:
            with self.subTest(state=state):
                ticket.state = state
                self.assertEqual(ticket.is_open, state in queue)
                self.assertEqual(
                    self.env["support.ticket"].search(
                        [("id", "=", ticket.id), ("is_open", "=", True)]
                    ),
                    ticket if state in queue else ticket.browse(),
                )
        # and through the workflow, as the operator does it
        ticket.state = "new"
        ticket = ticket.with_user(self.resp_a)
        ticket.action_take()
        self.assertTrue(ticket.is_open)
        ticket.action_close()
        self.assertFalse(ticket.is_open)
        ticket.action_reopen()
        self.assertTrue(ticket.is_open)


class TestQueueSidePanel(SupportCase):
    """The queue's side panel: a "No group" entry beside the groups, so that
    its counts add up to the tickets the user may read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.new_ticket("In coda A", group=cls.group_a)
        cls.new_ticket("In coda B", group=cls.group_b)
        cls.new_ticket("Di Anna", user=cls.tech_a)
        cls.new_ticket("Da smistare")

    def panel(self, user, **kwargs):
        Ticket = self.env["support.ticket"].with_user(user)
        return Ticket.search_panel_select_range(
            "group_id", enable_counters=True, **kwargs
        )["values"]

    def test_the_counts_add_up_for_every_reader(self):
        Ticket = self.env["support.ticket"]
        for user in (self.teamadmin, self.supervisor, self.resp_a, self.tech_a):
            with self.subTest(user=user.login):
                values = self.panel(user)
                groups = [value for value in values if value["id"] != NO_VALUE]
                no_group = [value for value in values if value["id"] == NO_VALUE]
                readable = Ticket.with_user(user).search([])
                self.assertEqual(
                    sum(
                        value["__count"]
                        for value in groups
                        if not value.get("parent_id")
                    )
                    + sum(value["__count"] for value in no_group),
                    len(readable),
                )
                # the entry shows only when the user reads such a ticket
                ungrouped = len(readable.filtered(lambda t: not t.group_id))
                self.assertEqual(
                    [value["__count"] for value in no_group],
                    [ungrouped] if ungrouped else [],
                )

    def test_counts_by_column_are_odoos_taken_branch_by_branch(self):
        # A count by group or state (the side panel, a grouped list) is
        # taken branch by branch of the reader's rules, as the queue's count
        # (support.rule.engine): the same groups, order and counts as Odoo's
        # own _read_group gives.
        closed = self.new_ticket("Chiuso A", group=self.group_a, user=self.resp_a)
        closed.state = "closed"
        self.new_ticket("Di Marco B", group=self.group_b, user=self.resp_a)
        self.new_ticket("Di Bea", group=self.group_b, user=self.tech_b).active = False
        self.group_b.active = False  # an archived group still counts
        domains = [
            [],
            [("is_open", "=", True)],
            [("state", "in", ("new", "closed"))],
            [("group_id", "=", self.group_a.id)],
            [("user_id", "=", False)],
        ]
        groupings = [
            (["group_id"], None),
            (["state"], None),
            (["state"], "state desc"),
            (["state"], "__count desc, state"),
            (["group_id", "state"], "group_id desc, state"),
            (["user_id"], None),
            (["user_id"], "user_id desc nulls first"),
        ]
        # which of _read_group's calls were counted branch by branch
        taken, taken_apart = [], set()
        engine = type(self.env["support.ticket"])
        by_branch = engine._read_group_by_branch

        def spied(model, *args):
            result = by_branch(model, *args)
            taken.append(result is not None)
            return result

        self.patch(engine, "_read_group_by_branch", spied)
        for user in self.seed_users:
            Ticket = self.env["support.ticket"].with_user(user)
            if not Ticket.has_access("read"):
                continue
            for Scoped in (Ticket, Ticket.with_context(active_test=False)):
                for domain in domains:
                    for groupby, order in groupings:
                        for limit, offset in ((None, 0), (1, 0), (2, 1)):
                            args = (domain, groupby, ["__count"])
                            kwargs = {"order": order, "limit": limit, "offset": offset}
                            taken.clear()
                            with self.subTest(user=user.login, args=args, **kwargs):
                                self.assertEqual(
                                    Scoped._read_group(*args, **kwargs),
                                    BaseModel._read_group(Scoped, *args, **kwargs),
                                )
                            if any(taken):
                                taken_apart.add(user)
        # the operators' counts were taken branch by branch
        operators = {self.resp_a, self.tech_a, self.resp_b, self.callcenter}
        self.assertLessEqual(operators, taken_apart)

    def test_the_state_entries_count_the_tickets_found(self):
        labels = dict(self.env["support.ticket"]._fields["state"].selection)
        for user in (self.resp_a, self.tech_a, self.teamadmin):
            Ticket = self.env["support.ticket"].with_user(user)
            values = Ticket.search_panel_select_multi_range(
                "state", enable_counters=True, search_domain=[("is_open", "=", True)]
            )["values"]
            # every state, as Odoo's group_expand shows them, with as many
            # tickets as the user's search finds (not a count of rows)
            found = Counter(Ticket.search([("is_open", "=", True)]).mapped("state"))
            self.assertEqual(
                {
                    value["id"]: (value["display_name"], value["__count"])
                    for value in values
                },
                {state: (label, found[state]) for state, label in labels.items()},
            )

    def test_the_search_checks_come_before_the_rule_engine(self):
        # the rule engine answers some searches and groupings itself,
        # without calling the models after it: the field access checks of
        # the search access mixin come first
        names = [
            getattr(cls, "_name", None)
            for cls in type(self.env["support.ticket"]).__mro__
        ]
        self.assertLess(
            names.index("support.search.access.mixin"),
            names.index("support.rule.engine"),
        )

    def test_the_entry_selects_the_tickets_of_no_group(self):
        # the web client sends what the entry selects as the field's absence
        values = self.panel(
            self.teamadmin, filter_domain=[("state", "in", ("new", "in_progress"))]
        )
        no_group = next(value for value in values if value["id"] == NO_VALUE)
        self.assertEqual(no_group["display_name"], "No group")
        self.assertEqual(
            no_group["__count"],
            self.env["support.ticket"]
            .with_user(self.teamadmin)
            .search_count(
                [("group_id", "=", False), ("state", "in", ("new", "in_progress"))]
            ),
        )
        # another field's panel is Odoo's own
        states = self.env["support.ticket"].search_panel_select_range("state")
        self.assertNotIn(NO_VALUE, [value["id"] for value in states["values"]])
