"""Response-time targets on working hours (seed 004: "adjust priorities and
response time"; SPEC "Response-time targets"). A team's working hours are a
``resource.calendar`` (holidays included); the expiry and the targets count
them. Every promise is checked on a controlled clock: the Python clock and
the transaction's (which stamps ``create_date``) stand at the same moment.

The week used: Friday 8 March 2030, Monday 11 (a holiday where a test says
so), Tuesday 12; the desk works 9:00-17:00 UTC on weekdays."""

from contextlib import contextmanager
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.modules.migration import load_script
from odoo.tools import SQL, mute_logger
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.support_team_queue.models.support_ticket_posting import (
    readers_checked,
)
from odoo.addons.support_team_queue.models.working_hours import WorkingTime

from .common import SupportCase, new_customer_user, new_organization, with_chatter
from .test_mail_intake import new_message_id, rfc822

FRI = datetime(2030, 3, 8)
MON = datetime(2030, 3, 11)
TUE = datetime(2030, 3, 12)
WED = datetime(2030, 3, 13)


def at(day, hour, minute=0):
    return day.replace(hour=hour, minute=minute)


class SlaCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.desk_hours(cls.env, "UTC")
        cls.team.resource_calendar_id = cls.calendar
        cls.policy = cls.env["support.sla"].create(
            {
                "name": "Every request",
                "team_id": cls.team.id,
                "response_hours": 4,
                "resolution_hours": 16,
            }
        )

    @staticmethod
    def desk_hours(env, tz):
        return env["resource.calendar"].create(
            {
                "name": f"Desk hours ({tz})",
                "tz": tz,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 9,
                            "hour_to": 17,
                            "day_period": "morning",
                        }
                    )
                    for day in range(5)
                ],
            }
        )

    def holiday(self, day):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Festa",
                "calendar_id": self.calendar.id,
                "date_from": day,
                "date_to": at(day, 23, 59),
            }
        )

    @contextmanager
    def clock(self, moment):
        """Python's clock and the transaction's stand at ``moment``; what
        the ORM computes is computed then."""
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield
            self.env.flush_all()
        self.env.invalidate_all()

    def ticket_at(self, moment, **vals):
        with self.clock(moment):
            return self.env["support.ticket"].create(
                {"name": "Richiesta", "team_id": self.team.id, **vals}
            )

    def escalate(self, moment):
        with self.clock(moment):
            self.env["support.ticket"]._cron_sla_escalate()


class TestWorkingHours(SlaCase):
    def test_hours_run_over_the_weekend(self):
        working = WorkingTime(self.calendar, FRI)
        self.assertEqual(working.plan(at(FRI, 16), 4), at(MON, 12))
        self.assertEqual(working.hours_between(at(FRI, 16), at(MON, 12)), 4)

    def test_hours_skip_a_holiday(self):
        self.holiday(MON)
        working = WorkingTime(self.calendar, FRI)
        self.assertEqual(working.plan(at(FRI, 16), 4), at(TUE, 12))

    def test_a_deadline_at_the_end_of_a_day_stays_there(self):
        working = WorkingTime(self.calendar, FRI)
        self.assertEqual(working.plan(at(FRI, 9), 8), at(FRI, 17))

    def test_hours_of_the_calendars_time_zone(self):
        # 9:00-17:00 in Rome is 8:00-16:00 UTC in March
        rome = self.desk_hours(self.env, "Europe/Rome")
        working = WorkingTime(rome, FRI)
        self.assertEqual(working.plan(at(FRI, 15), 4), at(MON, 11))

    def test_no_calendar_is_around_the_clock(self):
        working = WorkingTime(self.env["resource.calendar"], FRI)
        self.assertEqual(working.plan(at(FRI, 16), 4), at(FRI, 20))


