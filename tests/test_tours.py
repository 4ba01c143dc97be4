"""The call-center flow of the seed scenario in a real browser: Odoo tours
in headless Chromium (support_team_queue/static/tests/tours/).

The call center opens a contact and opens a ticket from it for Gruppo A;
Tecnico A finds it in the queue and cannot change it; a Gruppo B user does
not find it; the team administrator sees it on the dashboard. The team
administrator runs their team from "My Team" (seed 000): renames a group,
adds an operator and invites one; an operator finds the team read-only.
A Support Administrator adds a member to a group and finds the change in
the group's access log; another previews such a change before saving it,
sees the member gain the group's ticket, and applies it.

Odoo skips browser tests when it finds no Chrome/Chromium; here a missing
browser is a failure, so CI cannot pass without running the tours.
"""

import unittest

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tests.common import _find_executable
from odoo.tools import mute_logger

from .common import SupportHttpCase

# Keep in sync with support_call_center_tours.js.
CONTACT = "Giulia Ferri Tour"
SUBJECT = "Tour: la stampante del magazzino non risponde"
SUBJECT_B = "Tour: fax di Gruppo B fuori uso"
QUEUE_URL = "/odoo/action-support_team_queue.action_support_ticket_queue"
DASHBOARD_URL = "/odoo/action-support_team_queue.action_support_ticket_dashboard"
# Keep in sync with support_team_admin_tours.js.
MY_TEAM_URL = "/odoo/action-support_team_queue.action_support_my_team"
NEWCOMER = "Nuovo Operatore Tour"
INVITED = "Marco Bianchi Tour"
INVITED_EMAIL = "marco.bianchi.tour@example.com"
SHARING_TEAM = "Assistenza Condivisione Tour"
# Keep in sync with support_desk_tours.js.
DESK_TEAM = "Assistenza Tour Banco"
# Keep in sync with support_customer_tours.js.
CUSTOMER_SUBJECT = "Tour: il plotter segnala E42"
CUSTOMER_FILE = "errore-e42.txt"
CUSTOMER_REPLY = "Tour: il plotter si è fermato di nuovo"
# Keep in sync with support_access_log_tours.js.
ACCESS_LOG_AUTHOR = "Amministratore Supporto"
# Keep in sync with support_access_impact_tours.js: the ticket is SUBJECT_B.
NO_BROWSER = (
    "The browser tours need Chromium, and Odoo finds none on PATH "
    "(google-chrome, chromium, chromium-browser, google-chrome-stable). "
    "Debian, as root: apt-get install -y chromium; "
    "or run bash tools/test.sh, which installs it."
)


