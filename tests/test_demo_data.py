"""The demo database shows the seed scenario to whoever logs in as each user.

These tests run on the test database, which the test command installs with
demo data; they are skipped on a database without it.
"""

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
