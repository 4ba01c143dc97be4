"""The dashboard (Supremo's "Cruscotto"): each group's and team's live queue,
each operator's workload and the history measures, limited to what the user
may read."""

from datetime import datetime, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from .common import SupportCase, SupportHttpCase, ref, requested_at

NOW = datetime(2026, 3, 2, 12, 0, 0)


def reference_figures(user, tickets, owner_field, owner):
    """The figures computed ticket by ticket from what ``user`` may read."""
    readable = tickets.filtered(
        lambda t: (
            t[owner_field] == owner
            and t.is_open
            and t.with_user(user).has_access("read")
        )
    )
    queued = readable.filtered(lambda t: not t.user_id)
    waits = [(NOW - t.create_date).total_seconds() / 3600 for t in queued]
    oldest = min(queued, key=lambda t: (t.create_date, t.id), default=None)
    return {
        "open_ticket_count": len(readable),
        "dashboard_new_count": len(readable.filtered(lambda t: t.state == "new")),
        "dashboard_in_progress_count": len(
            readable.filtered(lambda t: t.state == "in_progress")
        ),
        "dashboard_waiting_count": len(
            readable.filtered(lambda t: t.state == "waiting")
        ),
        "dashboard_queued_count": len(queued),
        "dashboard_oldest_ticket_id": oldest.id if oldest else False,
        "dashboard_oldest_waiting_hours": max(waits, default=0.0),
        "dashboard_average_waiting_hours": sum(waits) / len(waits) if waits else 0.0,
    }


FIGURES = [
    "open_ticket_count",
    "dashboard_new_count",
    "dashboard_in_progress_count",
    "dashboard_waiting_count",
    "dashboard_queued_count",
    "dashboard_oldest_ticket_id",
    "dashboard_oldest_waiting_hours",
    "dashboard_average_waiting_hours",
]


class DashboardScenario:
    @classmethod
    def setup_queue(cls):
        """Gruppo A: two waiting (10 h and 4 h), one in progress, one waiting
        for the customer, one closed; Gruppo B: one waiting (6 h); one not
        routed (2 h) and Anna's own ticket."""
        cls.a_oldest = cls.new_ticket("A, dieci ore", group=cls.group_a)
        cls.a_newer = cls.new_ticket("A, quattro ore", group=cls.group_a)
        cls.a_taken = cls.new_ticket("A, presa", group=cls.group_a)
        cls.a_customer = cls.new_ticket("A, attesa cliente", group=cls.group_a)
        cls.a_closed = cls.new_ticket("A, chiusa", group=cls.group_a)
        cls.b_waiting = cls.new_ticket("B, sei ore", group=cls.group_b)
        cls.unrouted = cls.new_ticket("Non smistata")
        cls.anna_own = cls.new_ticket("Di Anna", user=cls.tech_a)
        cls.tickets = (
            cls.a_oldest
            | cls.a_newer
            | cls.a_taken
            | cls.a_customer
            | cls.a_closed
            | cls.b_waiting
            | cls.unrouted
            | cls.anna_own
        )
        requested_at(cls.tickets, NOW - timedelta(hours=1))
        requested_at(cls.a_oldest, NOW - timedelta(hours=10))
        requested_at(cls.a_newer, NOW - timedelta(hours=4))
        requested_at(cls.b_waiting, NOW - timedelta(hours=6))
        requested_at(cls.unrouted, NOW - timedelta(hours=2))
        with freeze_time(NOW - timedelta(minutes=30)):
            cls.a_taken.with_user(cls.resp_a).action_take()
            cls.a_customer.with_user(cls.resp_a).action_wait()
            cls.a_closed.with_user(cls.resp_a).action_close()


