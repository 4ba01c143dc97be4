"""Doors beside the record rules (SPEC "Nothing leaks beside the rules"):
for a user who may not read a ticket, no other model tells of it, and no
write of a field the workflow owns hides, moves or falsifies it.

Each check runs over XML-RPC and JSON-RPC as the refused user and, beside
it, as a user who may read the ticket, so that a check that could never
find the data fails.
"""

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.mail.tools.discuss import Store

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase

SUBJECT = "Guasto riservato QWE-7731"
REPLY = "Risposta riservata ASD-4408"


class TestNotificationsOfTickets(RpcTransportsMixin, SupportHttpCase):
    """Who was told of a ticket's message is part of the ticket."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.tech_a.notification_type = "inbox"
        cls.message = cls.ticket.message_post(
            body=REPLY,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.tech_a.partner_id.ids,
        )
        cls.notification = cls.message.notification_ids
        cls.plain = new_test_user(env, login="t_plain1", groups="base.group_user")
        company = env["res.partner"].create({"name": "Ditta", "is_company": True})
        cls.customer = new_test_user(env, login="t_portal1", groups="base.group_portal")
        cls.customer.partner_id.parent_id = company
        # a notification of another model stays Odoo's: readable by all
        cls.other_message = company.message_post(
            body="Nota su un contatto",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.plain.partner_id.ids,
        )
        env.flush_all()

    def test_the_notification_exists(self):
        self.assertEqual(self.notification.res_partner_id, self.tech_a.partner_id)

    def test_refused_users_find_no_notification_of_the_ticket(self):
        for user in (self.tech_b, self.plain, self.customer):
            for name, (ok, text, result) in self.both(
                user,
                "mail.notification",
                "search_read",
                [],
                ["mail_message_id", "res_partner_id", "mail_mail_id"],
            ):
                with self.subTest(user=user.login, transport=name):
                    self.assertTrue(ok, text)
                    self.assertNotIn(SUBJECT, text)
                    self.assertNotIn(self.notification.id, [r["id"] for r in result])

    def test_refused_users_cannot_read_or_group_them(self):
        for user in (self.tech_b, self.plain, self.customer):
            with self.subTest(user=user.login):
                ok, text, _result = self.xmlrpc(
                    user, "mail.notification", "read", self.notification.ids, ["id"]
                )
                self.assertFalse(ok)
                self.assertNotIn(SUBJECT, text)
                ok, text, result = self.xmlrpc(
                    user,
                    "mail.notification",
                    "read_group",
                    [],
                    ["mail_message_id"],
                    ["mail_message_id"],
                )
                self.assertTrue(ok, text)
                self.assertNotIn(SUBJECT, text)

    def test_readers_of_the_ticket_still_read_them(self):
        for user in (self.resp_a, self.tech_a):
            for name, (ok, text, result) in self.both(
                user,
                "mail.notification",
                "search_read",
                [("id", "=", self.notification.id)],
                ["mail_message_id"],
            ):
                with self.subTest(user=user.login, transport=name):
                    self.assertTrue(ok, text)
                    self.assertEqual([r["id"] for r in result], self.notification.ids)
                    self.assertIn(SUBJECT, text)

    def test_notifications_of_other_models_keep_odoo_behaviour(self):
        other = self.other_message.notification_ids
        ok, text, result = self.xmlrpc(
            self.tech_b,
            "mail.notification",
            "search_read",
            [("id", "in", other.ids)],
            ["res_partner_id"],
        )
        self.assertTrue(ok, text)
        self.assertEqual([r["id"] for r in result], other.ids)

    def test_the_inbox_keeps_the_readers_notification(self):
        # the needaction counter searches the notifications as the user
        messages = (
            self.env["mail.message"]
            .with_user(self.tech_a)
            .search([("needaction", "=", True)])
        )
        self.assertIn(self.message, messages)


class TestRelationSearches(RpcTransportsMixin, SupportHttpCase):
    """A search through a relation to tickets, given a ticket's id, finds
    what the user may read of it, nothing more."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.requester = env["res.partner"].create({"name": "Richiedente Riservato"})
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket.partner_id = cls.requester
        cls.plain = new_test_user(env, login="t_plain2", groups="base.group_user")
        env.flush_all()

    SEARCHES = (
        ("res.partner", "support_ticket_ids", "in", "requester"),
        ("res.partner", "support_ticket_ids", "=", "requester"),
        ("res.partner", "support_ticket_ids", "child_of", "requester"),
        ("res.users", "support_ticket_ids", "in", None),
        ("support.group", "ticket_ids", "=", "group_a"),
        ("support.group", "ticket_ids", "in", "group_a"),
        ("support.team", "ticket_ids", "in", "team"),
    )

    def _search(self, user, model, fname, operator, value):
        return self.xmlrpc(user, model, "search", [(fname, operator, value)])

    def test_refused_users_learn_nothing_by_id(self):
        for model, fname, operator, _expected in self.SEARCHES:
            value = self.ticket.id if operator == "=" else [self.ticket.id]
            for user in (self.tech_b, self.plain):
                with self.subTest(model=model, operator=operator, user=user.login):
                    ok, text, result = self._search(user, model, fname, operator, value)
                    # a clear refusal (no right on the model) or nothing found
                    self.assertTrue(ok or "You are not allowed" in text, text)
                    self.assertFalse(result)

    def test_readers_find_the_requester_group_and_team(self):
        for model, fname, operator, expected in self.SEARCHES:
            if expected is None:
                continue
            value = self.ticket.id if operator == "=" else [self.ticket.id]
            with self.subTest(model=model, operator=operator):
                ok, text, result = self._search(
                    self.resp_a, model, fname, operator, value
                )
                self.assertTrue(ok, text)
                self.assertEqual(result, getattr(self, expected).ids)

    def test_negative_searches_do_not_single_out_the_requester(self):
        for user, readable in ((self.tech_b, False), (self.resp_a, True)):
            with self.subTest(user=user.login):
                _ok, _text, without = self._search(
                    user,
                    "res.partner",
                    "support_ticket_ids",
                    "not in",
                    [self.ticket.id],
                )
                self.assertEqual(self.requester.id not in without, readable)
                _ok, _text, none = self._search(
                    user, "res.partner", "support_ticket_ids", "=", False
                )
                self.assertEqual(self.requester.id not in none, readable)
                _ok, _text, some = self._search(
                    user, "res.partner", "support_ticket_ids", "!=", False
                )
                self.assertEqual(self.requester.id in some, readable)

    def test_users_by_support_group_name_is_a_search_not_a_server_error(self):
        ok, text, result = self.xmlrpc(
            self.tech_b,
            "res.users",
            "search",
            [("support_group_ids.name", "=", "Gruppo B")],
        )
        self.assertTrue(ok, text)
        self.assertIn(self.tech_b.id, result)
        self.assertNotIn(self.tech_a.id, result)
        ok, text, _result = self.xmlrpc(
            self.plain,
            "res.users",
            "search",
            [("support_group_ids.name", "=", "Gruppo A")],
        )
        self.assertFalse(ok)
        self.assertIn("You are not allowed to access 'Support Group'", text)


