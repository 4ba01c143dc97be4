"""Intake by e-mail (seeds 001, 002, 004), through Odoo's own mail gateway.

Real RFC 822 messages are fed to ``mail.thread.message_process``, addressed
to the team's alias, as the mail server's fetcher does.
"""

import uuid

from odoo.tools import mute_logger

from .common import SupportCase, with_chatter

ALIAS_DOMAIN = "assistenza.example.com"
TEAM_ADDRESS = f"help@{ALIAS_DOMAIN}"
MARIO = "Mario Bianchi <mario.bianchi@rossi-impianti.it>"

# A delivery status notification (RFC 3464), as Postfix writes it.
BOUNCE = """\
Return-Path: <>
Date: Mon, 2 Jun 2025 10:05:00 +0200 (CEST)
From: MAILER-DAEMON@mx.rossi-impianti.it (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {to}
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="B0UNCE.1748851500/mx.rossi-impianti.it"
Message-Id: {msg_id}

This is a MIME-encapsulated message.

--B0UNCE.1748851500/mx.rossi-impianti.it
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<nobody@rossi-impianti.it>: 550 No such person at this address.

--B0UNCE.1748851500/mx.rossi-impianti.it
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.rossi-impianti.it

Final-Recipient: rfc822; nobody@rossi-impianti.it
Original-Recipient: rfc822;nobody@rossi-impianti.it
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 No such person at this address.

--B0UNCE.1748851500/mx.rossi-impianti.it
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: {to}
To: nobody@rossi-impianti.it
Subject: Re: La caldaia non parte
Message-Id: <original-notification@{domain}>

--B0UNCE.1748851500/mx.rossi-impianti.it--
"""


def new_message_id():
    return f"<{uuid.uuid4().hex}@mail.rossi-impianti.it>"


def rfc822(sender, subject, body, msg_id, to=TEAM_ADDRESS, headers=()):
    """A plain-text e-mail, headers then body, CRLF line ends."""
    lines = [
        f"Return-Path: <{sender.rpartition('<')[2].rstrip('>')}>",
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Message-ID: {msg_id}",
        "Date: Mon, 2 Jun 2025 10:00:00 +0200",
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: 8bit",
        *headers,
        "",
        body,
        "",
    ]
    return "\r\n".join(lines)


class MailIntakeCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the seed is built without tracking; the gateway needs Odoo's chatter
        # as it runs in production (followers, notifications)
        cls.env = with_chatter(cls.env)
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        cls.team = cls.env["support.team"].browse(cls.team.id)
        cls.team.write({"alias_name": "help", "alias_domain_id": cls.alias_domain.id})
        cls.rossi = cls.env["res.partner"].create(
            {
                "name": "Rossi Impianti",
                "is_company": True,
                "support_email_domains": "rossi-impianti.it",
            }
        )
        cls.Ticket = cls.env["support.ticket"]

    def receive(
        self,
        sender=MARIO,
        subject="La caldaia non parte",
        body=None,
        msg_id=None,
        headers=(),
    ):
        """Feed an e-mail to the gateway as the fetchmail cron does; return
        its Message-ID."""
        msg_id = msg_id or new_message_id()
        body = body or "Buongiorno, la caldaia della sede non si accende."
        raw = rfc822(sender, subject, body, msg_id, headers=headers)
        self.env["mail.thread"].sudo().message_process(False, raw)
        return msg_id

    def receive_reply(self, to_msg_id, sender=MARIO, headers=(), **kwargs):
        return self.receive(
            sender=sender,
            subject="Re: La caldaia non parte",
            body="Ancora niente, vi prego di richiamarmi.",
            headers=(f"In-Reply-To: {to_msg_id}", f"References: {to_msg_id}", *headers),
            **kwargs,
        )

    def tickets(self, **domain):
        return self.Ticket.with_context(active_test=False).search(
            [("team_id", "=", self.team.id)]
            + [(field, "=", value) for field, value in domain.items()]
        )

    def receive_new_ticket(self):
        msg_id = self.receive()
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        return ticket, msg_id


