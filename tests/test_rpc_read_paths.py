"""Every read path, over a running server, for a user who must not see a
ticket (issue 7): Responsabile B never learns anything of a Gruppo A ticket,
whether through XML-RPC, JSON-RPC (``/web/dataset/call_kw``), the chatter
routes or the portal pages. Each check also runs for Responsabile A, who may
see the ticket, so that a check that could never find the data fails.
"""

import json

import odoo
from odoo import Command
from odoo.tools import mute_logger

from .common import (
    THREAD_DATA_REQUESTS,
    RpcTransportsMixin,
    SupportHttpCase,
    new_ticket_file,
)

SUBJECT = "Caldaia riservata ZQX-4411"
DESCRIPTION = "Descrizione riservata KLM-7302"
MESSAGE = "Messaggio riservato PWR-5518"
NOTE = "Nota interna riservata HGT-0937"
ATTACHMENT = "allegato-riservato-VBN-2264.txt"
ATTACHMENT_CONTENT = b"Contenuto riservato JKD-8190"
ACTIVITY = "Richiamare il cliente YTR-6645"
SECRETS = (SUBJECT, DESCRIPTION, MESSAGE, NOTE, ATTACHMENT, "JKD-8190", ACTIVITY)


class TestRpcReadPaths(RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.requester = env["res.partner"].create(
            {"name": "Cliente di Gruppo A", "email": "cliente.a@example.com"}
        )
        cls.ticket = env["support.ticket"].create(
            {
                "name": SUBJECT,
                "description": f"<p>{DESCRIPTION}</p>",
                "team_id": cls.team.id,
                "group_id": cls.group_a.id,
                "partner_id": cls.requester.id,
            }
        )
        cls.ticket.message_post(
            body=MESSAGE, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        cls.ticket.message_post(
            body=NOTE, message_type="comment", subtype_xmlid="mail.mt_note"
        )
        cls.attachment = new_ticket_file(cls.ticket, ATTACHMENT, ATTACHMENT_CONTENT)
        cls.ticket.message_subscribe(partner_ids=cls.requester.ids)
        cls.activity = cls.ticket.activity_schedule(
            "mail.mail_activity_data_todo", summary=ACTIVITY, user_id=cls.resp_a.id
        )
        cls.message_ids = cls.ticket.message_ids.ids
        # A ticket Responsabile B may see, so their empty answers are not
        # merely the answers of a user who sees nothing at all.
        cls.ticket_b = cls.new_ticket("Stampante di Gruppo B", group=cls.group_b)
        cls.allowed, cls.denied = cls.resp_a, cls.resp_b
        # both may export, so that export_data is refused for the record,
        # not for the right to export
        (cls.allowed | cls.denied).write(
            {"groups_id": [Command.link(env.ref("base.group_allow_export").id)]}
        )
        cls.env.flush_all()

    def assertNoSecret(self, text, *secrets):
        for secret in secrets or SECRETS:
            self.assertNotIn(secret, text)

    def assertLeaksNothing(self, model, method, *args, **kwargs):
        """The denied user's answers hold no secret; the allowed user's
        answers hold the first secret passed as ``expect``."""
        expect = kwargs.pop("expect", SUBJECT)
        for name, (_ok, text, _result) in self.both(
            self.denied, model, method, *args, **kwargs
        ):
            with self.subTest(transport=name, user="denied"):
                self.assertNoSecret(text)
        for name, (ok, text, _result) in self.both(
            self.allowed, model, method, *args, **kwargs
        ):
            with self.subTest(transport=name, user="allowed"):
                self.assertTrue(ok, text)
                self.assertIn(expect, text)

    # -- support.ticket ------------------------------------------------------

    def test_read_is_refused_without_the_data(self):
        for name, (ok, text, _result) in self.both(
            self.denied, "support.ticket", "read", [self.ticket.id], ["name"]
        ):
            with self.subTest(transport=name):
                self.assertFalse(ok)
                self.assertIn("access", text)
                self.assertNoSecret(text)
        self.assertLeaksNothing(
            "support.ticket",
            "read",
            [self.ticket.id],
            ["name", "description", "display_name"],
        )

    def test_read_of_both_tickets_is_refused_whole(self):
        # a batch with one forbidden record gives nothing, not the others
        ok, text, _result = self.xmlrpc(
            self.denied,
            "support.ticket",
            "read",
            [self.ticket_b.id, self.ticket.id],
            ["name"],
        )
        self.assertFalse(ok)
        self.assertNoSecret(text)

    def test_search_read(self):
        for domain in (
            [("id", "=", self.ticket.id)],
            [("name", "ilike", "riservata")],
            [("description", "ilike", "KLM-7302")],
            [("partner_id", "=", self.requester.id)],
            [("message_ids", "in", self.message_ids)],
        ):
            with self.subTest(domain=domain):
                self.assertLeaksNothing(
                    "support.ticket",
                    "search_read",
                    domain,
                    ["name", "description"],
                )
                for _name, (ok, _text, result) in self.both(
                    self.denied, "support.ticket", "search_count", domain
                ):
                    self.assertTrue(ok)
                    self.assertEqual(result, 0)

    def test_denied_user_still_searches_their_own_tickets(self):
        ok, _text, result = self.xmlrpc(
            self.denied,
            "support.ticket",
            "search",
            [("id", "in", [self.ticket.id, self.ticket_b.id])],
        )
        self.assertTrue(ok)
        self.assertEqual(result, [self.ticket_b.id])

    def test_read_group_counts(self):
        domain = [("id", "in", [self.ticket.id, self.ticket_b.id])]
        for name, (ok, text, result) in self.both(
            self.denied, "support.ticket", "read_group", domain, ["name"], ["name"]
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertNoSecret(text)
                self.assertEqual(sum(group["name_count"] for group in result), 1)
        for name, (_ok, _text, result) in self.both(
            self.denied,
            "support.ticket",
            "read_group",
            domain,
            ["group_id"],
            ["group_id"],
        ):
            with self.subTest(transport=name):
                self.assertEqual(
                    [(g["group_id"][0], g["group_id_count"]) for g in result],
                    [(self.group_b.id, 1)],
                )
        self.assertLeaksNothing(
            "support.ticket", "read_group", domain, ["name"], ["name"]
        )
        # web_read_group, what the list view's grouping calls
        self.assertLeaksNothing(
            "support.ticket",
            "web_read_group",
            domain,
            ["name"],
            ["name"],
        )

    def test_web_search_read(self):
        spec = {
            "name": {},
            "description": {},
            "display_name": {},
            "message_ids": {"fields": {"body": {}}},
            "activity_ids": {"fields": {"summary": {}}},
        }
        domain = [("id", "in", [self.ticket.id, self.ticket_b.id])]
        for name, (ok, text, result) in self.both(
            self.denied, "support.ticket", "web_search_read", domain, spec
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertNoSecret(text)
                self.assertEqual(result["length"], 1)
        self.assertLeaksNothing(
            "support.ticket", "web_search_read", domain, spec, expect=MESSAGE
        )
        for name, (ok, text, _result) in self.both(
            self.denied, "support.ticket", "web_read", [self.ticket.id], spec
        ):
            with self.subTest(transport=name, method="web_read"):
                self.assertFalse(ok)
                self.assertNoSecret(text)

    def test_name_search_by_subject_and_by_number(self):
        for term in ("Caldaia riservata", "ZQX-4411", self.ticket.number):
            with self.subTest(term=term):
                for _name, (ok, text, result) in self.both(
                    self.denied, "support.ticket", "name_search", term
                ):
                    self.assertTrue(ok, text)
                    self.assertNoSecret(text)
                    self.assertNotIn(self.ticket.id, [row[0] for row in result])
                self.assertLeaksNothing("support.ticket", "name_search", term)

    def test_export_data(self):
        fields = ["name", "description", "message_ids/body", "number"]
        for name, (ok, text, _result) in self.both(
            self.denied, "support.ticket", "export_data", [self.ticket.id], fields
        ):
            with self.subTest(transport=name):
                self.assertFalse(ok)
                self.assertNoSecret(text)
                self.assertNotIn(self.ticket.number, text)
        self.assertLeaksNothing(
            "support.ticket", "export_data", [self.ticket.id], fields, expect=MESSAGE
        )
        # exporting the requester, through the ticket relation
        self.assertLeaksNothing(
            "res.partner",
            "export_data",
            [self.requester.id],
            ["name", "support_ticket_ids/name", "support_ticket_ids/description"],
        )

    # -- related fields of other models ----------------------------------------

    def test_partner_tickets_and_count(self):
        fields = ["support_ticket_ids", "support_ticket_count"]
        for name, (ok, text, result) in self.both(
            self.denied, "res.partner", "read", [self.requester.id], fields
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result[0]["support_ticket_ids"], [])
                self.assertEqual(result[0]["support_ticket_count"], 0)
        ok, _text, result = self.xmlrpc(
            self.allowed, "res.partner", "read", [self.requester.id], fields
        )
        self.assertEqual(result[0]["support_ticket_ids"], [self.ticket.id])
        self.assertEqual(result[0]["support_ticket_count"], 1)
        spec = {"support_ticket_ids": {"fields": {"name": {}, "description": {}}}}
        self.assertLeaksNothing("res.partner", "web_read", [self.requester.id], spec)
        self.assertLeaksNothing(
            "res.partner",
            "search_read",
            [("support_ticket_ids.name", "ilike", "ZQX-4411")],
            ["name"],
            expect="Cliente di Gruppo A",
        )
        ok, _text, result = self.xmlrpc(
            self.denied,
            "res.partner",
            "search",
            [("support_ticket_ids.name", "ilike", "ZQX-4411")],
        )
        self.assertEqual(result, [])

    def test_group_and_team_tickets_and_counts(self):
        for model, record in (
            ("support.group", self.group_a),
            ("support.team", self.team),
        ):
            spec = {"ticket_ids": {"fields": {"name": {}}}, "open_ticket_count": {}}
            for name, (ok, text, result) in self.both(
                self.denied, model, "web_read", [record.id], spec
            ):
                with self.subTest(model=model, transport=name):
                    self.assertTrue(ok, text)
                    self.assertNoSecret(text)
                    ids = [row["id"] for row in result[0]["ticket_ids"]]
                    self.assertNotIn(self.ticket.id, ids)
            self.assertLeaksNothing(model, "web_read", [record.id], spec)
        ok, _text, result = self.xmlrpc(
            self.denied,
            "support.group",
            "read",
            [self.group_a.id],
            ["open_ticket_count"],
        )
        self.assertEqual(result[0]["open_ticket_count"], 0)

    # -- chatter: messages, attachments, followers, activities -------------------

    def test_messages(self):
        domain = [("model", "=", "support.ticket"), ("res_id", "=", self.ticket.id)]
        for name, (ok, text, result) in self.both(
            self.denied, "mail.message", "search_read", domain, ["body", "subject"]
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result, [])
        self.assertLeaksNothing(
            "mail.message", "search_read", domain, ["body"], expect=MESSAGE
        )
        self.assertLeaksNothing(
            "mail.message",
            "search_read",
            [("body", "ilike", "PWR-5518")],
            ["body", "record_name"],
            expect=MESSAGE,
        )
        for name, (ok, text, _result) in self.both(
            self.denied, "mail.message", "read", self.message_ids, ["body"]
        ):
            with self.subTest(transport=name, method="read"):
                self.assertFalse(ok)
                self.assertNoSecret(text)
        self.assertLeaksNothing(
            "mail.message", "read", self.message_ids, ["body"], expect=MESSAGE
        )

    def test_attachments(self):
        domain = [("res_model", "=", "support.ticket"), ("res_id", "=", self.ticket.id)]
        fields = ["name", "datas"]
        for name, (ok, text, result) in self.both(
            self.denied, "ir.attachment", "search_read", domain, fields
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result, [])
        self.assertLeaksNothing(
            "ir.attachment", "search_read", domain, fields, expect=ATTACHMENT
        )
        self.assertLeaksNothing(
            "ir.attachment",
            "read",
            [self.attachment.id],
            fields,
            expect=ATTACHMENT,
        )
        # the download route
        url = f"/web/content/{self.attachment.id}?download=true"
        self.authenticate(self.denied.login, self.password(self.denied))
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn(ATTACHMENT_CONTENT, response.content)
        self.assertNoSecret(response.text)
        self.authenticate(self.allowed.login, self.password(self.allowed))
        response = self.url_open(url)
        self.assertEqual(response.content, ATTACHMENT_CONTENT)

    def test_followers(self):
        domain = [
            ("res_model", "=", "support.ticket"),
            ("res_id", "=", self.ticket.id),
        ]
        for name, (ok, text, result) in self.both(
            self.denied, "mail.followers", "search_read", domain, ["partner_id"]
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result, [])
        ok, _text, result = self.xmlrpc(
            self.allowed, "mail.followers", "search_read", domain, ["partner_id"]
        )
        self.assertIn(self.requester.id, [row["partner_id"][0] for row in result])
        follower_ids = [row["id"] for row in result]
        for name, (ok, text, _result) in self.both(
            self.denied, "mail.followers", "read", follower_ids, ["partner_id"]
        ):
            with self.subTest(transport=name, method="read"):
                self.assertFalse(ok)
                self.assertNotIn("Cliente di Gruppo A", text)
        ok, text, _result = self.xmlrpc(
            self.allowed, "mail.followers", "read", follower_ids, ["partner_id"]
        )
        self.assertIn("Cliente di Gruppo A", text)
        # the chatter's follower panel
        params = {"follower_id": follower_ids[0]}
        route = "/mail/read_subscription_data"
        ok, text, _result = self.json_post(self.denied, route, params)
        self.assertFalse(ok)
        self.assertNoSecret(text)
        ok, text, _result = self.json_post(self.allowed, route, params)
        self.assertTrue(ok, text)

    def test_activities(self):
        domain = [("res_model", "=", "support.ticket"), ("res_id", "=", self.ticket.id)]
        fields = ["summary", "res_name", "note"]
        for name, (ok, text, result) in self.both(
            self.denied, "mail.activity", "search_read", domain, fields
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result, [])
        self.assertLeaksNothing(
            "mail.activity", "search_read", domain, fields, expect=ACTIVITY
        )
        self.assertLeaksNothing(
            "mail.activity", "read", self.activity.ids, fields, expect=ACTIVITY
        )

    def test_chatter_thread_data_route(self):
        params = {
            "thread_model": "support.ticket",
            "thread_id": self.ticket.id,
            "request_list": list(THREAD_DATA_REQUESTS),
        }
        _ok, text, _result = self.json_post(self.denied, "/mail/thread/data", params)
        self.assertNoSecret(text)
        self.assertNotIn("cliente.a@example.com", text)
        ok, text, _result = self.json_post(self.allowed, "/mail/thread/data", params)
        self.assertTrue(ok, text)
        self.assertIn(ATTACHMENT, text)
        self.assertIn(ACTIVITY, text)

    def test_chatter_messages_route(self):
        for params in (
            {"thread_model": "support.ticket", "thread_id": self.ticket.id},
            {
                "thread_model": "support.ticket",
                "thread_id": self.ticket.id,
                "search_term": "PWR-5518",
            },
        ):
            _ok, text, _result = self.json_post(
                self.denied, "/mail/thread/messages", params
            )
            self.assertNoSecret(text)
            ok, text, _result = self.json_post(
                self.allowed, "/mail/thread/messages", params
            )
            self.assertTrue(ok, text)
            self.assertIn(MESSAGE, text)

    # -- portal pages ------------------------------------------------------------

    def test_portal_page_without_token(self):
        self.authenticate(self.denied.login, self.password(self.denied))
        with mute_logger("odoo.http"):
            page = self.url_open(self.ticket.access_url)
        self.assertNoSecret(page.text)
        self.authenticate(self.allowed.login, self.password(self.allowed))
        page = self.url_open(self.ticket.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(SUBJECT, page.text)

    def test_portal_page_with_a_wrong_token(self):
        token = self.ticket.sudo()._portal_ensure_token()
        for user in (self.denied, None):
            if user:
                self.authenticate(user.login, self.password(user))
            else:
                self.authenticate(None, None)
            with mute_logger("odoo.http"):
                page = self.url_open(
                    f"{self.ticket.access_url}?access_token={token[:-1]}x"
                )
            self.assertNoSecret(page.text)
            # another ticket's token opens that ticket only
            token_b = self.ticket_b.sudo()._portal_ensure_token()
            with mute_logger("odoo.http"):
                page = self.url_open(f"{self.ticket.access_url}?access_token={token_b}")
            self.assertNoSecret(page.text)

    def test_portal_page_with_the_token_shows_public_messages_only(self):
        # the token is the capability the requester was mailed: it opens
        # the page, never the internal note
        token = self.ticket.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        page = self.url_open(f"{self.ticket.access_url}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(SUBJECT, page.text)
        self.assertNotIn(NOTE, page.text)
        self.assertNotIn(ACTIVITY, page.text)


class TestAccessErrorNamesNoTicket(SupportHttpCase):
    """In debug mode, Odoo names the refused records to Technical Features
    users: a refused ticket must not be named."""

    def _debug_refusal_of_resp_b(self, model, ids, fields):
        """The message of the error Responsabile B gets, in debug mode with
        Technical Features, reading ``ids`` over JSON-RPC as the web client."""
        self.resp_b.groups_id = [Command.link(self.env.ref("base.group_no_one").id)]
        self.authenticate(self.resp_b.login, self.resp_b.login)
        self.session.debug = "1"
        odoo.http.root.session_store.save(self.session)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": model,
                "method": "read",
                "args": [ids, fields],
                "kwargs": {},
            },
        }
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/web/dataset/call_kw/{model}/read",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        return response.json()["error"]["data"]["message"]

    def test_refused_ticket_is_not_named_in_the_debug_error(self):
        ticket = self.new_ticket("Segreto di Gruppo A", group=self.group_a)
        message = self._debug_refusal_of_resp_b("support.ticket", ticket.ids, ["name"])
        # the debug listing is there (the test reaches Odoo's named branch)...
        self.assertIn(f"Ticket #{ticket.id}", message)
        # ...and says nothing of the ticket
        self.assertNotIn("Segreto", message)
        self.assertNotIn(ticket.number, message)

    def test_a_refused_tickets_followers_are_not_named_either(self):
        requester = self.env["res.partner"].create({"name": "Cliente Riservato"})
        ticket = self.new_ticket("Segreto di Gruppo A", group=self.group_a)
        ticket.message_subscribe(requester.ids)
        follower = ticket.message_follower_ids.filtered(
            lambda f: f.partner_id == requester
        )
        message = self._debug_refusal_of_resp_b(
            "mail.followers", follower.ids, ["res_id"]
        )
        self.assertIn(f"Follower #{follower.id}", message)
        self.assertNotIn("Riservato", message)
        # elsewhere a follower is still named by its partner
        self.assertEqual(follower.display_name, "Cliente Riservato")

    def test_ticket_names_are_unchanged_elsewhere(self):
        ticket = self.new_ticket("Nome visibile", group=self.group_a)
        self.assertEqual(
            ticket.with_user(self.resp_a).display_name, f"{ticket.number} Nome visibile"
        )