class TestWorkflowOwnedFields(RpcTransportsMixin, SupportHttpCase):
    """The state, its dates, the company and the stored figures change only
    through the workflow; archiving needs the right to delete."""

    OWNED = {
        "company_id": False,
        "state": "closed",
        "date_taken": "2020-01-01 10:00:00",
        "date_closed": "2020-01-02 10:00:00",
        "date_last_activity": "2020-01-03 10:00:00",
        "requester_display": "Falso",
        "hours_to_take": 0.5,
        "hours_to_close": 1.5,
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.env.flush_all()

    def _snapshot(self):
        self.env.invalidate_all()
        return self.ticket.read(list(self.OWNED) + ["active"])[0]

    def test_owned_fields_are_refused_over_rpc_and_nothing_changes(self):
        before = self._snapshot()
        for user in (self.callcenter, self.resp_a, self.teamadmin):
            for fname, value in self.OWNED.items():
                for name, (ok, text, _result) in self.both(
                    user, "support.ticket", "write", self.ticket.ids, {fname: value}
                ):
                    with self.subTest(user=user.login, field=fname, transport=name):
                        self.assertFalse(ok)
                        self.assertIn("only through its workflow", text)
        self.assertEqual(self._snapshot(), before)

    def test_another_company_is_refused_as_well(self):
        company = self.env["res.company"].create({"name": "Altra Azienda"})
        ok, text, _result = self.xmlrpc(
            self.callcenter,
            "support.ticket",
            "write",
            self.ticket.ids,
            {"company_id": company.id},
        )
        self.assertFalse(ok)
        self.assertIn("only through its workflow", text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.company_id, self.team.company_id)
        # the supervisor still reaches it: nothing was hidden
        self.assertSees(self.supervisor, self.ticket)

    def test_the_workflow_still_writes_them(self):
        ok, text, _result = self.xmlrpc(
            self.callcenter, "support.ticket", "action_take", self.ticket.ids
        )
        self.assertTrue(ok, text)
        ok, text, _result = self.xmlrpc(
            self.callcenter, "support.ticket", "action_close", self.ticket.ids
        )
        self.assertTrue(ok, text)
        self.env.invalidate_all()
        self.assertEqual(self.ticket.state, "closed")
        self.assertTrue(self.ticket.date_taken and self.ticket.date_closed)
        # and the editable fields stay editable
        ok, text, _result = self.xmlrpc(
            self.callcenter,
            "support.ticket",
            "write",
            self.ticket.ids,
            {"priority": "3"},
        )
        self.assertTrue(ok, text)

    def test_create_cannot_set_them_nor_default_them(self):
        Ticket = self.env["support.ticket"].with_user(self.callcenter)
        vals = {"name": "Nuova", "team_id": self.team.id, "group_id": self.group_a.id}
        with self.assertRefused(AccessError, "only through its workflow"):
            Ticket.create(dict(vals, state="closed"))
        ticket = Ticket.with_context(
            default_state="closed", default_date_closed=fields.Datetime.now()
        ).create(vals)
        self.assertEqual(ticket.state, "new")
        self.assertFalse(ticket.date_closed)

    def test_archiving_needs_the_right_to_delete(self):
        ok, text, _result = self.xmlrpc(
            self.callcenter,
            "support.ticket",
            "write",
            self.ticket.ids,
            {"active": False},
        )
        self.assertFalse(ok)
        self.assertIn("You are not allowed to delete", text)
        self.env.invalidate_all()
        self.assertTrue(self.ticket.active)
        # a manager who may delete it may archive it
        ok, text, _result = self.xmlrpc(
            self.resp_a, "support.ticket", "write", self.ticket.ids, {"active": False}
        )
        self.assertTrue(ok, text)
        self.env.invalidate_all()
        self.assertFalse(self.ticket.active)

    def test_creating_a_ticket_archived_needs_it_too(self):
        # an archived ticket never reaches the queue: created so, as archived
        # afterwards, by one who may delete it
        values = {"name": "Nata archiviata", "team_id": self.team.id}
        for kwargs in (
            {"vals": dict(values, group_id=self.group_b.id, active=False)},
            {
                "vals": dict(values, group_id=self.group_b.id),
                "context": {"default_active": False},
            },
        ):
            ok, text, _result = self.xmlrpc(
                self.callcenter,
                "support.ticket",
                "create",
                kwargs["vals"],
                context=kwargs.get("context", {}),
            )
            self.assertFalse(ok)
            self.assertIn("You are not allowed to delete", text)
        self.assertFalse(
            self.env["support.ticket"]
            .with_context(active_test=False)
            .search([("name", "=", "Nata archiviata")])
        )
        # the call center still creates it in the queue; a manager who may
        # delete their group's tickets creates one archived
        ok, text, _result = self.xmlrpc(
            self.callcenter,
            "support.ticket",
            "create",
            dict(values, group_id=self.group_b.id),
        )
        self.assertTrue(ok, text)
        ok, text, _result = self.xmlrpc(
            self.resp_a,
            "support.ticket",
            "create",
            dict(values, group_id=self.group_a.id, active=False),
        )
        self.assertTrue(ok, text)


class TestFollowersWhoLoseAccess(SupportCase):
    """Followers and notified recipients who can no longer read a ticket
    stop receiving and reading its new messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket.message_subscribe(
            (cls.callcenter | cls.tech_a | cls.resp_a).partner_id.ids
        )

    def _post_as_resp_a(self, body):
        return (
            self.ticket.with_user(self.resp_a)
            .message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
            .sudo()
        )

    def _finds(self, user, body):
        return (
            self.env["mail.message"]
            .with_user(user)
            .search([("body", "ilike", body), ("model", "=", "support.ticket")])
        )

    def test_a_ticket_forwarded_away_drops_its_former_readers(self):
        first = self._post_as_resp_a("Prima risposta")
        self.assertIn(self.callcenter.partner_id, first.notified_partner_ids)
        self.ticket.with_user(self.resp_a).write(
            {"group_id": False, "user_id": self.resp_a.id}
        )
        self.assertNotSees(self.callcenter, self.ticket)
        self.assertNotIn(self.callcenter.partner_id, self.ticket.message_partner_ids)
        reply = self._post_as_resp_a(REPLY)
        self.assertNotIn(self.callcenter.partner_id, reply.notified_partner_ids)
        self.assertFalse(self._finds(self.callcenter, "ASD-4408"))
        # positive control: the reader still follows and finds it
        self.assertIn(self.resp_a.partner_id, self.ticket.message_partner_ids)
        self.assertTrue(self._finds(self.resp_a, "ASD-4408"))

    def test_a_member_who_leaves_the_group_is_no_longer_told(self):
        self.group_a.role_ids = [Command.unlink(self.role_tech_a.id)]
        self.assertNotSees(self.tech_a, self.ticket)
        # still a follower (no write of the ticket): but no longer told
        self.assertIn(self.tech_a.partner_id, self.ticket.message_partner_ids)
        reply = self._post_as_resp_a(REPLY)
        self.assertNotIn(self.tech_a.partner_id, reply.notified_partner_ids)
        self.assertFalse(self._finds(self.tech_a, "ASD-4408"))
        self.assertIn(self.callcenter.partner_id, reply.notified_partner_ids)

    def test_a_renamed_ticket_is_not_named_beside_an_old_message(self):
        first = self._post_as_resp_a("Prima risposta")
        self.ticket.with_user(self.resp_a).write(
            {"group_id": False, "user_id": self.resp_a.id, "name": "Nome nuovo ZZT-1"}
        )
        for user, named in ((self.callcenter, False), (self.resp_a, True)):
            with self.subTest(user=user.login):
                store = Store()
                first.with_user(user)._to_store(store)
                text = repr(store.get_result())
                self.assertEqual("ZZT-1" in text, named)
                if not named:
                    self.assertIn(f"Ticket #{self.ticket.id}", text)

    def test_a_previous_requester_stops_following(self):
        customer = self.env["res.partner"].create({"name": "Cliente Vecchio"})
        self.ticket.partner_id = customer
        self.ticket.message_subscribe(customer.ids)
        newcomer = self.env["res.partner"].create({"name": "Cliente Nuovo"})
        self.ticket.with_user(self.resp_a).write({"partner_id": newcomer.id})
        self.assertNotIn(customer, self.ticket.message_partner_ids)
        with mute_logger("odoo.models"):
            reply = self._post_as_resp_a(REPLY)
        self.assertNotIn(customer, reply.notified_partner_ids)


class TestExistenceOfAnId(SupportCase):
    """What the addon decides for an id one may not read (Odoo-wide, ids are
    sequential and ``exists()`` is unfiltered): that a ticket of that id
    exists is not hidden; nothing else of it is told."""

    def test_existence_is_told_and_nothing_more(self):
        ticket = self.new_ticket(SUBJECT, group=self.group_a)
        Ticket = self.env["support.ticket"].with_user(self.tech_b)
        self.assertEqual(Ticket.browse(ticket.id).exists(), Ticket.browse(ticket.id))
        missing = Ticket.browse(ticket.id + 1000)
        self.assertFalse(missing.exists())
        for call in (
            lambda record: record.get_metadata(),
            lambda record: record.check_access("read"),
            lambda record: record.read(["create_uid"]),
        ):
            with self.assertRaises(AccessError) as caught, mute_logger("odoo.models"):
                call(Ticket.browse(ticket.id))
            self.assertNotIn("QWE-7731", str(caught.exception))
            self.assertNotIn(self.env.user.name, str(caught.exception))
        # a reader gets the metadata
        self.assertEqual(
            Ticket.with_user(self.resp_a).browse(ticket.id).get_metadata()[0]["id"],
            ticket.id,
        )


class TestTheConversationOfATicket(SupportCase):
    """A ticket's messages, scheduled messages and activities are written,
    and read, by those who may post on or read the ticket: following it,
    being named on one of its messages or assigned one of its activities
    grants nothing once the ticket is out of reach."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.requester = cls.env["res.partner"].create({"name": "Richiedente"})
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket.partner_id = cls.requester
        cls.ticket.message_subscribe(cls.tech_a.partner_id.ids)
        cls.message = cls.ticket.with_user(cls.resp_a).message_post(
            body=REPLY,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.tech_b.partner_id.ids,
        )
        cls.activity = cls.ticket.activity_schedule(
            "mail.mail_activity_data_todo", summary="Richiamare", user_id=cls.tech_a.id
        )
        # tech_a leaves the group: still a follower, still the assignee
        cls.group_a.role_ids = [Command.unlink(cls.role_tech_a.id)]

    def test_a_former_follower_cannot_post(self):
        self.assertNotSees(self.tech_a, self.ticket)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.ticket.with_user(self.tech_a).message_post(
                body="Intruso", message_type="comment"
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["mail.message"].with_user(self.tech_a).create(
                {
                    "model": "support.ticket",
                    "res_id": self.ticket.id,
                    "body": "Finta risposta del cliente",
                    "message_type": "email",
                    "author_id": self.requester.id,
                }
            )
        # positive control: a reader posts
        self.ticket.with_user(self.resp_a).message_post(
            body="Ok", message_type="comment"
        )

    def test_a_named_recipient_neither_answers_nor_rewrites(self):
        self.assertNotSees(self.tech_b, self.ticket)
        Message = self.env["mail.message"].with_user(self.tech_b)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Message.create(
                {
                    "model": "support.ticket",
                    "res_id": self.ticket.id,
                    "parent_id": self.message.id,
                    "body": "Risposta iniettata",
                    "message_type": "comment",
                }
            )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Message.browse(self.message.id).write({"body": "Riscritto"})
        self.assertIn(REPLY, self.message.body)
        # positive control: its author edits their own message
        self.message.with_user(self.resp_a).write({"body": "Corretto"})

    def test_a_former_assignee_no_longer_reads_the_activity(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.activity.with_user(self.tech_a).read(["summary", "res_name"])
        self.assertEqual(
            self.activity.with_user(self.resp_a).read(["summary"])[0]["summary"],
            "Richiamare",
        )

    def test_marking_an_activity_done_carries_no_file_of_another_ticket(self):
        other = self.new_ticket("Altro segreto", group=self.group_b)
        secret_file = self.env["ir.attachment"].create(
            {
                "name": "segreto.txt",
                "raw": b"x",
                "res_model": "support.ticket",
                "res_id": other.id,
            }
        )
        mine = self.new_ticket("Mio", user=self.tech_a)
        activity = mine.activity_schedule(
            "mail.mail_activity_data_todo", summary="Fatto", user_id=self.tech_a.id
        )
        self.assertNotSees(self.tech_a, other)
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            activity.with_user(self.tech_a).action_feedback(
                feedback="ok", attachment_ids=secret_file.ids
            )
        self.assertEqual(secret_file.res_id, other.id)
        # positive control: done without a file
        activity.with_user(self.tech_a).action_feedback(feedback="ok")

    def test_scheduled_messages_are_the_readers(self):
        scheduled = self.env["mail.scheduled.message"].create(
            {
                "model": "support.ticket",
                "res_id": self.ticket.id,
                "body": "Programmato XKQ-1",
                "scheduled_date": "2999-01-01 10:00:00",
                "author_id": self.resp_a.partner_id.id,
            }
        )
        for user in (self.tech_b, self.resp_b):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError), mute_logger("odoo.models"):
                    scheduled.with_user(user).read(["body"])
        self.assertIn(
            "XKQ-1", scheduled.with_user(self.resp_a).read(["body"])[0]["body"]
        )


class TestOrdinaryUseStays(SupportCase):
    def test_an_import_by_database_id_still_works(self):
        ticket = self.new_ticket("Importato", group=self.group_a)
        result = (
            self.env["support.ticket"]
            .with_user(self.supervisor)
            .load([".id", "name"], [[str(ticket.id), "Rinominato"]])
        )
        self.assertFalse(result["messages"], result["messages"])
        self.assertEqual(ticket.name, "Rinominato")

    def test_partners_by_ticket_names(self):
        requester = self.env["res.partner"].create({"name": "Cliente Stampante"})
        ticket = self.new_ticket("Stampante QWV", group=self.group_a)
        ticket.partner_id = requester
        Partner = self.env["res.partner"]
        domain = [("support_ticket_ids", "in", ["Stampante QWV"])]
        self.assertEqual(Partner.with_user(self.resp_a).search(domain), requester)
        self.assertFalse(Partner.with_user(self.tech_b).search(domain))