class TestExpiryOnWorkingHours(SlaCase):
    """Seed 001's 24 hours: with working hours, a request sent on Friday
    evening is still there on Monday."""

    def expire(self, moment):
        with self.clock(moment):
            self.env["support.ticket"]._cron_expire_tickets()

    def test_a_friday_evening_request_waits_for_monday(self):
        ticket = self.ticket_at(at(FRI, 16), group_id=self.group_a.id)
        self.expire(at(MON, 10))
        self.assertEqual(ticket.state, "new")
        # 24 working hours: Friday 1, Monday 8, Tuesday 8, Wednesday 7
        self.expire(at(WED, 15, 59))
        self.assertEqual(ticket.state, "new")
        self.expire(at(WED, 16))
        self.assertEqual(ticket.state, "expired")

    def test_a_holiday_is_no_working_day(self):
        self.holiday(MON)
        ticket = self.ticket_at(at(FRI, 16), group_id=self.group_a.id)
        self.expire(at(WED, 16))
        self.assertEqual(ticket.state, "new")
        self.expire(at(datetime(2030, 3, 14), 16))
        self.assertEqual(ticket.state, "expired")

    def test_without_working_hours_the_clock_counts(self):
        self.team.resource_calendar_id = False
        ticket = self.ticket_at(at(FRI, 16), group_id=self.group_a.id)
        self.expire(at(datetime(2030, 3, 9), 15, 59))
        self.assertEqual(ticket.state, "new")
        self.expire(at(datetime(2030, 3, 9), 16))
        self.assertEqual(ticket.state, "expired")