class TestSupportTours(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create(
            {
                "name": CONTACT,
                "email": "giulia.ferri@example.com",
                "phone": "+39 02 1234",
            }
        )
        # Gruppo B's own work: the Gruppo B user's queue is not empty.
        cls.ticket_b = cls.new_ticket(SUBJECT_B, group=cls.group_b)

    def find_browser(self):
        """The Chrome/Chromium Odoo will start; fail (never skip) without one."""
        try:
            executable = _find_executable()
        except unittest.SkipTest:
            executable = None
        if not executable:
            self.fail(NO_BROWSER)
        return executable

    def start_browser_tour(self, url, tour, user):
        executable = self.find_browser()
        try:
            self.start_tour(url, tour, login=user.login)
        except unittest.SkipTest as skipped:
            # e.g. Chromium started but its devtools never answered
            self.fail(f"The tour {tour} could not run in {executable}: {skipped}")

    def test_chromium_is_found(self):
        self.assertTrue(self.find_browser())

    def test_call_center_ticket_in_the_browser(self):
        Ticket = self.env["support.ticket"]

        # 1. The call center opens the contact, a ticket from it, Gruppo A.
        self.start_browser_tour(
            "/odoo/contacts", "support_team_queue_callcenter_ticket", self.callcenter
        )
        self.env.invalidate_all()
        ticket = Ticket.search([("name", "=", SUBJECT)])
        self.assertEqual(len(ticket), 1, "the call center's tour saved one ticket")
        self.assertEqual(ticket.partner_id, self.contact)
        self.assertEqual(ticket.group_id, self.group_a)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.channel, "phone")
        self.assertEqual(ticket.create_uid, self.callcenter)
        self.assertFalse(ticket.user_id, "routed to the group, not kept")
        self.assertTrue(ticket.number)
        self.assertSees(self.callcenter, ticket)

        # 2. Tecnico A finds it and cannot change it: the form is read-only
        # and a save forced through RPC (from the browser) is refused ...
        with mute_logger("odoo.http", "odoo.models"):
            self.start_browser_tour(
                QUEUE_URL, "support_team_queue_technician_readonly", self.tech_a
            )
        self.env.invalidate_all()
        self.assertEqual(ticket.name, SUBJECT)
        self.assertSees(self.tech_a, ticket)
        # ... and so is one forced from Python.
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            ticket.with_user(self.tech_a).write({"name": "Changed by Tecnico A"})
            ticket.flush_recordset()
        self.env.invalidate_all()
        self.assertEqual(ticket.name, SUBJECT)
        self.assertEqual(ticket.group_id, self.group_a)

        # 3. A Gruppo B user does not find it.
        self.start_browser_tour(
            QUEUE_URL, "support_team_queue_group_b_not_found", self.resp_b
        )
        self.assertNotSees(self.resp_b, ticket)
        self.assertNotSees(self.tech_b, ticket)

        # 4. The team administrator sees it on the dashboard.
        self.start_browser_tour(
            DASHBOARD_URL, "support_team_queue_dashboard", self.teamadmin
        )
        self.assertSees(self.teamadmin, ticket)

    def test_team_administrator_in_the_browser(self):
        newcomer = new_test_user(
            self.env,
            login="t_newcomer",
            name=NEWCOMER,
            groups="support_team_queue.group_support_agent",
        )
        # 1. The team's administrator renames a group, adds an operator,
        # saves, and invites a new operator.
        self.start_browser_tour(
            MY_TEAM_URL, "support_team_queue_team_admin", self.teamadmin
        )
        self.env.invalidate_all()
        self.assertEqual(self.group_b.name, "Gruppo B Sud")
        self.assertIn(newcomer, self.team.operator_ids)
        invited = self.env["res.users"].search([("login", "=", INVITED_EMAIL)])
        self.assertEqual(invited.name, INVITED)
        self.assertEqual(invited.support_team_id, self.team)
        self.assertTrue(invited.has_group("support_team_queue.group_support_agent"))
        self.assertFalse(invited.has_group("support_team_queue.group_support_manager"))

        # 2. An operator of the team (a Manager) finds it read-only.
        self.start_browser_tour(
            MY_TEAM_URL, "support_team_queue_team_operator_readonly", self.resp_a
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.team.with_user(self.resp_a).write(
                {"operator_ids": [Command.unlink(newcomer.id)]}
            )
        self.assertIn(newcomer, self.team.operator_ids)

    def test_the_desk_in_the_browser(self):
        """A request waiting for dispatch shows in the team administrator's
        notification counter; two tickets are taken at once from the list."""
        self.teamadmin.notification_type = "inbox"
        self.team.name = DESK_TEAM
        Ticket = self.env["support.ticket"].with_context(tracking_disable=False)
        waiting = Ticket.create(
            {"name": "Tour dispatch", "team_id": self.team.id, "channel": "email"}
        )
        tickets = Ticket.create(
            [
                {"name": name, "team_id": self.team.id, "group_id": self.group_a.id}
                for name in ("Tour bulk uno", "Tour bulk due")
            ]
        )
        self.start_browser_tour(
            QUEUE_URL, "support_team_queue_desk_bulk_take", self.teamadmin
        )
        self.env.invalidate_all()
        self.assertEqual(tickets.mapped("user_id"), self.teamadmin)
        self.assertEqual(set(tickets.mapped("state")), {"in_progress"})
        # then assigned to Gruppo B together, from the Assign dialog
        self.assertEqual(tickets.mapped("group_id"), self.group_b)

        # The team's card counts the request waiting for dispatch and opens it.
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_team_dashboard",
            "support_team_queue_desk_team_card",
            self.teamadmin,
        )
        self.assertFalse(waiting.group_id or waiting.user_id)
        # The queue's side panel has "No group" beside the groups.
        self.start_browser_tour(
            QUEUE_URL, "support_team_queue_desk_no_group", self.teamadmin
        )

        # The history: requested and closed dates, newest closed first, and
        # the search box finds a word of a message.
        old, recent = Ticket.create(
            [
                {"name": name, "team_id": self.team.id, "group_id": self.group_a.id}
                for name in ("Tour storia vecchia", "Tour storia recente")
            ]
        )
        old.message_post(body="Il cliente scrive parola-nascosta-XQ7")
        with freeze_time("2026-01-10 09:00:00"):
            old.with_user(self.teamadmin).action_close()
        with freeze_time("2026-02-10 09:00:00"):
            recent.with_user(self.teamadmin).action_close()
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_ticket_history",
            "support_team_queue_desk_history",
            self.teamadmin,
        )

    def test_sharing_screen_in_the_browser(self):
        """One Sharing menu: a team's row opens its form, its rules open in
        their own form, and a rule's name reads in the reader's language."""
        self.env["res.lang"]._activate_lang("it_IT")
        self.env["ir.module.module"]._load_module_terms(
            ["support_team_queue"], ["it_IT"], overwrite=True
        )
        shared_with = new_test_user(
            self.env,
            login="t_solitario",
            name="Solitario Tour",
            groups="support_team_queue.group_support_agent",
        )
        self.team.write(
            {"name": SHARING_TEAM, "operator_ids": [Command.link(shared_with.id)]}
        )
        english = (
            self.env["support.sharing.rule"]
            .with_context(lang="en_US")
            .create(
                {
                    "team_id": self.team.id,
                    "source_group_id": self.group_cc.id,
                    "target_group_id": self.group_a.id,
                }
            )
        )
        administrator = new_test_user(
            self.env,
            login="t_support_admin_it",
            name="Amministratore Tour",
            lang="it_IT",
            groups="support_team_queue.group_support_admin",
        )
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_team_sharing",
            "support_team_queue_sharing",
            administrator,
        )
        self.env.invalidate_all()
        added = self.team.sharing_rule_ids - english
        self.assertEqual(len(added), 1)
        self.assertEqual(added.source_group_id, self.group_cc)
        self.assertEqual(added.target_user_id, shared_with)
        self.assertEqual(added.access, "write")
        self.assertEqual(added.create_uid, administrator)

    def test_role_chart_names_the_holders(self):
        self.env["support.role"].create({"name": "Ruolo Vacante Tour"})
        administrator = new_test_user(
            self.env,
            login="t_support_admin_chart",
            groups="support_team_queue.group_support_admin",
        )
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_role?view_type=hierarchy",
            "support_team_queue_role_chart",
            administrator,
        )

    def test_a_users_superiors_in_the_browser(self):
        """The users' form names a user's superiors, and follows a new role."""
        moved_to = self.env["support.role"].create(
            {"name": "Tecnico B Tour", "parent_id": self.role_resp_b.id}
        )
        administrator = new_test_user(
            self.env,
            login="t_support_admin_users",
            groups="base.group_erp_manager,support_team_queue.group_support_admin",
        )
        self.start_browser_tour(
            f"/odoo/action-base.action_res_users/{self.tech_a.id}",
            "support_team_queue_user_superiors",
            administrator,
        )
        self.env.invalidate_all()
        self.assertEqual(self.tech_a.support_role_id, moved_to)
        self.assertEqual(
            self.tech_a.support_superior_user_ids, self.resp_b | self.supervisor
        )

    def test_the_customer_in_the_browser(self):
        """A portal user files a request with a file, closes it with
        "Solved" and reopens it by replying."""
        self.group_a.portal_visible = True
        customer = new_test_user(
            self.env,
            login="t_portal_tour",
            name="Cliente Tour",
            email="cliente.tour@example.com",
            groups="base.group_portal",
        )
        self.start_browser_tour(
            "/my/tickets/new", "support_team_queue_customer_request", customer
        )
        self.env.invalidate_all()
        ticket = self.env["support.ticket"].search([("name", "=", CUSTOMER_SUBJECT)])
        self.assertEqual(len(ticket), 1, "the tour filed one request")
        self.assertEqual(ticket.partner_id, customer.partner_id)
        self.assertEqual(ticket.group_id, self.group_a)
        [file] = ticket.message_ids.attachment_ids
        self.assertEqual((file.name, file.raw), (CUSTOMER_FILE, b"E42 alle 10:02"))
        self.assertTrue(
            ticket.message_ids.filtered(
                lambda m: "Cliente Tour marked the request as solved." in m.body
            )
        )
        self.assertTrue(ticket.message_ids.filtered(lambda m: CUSTOMER_REPLY in m.body))
        # closed by "Solved", reopened by the reply: back in the queue
        self.assertEqual(ticket.state, "new")
        self.assertFalse(ticket.date_closed)

    def test_merging_duplicates_in_the_browser(self):
        """The team administrator merges two duplicates from the queue's
        Action menu."""
        Ticket = self.env["support.ticket"]
        kept, duplicate = (
            Ticket.create(
                {"name": name, "team_id": self.team.id, "group_id": self.group_a.id}
            )
            for name in ("Tour merge originale", "Tour merge doppione")
        )
        note = duplicate.message_post(body="Tour: messaggio del doppione")
        self.start_browser_tour(
            QUEUE_URL, "support_team_queue_desk_merge", self.teamadmin
        )
        self.env.invalidate_all()
        self.assertTrue(kept.active)
        self.assertFalse(duplicate.active)
        self.assertEqual(note.res_id, kept.id)

    def test_access_log_in_the_browser(self):
        """A Support Administrator adds a member to a group and finds the
        change in the group's access log."""
        admin = new_test_user(
            self.env,
            login="t_support_admin",
            name=ACCESS_LOG_AUTHOR,
            groups="support_team_queue.group_support_admin",
        )
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_group",
            "support_team_queue_access_log",
            admin,
        )
        self.env.invalidate_all()
        self.assertIn(self.tech_a, self.group_b.user_ids)
        line = self.env["support.access.log"].search(
            [
                ("model", "=", "support.group"),
                ("res_id", "=", self.group_b.id),
                ("field_name", "=", "user_ids"),
            ]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.author_id, admin)
        self.assertEqual(line.new_value, self.tech_a.name)

    def test_access_change_preview_in_the_browser(self):
        """A Support Administrator adds a member to a group, previews the
        change unsaved, sees the member gain Gruppo B's ticket and applies
        it: the form shows it saved."""
        admin = new_test_user(
            self.env,
            login="t_support_admin_preview",
            name=ACCESS_LOG_AUTHOR,
            groups="support_team_queue.group_support_admin",
        )
        self.assertNotIn(self.tech_a, self.group_b.user_ids)
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_group",
            "support_team_queue_access_impact",
            admin,
        )
        self.env.invalidate_all()
        self.assertIn(self.tech_a, self.group_b.user_ids)
        self.assertIn(self.ticket_b, self.visible(self.tech_a))
        # applied once: a single change in the log
        line = self.env["support.access.log"].search(
            [
                ("model", "=", "support.group"),
                ("res_id", "=", self.group_b.id),
                ("field_name", "=", "user_ids"),
            ]
        )
        self.assertEqual(len(line), 1)
        self.assertEqual(line.author_id, admin)


