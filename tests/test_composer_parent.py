"""The mail composer answering a message (issue 13): a composer whose
parent is a message of a ticket the user may not read would show that
ticket's number and subject (Odoo computes the composer from its parent as
superuser). It is refused; a readable ticket's message is answered as
before."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import SupportCase

SUBJECT = "Caldaia riservata ZQX-4411"


class TestComposerParent(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.message = cls.ticket.message_post(
            body="Messaggio di Gruppo A",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        # an employee outside Support
        cls.employee = new_test_user(
            cls.env,
            login="t_employee",
            groups="base.group_user",
            context={"mail_create_nolog": True, "no_reset_password": True},
        )
        cls.Composer = cls.env["mail.compose.message"]

    def composer_values(self, message):
        # the subject given, as a client may: Odoo's own computation of it
        # reads the document as the user
        return {
            "parent_id": message.id,
            "composition_mode": "comment",
            "subject": "Risposta",
            "body": "Grazie",
        }

    def assertRevealsNothing(self, text):
        self.assertNotIn(SUBJECT, text)
        self.assertNotIn(self.ticket.number, text)

    def test_a_reader_answers_the_message(self):
        # the control: the composer takes the ticket from its parent
        composer = self.Composer.with_user(self.tech_a).create(
            self.composer_values(self.message)
        )
        self.assertEqual(composer.model, "support.ticket")
        self.assertIn(SUBJECT, composer.record_name)
        self.assertIn(self.ticket.number, composer.record_name)

    def test_who_may_not_read_the_ticket_gets_no_composer(self):
        for user in (self.tech_b, self.employee):
            with self.assertRefusedTo(user, AccessError, "you may not read") as refused:
                composer = self.Composer.with_user(user).create(
                    self.composer_values(self.message)
                )
                # what the caller would read back
                self.assertRevealsNothing(str(composer.read()))
            self.assertRevealsNothing(str(refused.exception))

    def test_a_recipient_who_may_not_read_the_ticket_gets_none_either(self):
        # Odoo lets the recipients of a message read it; answering it from
        # a composer needs the ticket. Named while a reader (only readers
        # are), then out of the group.
        message = self.ticket.message_post(
            body="Per conoscenza",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            partner_ids=self.tech_a.partner_id.ids,
        )
        self.assertEqual(message.partner_ids, self.tech_a.partner_id)
        self.group_a.role_ids = [Command.unlink(self.role_tech_a.id)]
        self.assertNotSees(self.tech_a, self.ticket)
        self.assertTrue(message.with_user(self.tech_a).has_access("read"))
        with self.assertRefused(AccessError, "you may not read"):
            composer = self.Composer.with_user(self.tech_a).create(
                self.composer_values(message)
            )
            self.assertRevealsNothing(str(composer.read()))

    def test_nor_by_setting_the_parent_afterwards(self):
        other = self.new_ticket("Stampante di Gruppo B", group=self.group_b)
        own_message = other.message_post(body="Di Gruppo B", message_type="comment")
        composer = self.Composer.with_user(self.tech_b).create(
            self.composer_values(own_message)
        )
        with self.assertRefused(AccessError, "you may not read"):
            composer.write({"parent_id": self.message.id, "record_name": False})
            self.assertRevealsNothing(str(composer.read()))

    def test_nor_in_the_form_before_saving(self):
        # the web client's form asks the composer's values before creating it
        spec = {"parent_id": {}, "record_name": {}, "subject": {}, "model": {}}
        with self.assertRefused(AccessError, "you may not read"):
            result = self.Composer.with_user(self.tech_b).onchange(
                {"parent_id": self.message.id}, ["parent_id"], spec
            )
            self.assertRevealsNothing(str(result))
        with self.assertRefused(AccessError, "you may not read"):
            result = (
                self.Composer.with_user(self.tech_b)
                .with_context(default_parent_id=self.message.id)
                .onchange({}, [], spec)
            )
            self.assertRevealsNothing(str(result))
        # the reader's form is filled from the parent
        result = self.Composer.with_user(self.tech_a).onchange(
            {"parent_id": self.message.id}, ["parent_id"], spec
        )
        self.assertIn(SUBJECT, str(result))


class TestComposerTickets(SupportCase):
    """A composer about tickets (its ``model`` and ``res_ids``, or the
    context's defaults and active ids) names them as superuser: it is
    refused for tickets the user may not read, or that do not exist."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.Composer = cls.env["mail.compose.message"]
        cls.spec = {"record_name": {}, "subject": {}, "model": {}, "res_ids": {}}

    def contexts(self, ids):
        return {
            "defaults": {"default_model": "support.ticket", "default_res_ids": ids},
            "active ids": {"active_model": "support.ticket", "active_ids": ids},
            "active id": {"active_model": "support.ticket", "active_id": ids[0]},
        }

    def assertRevealsNothing(self, text):
        self.assertNotIn(SUBJECT, text)
        self.assertNotIn(self.ticket.number, text)

    def test_a_reader_writes_about_the_ticket(self):
        for name, context in self.contexts(self.ticket.ids).items():
            with self.subTest(name):
                composer = (
                    self.Composer.with_user(self.tech_a)
                    .with_context(context)
                    .create({"composition_mode": "comment", "body": "Grazie"})
                )
                self.assertEqual(composer.model, "support.ticket")
                self.assertIn(SUBJECT, composer.record_name)

    def test_who_may_not_read_the_ticket_gets_no_composer_on_it(self):
        missing = self.ticket.id + 100000
        for ids in (self.ticket.ids, [missing]):
            for name, context in self.contexts(ids).items():
                composer = self.Composer.with_user(self.tech_b).with_context(context)
                with self.subTest(name, ids=ids):
                    # saved, as the web client's form saves it (web_save)
                    with self.assertRefused(
                        AccessError, "you may not read them"
                    ) as refused:
                        composer.web_save(
                            {"composition_mode": "comment", "body": "x"}, self.spec
                        )
                    self.assertRevealsNothing(str(refused.exception))
                    # the form before saving
                    with self.assertRefused(AccessError, "you may not read them"):
                        composer.onchange({}, [], self.spec)
        # named on the composer itself, or written on it afterwards
        values = {"model": "support.ticket", "res_ids": str(self.ticket.ids)}
        with self.assertRefused(AccessError, "you may not read them"):
            self.Composer.with_user(self.tech_b).create(
                {**values, "composition_mode": "comment"}
            )
        own = self.new_ticket("Di Gruppo B", group=self.group_b)
        composer = self.Composer.with_user(self.tech_b).create(
            {"model": "support.ticket", "res_ids": str(own.ids), "body": "x"}
        )
        with self.assertRefused(AccessError, "you may not read them"):
            composer.write({"res_ids": str(self.ticket.ids), "record_name": False})
        # its own ids emptied, the composer takes the context's active ids
        with self.assertRefused(AccessError, "you may not read them"):
            composer.with_context(active_ids=self.ticket.ids).write(
                {"res_ids": False, "record_name": False}
            )
            self.assertRevealsNothing(str(composer.read()))
