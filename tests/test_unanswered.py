"""Seed 002's per-row counter: customer messages since the last reply by
staff, the same for everyone who reads the ticket."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .test_mail_intake import MailIntakeCase


class TestUnansweredCount(MailIntakeCase):
    def _reply_as(self, user, ticket, body="Risposta", note=False):
        ticket.with_user(user).message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note" if note else "mail.mt_comment",
        )

    def test_customer_messages_count_until_staff_replies(self):
        msg_id = self.receive()
        ticket = self.tickets()
        self.assertEqual(ticket.unanswered_count, 1)  # the request itself
        self.receive_reply(msg_id)
        self.assertEqual(ticket.unanswered_count, 2)
        ticket.group_id = self.group_a
        # a note is no answer
        self._reply_as(self.resp_a, ticket, note=True)
        self.assertEqual(ticket.unanswered_count, 2)
        # the same figure for every reader
        for user in (self.resp_a, self.tech_a, self.callcenter):
            self.assertEqual(ticket.with_user(user).unanswered_count, 2)
        # a technician's public reply answers them
        self._reply_as(self.tech_a, ticket)
        self.assertEqual(ticket.unanswered_count, 0)
        self.receive_reply(msg_id)
        self.assertEqual(ticket.unanswered_count, 1)

    def test_a_portal_request_and_reply_count(self):
        customer = new_test_user(
            self.env, login="t_portal_unanswered", groups="base.group_portal"
        )
        customer.partner_id.parent_id = self.rossi
        ticket = self.Ticket.create(
            {
                "name": "Dal portale",
                "team_id": self.team.id,
                "group_id": self.group_a.id,
                "channel": "portal",
                "partner_id": customer.partner_id.id,
            }
        )
        self.assertEqual(ticket.unanswered_count, 1)
        self._reply_as(self.resp_a, ticket)
        self.assertEqual(ticket.unanswered_count, 0)
        # as the portal chatter posts it: for the customer, as superuser
        ticket.sudo().message_post(
            body="Grazie, ma non va ancora",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=customer.partner_id.id,
        )
        self.assertEqual(ticket.unanswered_count, 1)

    def test_nobody_sets_it_by_hand(self):
        ticket = self.new_ticket("A mano", group=self.group_a)
        with self.assertRefused(AccessError, "only through its workflow"):
            ticket.with_user(self.resp_a).write({"unanswered_count": 0})
