"""Assignment stays in the team (SPEC "Assignment and dispatch"): a
ticket's operator is an operator or the administrator of its team, or a
Supervisor; a group's direct members are operators of its team. Anything
else is refused with an error naming the user and the team, on create and
write, over XML-RPC too; the operator list offers only what is allowed."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user

from .common import RpcTransportsMixin, SupportCase, SupportHttpCase


class TestAssignmentStaysInTheTeam(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.outsider = new_test_user(
            env, login="t_outsider", name="Marco Esterno", groups="base.group_user"
        )
        cls.other_team = env["support.team"].create({"name": "Altro Team"})
        cls.other_operator = new_test_user(
            env,
            login="t_other_op",
            name="Olga Altra",
            groups="support_team_queue.group_support_agent",
        )
        cls.other_team.operator_ids = cls.other_operator

    def test_an_operator_outside_the_team_is_refused_on_create(self):
        for user in (self.outsider, self.other_operator):
            with (
                self.subTest(user=user.login),
                self.assertRefused(
                    ValidationError, f"{user.name} cannot handle ticket"
                ) as caught,
            ):
                self.new_ticket("Fuori squadra", user=user, as_user=self.callcenter)
            self.assertIn("Assistenza Clienti", str(caught.exception))

    def test_and_on_write(self):
        ticket = self.new_ticket("Da inoltrare", group=self.group_a)
        with self.assertRefused(ValidationError, "Marco Esterno cannot handle ticket"):
            ticket.with_user(self.callcenter).write({"user_id": self.outsider.id})
        self.assertFalse(ticket.user_id)
        # positive controls: an operator, the administrator, a supervisor
        for user in (self.loner, self.teamadmin, self.supervisor):
            ticket.with_user(self.resp_a).write({"user_id": user.id})
            self.assertEqual(ticket.user_id, user)

    def test_a_supervisor_of_no_team_may_hold_it(self):
        self.team.operator_ids = [Command.unlink(self.supervisor.id)]
        ticket = self.new_ticket("Per il supervisore", user=self.supervisor)
        self.assertEqual(ticket.user_id, self.supervisor)

    def test_the_operator_list_offers_the_team_then_the_group(self):
        ticket = self.new_ticket("Scelta", group=self.group_a)
        offered = ticket.with_user(self.callcenter).assignable_user_ids
        self.assertEqual(
            offered, self.group_a.effective_user_ids & (self.team.operator_ids)
        )
        self.assertNotIn(self.tech_b, offered)
        ticket.group_id = False
        self.assertEqual(
            ticket.assignable_user_ids, self.team.operator_ids | self.teamadmin
        )
        self.assertNotIn(self.outsider, ticket.assignable_user_ids)
        self.assertNotIn(self.other_operator, ticket.assignable_user_ids)
        # an archived operator is offered no more, with a group or without
        self.tech_a.active = False
        for group in (self.group_a, self.env["support.group"]):
            ticket.group_id = group
            ticket.invalidate_recordset(["assignable_user_ids"])
            self.assertNotIn(self.tech_a, ticket.assignable_user_ids)
            self.assertNotIn(
                self.tech_a.id,
                ticket.with_user(self.teamadmin).read(["assignable_user_ids"])[0][
                    "assignable_user_ids"
                ],
            )
        self.assertIn(self.resp_a, ticket.assignable_user_ids)
        # computed on ids: the archived operator is left out when read
        everyone = ticket.with_context(active_test=False).assignable_user_ids
        self.assertIn(self.tech_a, everyone)

    def test_a_groups_direct_members_are_the_teams_operators(self):
        with self.assertRefused(
            ValidationError, "Marco Esterno cannot be a member of group Gruppo A"
        ):
            self.group_a.user_ids = [Command.link(self.outsider.id)]
        with self.assertRefused(ValidationError, "only operators of team Assistenza"):
            self.env["support.group"].create(
                {
                    "name": "Nuovo",
                    "team_id": self.team.id,
                    "user_ids": [Command.set(self.other_operator.ids)],
                }
            )
        # positive control
        self.group_a.user_ids = [Command.link(self.loner.id)]
        self.assertIn(self.loner, self.group_a.effective_user_ids)

    def test_an_operator_leaves_the_team_only_out_of_its_groups(self):
        with self.assertRefused(
            ValidationError, "Callcenter cannot be a member of group Call Center"
        ):
            self.team.operator_ids = [Command.unlink(self.callcenter.id)]
        self.group_cc.user_ids = [Command.unlink(self.callcenter.id)]
        self.team.operator_ids = [Command.unlink(self.callcenter.id)]
        self.assertNotIn(self.callcenter, self.team.operator_ids)


class TestAssignmentOverRpc(RpcTransportsMixin, SupportHttpCase):
    def test_refused_over_xmlrpc_and_jsonrpc(self):
        outsider = new_test_user(
            self.env, login="t_outsider2", name="Ugo Esterno", groups="base.group_user"
        )
        ticket = self.new_ticket("Via RPC", group=self.group_a)
        self.env.flush_all()
        for name, (ok, text, _result) in self.both(
            self.callcenter,
            "support.ticket",
            "write",
            ticket.ids,
            {"user_id": outsider.id},
        ):
            with self.subTest(transport=name):
                self.assertFalse(ok)
                self.assertIn("Ugo Esterno cannot handle ticket", text)
                self.assertIn("Assistenza Clienti", text)
        self.env.invalidate_all()
        self.assertFalse(ticket.user_id)