class TestDeadlines(SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the gateway and the chatter as they run in production
        cls.env = with_chatter(cls.env)
        organization = new_organization(cls.env, "Officine Verdi")
        cls.customer_user = new_customer_user(
            cls.env,
            "t_sla_customer",
            name="Paola Verdi",
            email="paola@officine-verdi.example.com",
            parent_id=organization.id,
        )
        cls.customer = cls.customer_user.partner_id

    def test_deadlines_across_the_weekend(self):
        ticket = self.ticket_at(at(FRI, 15))
        self.assertEqual(ticket.sla_id, self.policy)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 11))
        # Friday 2, Monday 8, Tuesday 6
        self.assertEqual(ticket.sla_resolution_deadline, at(TUE, 15))
        self.assertEqual(ticket.sla_deadline, at(MON, 11))
        self.assertEqual(ticket.sla_state, "on_track")

    def test_deadlines_across_a_holiday(self):
        self.holiday(MON)
        ticket = self.ticket_at(at(FRI, 15))
        self.assertEqual(ticket.sla_response_deadline, at(TUE, 11))
        self.assertEqual(ticket.sla_resolution_deadline, at(WED, 15))

    def test_the_clock_stops_while_waiting_for_the_customer(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 13))
        with self.clock(at(MON, 10)):
            ticket.with_user(self.resp_a).action_wait()
        # still waiting past the deadline: nothing fails
        self.escalate(at(MON, 14))
        self.assertEqual(ticket.sla_state, "on_track")
        # back the next day: 9 working hours waited (Monday 7, Tuesday 2)
        with self.clock(at(TUE, 11)):
            ticket.with_user(self.resp_a).action_take()
        self.assertEqual(ticket.sla_paused_hours, 9)
        self.assertEqual(ticket.sla_response_deadline, at(TUE, 14))
        # 16 + 9 working hours from Monday 9:00: Thursday 10:00
        self.assertEqual(ticket.sla_resolution_deadline, at(datetime(2030, 3, 14), 10))
        self.assertEqual(ticket.sla_state, "on_track")

    def test_a_wait_begun_before_the_clock_existed_stands_still(self):
        """A database updated to the version with targets: its tickets
        already waiting get the moment their wait began from their chatter
        (the migration), and their deadlines stand still from then."""
        waiting = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 10)):
            waiting.with_user(self.resp_a).action_wait()
        untracked = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 11)):
            untracked.with_context(tracking_disable=True).with_user(
                self.resp_a
            ).action_wait()
        handled = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        tickets = waiting | untracked | handled
        # as the earlier version left them: no start of the wait
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE support_ticket SET sla_waiting_since = NULL WHERE id IN %s",
            [tuple(tickets.ids)],
        )
        self.env.invalidate_all()
        # as Odoo's update runs it
        migration = load_script(
            "support_team_queue/migrations/18.0.1.2.0/post-migration.py",
            "support_team_queue_post_migration",
        )
        with self.clock(at(TUE, 11)):
            migration.migrate(self.env.cr, "18.0.1.1.0")
        self.assertEqual(waiting.sla_waiting_since, at(MON, 10))
        self.assertEqual(untracked.sla_waiting_since, at(MON, 11))
        self.assertFalse(handled.sla_waiting_since)
        # back on Tuesday: the clock stood still from Monday 10:00
        with self.clock(at(TUE, 11)):
            waiting.with_user(self.resp_a).action_take()
        self.assertEqual(waiting.sla_paused_hours, 9)
        self.assertEqual(waiting.sla_response_deadline, at(TUE, 14))
        # run again, it finds nothing to do
        self.assertFalse(self.env["support.ticket"]._sla_start_untimed_waits())

    def test_a_customers_reply_ends_the_wait(self):
        # by e-mail (the gateway) and from the portal: the ticket is handled
        # again, and the clock runs from the reply
        for channel in ("email", "portal"):
            with self.subTest(channel=channel):
                ticket = self.ticket_at(
                    at(MON, 9), user_id=self.resp_a.id, partner_id=self.customer.id
                )
                with self.clock(at(MON, 10)):
                    asked = ticket.with_user(self.resp_a).message_post(
                        body="Ci manda il numero di serie?",
                        message_type="comment",
                        subtype_xmlid="mail.mt_comment",
                    )
                    ticket.with_user(self.resp_a).action_wait()
                self.assertEqual(ticket.state, "waiting")
                # the customer answers the next day: 9 working hours waited
                with self.clock(at(TUE, 11)):
                    self.customer_replies(ticket, asked, channel)
                self.assertEqual(ticket.state, "in_progress")
                self.assertEqual(ticket.user_id, self.resp_a)
                self.assertFalse(ticket.sla_waiting_since)
                self.assertEqual(ticket.sla_paused_hours, 9)
                # 16 + 9 working hours from Monday 9:00: Thursday 10:00
                self.assertEqual(
                    ticket.sla_resolution_deadline, at(datetime(2030, 3, 14), 10)
                )
                # and the clock runs again: at risk on Wednesday
                self.escalate(at(WED, 17))
                self.assertEqual(ticket.sla_state, "at_risk")

    def test_staffs_message_does_not_end_the_wait(self):
        ticket = self.ticket_at(
            at(MON, 9), user_id=self.resp_a.id, partner_id=self.customer.id
        )
        with self.clock(at(MON, 10)):
            ticket.with_user(self.resp_a).action_wait()
        with self.clock(at(MON, 11)):
            ticket.with_user(self.resp_a).message_post(
                body="Sollecito inviato.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.state, "waiting")
        self.assertTrue(ticket.sla_waiting_since)

    def customer_replies(self, ticket, asked, channel):
        if channel == "portal":
            ticket.with_user(self.customer_user).message_post(
                body="Eccolo: SN-4411.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            return
        self.env["mail.thread"].sudo().message_process(
            False,
            rfc822(
                f"{self.customer.name} <{self.customer.email}>",
                "Re: Richiesta",
                "Eccolo: SN-4411.",
                new_message_id(),
                headers=(
                    f"In-Reply-To: {asked.message_id}",
                    f"References: {asked.message_id}",
                ),
            ),
        )

    def test_deadlines_follow_the_priority(self):
        urgent = self.env["support.sla"].create(
            {
                "name": "Urgent",
                "team_id": self.team.id,
                "priority": "3",
                "response_hours": 1,
                "resolution_hours": 4,
            }
        )
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        self.assertEqual(ticket.sla_id, self.policy)
        with self.clock(at(MON, 10)):
            ticket.with_user(self.resp_a).priority = "3"
        # the earliest deadlines: the urgent policy's
        self.assertEqual(ticket.sla_id, urgent)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 10))
        self.assertEqual(ticket.sla_resolution_deadline, at(MON, 13))
        with self.clock(at(MON, 10)):
            ticket.with_user(self.resp_a).priority = "2"
        self.assertEqual(ticket.sla_id, self.policy)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 13))

    def test_deadlines_follow_the_group_and_the_category(self):
        category = self.env["support.ticket.category"].create({"name": "Rete"})
        group_policy = self.env["support.sla"].create(
            {
                "name": "Gruppo A",
                "team_id": self.team.id,
                "group_ids": [Command.set(self.group_a.ids)],
                "response_hours": 2,
            }
        )
        category_policy = self.env["support.sla"].create(
            {
                "name": "Rete",
                "team_id": self.team.id,
                "category_ids": [Command.set(category.ids)],
                "response_hours": 1,
            }
        )
        ticket = self.ticket_at(at(MON, 9), group_id=self.group_b.id)
        self.assertEqual(ticket.sla_id, self.policy)
        with self.clock(at(MON, 9)):
            ticket.group_id = self.group_a
        self.assertEqual(ticket.sla_id, group_policy)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 11))
        self.assertFalse(ticket.sla_resolution_deadline)  # no such target
        with self.clock(at(MON, 9)):
            ticket.category_id = category
        self.assertEqual(ticket.sla_id, category_policy)
        self.assertEqual(ticket.sla_response_deadline, at(MON, 10))

    def test_open_tickets_follow_a_new_policy(self):
        ticket = self.ticket_at(at(MON, 9))
        with self.clock(at(MON, 9)):
            self.policy.response_hours = 2
        self.assertEqual(ticket.sla_response_deadline, at(MON, 11))
        with self.clock(at(MON, 9)):
            self.policy.active = False
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.sla_state)

    def test_a_team_of_no_policy_has_no_deadline(self):
        _company, other = self.other_company_desk()
        ticket = self.ticket_at(at(MON, 9), team_id=other.id)
        self.assertFalse(ticket.sla_id)
        self.assertFalse(ticket.sla_deadline)

    def test_a_policy_sets_a_target_and_keeps_to_its_team(self):
        with self.assertRefused(ValidationError, "sets no target"):
            self.env["support.sla"].create({"name": "Nulla", "team_id": self.team.id})
        _company, other = self.other_company_desk()
        with self.assertRefused(ValidationError, "are not groups of team"):
            self.env["support.sla"].create(
                {
                    "name": "Altrui",
                    "team_id": other.id,
                    "group_ids": [Command.set(self.group_a.ids)],
                    "response_hours": 1,
                }
            )


