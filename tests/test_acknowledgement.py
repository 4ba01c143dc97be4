"""The customer's side (issue 15): a request that arrives by e-mail or from
the portal is acknowledged to its requester, with its number and its portal
link, by the team's editable template, in the requester's language; never a
ticket opened in the backend, never an address of the desk itself."""

from odoo.exceptions import AccessError

from odoo.addons.mail.tests.common import MailCase

from .common import ref
from .test_hostile_mail import message_id, plain_headers, raw_mail
from .test_mail_intake import ALIAS_DOMAIN, MailIntakeCase

SUBJECT = "We received your request"


class TestAcknowledgementByEmail(MailIntakeCase, MailCase):
    def ticket_messages(self, ticket):
        """Every message stored on the ticket: the acknowledgement is the
        requester's (``message_notify``), outside the chatter."""
        return self.env["mail.message"].search(
            [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )

    def acknowledgements(self, ticket):
        return self.ticket_messages(ticket).filtered(
            lambda m: SUBJECT in (m.subject or "")
        )

    def test_a_new_email_is_acknowledged_with_number_and_portal_link(self):
        with self.mock_mail_gateway():
            ticket, _msg_id = self.receive_new_ticket()
        [mail] = self._new_mails.filtered(lambda m: SUBJECT in m.subject)
        self.assertEqual(mail.recipient_ids, ticket.partner_id)
        self.assertIn(ticket.number, mail.subject)
        self.assertIn(ticket.number, mail.body_html)
        # the link opens the ticket for the requester, who has no account
        self.assertTrue(ticket.sudo().access_token)
        self.assertIn(
            f"/my/tickets/{ticket.id}?access_token={ticket.sudo().access_token}",
            mail.body_html,
        )
        # the requester's out-of-office must not answer it (RFC 3834)
        self.assertIn("'Auto-Submitted': 'auto-replied'", mail.headers)

    def test_the_acknowledgement_is_noted_in_the_chatter_after_the_email(self):
        # The acknowledgement itself is the requester's message, out of the
        # chatter: its link holds the ticket's token (security review,
        # finding C); the chatter notes it was sent.
        ticket, msg_id = self.receive_new_ticket()
        [ack] = self.acknowledgements(ticket)
        request = ticket.message_ids.filtered(lambda m: m.message_id == msg_id)
        self.assertGreater(ack.id, request.id, "told after the request arrived")
        self.assertEqual(ack.message_type, "user_notification")
        self.assertNotIn(ack, ticket.message_ids)
        self.assertEqual(ack.author_id, self.env.ref("base.partner_root"))
        [note] = ticket.message_ids.filtered(
            lambda m: "Acknowledgement of the request sent to" in m.body
        )
        self.assertGreater(note.id, request.id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.env.ref("base.partner_root"))
        # from the desk: nothing the customer waits an answer to, and it
        # answers nothing either
        self.assertEqual(ticket.unanswered_count, 1)
        self.assertEqual(ticket.state, "new")

    def test_a_reply_is_not_acknowledged_again(self):
        ticket, msg_id = self.receive_new_ticket()
        self.receive_reply(msg_id)
        self.assertEqual(len(self.acknowledgements(ticket)), 1)

    def test_in_the_requesters_language(self):
        self.env["res.lang"]._activate_lang("it_IT")
        template = ref(self.env, "mail_template_ticket_acknowledge")
        template.with_context(
            lang="it_IT"
        ).subject = "[{{ object.number }}] Abbiamo ricevuto la sua richiesta"
        self.env["res.partner"].create(
            {
                "name": "Mario Bianchi",
                "email": "mario.bianchi@rossi-impianti.it",
                "lang": "it_IT",
            }
        )
        ticket, _msg_id = self.receive_new_ticket()
        subjects = self.ticket_messages(ticket).mapped("subject")
        self.assertIn(f"[{ticket.number}] Abbiamo ricevuto la sua richiesta", subjects)

    def test_a_team_may_switch_it_off(self):
        self.team.acknowledge = False
        ticket, _msg_id = self.receive_new_ticket()
        self.assertFalse(self.acknowledgements(ticket))

    def test_on_by_default(self):
        self.assertTrue(self.env["support.team"].create({"name": "Nuovo"}).acknowledge)

    def test_the_template_is_editable(self):
        template = ref(self.env, "mail_template_ticket_acknowledge")
        template.subject = "Ticket {{ object.number }}: presa in carico"
        ticket, _msg_id = self.receive_new_ticket()
        self.assertIn(
            f"Ticket {ticket.number}: presa in carico",
            self.ticket_messages(ticket).mapped("subject"),
        )

    def test_a_ticket_opened_in_the_backend_is_not_acknowledged(self):
        partner = self.env["res.partner"].create(
            {"name": "Cliente", "email": "cliente@example.com"}
        )
        ticket = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .create({"name": "Telefonata", "partner_id": partner.id})
        )
        self.assertFalse(self.acknowledgements(ticket.sudo()))

    def test_an_auto_reply_gets_no_acknowledgement(self):
        # no ticket at all, hence nothing to acknowledge (no ping-pong)
        with self.mock_mail_gateway():
            self.receive(headers=("Auto-Submitted: auto-replied",))
        self.assertFalse(self.tickets())
        self.assertFalse(self._new_mails)

    def test_mail_from_the_desks_own_address_is_not_acknowledged(self):
        # a message from the alias itself (forwarded back, a loop between the
        # alias and its own acknowledgement) opens a ticket, told to nobody
        msg_id = message_id()
        self.env["mail.thread"].sudo().message_process(
            False,
            raw_mail(
                plain_headers(
                    msg_id,
                    sender=f"help@{ALIAS_DOMAIN}",
                    extra=["Content-Type: text/plain; charset=utf-8"],
                )
            ),
        )
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertFalse(self.acknowledgements(ticket))
        self.assertTrue(ticket._is_own_address(f"help@{ALIAS_DOMAIN}"))
        self.assertTrue(ticket._is_own_address(self.alias_domain.catchall_email))
        self.assertFalse(ticket._is_own_address("mario@example.com"))


class TestTheTeamSetting(MailIntakeCase):
    def test_the_team_administrator_switches_it(self):
        self.team.with_user(self.teamadmin).acknowledge = False
        self.assertFalse(self.team.acknowledge)

    def test_an_operator_cannot(self):
        with self.assertRaises(AccessError):
            self.team.with_user(self.callcenter).acknowledge = False
        self.assertTrue(self.team.acknowledge)