class TestNewRequestByEmail(MailIntakeCase):
    def test_a_new_email_to_the_team_alias_opens_a_ticket_in_that_team(self):
        self.receive()
        self.assertEqual(len(self.tickets()), 1)

    def test_the_ticket_comes_from_the_email_channel(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.channel, "email")

    def test_the_ticket_waits_in_the_queue_with_no_operator(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertFalse(ticket.user_id)
        self.assertEqual(ticket.state, "new")

    def test_an_email_from_an_operator_also_waits_with_no_operator(self):
        # the gateway runs as the sender's user when it knows them
        self.receive(sender=f"Resp A <{self.resp_a.email}>")
        self.assertFalse(self.tickets().user_id)

    def test_the_subject_and_body_become_the_ticket(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.name, "La caldaia non parte")
        self.assertIn("la caldaia della sede non si accende", ticket.description)

    def test_an_unknown_sender_becomes_the_requester(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.partner_id.name, "Mario Bianchi")
        self.assertEqual(ticket.partner_id.email, "mario.bianchi@rossi-impianti.it")

    def test_the_requester_email_is_the_bare_sender_address(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.partner_email, "mario.bianchi@rossi-impianti.it")

    def test_a_known_sender_is_found_not_duplicated(self):
        mario = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario.bianchi@rossi-impianti.it"}
        )
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.partner_id, mario)

    def test_the_sender_domain_gives_the_organization(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertEqual(ticket.organization_id, self.rossi)

    def test_the_email_is_in_the_chatter_signed_by_the_requester(self):
        ticket, msg_id = self.receive_new_ticket()
        message = ticket.message_ids.filtered(lambda m: m.message_id == msg_id)
        self.assertEqual(message.author_id, ticket.partner_id)

    def test_the_requester_follows_the_ticket_to_receive_answers(self):
        ticket, _msg = self.receive_new_ticket()
        self.assertIn(ticket.partner_id, ticket.message_partner_ids)

    def test_a_new_email_from_the_same_sender_opens_a_second_ticket(self):
        self.receive()
        self.receive(subject="Anche il condizionatore")
        self.assertEqual(
            len(self.tickets(partner_email="mario.bianchi@rossi-impianti.it")), 2
        )


class TestReplyByEmail(MailIntakeCase):
    def test_a_reply_is_added_to_the_same_ticket(self):
        ticket, msg_id = self.receive_new_ticket()
        reply_id = self.receive_reply(msg_id)
        self.assertEqual(self.tickets(), ticket)
        self.assertIn(reply_id, ticket.message_ids.mapped("message_id"))

    def test_a_reply_to_the_operators_answer_is_added_to_the_same_ticket(self):
        ticket, _msg = self.receive_new_ticket()
        answer = ticket.with_user(self.teamadmin).message_post(
            body="Le mandiamo un tecnico domani.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        reply_id = self.receive_reply(answer.message_id)
        self.assertEqual(self.tickets(), ticket)
        self.assertIn(reply_id, ticket.message_ids.mapped("message_id"))

    def test_a_reply_raises_the_unread_count_of_the_operator(self):
        ticket, msg_id = self.receive_new_ticket()
        self.resp_a.notification_type = "inbox"
        ticket.user_id = self.resp_a  # the operator follows what they are given
        before = ticket.with_user(self.resp_a).message_needaction_counter
        self.receive_reply(msg_id)
        ticket.invalidate_recordset()
        self.assertEqual(
            ticket.with_user(self.resp_a).message_needaction_counter, before + 1
        )

    def test_a_reply_reopens_a_closed_ticket(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.action_close()
        self.receive_reply(msg_id)
        self.assertIn(ticket.state, ("new", "in_progress"))
        self.assertFalse(ticket.date_closed)

    def test_a_reply_reopens_a_closed_ticket_to_its_operator(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.user_id = self.resp_a
        ticket.action_close()
        self.receive_reply(msg_id)
        self.assertEqual(ticket.state, "in_progress")

    def test_a_reply_reopens_an_expired_ticket(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.state = "expired"
        self.receive_reply(msg_id)
        self.assertEqual(ticket.state, "new")

    def test_a_reply_brings_an_archived_closed_ticket_back_to_the_queue(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.action_close()
        ticket.active = False  # its group was deleted
        self.receive_reply(msg_id)
        self.assertTrue(ticket.active)

    def test_a_reply_updates_the_last_activity(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.date_last_activity = "2020-01-01 00:00:00"
        self.receive_reply(msg_id)
        self.assertGreater(ticket.date_last_activity.year, 2020)


class TestAnsweringByEmail(MailIntakeCase):
    def test_the_requester_is_suggested_as_recipient_of_a_phone_ticket(self):
        mario = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario.bianchi@rossi-impianti.it"}
        )
        ticket = self.Ticket.create(
            {"name": "Telefonata", "team_id": self.team.id, "partner_id": mario.id}
        )
        suggested = ticket._message_get_suggested_recipients()
        self.assertIn(mario.id, [r.get("partner_id") for r in suggested])


class TestMachinesOpenNoTicket(MailIntakeCase):
    def test_an_auto_reply_opens_no_ticket(self):
        self.receive(
            subject="Fuori sede / Out of office",
            headers=("Auto-Submitted: auto-replied",),
        )
        self.assertFalse(self.tickets())

    def test_an_auto_generated_message_opens_no_ticket(self):
        self.receive(headers=("Auto-Submitted: auto-generated",))
        self.assertFalse(self.tickets())

    def test_an_exchange_out_of_office_opens_no_ticket(self):
        self.receive(
            headers=("Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All")
        )
        self.assertFalse(self.tickets())

    def test_a_message_asking_for_no_auto_reply_still_opens_a_ticket(self):
        # Exchange also puts this header on mail written by people
        self.receive(headers=("X-Auto-Response-Suppress: All",))
        self.assertEqual(len(self.tickets()), 1)

    def test_bulk_mail_opens_no_ticket(self):
        self.receive(headers=("Precedence: bulk",))
        self.assertFalse(self.tickets())

    def test_a_message_marked_not_auto_submitted_opens_a_ticket(self):
        self.receive(headers=("Auto-Submitted: no",))
        self.assertEqual(len(self.tickets()), 1)

    def test_a_bounce_opens_no_ticket(self):
        raw = BOUNCE.format(
            to=TEAM_ADDRESS, msg_id=new_message_id(), domain=ALIAS_DOMAIN
        )
        with mute_logger("odoo.addons.mail.models.mail_thread"):
            self.env["mail.thread"].sudo().message_process(False, raw)
        self.assertFalse(self.tickets())

    def test_an_auto_reply_to_a_closed_ticket_does_not_reopen_it(self):
        ticket, msg_id = self.receive_new_ticket()
        ticket.action_close()
        self.receive_reply(msg_id, headers=("Auto-Submitted: auto-replied",))
        self.assertEqual(ticket.state, "closed")

    def test_an_auto_reply_to_a_ticket_is_still_kept_in_its_chatter(self):
        ticket, msg_id = self.receive_new_ticket()
        reply_id = self.receive_reply(msg_id, headers=("Auto-Submitted: auto-replied",))
        self.assertIn(reply_id, ticket.message_ids.mapped("message_id"))
