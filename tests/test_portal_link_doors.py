"""A ticket's portal link (its token, or the hash and pid of a notification)
opens the customer's side of the ticket, and no more: the chatter's data
(/mail/thread/data) of a visitor holding it, or of a portal user, carries
none of the desk's activities, scheduled messages, files, followers or
suggested recipients; a post from the portal chatter (/mail/message/post)
is a public comment, whatever type or subtype its client names. Through
real HTTP requests, as the portal chatter sends them."""

from datetime import timedelta

from odoo import fields
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import (
    THREAD_DATA_REQUESTS,
    RpcTransportsMixin,
    new_ticket_file,
    post_json_route,
)
from .test_portal import PortalCase

ACTIVITY_SUMMARY = "Richiamare il legale QAZ-6120"
ACTIVITY_NOTE = "Cliente moroso, non concedere sconti WSX-7731"
SCHEDULED_NOTE = "Nota programmata: chiudere senza risposta EDC-8842"
INTERNAL_FILE = "contratto-riservato-RFV-9953.pdf"
STAFF_EMAIL = "resp.a.tgb-1064@desk.example.com"
PUBLIC_REPLY = "Risposta pubblica YHN-2275"
CUSTOMER_MESSAGE = "Messaggio del cliente UJM-3386"
SECRETS = (ACTIVITY_SUMMARY, ACTIVITY_NOTE, SCHEDULED_NOTE, INTERNAL_FILE, STAFF_EMAIL)
# what a client may name in post_data, beside a public comment
FORGED_POSTS = (
    {"subtype_xmlid": "mail.mt_note"},
    {"message_type": "comment", "subtype_xmlid": "mail.mt_note"},
    {"message_type": "notification"},
    {"message_type": "notification", "subtype_xmlid": "mail.mt_comment"},
    {"message_type": "auto_comment", "subtype_xmlid": "mail.mt_comment"},
    {"message_type": "email", "subtype_xmlid": "mail.mt_comment"},
)


class PortalLinkCase(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ticket = cls.ticket = cls.own_ticket
        cls.resp_a.partner_id.email = STAFF_EMAIL
        ticket.message_subscribe(
            partner_ids=(cls.resp_a.partner_id | cls.portal_user.partner_id).ids
        )
        ticket.message_post(
            body=PUBLIC_REPLY, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        ticket.with_user(cls.portal_user).message_post(
            body=CUSTOMER_MESSAGE,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        ticket.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=ACTIVITY_SUMMARY,
            note=ACTIVITY_NOTE,
            user_id=cls.resp_a.id,
        )
        cls.env["mail.scheduled.message"].create(
            {
                "model": "support.ticket",
                "res_id": ticket.id,
                "author_id": cls.resp_a.partner_id.id,
                "body": SCHEDULED_NOTE,
                "is_note": True,
                "scheduled_date": fields.Datetime.now() + timedelta(days=2),
            }
        )
        new_ticket_file(ticket, INTERNAL_FILE, b"riservato")
        # the link the requester was mailed, and a notification's signature
        cls.token = ticket.sudo()._portal_ensure_token()
        cls.pid = cls.portal_user.partner_id.id
        cls.hash = ticket.sudo()._sign_token(cls.pid)

    def thread_data(self, request_list=(*THREAD_DATA_REQUESTS, "messages"), **link):
        """/mail/thread/data as the chatter asks it: (raw answer, payload)."""
        return post_json_route(
            self,
            "/mail/thread/data",
            {
                "thread_model": "support.ticket",
                "thread_id": self.ticket.id,
                "request_list": list(request_list),
                **link,
            },
        )

    def thread_values(self, payload):
        self.assertNotIn("error", payload, payload.get("error"))
        [values] = [
            thread
            for thread in payload["result"]["mail.thread"]
            if thread["model"] == "support.ticket" and thread["id"] == self.ticket.id
        ]
        return values

    def assertCustomersSideOnly(self, text, payload):
        for secret in SECRETS:
            self.assertNotIn(secret, text)
        values = self.thread_values(payload)
        # the flags come with a request list that is not empty once the
        # desk's requests are left out
        self.assertTrue(values.get("hasReadAccess", True))
        self.assertFalse(values.get("hasWriteAccess", False))
        for name in ("activities", "attachments", "scheduledMessages"):
            self.assertNotIn(name, values)
        self.assertNotIn("suggestedRecipients", values)
        self.assertNotIn("mail.followers", payload["result"])

    def post(self, body, link=None, **post_data):
        """Post as the portal chatter's composer does, with ``link``."""
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "support.ticket",
                "thread_id": self.ticket.id,
                "post_data": {"body": body, **post_data},
                **(link or {}),
            },
        )

    def posted(self, body):
        [message] = self.ticket.message_ids.filtered(lambda m: body in m.body)
        return message