class TestFirstResponseAndMet(SlaCase):
    def test_a_log_note_is_no_response(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 10)):
            ticket.with_user(self.resp_a).message_post(
                body="Nota interna", subtype_xmlid="mail.mt_note"
            )
        self.assertFalse(ticket.date_first_response)

    def test_the_customers_message_is_no_response(self):
        customer = self.env["res.partner"].create(
            {"name": "Cliente", "email": "cliente@example.com"}
        )
        ticket = self.ticket_at(at(MON, 9), partner_id=customer.id)
        with self.clock(at(MON, 10)):
            ticket.message_post(
                body="Ancora niente?",
                author_id=customer.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertFalse(ticket.date_first_response)

    def test_a_public_reply_by_staff_answers_and_the_close_resolves(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 11)):
            ticket.with_user(self.resp_a).message_post(
                body="Ci guardiamo",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(ticket.date_first_response, at(MON, 11))
        # the response met, the resolution is next
        self.assertEqual(ticket.sla_deadline, ticket.sla_resolution_deadline)
        with self.clock(at(MON, 12)):
            ticket.with_user(self.resp_a).message_post(
                body="Di nuovo", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.date_first_response, at(MON, 11))  # the first
        with self.clock(at(TUE, 10)):
            ticket.with_user(self.resp_a).action_close()
        self.assertEqual(ticket.sla_state, "met")
        self.assertFalse(ticket.sla_deadline)

    def test_a_late_response_fails_even_when_resolved_in_time(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 14)):
            ticket.with_user(self.resp_a).message_post(
                body="Scusate", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            ticket.with_user(self.resp_a).action_close()
        self.assertEqual(ticket.sla_state, "failed")

    def test_an_expired_ticket_failed(self):
        ticket = self.ticket_at(at(MON, 9), group_id=self.group_a.id)
        with self.clock(at(datetime(2030, 3, 14), 10)):
            self.env["support.ticket"]._cron_expire_tickets()
        self.assertEqual(ticket.state, "expired")
        self.assertEqual(ticket.sla_state, "failed")


class TestEscalation(SlaCase, MailCase):
    """At risk: less than a fifth of a target's window left; failed: its
    deadline passed. The scheduled action tells the operator (or the
    group's responsible users) and the dispatchers, those who may read the
    ticket, once each."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        # 5 hours to answer: at risk from 4 hours on
        cls.policy.write({"response_hours": 5, "resolution_hours": 0})
        # a dispatcher who may read the ticket, one who may not
        cls.team.notify_user_ids = cls.supervisor | cls.tech_b
        cls.supervisor.notification_type = "inbox"
        cls.resp_a.notification_type = "inbox"

    def told(self, user, ticket, subject):
        return self.env["mail.notification"].search_count(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", "support.ticket"),
                ("mail_message_id.res_id", "=", ticket.id),
                ("mail_message_id.subject", "ilike", subject),
            ]
        )

    def test_on_track_at_risk_then_failed_told_once_each(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        self.assertEqual(ticket.sla_next_check, at(MON, 13))
        self.escalate(at(MON, 12, 59))
        self.assertEqual(ticket.sla_state, "on_track")
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 0)

        self.escalate(at(MON, 13))
        self.assertEqual(ticket.sla_state, "at_risk")
        self.assertEqual(ticket.sla_next_check, at(MON, 14))
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 1)
        self.assertEqual(self.told(self.supervisor, ticket, "At risk"), 1)
        self.assertEqual(self.told(self.tech_b, ticket, "At risk"), 0)  # no reader
        self.escalate(at(MON, 13, 30))
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 1)

        self.escalate(at(MON, 14))
        self.assertEqual(ticket.sla_state, "failed")
        self.assertFalse(ticket.sla_next_check)
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 1)
        self.assertEqual(self.told(self.supervisor, ticket, "Target failed"), 1)
        self.assertEqual(self.told(self.tech_b, ticket, "Target failed"), 0)
        self.escalate(at(TUE, 9))
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 1)
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 1)
        # in the operator's counter, as any Odoo notification
        self.assertTrue(
            self.env["mail.message"]
            .with_user(self.resp_a)
            .search_count(
                [("needaction", "=", True), ("subject", "ilike", "Target failed")]
            )
        )

    def test_without_an_operator_the_groups_responsible_users_are_told(self):
        self.group_a.notify_user_ids = self.resp_a
        ticket = self.ticket_at(at(MON, 9), group_id=self.group_a.id)
        self.escalate(at(MON, 14))
        self.assertEqual(ticket.sla_state, "failed")
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 1)
        # straight to failed: no at-risk notice afterwards
        self.escalate(at(MON, 15))
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 0)

    def test_a_failure_found_outside_the_scheduled_action_is_told_too(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        # the policy tightened: the ticket fails as it is recomputed
        with self.clock(at(MON, 11)):
            self.policy.response_hours = 1
        self.assertEqual(ticket.sla_state, "failed")
        self.escalate(at(MON, 11, 1))
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 1)
        self.escalate(at(MON, 12))
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 1)
        self.assertFalse(ticket.sla_next_check)

    def test_the_switch_silences_a_user(self):
        self.resp_a.support_notify = False
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        self.escalate(at(MON, 13))
        self.assertEqual(self.told(self.resp_a, ticket, "At risk"), 0)
        self.assertEqual(self.told(self.supervisor, ticket, "At risk"), 1)

    def test_a_response_in_time_stops_the_clock(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        self.escalate(at(MON, 13))
        with self.clock(at(MON, 13, 30)):
            ticket.with_user(self.resp_a).message_post(
                body="Eccoci", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.sla_state, "met")
        self.escalate(at(TUE, 9))
        self.assertEqual(ticket.sla_state, "met")
        self.assertEqual(self.told(self.resp_a, ticket, "Target failed"), 0)

    def test_batches_go_through_every_ticket(self):
        tickets = self.env["support.ticket"]
        for _i in range(5):
            tickets |= self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 14)):
            self.env["support.ticket"]._cron_sla_escalate(batch_size=2)
        self.assertEqual(set(tickets.mapped("sla_state")), {"failed"})

    def test_the_batchs_access_check_vouches_for_its_own_pairs_only(self):
        # the escalation checks its recipients' access once for the batch;
        # its notices take that answer for those (ticket, user) pairs only
        first = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        second = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)

        def notify(ticket, subject):
            ticket.sudo().message_notify(
                subject=subject,
                body="Avviso",
                partner_ids=[self.tech_b.partner_id.id, self.resp_a.partner_id.id],
            )

        with readers_checked(self.env.cr, {(first.id, self.tech_b.id)}):
            notify(first, "Vouched")
            notify(second, "Other ticket")
        notify(first, "Afterwards")
        self.assertEqual(self.told(self.tech_b, first, "Vouched"), 1)
        self.assertEqual(self.told(self.tech_b, second, "Other ticket"), 0)
        self.assertEqual(self.told(self.tech_b, first, "Afterwards"), 0)
        # positive control: a reader is told each time
        self.assertEqual(self.told(self.resp_a, second, "Other ticket"), 1)
        self.assertEqual(self.told(self.resp_a, first, "Afterwards"), 1)

    def test_the_scheduled_action_runs_the_escalation(self):
        cron = self.env.ref("support_team_queue.ir_cron_support_sla_escalate")
        self.assertTrue(cron.active)
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        with self.clock(at(MON, 14)):
            cron.method_direct_trigger()
        self.assertEqual(ticket.sla_state, "failed")


class TestTheDesksOwnFields(SlaCase):
    def test_nobody_writes_the_targets_fields(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.resp_a.id)
        for fname, value in (
            ("sla_state", "met"),
            ("sla_deadline", at(WED, 9)),
            ("sla_response_deadline", at(WED, 9)),
            ("date_first_response", at(MON, 9)),
            ("sla_paused_hours", 100),
            ("sla_id", False),
            ("sla_notified", "failed"),
        ):
            with self.subTest(field=fname):
                with self.assertRefused(
                    AccessError, "change only through its workflow"
                ):
                    ticket.with_user(self.resp_a).write({fname: value})
        with self.assertRefused(AccessError, "change only through its workflow"):
            self.env["support.ticket"].with_user(self.resp_a).create(
                {"name": "Già fatto", "team_id": self.team.id, "sla_state": "met"}
            )


class TestDashboardAndIndex(SlaCase):
    def test_met_and_failed_per_team_group_and_operator(self):
        met = self.ticket_at(
            at(MON, 9), user_id=self.resp_a.id, group_id=self.group_a.id
        )
        failed = self.ticket_at(
            at(MON, 9), user_id=self.resp_a.id, group_id=self.group_a.id
        )
        with self.clock(at(MON, 10)):
            met.with_user(self.resp_a).message_post(
                body="Fatto", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            met.with_user(self.resp_a).action_close()
        self.escalate(at(MON, 14))
        action = self.env.ref("support_team_queue.action_support_ticket_sla_analysis")
        domain = safe_eval(action.domain) + [("id", "in", (met | failed).ids)]
        for groupby in ("team_id", "group_id", "user_id"):
            with self.subTest(groupby=groupby):
                counts = {
                    (owner.id, state): count
                    for owner, state, count in self.env["support.ticket"]
                    .with_user(self.resp_a)
                    ._read_group(domain, [groupby, "sla_state"], ["__count"])
                }
                owner = met[groupby]
                self.assertEqual(
                    counts, {(owner.id, "met"): 1, (owner.id, "failed"): 1}
                )

    def test_the_at_risk_and_failed_filters_read_their_index(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["support_ticket_open_sla_state_index"],
        )
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn("(sla_state)", definition)
        self.assertIn("WHERE (active AND is_open AND", definition)
        # 20,000 tickets, a third open, a few of them at risk or failed
        self.env.cr.execute(
            """
            INSERT INTO support_ticket (number, name, team_id, company_id,
                state, is_open, active, priority, channel, sla_state, create_date,
                write_date)
            SELECT 'SLA' || g, 'Bulk', %(team)s, %(company)s,
                CASE WHEN g %% 3 = 0 THEN 'new' ELSE 'closed' END, g %% 3 = 0,
                true, '1', 'backend',
                CASE WHEN g %% 300 = 0 THEN 'at_risk' WHEN g %% 301 = 0 THEN 'failed'
                     WHEN g %% 3 = 0 THEN 'on_track' ELSE 'met' END,
                now(), now()
              FROM generate_series(1, 20000) g
            """,
            {"team": self.team.id, "company": self.team.company_id.id},
        )
        self.env.cr.execute("ANALYZE support_ticket")
        for state in ("at_risk", "failed"):
            with self.subTest(state=state):
                query = self.env["support.ticket"]._search(
                    [("is_open", "=", True), ("sla_state", "=", state)]
                )
                self.env.cr.execute(SQL("EXPLAIN %s", query.select()))
                plan = "\n".join(row[0] for row in self.env.cr.fetchall())
                self.assertIn("support_ticket_open_sla_state_index", plan)


class TestWhoSeesTheTargets(SlaCase):
    """A policy names no ticket; a ticket's targets are read with the
    ticket, by its readers only."""

    @mute_logger("odoo.models")
    def test_a_ticket_one_may_not_read_shows_no_target(self):
        ticket = self.ticket_at(at(MON, 9), user_id=self.tech_b.id)
        self.escalate(at(MON, 14))
        self.assertNotSees(self.resp_a, ticket)
        Ticket = self.env["support.ticket"].with_user(self.resp_a)
        self.assertFalse(
            Ticket.search([("sla_state", "=", "failed"), ("id", "=", ticket.id)])
        )
        self.assertFalse(
            Ticket.search_count(
                [("sla_id", "=", self.policy.id), ("id", "=", ticket.id)]
            )
        )
        with self.assertRaises(AccessError):
            ticket.with_user(self.resp_a).read(["sla_state", "sla_deadline"])
        # the reader sees it
        self.assertEqual(ticket.with_user(self.resp_b).sla_state, "failed")
