"""The demo database shows the seed scenario to whoever logs in as each user.

These tests run on the test database, which the test command installs with
demo data; they are skipped on another database without it, and fail
there (STQ_TEST_DB) if it is missing.
"""

import os

from odoo import fields
from odoo.tests import loaded_demo_data

from .common import MODULE, SupportCase


class TestDemoScenario(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = loaded_demo_data(cls.env) and cls.env.ref(
            f"{MODULE}.user_supervisor", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.demo:
            # tools/test.sh always installs the demo: there, never a skip
            if os.environ.get("STQ_TEST_DB") == self.env.cr.dbname:
                self.fail(f"no demo data in {self.env.cr.dbname}")
            self.skipTest("demo data not installed")

    def demo_user(self, login):
        return self.env.ref(f"{MODULE}.user_{login}")

    def demo_ticket_names(self, login):
        demo_tickets = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "support.ticket")]
        )
        ticket_ids = demo_tickets.mapped("res_id")
        Ticket = self.env["support.ticket"].with_user(self.demo_user(login))
        return set(Ticket.search([("id", "in", ticket_ids)]).mapped("name"))

    def test_demo_logins_use_their_login_as_password(self):
        for login in (
            "supervisor",
            "callcenter",
            "resp_a",
            "tech_a",
            "resp_b",
            "tech_b",
            "teamadmin",
            "customer",
        ):
            with self.subTest(login=login):
                user = self.demo_user(login)
                info = user.with_user(user)._check_credentials(
                    {"type": "password", "login": login, "password": login},
                    {"interactive": True},
                )
                self.assertEqual(info["uid"], user.id)

    def test_supervisor_sees_every_demo_ticket(self):
        every = set(
            self.env["support.ticket"]
            .browse(
                self.env["ir.model.data"]
                .search([("module", "=", MODULE), ("model", "=", "support.ticket")])
                .mapped("res_id")
            )
            .mapped("name")
        )
        self.assertEqual(self.demo_ticket_names("supervisor"), every)

    def test_tech_b_ticket_is_seen_by_resp_b_not_resp_a(self):
        ticket = self.env.ref(f"{MODULE}.ticket_tech_b_printer")
        self.assertIn(ticket.name, self.demo_ticket_names("resp_b"))
        self.assertNotIn(ticket.name, self.demo_ticket_names("resp_a"))
        self.assertNotIn(ticket.name, self.demo_ticket_names("callcenter"))

    def test_gruppo_a_ticket_is_seen_by_group_a_and_call_center_only(self):
        ticket = self.env.ref(f"{MODULE}.ticket_group_a_via_tal_dei_tali")
        for login in ("resp_a", "tech_a", "callcenter"):
            self.assertIn(ticket.name, self.demo_ticket_names(login), login)
        for login in ("resp_b", "tech_b"):
            self.assertNotIn(ticket.name, self.demo_ticket_names(login), login)

    def test_the_demo_customer_reads_her_organizations_tickets_only(self):
        customer = self.demo_user("customer")
        self.assertTrue(customer.share)
        names = self.demo_ticket_names("customer")
        for xmlid in ("ticket_group_a_via_tal_dei_tali", "ticket_tech_a_firmware"):
            self.assertIn(self.env.ref(f"{MODULE}.{xmlid}").name, names)
        self.assertNotIn(self.env.ref(f"{MODULE}.ticket_group_b_login").name, names)

    def test_demo_roles_grant_the_seed_profiles(self):
        expectations = {
            "tech_a": "group_support_readonly",
            "callcenter": "group_support_agent",
            "resp_a": "group_support_manager",
            "supervisor": "group_support_supervisor",
        }
        for login, group in expectations.items():
            with self.subTest(login=login):
                self.assertTrue(self.demo_user(login).has_group(f"{MODULE}.{group}"))
        self.assertFalse(
            self.demo_user("tech_a").has_group(f"{MODULE}.group_support_agent")
        )

    def test_demo_dashboard_has_a_queue_that_waits(self):
        """The demo tickets carry their own ages, so the dashboard shows a
        real queue: the team administrator's oldest waiting ticket is the
        new-system request (asked 9 h before the demo was installed);
        Gruppo A's is the call from Via tal Dei tali (5 h), which Anna
        (Tecnico A) sees too."""
        now = fields.Datetime.now()

        def hours_waited(ticket):
            return (now - ticket.create_date).total_seconds() / 3600

        def age_at_install(ticket):
            # date_last_activity defaults to the moment the demo was loaded
            delta = ticket.date_last_activity - ticket.create_date
            return delta.total_seconds() / 3600

        oldest = self.env.ref(f"{MODULE}.ticket_unassigned_new_system")
        self.assertAlmostEqual(age_at_install(oldest), 9, delta=0.1)
        team = self.env.ref(f"{MODULE}.team_assistenza_clienti")
        team = team.with_user(self.demo_user("teamadmin"))
        self.assertEqual(team.dashboard_oldest_ticket_id, oldest)
        self.assertAlmostEqual(
            team.dashboard_oldest_waiting_hours, hours_waited(oldest), delta=0.01
        )
        call = self.env.ref(f"{MODULE}.ticket_group_a_via_tal_dei_tali")
        self.assertAlmostEqual(age_at_install(call), 5, delta=0.1)
        group_a = self.env.ref(f"{MODULE}.group_gruppo_a")
        for login in ("teamadmin", "tech_a"):
            with self.subTest(login=login):
                card = group_a.with_user(self.demo_user(login))
                self.assertEqual(card.dashboard_oldest_ticket_id, call)
                # the only ticket of Gruppo A that nobody holds
                self.assertEqual(card.dashboard_queued_count, 1)
                self.assertAlmostEqual(
                    card.dashboard_average_waiting_hours,
                    hours_waited(call),
                    delta=0.01,
                )

    def test_demo_history_measures_are_consistent(self):
        demo_tickets = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "support.ticket")]
        )
        tickets = self.env["support.ticket"].browse(demo_tickets.mapped("res_id"))
        for ticket in tickets:
            with self.subTest(ticket=ticket.name):
                if ticket.date_taken:
                    self.assertLessEqual(ticket.create_date, ticket.date_taken)
                if ticket.date_closed:
                    self.assertLessEqual(ticket.create_date, ticket.date_closed)
        toner = self.env.ref(f"{MODULE}.ticket_group_a_closed_toner")
        self.assertAlmostEqual(toner.hours_to_take, 2, delta=0.1)
        self.assertAlmostEqual(toner.hours_to_close, 26, delta=0.1)