class TestThreadDataByLink(PortalLinkCase):
    def test_a_visitor_with_the_token_gets_the_customers_side_only(self):
        self.authenticate(None, None)
        self.assertCustomersSideOnly(*self.thread_data(token=self.token))

    def test_a_visitor_with_a_notifications_hash_gets_the_customers_side_only(self):
        self.authenticate(None, None)
        self.assertCustomersSideOnly(*self.thread_data(hash=self.hash, pid=self.pid))

    def test_each_request_of_the_desk_is_left_out(self):
        self.authenticate(None, None)
        for name in THREAD_DATA_REQUESTS:
            with self.subTest(request=name):
                self.assertCustomersSideOnly(
                    *self.thread_data([name], token=self.token)
                )

    def test_the_customer_logged_in_gets_the_customers_side_only(self):
        # with and without the link: the chatter's data loads, no error
        self.login_portal()
        self.assertCustomersSideOnly(*self.thread_data())
        self.assertCustomersSideOnly(*self.thread_data(token=self.token))

    def test_another_customer_holding_the_link_gets_the_customers_side_only(self):
        # logged in, Odoo opens the ticket with the link as superuser
        self.authenticate(self.stranger_user.login, self.stranger_user.login)
        self.assertCustomersSideOnly(*self.thread_data(token=self.token))

    def test_staff_who_may_not_read_it_holding_the_link_get_the_customers_side(self):
        self.authenticate(self.tech_b.login, self.tech_b.login)
        self.assertCustomersSideOnly(*self.thread_data(token=self.token))

    def test_the_desk_still_gets_its_side(self):
        self.authenticate(self.resp_a.login, self.resp_a.login)
        for link in ({}, {"token": self.token}):
            with self.subTest(link=link):
                text, payload = self.thread_data(**link)
                self.assertNotIn("error", payload)
                for secret in SECRETS:
                    self.assertIn(secret, text)

    def test_the_customers_chatter_still_works_with_the_link(self):
        self.authenticate(None, None)
        # what the portal chatter asks when it opens, and after a post
        for request_list in ([], ["messages"]):
            with self.subTest(request_list=request_list):
                _text, payload = self.thread_data(request_list, token=self.token)
                self.assertNotIn("error", payload)
                self.assertIn(
                    {"id": self.ticket.id, "model": "support.ticket"},
                    [
                        {"id": t["id"], "model": t["model"]}
                        for t in payload["result"]["mail.thread"]
                    ],
                )
        bodies = self.chatter_bodies(self.ticket, token=self.token)
        self.assertIn(PUBLIC_REPLY, bodies)
        self.assertIn(CUSTOMER_MESSAGE, bodies)
        # as the portal composer posts
        self.post(
            "Grazie, funziona OKM-4497",
            {"token": self.token},
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn("OKM-4497", self.chatter_bodies(self.ticket, token=self.token))

    def test_a_wrong_token_opens_nothing(self):
        self.authenticate(None, None)
        text, payload = self.thread_data(token="not-the-token")
        values = self.thread_values(payload)
        self.assertFalse(values["hasReadAccess"])
        for secret in (*SECRETS, self.ticket.name):
            self.assertNotIn(secret, text)


class TestPostByLink(PortalLinkCase):
    def assertPublicComment(self, body):
        message = self.posted(body)
        self.assertEqual(message.message_type, "comment")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertFalse(message.is_internal)
        self.assertEqual(message.author_id, self.portal_user.partner_id)
        return message

    def assertForgedPostsArePublicComments(self, link=None):
        for index, forged in enumerate(FORGED_POSTS):
            body = f"Messaggio {index} dal portale"
            with self.subTest(post_data=forged):
                self.post(body, link, **forged)
                self.assertPublicComment(body)
                # the customer finds it on their page (whose chatter a
                # notification's link opens with the token too)
                self.assertIn(body, self.chatter_bodies(self.ticket, token=self.token))

    def test_a_visitor_with_the_token_posts_public_comments_only(self):
        self.authenticate(None, None)
        self.assertForgedPostsArePublicComments({"token": self.token})

    def test_a_visitor_with_a_notifications_hash_posts_public_comments_only(self):
        self.authenticate(None, None)
        self.assertForgedPostsArePublicComments({"hash": self.hash, "pid": self.pid})

    def test_the_customer_logged_in_posts_public_comments_only(self):
        self.login_portal()
        self.assertForgedPostsArePublicComments()

    def test_a_customers_public_comment_is_kept(self):
        self.login_portal()
        self.post(
            "Commento normale", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        self.assertPublicComment("Commento normale")
        self.assertEqual(self.ticket.unanswered_count, 2)

    def test_staff_keep_their_choice(self):
        self.authenticate(self.resp_a.login, self.resp_a.login)
        self.post("Nota del desk", message_type="comment", subtype_xmlid="mail.mt_note")
        message = self.posted("Nota del desk")
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(message.author_id, self.resp_a.partner_id)

    def test_a_wrong_token_posts_nothing(self):
        self.authenticate(None, None)
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self.post("Intrusione", {"token": "not-the-token"}, message_type="comment")
        self.assertFalse(
            self.ticket.message_ids.filtered(lambda m: "Intrusione" in m.body)
        )


class TestPostOverRpc(RpcTransportsMixin, PortalLinkCase):
    """The same door for a portal user calling message_post over RPC."""

    def test_the_customers_post_is_a_comment(self):
        forged_posts = (
            {},
            {"message_type": "notification"},
            {"message_type": "notification", "subtype_xmlid": "mail.mt_comment"},
            {"message_type": "auto_comment", "subtype_xmlid": "mail.mt_comment"},
            {"message_type": "email", "subtype_xmlid": "mail.mt_comment"},
        )
        for index, forged in enumerate(forged_posts):
            for transport, (ok, text, _result) in self.both(
                self.portal_user,
                "support.ticket",
                "message_post",
                [self.ticket.id],
                body=f"Via RPC {index}",
                **forged,
            ):
                with self.subTest(post_data=forged, transport=transport):
                    self.assertTrue(ok, text)
                    message = self.posted(f"Via RPC {index}")
                    self.assertEqual(message.message_type, "comment")
                    self.assertEqual(
                        message.subtype_id, self.env.ref("mail.mt_comment")
                    )
                    message.unlink()

    def test_the_customers_note_is_refused(self):
        for forged in (
            {"subtype_xmlid": "mail.mt_note"},
            {"message_type": "notification", "subtype_xmlid": "mail.mt_note"},
        ):
            for transport, (ok, text, _result) in self.both(
                self.portal_user,
                "support.ticket",
                "message_post",
                [self.ticket.id],
                body="Nota via RPC",
                **forged,
            ):
                with self.subTest(post_data=forged, transport=transport):
                    self.assertFalse(ok)
                    self.assertIn("Operation: create", text)
                    self.assertFalse(
                        self.ticket.message_ids.filtered(
                            lambda m: "Nota via RPC" in m.body
                        )
                    )


class TestReactionsOnTheDesksNotes(PortalLinkCase):
    """A reaction is given to a message whose document one may post on: a
    customer, or a visitor with the link, knowing an internal note's id,
    reacted to it and read back who of the staff had reacted too."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.note = cls.ticket.message_post(
            body="Nota interna", message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.note._message_reaction(
            "👍", "add", cls.resp_a.partner_id, cls.env["mail.guest"], None
        )
        cls.public = cls.ticket.message_ids.filtered(
            lambda message: PUBLIC_REPLY in (message.body or "")
        )

    def react(self, message, **link):
        return post_json_route(
            self,
            "/mail/message/reaction",
            {"message_id": message.id, "content": "👍", "action": "add", **link},
        )

    def test_the_customer_reacts_to_public_messages_only(self):
        self.login_portal()
        text, payload = self.react(self.note)
        self.assertIn("error", payload)
        self.assertNotIn(self.resp_a.name, text)
        self.assertEqual(len(self.note.reaction_ids), 1)
        # the control: a public answer
        text, payload = self.react(self.public)
        self.assertNotIn("error", payload, text)
        self.assertEqual(
            self.public.reaction_ids.partner_id, self.portal_user.partner_id
        )

    def test_nor_does_a_visitor_with_the_link(self):
        self.authenticate(None, None)
        text, payload = self.react(self.note, token=self.token)
        self.assertIn("error", payload)
        self.assertNotIn(self.resp_a.name, text)
        self.assertEqual(len(self.note.reaction_ids), 1)