# Keep in sync with support_sla_tours.js.
SLA_POLICY = "Tour: urgenti in due ore"
SLA_TICKETS = {
    "failed": "Tour SLA scaduto",
    "at_risk": "Tour SLA a rischio",
    "on_track": "Tour SLA in tempo",
}


class TestSlaTours(SupportHttpCase):
    """Response-time targets in the browser: the policy form as the team's
    administrator, the deadline on the queue's row and its filters."""

    find_browser = TestSupportTours.find_browser
    start_browser_tour = TestSupportTours.start_browser_tour

    def test_the_team_administrator_adds_a_target(self):
        self.start_browser_tour(
            MY_TEAM_URL, "support_team_queue_sla_team_admin", self.teamadmin
        )
        policy = self.env["support.sla"].search([("name", "=", SLA_POLICY)])
        self.assertEqual(policy.team_id, self.team)
        self.assertEqual(policy.priority, "3")
        self.assertEqual(policy.response_hours, 2)

    def test_the_deadline_on_the_queues_row(self):
        # around the clock, 10 hours to answer: at risk after 8
        self.env["support.sla"].create(
            {"name": "Dieci ore", "team_id": self.team.id, "response_hours": 10}
        )
        tickets = {
            state: self.new_ticket(name, group=self.group_a)
            for state, name in SLA_TICKETS.items()
        }
        for state, hours in (("failed", 11), ("at_risk", 9), ("on_track", 1)):
            self.env.cr.execute(
                "UPDATE support_ticket SET create_date = now() at time zone 'UTC'"
                " - make_interval(hours => %s) WHERE id = %s",
                [hours, tickets[state].id],
            )
        self.env.invalidate_all()
        # the deadlines follow the policy's change, from the dates above
        self.env["support.sla"].search(
            [("name", "=", "Dieci ore")]
        ).response_hours = 10.5
        self.env.flush_all()
        self.assertEqual(
            {state: ticket.sla_state for state, ticket in tickets.items()},
            {state: state for state in SLA_TICKETS},
        )
        self.start_browser_tour(
            QUEUE_URL, "support_team_queue_sla_queue", self.teamadmin
        )
        # the dashboard: targets met and failed per team, group, operator
        self.start_browser_tour(
            "/odoo/action-support_team_queue.action_support_ticket_sla_analysis",
            "support_team_queue_sla_dashboard",
            self.teamadmin,
        )
