"""Named on a ticket, read by its readers only. Odoo lets a message's
recipients read it, makes an activity's assignee a follower and tells them
of it, and an e-mail's author a follower: a user who may not read the ticket
would read its number, subject and messages that way. An activity is
assigned to a reader; only readers are named on a message; only readers
follow."""

from odoo.exceptions import ValidationError

from .common import RpcTransportsMixin, SupportHttpCase, with_chatter

SUBJECT = "Allarme del magazzino KJH-5521"
CODE = "codice 4411"


class TestNamedReaders(RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = with_chatter(cls.env)
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket = cls.ticket.with_env(cls.env)

    def what_tech_b_reads(self):
        Message = self.env["mail.message"].with_user(self.tech_b)
        found = Message.search_read(
            [("model", "=", "support.ticket")], ["subject", "record_name", "body"]
        )
        return repr(found)

    def assertNothingReachesTechB(self):
        self.env.invalidate_all()
        self.assertNotSees(self.tech_b, self.ticket)
        text = self.what_tech_b_reads()
        self.assertNotIn(SUBJECT, text)
        self.assertNotIn(CODE, text)
        self.assertNotIn(self.tech_b.partner_id, self.ticket.message_partner_ids)

    def test_an_activity_is_assigned_to_a_reader(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        with self.assertRaises(ValidationError):
            self.ticket.with_user(self.resp_a).activity_schedule(
                "mail.mail_activity_data_todo", summary=CODE, user_id=self.tech_b.id
            )
        ok, text, _result = self.jsonrpc(
            self.resp_a,
            "mail.activity",
            "create",
            {
                "res_model_id": self.env["ir.model"]._get_id("support.ticket"),
                "res_id": self.ticket.id,
                "activity_type_id": todo.id,
                "summary": CODE,
                "user_id": self.tech_b.id,
            },
        )
        self.assertFalse(ok)
        self.assertIn("may not read ticket", text)
        activity = self.ticket.with_user(self.resp_a).activity_schedule(
            "mail.mail_activity_data_todo", summary=CODE, user_id=self.tech_a.id
        )
        with self.assertRaises(ValidationError):
            activity.with_user(self.resp_a).write({"user_id": self.tech_b.id})
        self.assertNothingReachesTechB()
        # the control: a reader is assigned it, and follows the ticket
        self.assertIn(self.tech_a.partner_id, self.ticket.message_partner_ids)

    def test_only_readers_are_named_on_a_message(self):
        message = self.ticket.with_user(self.tech_a).message_post(
            body=f"@Luca {CODE}",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=(self.tech_b | self.resp_a).partner_id.ids,
        )
        self.assertEqual(message.partner_ids, self.resp_a.partner_id)
        self.ticket.sudo().message_notify(
            subject=SUBJECT, body=CODE, partner_ids=self.tech_b.partner_id.ids
        )
        self.assertNothingReachesTechB()

    def test_an_e_mail_from_one_who_may_not_read_does_not_make_them_follow(self):
        self.tech_b.partner_id.email = "t.tech.b.named.readers@example.com"
        note = self.ticket.message_post(
            body="Per conoscenza",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        raw = "\r\n".join(
            [
                f"From: {self.tech_b.name} <{self.tech_b.email}>",
                "To: assistenza@example.com",
                "Subject: Re: vecchio avviso",
                f"In-Reply-To: {note.message_id}",
                "Message-ID: <named-readers-reply@example.com>",
                "Content-Type: text/plain; charset=utf-8",
                "",
                "Risposta",
            ]
        )
        self.env["mail.thread"].message_process("support.ticket", raw)
        # heard: the reply is on the ticket, in their name
        reply = self.ticket.message_ids[0]
        self.assertIn("Risposta", reply.body)
        self.assertEqual(reply.author_id, self.tech_b.partner_id)
        self.assertNotIn(self.tech_b.partner_id, self.ticket.message_partner_ids)
