"""Who reads and changes response-time targets (SPEC "Team administration":
a team's administrator "edits the response-time policies of the team"):
the team's members read its policies, its administrator creates, changes
and deletes them and sets its working hours; nobody touches another team's
without the Support Administrator profile. With ``with_user`` and over
XML-RPC and JSON-RPC; each refusal beside its positive control."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase

RULES_REFUSE_READ = "doesn't have 'read' access to"
RULES_REFUSE_WRITE = "doesn't have 'write' access to"
RULES_REFUSE_CREATE = "doesn't have 'create' access to"
RULES_REFUSE_UNLINK = "doesn't have 'unlink' access to"
WORKFLOW_ONLY = "change only through its workflow"


class SlaAccessMixin:
    @classmethod
    def setup_two_teams(cls):
        env = cls.env
        cls.setup_other_team()
        cls.support_admin = new_test_user(
            env,
            login="t_support_admin",
            groups="support_team_queue.group_support_admin",
        )
        Sla = env["support.sla"]
        cls.own_policy = Sla.create(
            {"name": "Sud", "team_id": cls.team.id, "response_hours": 4}
        )
        cls.other_policy = Sla.create(
            {"name": "Nord", "team_id": cls.other_team.id, "response_hours": 8}
        )
        cls.calendar = env.ref("resource.resource_calendar_std")
        cls.other_team_group = env["support.group"].create(
            {"name": "Gruppo Nord", "team_id": cls.other_team.id}
        )


class TestPolicyAccess(SlaAccessMixin, SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_two_teams()

    def readable(self, user):
        return self.env["support.sla"].with_user(user).search([])

    def test_the_members_of_a_team_read_its_policies_only(self):
        for user in (self.teamadmin, self.resp_a, self.tech_a):
            with self.subTest(user=user.login):
                self.assertIn(self.own_policy, self.readable(user))
                self.assertNotIn(self.other_policy, self.readable(user))
                with (
                    self.assertRefused(AccessError, RULES_REFUSE_READ),
                    mute_logger("odoo.models"),
                ):
                    self.other_policy.with_user(user).read(["name"])
        self.assertEqual(self.readable(self.other_admin), self.other_policy)

    def test_supervisors_read_every_policy_and_change_none(self):
        self.assertIn(self.other_policy, self.readable(self.supervisor))
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.own_policy.with_user(self.supervisor).write({"response_hours": 1})

    def test_the_team_administrator_edits_their_teams_policies(self):
        Sla = self.env["support.sla"].with_user(self.teamadmin)
        created = Sla.create(
            {
                "name": "Urgenti",
                "team_id": self.team.id,
                "priority": "3",
                "response_hours": 1,
            }
        )
        self.assertEqual(created.team_id, self.team)
        self.own_policy.with_user(self.teamadmin).write(
            {"response_hours": 2, "group_ids": [Command.set(self.group_a.ids)]}
        )
        self.assertEqual(self.own_policy.response_hours, 2)
        created.with_user(self.teamadmin).unlink()
        self.assertFalse(created.exists())

    def test_another_companys_group_is_named_by_its_id_only(self):
        _company, team_b = self.other_company_desk()
        hidden = self.env["support.group"].create(
            {"name": "Gruppo Riservato Azienda B", "team_id": team_b.id}
        )
        with self.assertRaises(ValidationError) as caught:
            self.own_policy.with_user(self.teamadmin).write(
                {"group_ids": [Command.link(hidden.id)]}
            )
        self.assertIn(f"#{hidden.id}", str(caught.exception))
        self.assertNotIn("Riservato", str(caught.exception))
        # a group the administrator reads is named
        with self.assertRaises(ValidationError) as caught:
            self.own_policy.with_user(self.teamadmin).write(
                {"group_ids": [Command.link(self.other_team_group.id)]}
            )
        self.assertIn(self.other_team_group.name, str(caught.exception))
        self.assertFalse(self.own_policy.group_ids)

    def test_but_no_other_teams(self):
        Sla = self.env["support.sla"].with_user(self.teamadmin)
        with (
            self.assertRefused(AccessError, RULES_REFUSE_CREATE),
            mute_logger("odoo.models"),
        ):
            Sla.create(
                {"name": "Presa", "team_id": self.other_team.id, "response_hours": 1}
            )
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.other_policy.with_user(self.teamadmin).write({"response_hours": 1})
        with (
            self.assertRefused(AccessError, RULES_REFUSE_UNLINK),
            mute_logger("odoo.models"),
        ):
            self.other_policy.with_user(self.teamadmin).unlink()
        # nor move one of theirs there
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.own_policy.with_user(self.teamadmin).write(
                {"team_id": self.other_team.id}
            )
        self.assertEqual(self.own_policy.team_id, self.team)
        self.assertEqual(self.other_policy.response_hours, 8)

    def test_operators_change_no_policy(self):
        for user in (self.resp_a, self.tech_a, self.supervisor):
            with self.subTest(user=user.login):
                with (
                    self.assertRefused(AccessError, RULES_REFUSE_CREATE),
                    mute_logger("odoo.models"),
                ):
                    self.env["support.sla"].with_user(user).create(
                        {"name": "Mia", "team_id": self.team.id, "response_hours": 1}
                    )
                with (
                    self.assertRefused(AccessError, RULES_REFUSE_WRITE),
                    mute_logger("odoo.models"),
                ):
                    self.own_policy.with_user(user).write({"response_hours": 1})

    def test_support_administrators_configure_every_team(self):
        self.other_policy.with_user(self.support_admin).write({"response_hours": 3})
        self.assertEqual(self.other_policy.response_hours, 3)

    def test_the_team_administrator_sets_their_teams_working_hours(self):
        self.team.with_user(self.teamadmin).resource_calendar_id = self.calendar
        self.assertEqual(self.team.resource_calendar_id, self.calendar)
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.other_team.with_user(
                self.teamadmin
            ).resource_calendar_id = self.calendar
        with (
            self.assertRefused(AccessError, RULES_REFUSE_WRITE),
            mute_logger("odoo.models"),
        ):
            self.team.with_user(self.resp_a).resource_calendar_id = self.calendar

    def test_the_team_opens_its_policies(self):
        action = self.team.with_user(self.teamadmin).action_open_slas()
        self.assertEqual(
            self.env["support.sla"].with_user(self.teamadmin).search(action["domain"]),
            self.own_policy,
        )
        self.assertEqual(action["context"]["default_team_id"], self.team.id)
        self.assertEqual(self.team.with_user(self.teamadmin).sla_count, 1)


class TestPolicyAccessOverRpc(SlaAccessMixin, RpcTransportsMixin, SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_two_teams()

    def test_a_team_administrator_reads_and_changes_their_teams_only(self):
        for name, (ok, text, result) in self.both(
            self.teamadmin, "support.sla", "search_read", [], ["name", "team_id"]
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual([r["id"] for r in result], self.own_policy.ids)
                self.assertNotIn("Nord", text)
        ok, text, _result = self.xmlrpc(
            self.teamadmin,
            "support.sla",
            "write",
            self.own_policy.ids,
            {"response_hours": 2},
        )
        self.assertTrue(ok, text)
        ok, text, new_id = self.xmlrpc(
            self.teamadmin,
            "support.sla",
            "create",
            {"name": "Urgenti", "team_id": self.team.id, "response_hours": 1},
        )
        self.assertTrue(ok, text)
        refused = (
            ("read", [self.other_policy.ids, ["name"]], {}, RULES_REFUSE_READ),
            (
                "write",
                [self.other_policy.ids, {"response_hours": 1}],
                {},
                RULES_REFUSE_WRITE,
            ),
            ("unlink", [self.other_policy.ids], {}, RULES_REFUSE_UNLINK),
            (
                "create",
                [{"name": "Presa", "team_id": self.other_team.id, "response_hours": 1}],
                {},
                RULES_REFUSE_CREATE,
            ),
            (
                "write",
                [[new_id], {"team_id": self.other_team.id}],
                {},
                RULES_REFUSE_WRITE,
            ),
        )
        for method, args, kwargs, message in refused:
            for name, (ok, text, _result) in self.both(
                self.teamadmin, "support.sla", method, *args, **kwargs
            ):
                with self.subTest(method=method, transport=name):
                    self.assertFalse(ok)
                    self.assertIn(message, text)
        self.env.invalidate_all()
        self.assertEqual(self.own_policy.response_hours, 2)
        self.assertEqual(self.other_policy.response_hours, 8)
        self.assertTrue(self.other_policy.exists())

    def test_the_targets_fields_of_a_ticket_are_the_desks(self):
        ticket = self.new_ticket("Connessione", user=self.resp_a)
        for fname, value in (
            ("sla_state", "met"),
            ("sla_deadline", "2030-01-01 00:00:00"),
            ("date_first_response", "2030-01-01 00:00:00"),
        ):
            for name, (ok, text, _result) in self.both(
                self.resp_a, "support.ticket", "write", ticket.ids, {fname: value}
            ):
                with self.subTest(field=fname, transport=name):
                    self.assertFalse(ok)
                    self.assertIn(WORKFLOW_ONLY, text)
        # a user who may not read the ticket learns nothing of its targets
        for name, (ok, text, result) in self.both(
            self.resp_b,
            "support.ticket",
            "search_read",
            [("sla_id", "=", self.own_policy.id)],
            ["sla_state", "sla_deadline"],
        ):
            with self.subTest(transport=name):
                self.assertTrue(ok, text)
                self.assertEqual(result, [])
        ok, text, _result = self.xmlrpc(
            self.resp_b, "support.ticket", "read", ticket.ids, ["sla_state"]
        )
        self.assertFalse(ok)
        # the operator reads them
        ok, text, result = self.xmlrpc(
            self.resp_a, "support.ticket", "read", ticket.ids, ["sla_id", "sla_state"]
        )
        self.assertTrue(ok, text)
        self.assertEqual(result[0]["sla_id"][0], self.own_policy.id)
        self.assertEqual(result[0]["sla_state"], "on_track")

    def test_customers_read_none_of_the_targets(self):
        # the desk's bookkeeping: the requester reads their ticket over the
        # portal rules, not its targets, nor finds tickets by them
        customer = new_test_user(
            self.env, login="t_sla_customer", groups="base.group_portal"
        )
        ticket = self.new_ticket("Stampante", user=self.resp_a)
        ticket.partner_id = customer.partner_id
        ok, text, result = self.xmlrpc(
            customer, "support.ticket", "read", ticket.ids, ["name"]
        )
        self.assertTrue(ok, text)
        for fname in ("sla_id", "sla_state", "sla_deadline", "date_first_response"):
            with self.subTest(field=fname):
                ok, text, _result = self.xmlrpc(
                    customer, "support.ticket", "read", ticket.ids, [fname]
                )
                self.assertFalse(ok)
                self.assertNotIn("Traceback", text)
                ok, text, _result = self.xmlrpc(
                    customer, "support.ticket", "search", [(fname, "!=", False)]
                )
                self.assertFalse(ok)
                self.assertNotIn("Traceback", text)
