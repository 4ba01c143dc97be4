"""The access surface, enumerated rather than sampled (issue 13).

1. Every field of ``support.ticket``, written over XML-RPC by each profile,
   changes exactly as ``WRITABLE`` (tests/ticket_write_table.py) says, or
   is refused with a clear error and changes nothing. A field added to the
   model fails this test until the table says who may write it.
2. Every searchable relational field, on every installed model, whose
   comodel is a ticket or one of the tables beside it (its messages,
   notifications, followers, activities, attachments), searched with each
   operator by users who may not read a ticket, answers exactly as if the
   ticket's records did not exist: a search tells nothing about it.
"""

import contextlib
from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tests.common import freeze_time
from odoo.tools import mute_logger

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase, ref
from .ticket_write_table import (
    SPECIAL_FIELDS,
    WRITABLE,
    value_to_write,
    what_went_wrong,
)

SUBJECT = "Segreto enumerato XKC-5120"


class _RolledBack(Exception):
    pass


class TestEveryTicketFieldWrittenOverRpc(RpcTransportsMixin, SupportHttpCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        cls.ticket.message_post(body="Primo messaggio", message_type="comment")
        # something for each x2many to lose
        cls.ticket.message_subscribe(cls.resp_a.partner_id.ids)
        cls.ticket.activity_schedule(
            "mail.mail_activity_data_call", summary="Richiamare", user_id=cls.resp_a.id
        )
        cls.other_team = env["support.team"].create({"name": "Altro Team"})
        cls.partner = env["res.partner"].create(
            {"name": "Nuovo Richiedente", "email": "nuovo@example.com"}
        )
        cls.organization = env["res.partner"].create(
            {"name": "Nuova Ditta", "is_company": True}
        )
        cls.profiles = {
            "agent": cls.callcenter,
            "manager": cls.resp_a,
            "team administrator": cls.teamadmin,
            "supervisor": cls.supervisor,
            "technician": cls.tech_a,
            "another group's manager": cls.resp_b,
        }
        cls.reading_instant = cls.ticket.create_date + timedelta(hours=3)
        env.flush_all()

    def _value(self, fname, field):
        """A value for ``fname`` that differs from the ticket's."""
        ticket = self.ticket
        refs = {
            "other_team": self.other_team.id,
            "group": self.group_b.id,
            "user": self.loner.id,
            "partner": self.partner.id,
            "organization": self.organization.id,
            "category": ref(self.env, "category_big_problem").id,
            "writer": self.tech_b.id,
            "activity_type": self.env.ref("mail.mail_activity_data_todo").id,
        }
        selection = (
            [key for key, _label in field._description_selection(self.env)]
            if field.type == "selection"
            else None
        )
        current = ticket[fname]
        if field.type == "many2one" and fname not in SPECIAL_FIELDS:
            refs["any"] = self.env[field.comodel_name].search([], limit=1).id
        return value_to_write(
            fname, field.type, ticket.id, current, refs, selection=selection
        )

    def _state(self, fname):
        self.env.invalidate_all()
        ticket = self.ticket.with_context(active_test=False).sudo()
        if self.ticket._fields[fname].store:
            value = ticket[fname]
        else:
            # computed on reading, some from the clock (Waiting Hours): read
            # at one instant, so that only a write can tell before from after
            with freeze_time(self.reading_instant):
                value = ticket[fname]
        if fname == "message_follower_ids":
            return sorted(value.partner_id.ids)
        return value.ids if hasattr(value, "ids") else value

    def _try(self, user, vals):
        """(ok, text, {field: changed}) of the write, rolled back after."""
        changed = {}
        with contextlib.suppress(_RolledBack), self.env.cr.savepoint():
            before = {name: self._state(name) for name in vals}
            ok, text, _result = self.xmlrpc(
                user, "support.ticket", "write", self.ticket.ids, vals
            )
            changed = {name: self._state(name) != before[name] for name in vals}
            raise _RolledBack
        self.env.invalidate_all()
        return ok, text, changed

    def test_the_table_covers_every_field(self):
        self.assertLessEqual(
            set().union(*WRITABLE.values()), set(self.env["support.ticket"]._fields)
        )

    def test_every_field_by_every_profile(self):
        fields = self.env["support.ticket"]._fields
        wrong = []
        for profile, user in self.profiles.items():
            for fname, field in fields.items():
                ok, text, changed = self._try(user, self._value(fname, field))
                verdict = what_went_wrong(profile, fname, ok, text, changed)
                if verdict:
                    wrong.append(verdict)
        self.assertEqual(wrong, [])


class TestRelationalSearchesTellNothing(SupportCase):
    maxDiff = None

    """A differential check: for a user who may not read the ticket, a
    search naming the ticket's records answers as the same search naming
    records that do not exist."""

    COMODELS = {
        "support.ticket": "name",
        "mail.message": "body",
        "mail.notification": "mail_message_id",
        "mail.followers": "res_id",
        "mail.activity": "summary",
        "ir.attachment": "name",
    }

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.env = env
        requester = env["res.partner"].create(
            {"name": "Richiedente XKC", "email": "xkc@example.com"}
        )
        ticket = cls.new_ticket(SUBJECT, group=cls.group_a)
        ticket.partner_id = requester
        ticket.message_subscribe(requester.ids + cls.resp_a.partner_id.ids)
        message = ticket.message_post(
            body=SUBJECT,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=cls.tech_a.partner_id.ids,
        )
        activity = ticket.activity_schedule(
            "mail.mail_activity_data_todo", summary=SUBJECT, user_id=cls.resp_a.id
        )
        attachment = env["ir.attachment"].create(
            {
                "name": SUBJECT,
                "raw": b"x",
                "res_model": "support.ticket",
                "res_id": ticket.id,
            }
        )
        cls.ticket = ticket
        cls.targets = {
            "support.ticket": ticket,
            "mail.message": message | ticket.message_ids,
            "mail.notification": message.notification_ids,
            "mail.followers": ticket.message_follower_ids,
            "mail.activity": activity,
            "ir.attachment": attachment,
        }
        cls.plain = new_test_user(env, login="t_plain_enum", groups="base.group_user")
        cls.customer = new_test_user(
            env, login="t_portal_enum", groups="base.group_portal"
        )
        env.flush_all()

    def _fields(self):
        """(model, field) for every searchable relational field to one of
        the comodels, on every installed model with a table."""
        for model_name in self.env.registry:
            model = self.env[model_name]
            if model._abstract or not model._auto:
                continue
            for fname, field in model._fields.items():
                if field.type not in ("many2one", "one2many", "many2many"):
                    continue
                if field.comodel_name not in self.COMODELS:
                    continue
                if not field.store and not field.search:
                    continue  # Odoo cannot search it
                yield model_name, fname, field

    def _domains(self, fname, field, ids, text):
        sub = self.COMODELS[field.comodel_name]
        sub_value = text if sub in ("name", "body", "summary") else ids[0]
        sub_operator = "ilike" if isinstance(sub_value, str) else "="
        return {
            "in": [(fname, "in", ids)],
            "=": [(fname, "=", ids[0])],
            "!=": [(fname, "!=", ids[0])],
            "not in": [(fname, "not in", ids)],
            "any": [(fname, "any", [("id", "in", ids)])],
            "not any": [(fname, "not any", [("id", "in", ids)])],
            "sub-field": [(f"{fname}.{sub}", sub_operator, sub_value)],
        }

    def _answer(self, user, model_name, domain):
        Model = self.env[model_name].with_user(user).with_context(active_test=False)
        try:
            with mute_logger("odoo.models", "odoo.osv.expression"):
                return ("ok", tuple(Model.search(domain, order="id").ids))
        except (AccessError, UserError, ValidationError) as error:
            return ("refused", type(error).__name__)

    def _missing_ids(self, model_name, count):
        self.env.cr.execute(
            f'SELECT COALESCE(MAX(id), 0) FROM "{self.env[model_name]._table}"'
        )
        top = self.env.cr.fetchone()[0]
        return [top + 1000 + i for i in range(count)]

    def test_the_enumeration_reaches_the_known_fields(self):
        found = {(model, fname) for model, fname, _field in self._fields()}
        for expected in (
            ("res.partner", "support_ticket_ids"),
            ("res.users", "support_ticket_ids"),
            ("support.group", "ticket_ids"),
            ("support.team", "ticket_ids"),
            ("res.partner", "message_ids"),
            ("mail.message", "parent_id"),
            ("mail.notification", "mail_message_id"),
        ):
            self.assertIn(expected, found)

    def test_refused_users_learn_nothing(self):
        fields = list(self._fields())
        for comodel, records in self.targets.items():
            self.assertTrue(records, comodel)
        wrong = []
        for user in (self.tech_b, self.plain, self.customer):
            for model_name, fname, field in fields:
                real = self.targets[field.comodel_name].ids
                missing = self._missing_ids(field.comodel_name, len(real))
                domains_real = self._domains(fname, field, real, SUBJECT)
                domains_missing = self._domains(fname, field, missing, "ZZ-NOWHERE-ZZ")
                for operator, domain in domains_real.items():
                    told = self._answer(user, model_name, domain)
                    untold = self._answer(user, model_name, domains_missing[operator])
                    if told != untold:
                        wrong.append(
                            (user.login, model_name, fname, operator, told, untold)
                        )
        self.assertEqual(wrong, [])

    def test_readers_do_find_it(self):
        # positive control: the same comparison tells the ticket's reader
        # apart, so the check above could fail
        for model_name, fname in (
            ("res.partner", "support_ticket_ids"),
            ("support.group", "ticket_ids"),
            ("mail.notification", "mail_message_id"),
            ("mail.message", "notification_ids"),
        ):
            field = self.env[model_name]._fields[fname]
            real = self.targets[field.comodel_name].ids
            missing = self._missing_ids(field.comodel_name, len(real))
            with self.subTest(model=model_name, field=fname):
                self.assertNotEqual(
                    self._answer(
                        self.resp_a,
                        model_name,
                        self._domains(fname, field, real, SUBJECT)["in"],
                    ),
                    self._answer(
                        self.resp_a,
                        model_name,
                        self._domains(fname, field, missing, "ZZ")["in"],
                    ),
                )
