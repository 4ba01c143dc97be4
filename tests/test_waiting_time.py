"""The queue's "waiting time" (Supremo: time elapsed since the request was
sent): it runs while nobody handles the ticket and stops when someone does."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from .common import SupportCase, requested_at

REQUESTED = datetime(2026, 3, 2, 9, 0, 0)


class TestWaitingTime(SupportCase):
    def test_waiting_time_runs_while_nobody_handles_it(self):
        ticket = self.new_ticket("In attesa", group=self.group_a)
        requested_at(ticket, REQUESTED)
        with freeze_time(REQUESTED + timedelta(hours=3, minutes=30)):
            ticket.invalidate_recordset(["waiting_hours"])
            self.assertAlmostEqual(ticket.waiting_hours, 3.5)

    def test_waiting_time_stops_when_an_operator_takes_it(self):
        ticket = self.new_ticket("Presa in carico", group=self.group_a)
        requested_at(ticket, REQUESTED)
        with freeze_time(REQUESTED + timedelta(hours=2)):
            ticket.with_user(self.resp_a).action_take()
        with freeze_time(REQUESTED + timedelta(hours=10)):
            ticket.invalidate_recordset(["waiting_hours"])
            self.assertAlmostEqual(ticket.waiting_hours, 2.0)

    def test_waiting_time_of_a_ticket_closed_untaken_ends_at_closing(self):
        ticket = self.new_ticket("Chiuso subito", group=self.group_a)
        requested_at(ticket, REQUESTED)
        with freeze_time(REQUESTED + timedelta(hours=1)):
            ticket.with_user(self.resp_a).action_close()
        with freeze_time(REQUESTED + timedelta(hours=10)):
            ticket.invalidate_recordset(["waiting_hours"])
            self.assertAlmostEqual(ticket.waiting_hours, 1.0)

    def test_a_released_ticket_waits_again_from_the_request(self):
        ticket = self.new_ticket("Rilasciata", group=self.group_a)
        requested_at(ticket, REQUESTED)
        with freeze_time(REQUESTED + timedelta(hours=1)):
            ticket.with_user(self.resp_a).action_take()
        with freeze_time(REQUESTED + timedelta(hours=2)):
            ticket.with_user(self.resp_a).action_release()
        with freeze_time(REQUESTED + timedelta(hours=5)):
            ticket.invalidate_recordset(["waiting_hours"])
            self.assertAlmostEqual(ticket.waiting_hours, 5.0)
            # the first take still counts for the history
            self.assertAlmostEqual(ticket.hours_to_take, 1.0)
