""" "Who can see this ticket, and why" names the record rules themselves:
which rule grants which operation, on the panel; a rule an administrator
adds, a global rule limiting one operation, or no rule at all limiting the
profile are explained as Odoo applies them, and agree with Odoo's checks."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import MODULE
from .test_access_explanation import ExplanationCase


class TestExplanationNamesTheRules(ExplanationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_group_a = cls.new_ticket("Al Gruppo A", group=cls.group_a)
        cls.unassigned = cls.new_ticket("In sospeso")
        cls.owned = cls.new_ticket("Di Tech B", user=cls.tech_b)
        cls.tickets = cls.ticket_group_a | cls.unassigned | cls.owned

    def rule(self, name):
        return self.env.ref(f"{MODULE}.rule_support_ticket_{name}")

    def reasons(self, ticket, user):
        return ticket._access_explanations()[ticket].get(user, [])

    def panel_line(self, ticket, user):
        admin = self.env.ref("base.user_admin")
        action = ticket.with_user(admin).action_support_access_explanation()
        panel = self.env[action["res_model"]].browse(action["res_id"])
        return panel.line_ids.filtered(lambda line: line.user_id == user)

    def test_panel_names_the_rule_and_its_operations(self):
        rule = self.rule("group_member")
        for user, write, delete in (
            (self.tech_a, False, False),
            (self.resp_a, True, True),
        ):
            line = self.panel_line(self.ticket_group_a, user)
            self.assertEqual(line.record_rules, f"{rule.name} (Read, Write, Delete)")
            # the rule grants; the profile decides what the user may do
            self.assertEqual((line.can_write, line.can_delete), (write, delete))

    def test_one_reason_of_several_rules_one_per_operation(self):
        self.team.ticket_access = "public_write"
        (reason,) = self.reasons(self.unassigned, self.loner)
        self.assertEqual(reason["kind"], "team_level")
        self.assertEqual(
            reason["record_rules"],
            {
                "read": self.rule("team_public_read"),
                "write": self.rule("team_public_write"),
                "unlink": self.env["ir.rule"],
            },
        )
        line = self.panel_line(self.unassigned, self.loner)
        self.assertIn(
            f"{self.rule('team_public_write').name} (Write)", line.record_rules
        )
        self.assertEqual((line.can_write, line.can_delete), (True, False))
        self.assertExplanationAgreesWithRules(self.tickets)

    def test_a_rule_an_administrator_adds_is_named(self):
        urgent = self.env["ir.rule"].create(
            {
                "name": "Support ticket: every technician reads urgent tickets",
                "model_id": self.env["ir.model"]._get_id("support.ticket"),
                "groups": [
                    Command.link(self.env.ref(f"{MODULE}.group_support_readonly").id)
                ],
                "domain_force": "[('priority', '=', '3')]",
                "perm_write": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        self.assertFalse(self.reasons(self.ticket_group_a, self.tech_b))
        self.ticket_group_a.priority = "3"
        (reason,) = self.reasons(self.ticket_group_a, self.tech_b)
        self.assertEqual((reason["kind"], reason["label"]), ("rule", urgent.name))
        self.assertEqual(reason["record_rules"]["read"], urgent)
        self.assertFalse(reason["write"])
        self.assertSees(self.tech_b, self.ticket_group_a)
        self.assertExplanationAgreesWithRules(self.tickets)

    def test_a_global_rule_limits_one_operation(self):
        # every rule of a group grants, a global one must hold as well
        self.env["ir.rule"].create(
            {
                "name": "Support ticket: urgent tickets are not edited",
                "model_id": self.env["ir.model"]._get_id("support.ticket"),
                "domain_force": "[('priority', '!=', '3')]",
                "perm_read": False,
                "perm_create": False,
                "perm_unlink": False,
            }
        )
        self.owned.priority = "3"
        self.assertExplanationAgreesWithRules(self.tickets)
        (reason,) = self.reasons(self.owned, self.resp_b)
        self.assertEqual(reason["kind"], "hierarchy")
        self.assertTrue(reason["read"] and reason["unlink"])
        self.assertFalse(reason["write"])
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.owned.with_user(self.resp_b).write({"name": "Modificato"})

    def test_no_rule_limiting_the_profile_is_said(self):
        # with every group rule of reading archived, Odoo lets the profile
        # read every ticket of the user's companies
        self.env["ir.rule"].search(
            [("model_id.model", "=", "support.ticket"), ("perm_read", "=", True)]
        ).filtered("groups").active = False
        self.assertExplanationAgreesWithRules(self.tickets)
        kinds = [r["kind"] for r in self.reasons(self.ticket_group_a, self.tech_b)]
        self.assertEqual(kinds, ["unrestricted"])
        self.assertSees(self.tech_b, self.ticket_group_a)
