"""Merging duplicate tickets (issue 15, SPEC "The customer's side"): the
messages, files and followers of the others move to the ticket kept; the
others are archived with a note linking to it. Archiving hides a ticket as
deleting it does: a merge needs the right to change every ticket and to
delete the ones merged, or it is refused, naming them, and changes nothing;
a ticket the user may not read is named by its id only."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tools import mute_logger

from odoo.addons.mail.tests.common import MailCase

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase, new_ticket_file

SECRET = "Oggetto riservato MRG-7301"


class MergeScenario:
    @classmethod
    def setup_merge_scenario(cls):
        env = cls.env
        cls.requester = env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario@rossi.example.com"}
        )
        cls.stranger = env["res.partner"].create(
            {"name": "Estraneo", "email": "estraneo@altro.example.com"}
        )
        cls.kept = cls.new_ticket("La caldaia non parte", group=cls.group_a)
        cls.duplicate = cls.new_ticket("Caldaia ferma (di nuovo)", group=cls.group_a)
        (cls.kept | cls.duplicate).partner_id = cls.requester
        cls.other_group_ticket = cls.new_ticket(SECRET, group=cls.group_b)
        cls.note = cls.duplicate.message_post(
            body="Il cliente ha richiamato.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.file = new_ticket_file(cls.duplicate, "foto.jpg", b"foto")
        cls.duplicate.message_subscribe(
            (cls.requester | cls.stranger | cls.tech_b.partner_id).ids
        )
        cls.kept.message_subscribe(cls.requester.ids)
        env.flush_all()

    def merge(self, user, tickets, target=None):
        wizard = (
            self.env["support.ticket.merge"]
            .with_user(user)
            .with_context(active_model="support.ticket", active_ids=tickets.ids)
            .create({})
        )
        if target:
            wizard.target_id = target
        return wizard.action_merge()

    def assertUnchanged(self):
        self.env.invalidate_all()
        self.assertTrue(self.duplicate.active)
        self.assertEqual(self.note.res_id, self.duplicate.id)
        self.assertEqual(self.file.res_id, self.duplicate.id)
        self.assertIn(self.stranger, self.duplicate.message_partner_ids)
        self.assertTrue(self.other_group_ticket.active)


class TestMerge(MergeScenario, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_merge_scenario()

    def test_the_oldest_ticket_is_kept_by_default(self):
        wizard = (
            self.env["support.ticket.merge"]
            .with_user(self.resp_a)
            .with_context(
                active_model="support.ticket",
                active_ids=[self.duplicate.id, self.kept.id],
            )
            .create({})
        )
        self.assertEqual(wizard.target_id, self.kept)
        self.assertEqual(wizard.ticket_ids, self.kept | self.duplicate)

    def test_messages_files_and_followers_move_and_the_other_is_archived(self):
        self.merge(self.resp_a, self.kept | self.duplicate)
        self.env.invalidate_all()
        self.assertEqual(self.note.res_id, self.kept.id)
        self.assertEqual(self.file.res_id, self.kept.id)
        self.assertFalse(self.duplicate.active)
        self.assertTrue(self.kept.active)
        # the requester follows the kept ticket once
        self.assertEqual(
            self.kept.message_follower_ids.partner_id.ids.count(self.requester.id), 1
        )
        self.assertFalse(self.duplicate.message_follower_ids)
        # a note on each names the other
        link = self.duplicate.message_ids.filtered(lambda m: "Merged into" in m.body)
        self.assertIn(self.kept.number, link.body)
        self.assertIn(
            f'data-oe-model="support.ticket" data-oe-id="{self.kept.id}"', link.body
        )
        self.assertNotIn(self.kept.name, link.body)
        [received] = self.kept.message_ids.filtered(
            lambda m: "Merged into this ticket" in m.body
        )
        self.assertIn(f"Ticket #{self.duplicate.id}", received.body)
        self.assertIn(
            f'data-oe-model="support.ticket" data-oe-id="{self.duplicate.id}"',
            received.body,
        )

    def test_followers_who_may_not_read_the_kept_ticket_do_not_move(self):
        self.merge(self.resp_a, self.kept | self.duplicate)
        followers = self.kept.message_partner_ids
        # another group's technician, and a contact of another organization
        self.assertNotIn(self.tech_b.partner_id, followers)
        self.assertNotIn(self.stranger, followers)
        self.assertIn(self.requester, followers)

    def test_the_customers_unanswered_messages_come_along(self):
        self.duplicate.sudo()._workflow_write_vals({"unanswered_count": 2})
        self.kept.sudo()._workflow_write_vals({"unanswered_count": 1})
        self.merge(self.resp_a, self.kept | self.duplicate)
        self.assertEqual(self.kept.unanswered_count, 3)

    def test_a_reply_to_a_merged_email_reaches_the_kept_ticket(self):
        # the gateway finds a reply's thread by its messages: they moved
        self.merge(self.resp_a, self.kept | self.duplicate)
        found = self.env["mail.message"].search(
            [("message_id", "=", self.note.message_id)]
        )
        self.assertEqual((found.model, found.res_id), ("support.ticket", self.kept.id))

    def test_a_single_ticket_is_refused(self):
        with self.assertRaises(UserError):
            self.merge(self.resp_a, self.kept)

    # -- who may merge ------------------------------------------------------

    def test_the_supervisor_merges(self):
        self.merge(
            self.supervisor, self.kept | self.duplicate | self.other_group_ticket
        )
        self.assertFalse(self.other_group_ticket.active)
        self.assertFalse(self.duplicate.active)

    def test_the_callcenter_may_change_but_not_archive_so_is_refused(self):
        self.assertTrue(self.can(self.callcenter, self.duplicate, "write"))
        self.assertFalse(self.can(self.callcenter, self.duplicate, "unlink"))
        with self.assertRaises(AccessError) as caught, mute_logger("odoo.models"):
            self.merge(self.callcenter, self.kept | self.duplicate)
        self.assertIn(
            f"You may not merge {self.duplicate.number}", str(caught.exception)
        )
        self.assertIn("Nothing was merged", str(caught.exception))
        self.assertUnchanged()

    def test_the_technician_is_refused(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.merge(self.tech_a, self.kept | self.duplicate)
        self.assertUnchanged()

    def test_a_ticket_the_manager_may_not_read_is_named_by_its_id_only(self):
        with self.assertRaises(AccessError) as caught, mute_logger("odoo.models"):
            self.merge(
                self.resp_a, self.kept | self.duplicate | self.other_group_ticket
            )
        text = str(caught.exception)
        self.assertIn(f"Ticket #{self.other_group_ticket.id}", text)
        self.assertNotIn(self.other_group_ticket.number, text)
        self.assertNotIn("MRG-7301", text)
        self.assertUnchanged()

    def test_the_kept_ticket_one_may_not_change_is_refused_too(self):
        with self.assertRaises(AccessError) as caught, mute_logger("odoo.models"):
            self.merge(
                self.resp_a,
                self.duplicate | self.other_group_ticket,
                self.other_group_ticket,
            )
        self.assertIn(f"Ticket #{self.other_group_ticket.id}", str(caught.exception))
        self.assertUnchanged()

    def test_a_ticket_one_may_not_read_never_enters_the_dialog(self):
        # Odoo shows a many2one's name as superuser: the dialog would show
        # the number and subject of its target
        Merge = self.env["support.ticket.merge"].with_user(self.resp_a)
        for vals in (
            {"target_id": self.other_group_ticket.id},
            {"ticket_ids": [Command.set(self.other_group_ticket.ids)]},
        ):
            with self.subTest(vals=vals):
                with self.assertRaises(AccessError) as caught:
                    Merge.create(
                        dict({"ticket_ids": [Command.set(self.duplicate.ids)]}, **vals)
                    )
                text = str(caught.exception)
                self.assertIn(f"Ticket #{self.other_group_ticket.id}", text)
                self.assertNotIn("MRG-7301", text)
        wizard = Merge.create({"ticket_ids": [Command.set(self.duplicate.ids)]})
        with self.assertRaises(AccessError):
            wizard.target_id = self.other_group_ticket
        self.assertUnchanged()

    def test_the_dialog_names_no_ticket_one_may_not_read(self):
        # the dialog's onchange runs before any create: a ticket the user
        # may not read is named there by its id only
        Merge = (
            self.env["support.ticket.merge"]
            .with_user(self.resp_a)
            .with_context(
                active_model="support.ticket",
                active_ids=(self.duplicate | self.other_group_ticket).ids,
            )
        )
        spec = {
            "ticket_ids": {"fields": {"display_name": {}}},
            "target_id": {"fields": {"display_name": {}}},
        }
        for values in (
            {},
            {"target_id": self.other_group_ticket.id},
            {"ticket_ids": [Command.set(self.other_group_ticket.ids)]},
        ):
            with self.subTest(values=values):
                try:
                    with mute_logger("odoo.models"):
                        told = repr(Merge.onchange(values, [], spec))
                except AccessError as refusal:
                    told = str(refusal)
                self.assertNotIn("MRG-7301", told)
                self.assertNotIn(self.other_group_ticket.number, told)
        # the tickets one reads keep their names
        Merge = Merge.with_context(active_ids=self.duplicate.ids)
        self.assertIn(self.duplicate.number, repr(Merge.onchange({}, [], spec)))

    def test_a_target_outside_the_selection_is_checked_as_well(self):
        wizard = (
            self.env["support.ticket.merge"]
            .with_user(self.callcenter)
            .create(
                {
                    "ticket_ids": [Command.set(self.duplicate.ids)],
                    "target_id": self.kept.id,
                }
            )
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            wizard.action_merge()
        self.assertUnchanged()


class TestMergeNotesAndMail(MergeScenario, SupportCase, MailCase):
    """What the merge tells, and to whom; what it moves besides messages.

    The supervisor merges Gruppo B's ticket into Gruppo A's: Tecnico A
    reads the ticket kept but not the one merged, Tecnico B the other way
    round."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_merge_scenario()
        cls.note_subtypes = (
            cls.env.ref("mail.mt_note") | cls.env.ref("mail.mt_comment")
        ).ids
        for user in (cls.tech_a, cls.tech_b):
            user.notification_type = "email"
        cls.kept.message_subscribe(
            cls.tech_a.partner_id.ids, subtype_ids=cls.note_subtypes
        )
        cls.other_group_ticket.message_subscribe(
            cls.tech_b.partner_id.ids, subtype_ids=cls.note_subtypes
        )

    def merge_other_group(self):
        self.assertTrue(self.can(self.tech_a, self.kept, "read"))
        self.assertFalse(self.can(self.tech_a, self.other_group_ticket, "read"))
        self.assertTrue(self.can(self.tech_b, self.other_group_ticket, "read"))
        self.assertFalse(self.can(self.tech_b, self.kept, "read"))
        with self.mock_mail_gateway():
            self.merge(self.supervisor, self.kept | self.other_group_ticket)
        self.env.invalidate_all()

    def test_the_kept_tickets_note_names_no_merged_ticket_its_reader_may_not_read(
        self,
    ):
        self.merge_other_group()
        [note] = self.kept.message_ids.filtered(
            lambda m: "Merged into this ticket" in m.body
        )
        # what Tecnico A reads in the chatter: a link by the id only
        [read] = note.with_user(self.tech_a).read(["body", "record_name", "subject"])
        told = repr(read)
        self.assertIn(f"Ticket #{self.other_group_ticket.id}", told)
        self.assertNotIn(self.other_group_ticket.number, told)
        self.assertNotIn("MRG-7301", told)
        # and what the notice mailed to Tecnico A says
        [mail] = self._new_mails.filtered(
            lambda m: (
                m.mail_message_id == note and self.tech_a.partner_id in m.recipient_ids
            )
        )
        self.assertIn("Merged into this ticket", mail.body_html)
        for text in (mail.subject, mail.body_html):
            self.assertNotIn(self.other_group_ticket.number, text)
            self.assertNotIn("MRG-7301", text)

    def test_a_former_follower_is_told_nothing_of_the_merge(self):
        # Tecnico B followed the ticket merged (every note included), may
        # not read the one kept: no notice of either note reaches them
        self.merge_other_group()
        self.assertNotIn(
            self.tech_b.partner_id, self.other_group_ticket.message_partner_ids
        )
        self.assertNotIn(self.tech_b.partner_id, self.kept.message_partner_ids)
        self.assertFalse(
            self._new_mails.filtered(
                lambda m: self.tech_b.partner_id in m.recipient_ids
            )
        )
        notified = self.env["mail.notification"].search(
            [("res_partner_id", "=", self.tech_b.partner_id.id)]
        )
        self.assertFalse(
            notified.mail_message_id.filtered(lambda m: "Merged" in m.body)
        )
        # the note is on the ticket merged all the same
        self.assertTrue(
            self.other_group_ticket.message_ids.filtered(
                lambda m: "Merged into" in m.body
            )
        )

    def test_a_log_note_stays_a_log_note(self):
        # Odoo's message_change_thread would clear its subtype: the note
        # would read as a message to the customer on the ticket kept
        log = self.duplicate.message_post(
            body="Solo per noi.", subtype_xmlid="mail.mt_note"
        )
        self.merge(self.resp_a, self.kept | self.duplicate)
        self.env.invalidate_all()
        self.assertEqual((log.model, log.res_id), ("support.ticket", self.kept.id))
        self.assertEqual(log.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(self.note.subtype_id, self.env.ref("mail.mt_comment"))

    def test_a_scheduled_message_is_posted_on_the_kept_ticket(self):
        scheduled = (
            self.env["mail.scheduled.message"]
            .with_user(self.resp_a)
            .create(
                {
                    "model": "support.ticket",
                    "res_id": self.duplicate.id,
                    "body": "Richiamo domani.",
                    "author_id": self.resp_a.partner_id.id,
                    "scheduled_date": "2099-01-01 09:00:00",
                }
            )
        )
        self.merge(self.resp_a, self.kept | self.duplicate)
        self.env.invalidate_all()
        self.assertEqual(scheduled.res_id, self.kept.id)
        # its author finds it on the ticket kept, and it is posted there
        self.assertIn(
            scheduled,
            self.env["mail.scheduled.message"]
            .with_user(self.resp_a)
            .search([("model", "=", "support.ticket"), ("res_id", "=", self.kept.id)]),
        )
        scheduled._post_message()
        self.assertTrue(
            self.kept.message_ids.filtered(lambda m: "Richiamo domani." in m.body)
        )
        self.assertFalse(
            self.duplicate.with_context(active_test=False).message_ids.filtered(
                lambda m: "Richiamo domani." in m.body
            )
        )


class TestMergeOverRpc(MergeScenario, RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_merge_scenario()

    def rpc_merge(self, user, tickets, target):
        ok, text, wizard_id = self.xmlrpc(
            user,
            "support.ticket.merge",
            "create",
            {"ticket_ids": [[6, 0, tickets.ids]], "target_id": target.id},
        )
        if not ok:
            return ok, text
        ok, text, _result = self.xmlrpc(
            user, "support.ticket.merge", "action_merge", [wizard_id]
        )
        return ok, text

    def test_each_profile(self):
        pair = self.kept | self.duplicate
        for user in (self.tech_a, self.callcenter):
            with self.subTest(user=user.login):
                ok, text = self.rpc_merge(user, pair, self.kept)
                self.assertFalse(ok, text)
                self.assertUnchanged()
        ok, text = self.rpc_merge(
            self.resp_a, pair | self.other_group_ticket, self.kept
        )
        self.assertFalse(ok)
        self.assertIn(f"Ticket #{self.other_group_ticket.id}", text)
        self.assertNotIn("MRG-7301", text)
        self.assertNotIn(self.other_group_ticket.number, text)
        self.assertUnchanged()
        ok, text = self.rpc_merge(self.resp_a, pair, self.kept)
        self.assertTrue(ok, text)
        self.env.invalidate_all()
        self.assertFalse(self.duplicate.active)
        self.assertEqual(self.note.res_id, self.kept.id)

    def test_the_supervisor(self):
        ok, text = self.rpc_merge(
            self.supervisor, self.kept | self.other_group_ticket, self.kept
        )
        self.assertTrue(ok, text)
        self.env.invalidate_all()
        self.assertFalse(self.other_group_ticket.active)
