"""The acknowledgement's doors (security review, findings C, D, E).

C: the acknowledgement carries the ticket's portal link, with its access
token, which is the requester's only: it reaches their mailbox, and no
message the ticket's staff read (the chatter, ``mail.message`` over RPC,
the backend's thread route) holds it.
D: the customer answers it by replying to the e-mail: the reply is their
public message on the ticket, counted as any other reply, never a note.
E: a file named with a NUL character, from the portal's request form or in
an e-mail, is stored named without it, never a server error nor an e-mail
the fetcher retries forever.
"""

from odoo.addons.mail.tests.common import MailCase

from .common import RpcTransportsMixin
from .test_customer_portal import CustomerPortalCase
from .test_hostile_mail import HostileMailCase, message_id, plain_headers, raw_mail
from .test_mail_intake import MailIntakeCase
from .test_portal import REOPENED

SUBJECT = "We received your request"
SENT_NOTE = "Acknowledgement of the request sent to"


def ticket_messages(ticket):
    """Every message stored on ``ticket``, whoever may read it."""
    return (
        ticket.env["mail.message"]
        .sudo()
        .search([("model", "=", "support.ticket"), ("res_id", "=", ticket.id)])
    )


class AcknowledgedCase(MailIntakeCase, MailCase):
    def receive_acknowledged_ticket(self):
        """A request by e-mail, routed to Gruppo A: (ticket, the e-mail of
        the acknowledgement as it left, the request's Message-Id)."""
        with self.mock_mail_gateway():
            ticket, msg_id = self.receive_new_ticket()
        [email] = [mail for mail in self._mails if SUBJECT in mail["subject"]]
        ticket.group_id = self.group_a
        return ticket, email, msg_id

    def link(self, ticket):
        token = ticket.sudo().access_token
        self.assertTrue(token)
        return f"/my/tickets/{ticket.id}?access_token={token}"


class TestTheTokenStaysInTheCustomersMailbox(AcknowledgedCase):
    def test_the_chatter_says_it_was_sent_without_the_link(self):
        ticket, _email, msg_id = self.receive_acknowledged_ticket()
        [note] = ticket.message_ids.filtered(lambda m: SENT_NOTE in m.body)
        self.assertIn("mario.bianchi@rossi-impianti.it", note.body)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(note.author_id, self.env.ref("base.partner_root"))
        request = ticket.message_ids.filtered(lambda m: m.message_id == msg_id)
        self.assertGreater(note.id, request.id)
        # no message of the chatter holds the link
        token = ticket.sudo().access_token
        for message in ticket.message_ids:
            self.assertNotIn(token, message.body or "")

    def test_staff_reading_the_ticket_never_read_the_token(self):
        ticket, email, _msg_id = self.receive_acknowledged_ticket()
        token = ticket.sudo().access_token
        # the customer's e-mail carries the link, as always
        self.assertEqual(email["email_to"], [ticket.partner_id.email_formatted])
        self.assertIn(self.link(ticket), email["body"])
        self.assertIn(ticket.number, email["subject"])
        # the acknowledgement is stored, for its recipient
        self.assertTrue(
            ticket_messages(ticket).filtered(lambda m: token in (m.body or ""))
        )
        for user in (self.tech_a, self.resp_a, self.callcenter):
            as_user = ticket.with_user(user)
            self.assertTrue(as_user.has_access("read"), user.login)
            found = (
                self.env["mail.message"]
                .with_user(user)
                .search_read(
                    [("model", "=", "support.ticket"), ("res_id", "=", ticket.id)],
                    ["body", "subject"],
                )
            )
            self.assertTrue(found, user.login)
            self.assertFalse(
                [m for m in found if token in (m["body"] or "")], user.login
            )
            chatter = as_user.message_ids.read(["body"])
            self.assertTrue(any(SENT_NOTE in m["body"] for m in chatter), user.login)
            self.assertFalse(
                [m for m in chatter if token in (m["body"] or "")], user.login
            )


