"""Seed 001: "Todas las asistencias que no se cierran manualmente caducan
automáticamente al cabo de 24 horas y pueden verse en el historial de
monitorización". The clock is frozen; creation dates are written in SQL."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tools.safe_eval import safe_eval

from .common import SupportCase, requested_at

NOW = datetime(2030, 3, 11, 12, 0, 0)


class TestExpiry(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket("Connessione remota", group=cls.group_a)

    def created_hours_ago(self, ticket, hours):
        requested_at(ticket, NOW - timedelta(hours=hours))

    def run_cron(self):
        with freeze_time(NOW):
            self.env["support.ticket"]._cron_expire_tickets()
        self.env.invalidate_all()

    def test_open_ticket_expires_after_24_hours(self):
        self.created_hours_ago(self.ticket, 25)
        self.run_cron()
        self.assertEqual(self.ticket.state, "expired")

    def test_younger_ticket_stays_open(self):
        self.created_hours_ago(self.ticket, 23)
        self.run_cron()
        self.assertEqual(self.ticket.state, "new")

    def test_handled_and_waiting_tickets_expire_too(self):
        waiting = self.new_ticket("In attesa del cliente", user=self.resp_a)
        handled = self.new_ticket("In lavorazione", user=self.resp_a)
        waiting.state, handled.state = "waiting", "in_progress"
        self.created_hours_ago(waiting | handled, 30)
        self.run_cron()
        self.assertEqual(set((waiting | handled).mapped("state")), {"expired"})

    def test_closed_ticket_does_not_expire(self):
        self.ticket.state = "closed"
        self.created_hours_ago(self.ticket, 100)
        self.run_cron()
        self.assertEqual(self.ticket.state, "closed")

    def test_expired_ticket_stays_in_the_history(self):
        self.created_hours_ago(self.ticket, 25)
        self.run_cron()
        self.assertTrue(self.ticket.active)
        self.assertEqual(self.ticket.group_id, self.group_a)
        history = self.env.ref("support_team_queue.action_support_ticket_history")
        self.assertIn(
            self.ticket,
            self.env["support.ticket"]
            .with_user(self.resp_a)
            .search(safe_eval(history.domain)),
        )

    def test_expiry_records_the_date(self):
        self.created_hours_ago(self.ticket, 25)
        self.run_cron()
        self.assertEqual(self.ticket.date_closed, NOW)

    def test_team_expiry_delay_is_honoured(self):
        self.team.expire_hours = 2
        self.created_hours_ago(self.ticket, 3)
        self.run_cron()
        self.assertEqual(self.ticket.state, "expired")

    def test_zero_hours_never_expires(self):
        self.team.expire_hours = 0
        self.created_hours_ago(self.ticket, 10000)
        self.run_cron()
        self.assertEqual(self.ticket.state, "new")

    def test_scheduled_action_runs_the_expiry(self):
        cron = self.env.ref("support_team_queue.ir_cron_support_expire_tickets")
        self.assertTrue(cron.active)
        self.created_hours_ago(self.ticket, 25)
        with freeze_time(NOW):
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.ticket.state, "expired")
