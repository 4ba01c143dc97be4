"""Who follows a ticket from an incoming e-mail. Odoo makes an e-mail's
author a follower of the thread it answers; on a ticket the answers are
for its requester, their organization and the staff. A former requester
answering an old e-mail is heard, and does not follow the ticket again to
receive the new requester's answers."""

from odoo.addons.mail.tests.common import MailCase

from .test_mail_intake import MARIO, MailIntakeCase

GIULIA = "giulia.neri@example.org"


class TestReplyFollowers(MailIntakeCase, MailCase):
    def test_a_former_requester_is_heard_but_does_not_follow_again(self):
        ticket, msg_id = self.receive_new_ticket()
        mario = ticket.partner_id
        self.assertIn(mario, ticket.message_partner_ids)
        giulia = self.env["res.partner"].create(
            {"name": "Giulia Neri", "email": GIULIA}
        )
        ticket.partner_id = giulia
        self.assertNotIn(mario, ticket.message_partner_ids)
        # Mario answers his old e-mail
        self.receive_reply(msg_id)
        self.assertEqual(ticket.message_ids[0].author_id, mario)
        self.assertNotIn(mario, ticket.message_partner_ids)
        # the desk's next public answer goes to the requester, not to Mario
        with self.mock_mail_gateway():
            ticket.with_user(self.supervisor).message_post(
                body="Gentile Giulia, ecco la risposta riservata.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        recipients = {email for mail in self._mails for email in mail["email_to"]}
        self.assertFalse([email for email in recipients if "mario.bianchi" in email])

    def test_the_requester_and_their_colleagues_follow_from_their_answers(self):
        ticket, msg_id = self.receive_new_ticket()
        self.env["res.partner"].create(
            {
                "name": "Anna Verdi",
                "email": "anna.verdi@rossi-impianti.it",
                "parent_id": self.rossi.id,
            }
        )
        self.receive_reply(msg_id, sender="Anna Verdi <anna.verdi@rossi-impianti.it>")
        self.assertIn(
            "anna.verdi@rossi-impianti.it", ticket.message_partner_ids.mapped("email")
        )
        self.assertIn(
            MARIO.split("<")[1].rstrip(">"), ticket.message_partner_ids.mapped("email")
        )