class TestQueueFigures(DashboardScenario, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_queue()

    def figures(self, record, user):
        record = record.with_user(user)
        record.invalidate_recordset()
        return {
            name: (value.id if name == "dashboard_oldest_ticket_id" else value)
            for name, value in ((name, record[name]) for name in FIGURES)
        }

    def assertFigures(self, actual, expected):
        for name, value in expected.items():
            if isinstance(value, float):
                self.assertAlmostEqual(actual[name], value, places=4, msg=name)
            else:
                self.assertEqual(actual[name], value, name)

    def test_gruppo_a_as_the_team_administrator(self):
        with freeze_time(NOW):
            figures = self.figures(self.group_a, self.teamadmin)
        self.assertFigures(
            figures,
            {
                "open_ticket_count": 4,
                "dashboard_new_count": 2,
                "dashboard_in_progress_count": 1,
                "dashboard_waiting_count": 1,
                "dashboard_queued_count": 2,
                "dashboard_oldest_ticket_id": self.a_oldest.id,
                "dashboard_oldest_waiting_hours": 10.0,
                "dashboard_average_waiting_hours": 7.0,
            },
        )

    def test_of_two_requests_at_the_same_time_the_first_is_the_oldest(self):
        first = self.new_ticket("B, prima", group=self.group_b)
        second = self.new_ticket("B, seconda", group=self.group_b)
        requested_at(first | second, NOW - timedelta(hours=8))
        second.with_user(self.resp_b).action_take()
        second.with_user(self.resp_b).action_release()
        self.assertFalse(second.user_id)
        with freeze_time(NOW):
            figures = self.figures(self.group_b, self.teamadmin)
            expected = reference_figures(
                self.teamadmin, self.tickets | first | second, "group_id", self.group_b
            )
        self.assertEqual(figures["dashboard_oldest_ticket_id"], first.id)
        self.assertFigures(figures, expected)

    def test_the_oldest_is_by_request_time_across_states(self):
        # the later ticket, requested earlier, waits in another state: it
        # is the oldest, whatever its id and its state
        first = self.new_ticket("B, prima", group=self.group_b)
        second = self.new_ticket("B, seconda", group=self.group_b)
        requested_at(first, NOW - timedelta(hours=8))
        requested_at(second, NOW - timedelta(hours=9))
        self.env.cr.execute(
            "UPDATE support_ticket SET state = 'waiting' WHERE id = %s", [second.id]
        )
        second.invalidate_recordset(["state"])
        with freeze_time(NOW):
            figures = self.figures(self.group_b, self.teamadmin)
            expected = reference_figures(
                self.teamadmin, self.tickets | first | second, "group_id", self.group_b
            )
        self.assertEqual(figures["dashboard_oldest_ticket_id"], second.id)
        self.assertEqual(figures["dashboard_waiting_count"], 1)
        self.assertFigures(figures, expected)

    def test_team_card_counts_every_open_ticket_and_the_unrouted(self):
        with freeze_time(NOW):
            figures = self.figures(self.team, self.teamadmin)
        self.assertFigures(
            figures,
            {
                # Gruppo A 4, Gruppo B 1, not routed 1, Anna's own 1
                "open_ticket_count": 7,
                "dashboard_queued_count": 4,
                "dashboard_oldest_ticket_id": self.a_oldest.id,
                "dashboard_oldest_waiting_hours": 10.0,
                "dashboard_average_waiting_hours": (10 + 4 + 6 + 2) / 4,
            },
        )
        # waiting for dispatch: no group and no operator (Anna holds hers)
        self.assertEqual(
            self.team.with_user(self.teamadmin).dashboard_unrouted_count, 1
        )

    def test_a_gruppo_b_technician_sees_nothing_of_gruppo_a(self):
        with freeze_time(NOW):
            figures = self.figures(self.group_a, self.tech_b)
        self.assertFigures(
            figures,
            dict.fromkeys(FIGURES, 0) | {"dashboard_oldest_ticket_id": False},
        )

    def test_group_cards_are_the_queues_each_user_reads(self):
        """The "Queues by Group" cards are the groups whose waiting tickets
        the user reads: compared with the ticket rules themselves, through a
        waiting ticket in every group, under each team level and with a
        sharing rule of a group."""
        action = ref(self.env, "action_support_group_dashboard")
        domain = safe_eval(action.domain)
        groups = self.env["support.group"].search([("team_id", "=", self.team.id)])
        waiting = {group: self.new_ticket("Waiting", group=group) for group in groups}
        self.env["support.sharing.rule"].create(
            {
                "team_id": self.team.id,
                "source_group_id": self.group_b.id,
                "target_user_id": self.loner.id,
            }
        )
        for level in ("private", "public_read"):
            self.team.ticket_access = level
            self.env.invalidate_all()
            for user in self.seed_users:
                with self.subTest(level=level, user=user.login):
                    readable = (
                        self.env["support.ticket"]
                        .with_user(user)
                        .search([("id", "in", [t.id for t in waiting.values()])])
                    )
                    expected = {
                        g for g, ticket in waiting.items() if ticket in readable
                    }
                    cards = (
                        self.env["support.group"]
                        .with_user(user)
                        .search(
                            expression.AND([domain, [("team_id", "=", self.team.id)]])
                        )
                    )
                    self.assertEqual(set(cards), expected)
                    self.assertEqual(
                        {g for g in groups.with_user(user) if g.queue_readable},
                        {g.with_user(user) for g in expected},
                    )
        # a Gruppo B technician in a private team: no card of Gruppo A
        self.team.ticket_access = "private"
        cards = self.env["support.group"].with_user(self.tech_b).search(domain)
        self.assertNotIn(self.group_a, cards)
        self.assertIn(self.group_b, cards)

    def test_every_figure_agrees_with_what_each_user_may_read(self):
        owners = [
            ("group_id", self.group_a),
            ("group_id", self.group_b),
            ("group_id", self.group_cc),
            ("team_id", self.team),
        ]
        for user in self.seed_users:
            for field, owner in owners:
                with self.subTest(user=user.login, owner=owner.display_name):
                    with freeze_time(NOW):
                        actual = self.figures(owner, user)
                        expected = reference_figures(user, self.tickets, field, owner)
                    self.assertFigures(actual, expected)

    def test_figures_follow_the_tickets_as_they_move(self):
        admin = self.teamadmin
        self.a_oldest.with_user(self.resp_a).action_take()
        with freeze_time(NOW):
            figures = self.figures(self.group_a, admin)
        self.assertEqual(figures["dashboard_queued_count"], 1)
        self.assertEqual(figures["dashboard_in_progress_count"], 2)
        self.assertEqual(figures["dashboard_oldest_ticket_id"], self.a_newer.id)
        self.assertAlmostEqual(figures["dashboard_average_waiting_hours"], 4.0)

        self.a_oldest.with_user(self.resp_a).action_release()
        self.a_newer.with_user(self.resp_a).action_close()
        with freeze_time(NOW):
            figures = self.figures(self.group_a, admin)
        # released, it waits again, counted from the request
        self.assertEqual(figures["dashboard_queued_count"], 1)
        self.assertEqual(figures["dashboard_oldest_ticket_id"], self.a_oldest.id)
        self.assertAlmostEqual(figures["dashboard_oldest_waiting_hours"], 10.0)
        self.assertEqual(figures["open_ticket_count"], 3)

    def test_workload_counts_each_operators_open_tickets(self):
        # the Workload pivot: open tickets grouped by operator and state
        action = ref(self.env, "action_support_ticket_workload")
        self.assertIn("search_default_filter_open", action.context)
        for user in (self.teamadmin, self.resp_a, self.tech_a, self.tech_b):
            with self.subTest(user=user.login):
                counted = {
                    (operator.id, state): count
                    for operator, state, count in self.env["support.ticket"]
                    .with_user(user)
                    ._read_group(
                        [
                            ("is_open", "=", True),
                            ("id", "in", self.tickets.ids),
                        ],
                        ["user_id", "state"],
                        ["__count"],
                    )
                }
                expected = {}
                for ticket in self.tickets:
                    if ticket.is_open and ticket.with_user(user).has_access("read"):
                        key = (ticket.user_id.id, ticket.state)
                        expected[key] = expected.get(key, 0) + 1
                self.assertEqual(counted, expected)
                self.assertTrue(counted)

    def test_cards_open_their_queue(self):
        group = self.group_a.with_user(self.resp_a)
        action = group.action_support_open_queue()
        self.assertEqual(action["res_model"], "support.ticket")
        found = (
            self.env["support.ticket"]
            .with_user(self.resp_a)
            .search(action["domain"] + [("is_open", "=", True)])
        )
        self.assertEqual(
            found,
            self.tickets.filtered(lambda t: t.group_id == self.group_a and t.is_open),
        )
        action = group.action_support_open_waiting()
        self.assertEqual(action["context"], {"search_default_filter_pending": 1})
        action = self.team.with_user(self.teamadmin).action_support_open_unrouted()
        found = (
            self.env["support.ticket"]
            .with_user(self.teamadmin)
            .search(action["domain"] + [("is_open", "=", True)])
        )
        self.assertEqual(found, self.unrouted)
        self.assertIn("no group and no operator", action["display_name"])


class TestHistoryMeasures(SupportCase):
    def test_hours_to_take_and_to_close_are_stored_and_averaged(self):
        first = self.new_ticket("Prima", group=self.group_a)
        second = self.new_ticket("Seconda", group=self.group_a)
        requested_at(first | second, NOW - timedelta(hours=8))
        with freeze_time(NOW - timedelta(hours=6)):
            first.with_user(self.resp_a).action_take()
        with freeze_time(NOW - timedelta(hours=4)):
            second.with_user(self.resp_a).action_take()
        with freeze_time(NOW):
            (first | second).with_user(self.resp_a).action_close()
        self.assertAlmostEqual(first.hours_to_take, 2.0)
        self.assertAlmostEqual(second.hours_to_take, 4.0)
        self.assertAlmostEqual(first.hours_to_close, 8.0)
        [(group, count, to_take, to_close)] = (
            self.env["support.ticket"]
            .with_user(self.teamadmin)
            ._read_group(
                [("id", "in", (first | second).ids)],
                ["group_id"],
                ["__count", "hours_to_take:avg", "hours_to_close:avg"],
            )
        )
        self.assertEqual((group, count), (self.group_a, 2))
        self.assertAlmostEqual(to_take, 3.0)
        self.assertAlmostEqual(to_close, 8.0)

    def test_an_expired_ticket_is_closed_by_the_expiry(self):
        ticket = self.new_ticket("Scaduta", group=self.group_a)
        self.team.expire_hours = 24
        requested_at(ticket, NOW - timedelta(hours=30))
        with freeze_time(NOW):
            self.env["support.ticket"]._cron_expire_tickets()
        self.assertEqual(ticket.state, "expired")
        self.assertAlmostEqual(ticket.hours_to_close, 30.0)
        self.assertEqual(ticket.hours_to_take, 0.0)


class TestDashboardViews(SupportCase):
    ACTIONS = (
        "action_support_group_dashboard",
        "action_support_team_dashboard",
        "action_support_ticket_dashboard",
        "action_support_ticket_workload",
        "action_support_ticket_history_analysis",
    )

    def action_views(self, action):
        """The (view id, type) pairs the web client asks for on opening
        ``action``."""
        views = [(view.view_id.id, view.view_mode) for view in action.view_ids]
        given = {mode for _id, mode in views}
        for mode in action.view_mode.split(","):
            if mode not in given:
                default = action.view_id if action.view_id.type == mode else None
                views.append((default.id if default else False, mode))
        return views + [(action.search_view_id.id, "search")]

    def test_every_profile_opens_every_dashboard_view(self):
        for user in (self.tech_a, self.callcenter, self.resp_a, self.teamadmin):
            for xmlid in self.ACTIONS:
                with self.subTest(user=user.login, action=xmlid):
                    action = ref(self.env, xmlid)
                    views = self.action_views(action)
                    result = self.env[action.res_model].with_user(user).get_views(views)
                    self.assertEqual(
                        set(result["views"]), {mode for _id, mode in views}
                    )

    def test_open_tickets_graph_keeps_its_split_by_state(self):
        # a group-by of the search would replace the graph's own two levels
        action = ref(self.env, "action_support_ticket_dashboard")
        context = safe_eval(action.context)
        self.assertFalse([key for key in context if "groupby" in key])
        self.assertEqual(action.view_mode.split(",")[0], "graph")
        graph = self.env["support.ticket"].get_views([(False, "graph")])
        arch = etree.fromstring(graph["views"]["graph"]["arch"])
        self.assertEqual(
            [node.get("name") for node in arch.iter("field")], ["group_id", "state"]
        )

    def test_the_role_hierarchy_opens_as_an_organisation_chart(self):
        action = ref(self.env, "action_support_role")
        views = self.action_views(action)
        self.assertIn("hierarchy", {mode for _id, mode in views})
        Role = self.env["support.role"].with_user(self.teamadmin)
        self.assertIn("hierarchy", Role.get_views(views)["views"])
        # the chart's first level: the root role and the roles under it
        nodes = Role.hierarchy_read(
            [("parent_id", "=", False), ("id", "=", self.role_supervisor.id)],
            ["name", "user_count"],
            "parent_id",
            "child_ids",
        )
        self.assertEqual(
            {node["name"] for node in nodes},
            {"Supervisore", "Call Center", "Responsabile A", "Responsabile B"},
        )

    def test_menu_is_there_for_every_profile(self):
        menus = ref(self.env, "menu_support_dashboard").child_id
        self.assertEqual(len(menus), 6)
        for user in (self.tech_a, self.callcenter, self.resp_a, self.teamadmin):
            with self.subTest(user=user.login):
                visible = (
                    self.env["ir.ui.menu"]
                    .with_user(user)
                    .search([("id", "in", menus.ids)])
                )
                self.assertEqual(visible, menus)


class TestDashboardOverRpc(DashboardScenario, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_queue()

    def read_card(self, user, model, record):
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            user.id,
            user.login.ljust(8, "x"),
            model,
            "web_search_read",
            [[("id", "=", record.id)]],
            {
                "specification": {
                    "open_ticket_count": {},
                    "dashboard_queued_count": {},
                    "dashboard_oldest_ticket_id": {"fields": {"display_name": {}}},
                }
            },
        )["records"][0]

    def test_cards_over_rpc_show_each_user_their_share(self):
        card = self.read_card(self.teamadmin, "support.group", self.group_a)
        self.assertEqual(card["open_ticket_count"], 4)
        self.assertEqual(card["dashboard_queued_count"], 2)
        self.assertEqual(card["dashboard_oldest_ticket_id"]["id"], self.a_oldest.id)

        card = self.read_card(self.tech_b, "support.group", self.group_a)
        self.assertEqual(card["open_ticket_count"], 0)
        self.assertFalse(card["dashboard_oldest_ticket_id"])

        # Anna sees Gruppo A's tickets and her own, not Gruppo B's
        card = self.read_card(self.tech_a, "support.team", self.team)
        self.assertEqual(card["open_ticket_count"], 5)
        self.assertEqual(card["dashboard_queued_count"], 2)
