"""The mail gateway is the mail fetcher's: ``message_process`` routes and
posts an e-mail as superuser, with the record values and the thread the
caller names. Over RPC, a user who is not the gateway could create tickets
with any values, move another ticket's messages onto their own, or reopen a
ticket they may only read. Only superuser and Settings may call it."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import RpcTransportsMixin, SupportHttpCase, new_customer_user

SECRET = "Nota interna GW-7781"


def raw_mail(subject, message_id, sender="Luca <luca.gw@example.com>", reply_to=None):
    headers = [
        f"From: {sender}",
        "To: nessuno@example.org",
        f"Subject: {subject}",
        f"Message-ID: <{message_id}@example.com>",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if reply_to:
        headers.append(f"In-Reply-To: {reply_to}")
    return "\r\n".join(headers) + "\r\n\r\nCorpo del messaggio\r\n"


class TestGatewayOverRpc(RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket("Caldaia di Gruppo A", group=cls.group_a)
        cls.note = cls.ticket.message_post(
            body=SECRET, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.closed = cls.new_ticket("Chiuso di Gruppo A", group=cls.group_a)
        cls.closed.with_user(cls.supervisor).action_close()
        cls.customer = new_customer_user(cls.env, "gw_customer")
        cls.settings_user = new_test_user(
            cls.env, login="gw_settings", groups="base.group_user,base.group_system"
        )

    def tickets_named(self, subject):
        return (
            self.env["support.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search([("name", "=", subject)])
        )

    def test_no_user_but_the_gateway_delivers_mail_over_rpc(self):
        for user in (
            self.tech_b,
            self.resp_b,
            self.supervisor,
            self.loner,
            self.customer,
        ):
            subject = f"Innocuo di {user.login}"
            custom_values = {
                "team_id": self.team.id,
                "user_id": user.id,
                "number": "FALSO-1",
                "state": "closed",
                "message_ids": [(4, self.note.id)],
            }
            for transport, (ok, text, _result) in self.both(
                user,
                "support.ticket",
                "message_process",
                "support.ticket",
                raw_mail(subject, f"gw-{user.login}"),
                custom_values=custom_values,
            ):
                with self.subTest(user=user.login, transport=transport):
                    self.assertFalse(ok)
                    self.assertIn("Only the mail gateway", text)
                    self.assertNotIn(SECRET, text)
            self.env.invalidate_all()
            self.assertFalse(self.tickets_named(subject))
            self.assertEqual(self.note.res_id, self.ticket.id)
        self.assertFalse(
            self.env["support.ticket"].sudo().search([("number", "=", "FALSO-1")])
        )

    def test_nor_through_the_gateways_own_steps(self):
        # message_new opens a ticket as an e-mail does, message_update
        # reopens one on the customer's behalf: the gateway's steps
        msg_dict = {
            "subject": "Passo del gateway",
            "body": "x",
            "email_from": "chiunque@example.com",
            "message_id": "<gw-step@example.com>",
        }
        for user in (self.callcenter, self.resp_a, self.supervisor):
            for transport, (ok, text, _result) in self.both(
                user,
                "support.ticket",
                "message_new",
                msg_dict,
                {"team_id": self.team.id},
            ):
                with self.subTest(user=user.login, transport=transport):
                    self.assertFalse(ok)
                    self.assertIn("Only the mail gateway", text)
            ok, text, _result = self.jsonrpc(
                user,
                "support.ticket",
                "message_update",
                self.closed.ids,
                dict(msg_dict, author_id=self.customer.partner_id.id),
            )
            self.assertFalse(ok)
            self.assertIn("Only the mail gateway", text)
        self.assertFalse(self.tickets_named("Passo del gateway"))
        self.assertEqual(self.closed.state, "closed")

    def test_a_reader_does_not_reopen_a_ticket_by_mail(self):
        # a technician may only read the closed ticket
        with self.assertRefusedTo(self.tech_a, AccessError, "Only the mail gateway"):
            self.env["mail.thread"].with_user(self.tech_a).message_process(
                "support.ticket",
                raw_mail("Re: Chiuso", "gw-reopen", sender=self.tech_a.email),
                thread_id=self.closed.id,
            )
        self.assertEqual(self.closed.state, "closed")

    def test_the_gateway_account_delivers_mail(self):
        # the control: a gateway account with Settings rights, over XML-RPC
        # as Odoo's mail gateway script calls it, and the fetcher (superuser)
        ok, text, ticket_id = self.xmlrpc(
            self.settings_user,
            "mail.thread",
            "message_process",
            "support.ticket",
            raw_mail("Richiesta dal gateway", "gw-settings"),
            {"team_id": self.team.id},
        )
        self.assertTrue(ok, text)
        self.assertEqual(self.tickets_named("Richiesta dal gateway").id, ticket_id)
        ticket_id = self.env["mail.thread"].message_process(
            "support.ticket", raw_mail("Richiesta dal fetcher", "gw-fetcher")
        )
        self.assertEqual(self.tickets_named("Richiesta dal fetcher").id, ticket_id)