class TestTheCustomerRepliesToTheAcknowledgement(AcknowledgedCase):
    def reply_to_acknowledgement(self, email):
        """The customer's reply, as their mail client writes it: In-Reply-To
        the Message-Id the acknowledgement carried."""
        return self.receive_reply(email["message_id"])

    def test_the_reply_is_the_customers_public_message(self):
        ticket, email, _msg_id = self.receive_acknowledged_ticket()
        self.assertEqual(ticket.unanswered_count, 1)
        reply_id = self.reply_to_acknowledgement(email)
        self.assertEqual(len(self.tickets()), 1, "never a second ticket")
        [reply] = ticket_messages(ticket).filtered(lambda m: m.message_id == reply_id)
        self.assertEqual(reply.author_id, ticket.partner_id)
        self.assertEqual(reply.message_type, "email")
        self.assertEqual(reply.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(reply.is_internal)
        self.assertIn(reply, ticket.message_ids)
        # counted as the customer's message, as any e-mail reply, until
        # staff answer it
        self.assertEqual(ticket.unanswered_count, 2)
        self.assertEqual(ticket.state, "new")
        ticket.with_user(self.tech_a).message_post(
            body="La richiamiamo subito.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(ticket.unanswered_count, 0)

    def test_the_reply_reopens_a_closed_ticket_and_waits_for_an_answer(self):
        ticket, email, _msg_id = self.receive_acknowledged_ticket()
        ticket.with_user(self.resp_a).action_close()
        self.assertEqual(ticket.state, "closed")
        reply_id = self.reply_to_acknowledgement(email)
        self.assertIn(ticket.state, REOPENED)
        [reply] = ticket_messages(ticket).filtered(lambda m: m.message_id == reply_id)
        self.assertFalse(reply.is_internal)
        self.assertGreaterEqual(ticket.unanswered_count, 1)


class TestNulInAnEmailsFileName(HostileMailCase):
    def mail_with_file(self, msg_id, extra=()):
        return raw_mail(
            plain_headers(
                msg_id,
                extra=['Content-Type: multipart/mixed; boundary="B1"', *extra],
            ),
            b"--B1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
            b"Vedi allegato\r\n"
            b"--B1\r\nContent-Type: text/plain\r\n"
            b"Content-Disposition: attachment; filename*=utf-8''a%00b.txt\r\n"
            b"\r\nE42 at 10:02\r\n--B1--",
        )

    def test_a_new_request_is_stored_with_its_file(self):
        msg_id = message_id()
        ticket = self.assertAccepted(self.mail_with_file(msg_id), msg_id)
        [file] = self.stored(msg_id).attachment_ids
        self.assertEqual(file.name, "ab.txt")
        self.assertEqual(file.raw.strip(), b"E42 at 10:02")
        self.assertEqual(file.res_id, ticket.id)

    def test_a_reply_is_stored_with_its_file(self):
        ticket, first_id = self.receive_new_ticket()
        msg_id = message_id()
        self.feed(
            self.mail_with_file(
                msg_id, extra=[f"In-Reply-To: {first_id}", f"References: {first_id}"]
            )
        )
        self.assertEqual(self.tickets(), ticket)
        [message] = self.stored(msg_id)
        self.assertEqual(message.res_id, ticket.id)
        self.assertEqual(message.attachment_ids.mapped("name"), ["ab.txt"])


class TestThePortalsDoors(CustomerPortalCase, RpcTransportsMixin):
    def test_a_file_named_with_nul_is_kept_without_it(self):
        self.file_request(files={"attachments": [("a\x00b.txt", b"E42 at 10:02")]})
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertEqual(len(ticket), 1)
        [file] = ticket.message_ids.attachment_ids
        self.assertEqual(file.name, "ab.txt")
        self.assertEqual(file.raw, b"E42 at 10:02")

    def test_the_link_reaches_the_requester_only(self):
        self.file_request()
        ticket = self.tickets_named("Il plotter è fermo")
        token = ticket.sudo().access_token
        link = f"/my/tickets/{ticket.id}?access_token={token}"
        [ack] = ticket_messages(ticket).filtered(lambda m: token in (m.body or ""))
        self.assertIn(link, ack.body)
        self.assertEqual(
            ack.notification_ids.res_partner_id, self.portal_user.partner_id
        )
        self.assertEqual(ack.author_id, self.env.ref("base.partner_root"))
        # the backend's thread route, as a technician of the ticket's group
        # reads the chatter
        ok, text, result = self.json_post(
            self.tech_a,
            "/mail/thread/messages",
            {"thread_model": "support.ticket", "thread_id": ticket.id},
        )
        self.assertTrue(ok, text)
        self.assertIn(SENT_NOTE, text)
        self.assertNotIn(token, text)
        # the link opens the ticket for its holder, even logged out
        self.authenticate(None, None)
        _response, tree = self.page(link)
        self.assertIn(
            ticket.name, tree.xpath("//div[@id='card_header']//h3")[0].text_content()
        )
