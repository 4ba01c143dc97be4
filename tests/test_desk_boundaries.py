"""The edges of the daily desk's new rights, each found by trying to cross
it: a team's administrator keeps to their team's own settings, operators
are internal users of the team's company in one team at most, what the
workflow and the memberships compute is never written, and a customer
learns nothing of operators or internal notes."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .common import SupportCase


class TestDeskBoundaries(SupportCase):
    def setUp(self):
        super().setUp()
        self.company_b, self.team_b = self.other_company_desk()

    def test_the_team_administrator_touches_no_alias_but_its_name(self):
        other_alias = self.team_b.sudo().alias_id
        for vals in (
            {"alias_id": other_alias.id},
            {"alias_contact": "everyone"},
            {"alias_defaults": "{}"},
        ):
            field = next(iter(vals))
            with (
                self.subTest(field=field),
                self.assertRefused(AccessError, f"({field}) of a support team"),
            ):
                self.team.with_user(self.teamadmin).write(vals)
        self.assertNotEqual(self.team.alias_id, other_alias)
        # positive control: the alias's name is theirs to set
        self.team.with_user(self.teamadmin).write({"alias_name": "assistenza-a"})
        self.assertEqual(self.team.alias_name, "assistenza-a")

    def test_operators_are_internal_users_of_the_teams_company(self):
        user_b = self.company_user(
            self.company_b, "t_agent_b", "support_team_queue.group_support_agent"
        )
        customer = new_test_user(
            self.env, login="t_customer", groups="base.group_portal"
        )
        for user in (user_b, customer):
            with (
                self.subTest(user=user.login),
                self.assertRefused(
                    ValidationError,
                    "an operator is an internal user of the team's company",
                ),
            ):
                self.team.with_user(self.teamadmin).write(
                    {"operator_ids": [Command.link(user.id)]}
                )

    def test_one_team_counts_the_teams_one_may_not_read(self):
        both = new_test_user(
            self.env,
            login="t_both_companies",
            groups="support_team_queue.group_support_agent",
            company_ids=[Command.set((self.env.company | self.company_b).ids)],
        )
        self.team_b.operator_ids = both
        self.assertFalse(self.team_b.with_user(self.teamadmin).has_access("read"))
        with self.assertRefused(ValidationError, "one support team at most"):
            self.team.with_user(self.teamadmin).write(
                {"operator_ids": [Command.link(both.id)]}
            )

    def test_a_supervisor_of_another_company_holds_no_ticket(self):
        supervisor_b = self.company_user(
            self.company_b, "t_sup_b", "support_team_queue.group_support_supervisor"
        )
        ticket = self.new_ticket("Solo qui", group=self.group_a)
        with self.assertRefused(ValidationError, "cannot handle ticket"):
            ticket.with_user(self.callcenter).write({"user_id": supervisor_b.id})
        ticket.with_user(self.callcenter).write({"user_id": self.supervisor.id})

    def test_computed_memberships_and_hierarchies_are_not_written(self):
        outsider = new_test_user(
            self.env,
            login="t_outsider",
            groups="support_team_queue.group_support_agent",
        )
        with self.assertRefused(AccessError, "follow its members and its team"):
            self.group_a.with_user(self.teamadmin).write(
                {"effective_user_ids": [Command.link(outsider.id)]}
            )
        with self.assertRefused(AccessError, "follow its members and its team"):
            self.group_a.with_user(self.teamadmin).write({"company_id": False})
        self.assertNotIn(outsider, self.group_a.effective_user_ids)
        admin = new_test_user(
            self.env, login="t_sadmin", groups="support_team_queue.group_support_admin"
        )
        with self.assertRefused(AccessError, "follow its parents and holders"):
            self.role_tech_a.with_user(admin).write({"parent_path": "1/"})

    def test_a_customer_sees_no_operator_list_and_searches_no_message(self):
        company = self.env["res.partner"].create({"name": "Ditta", "is_company": True})
        customer = new_test_user(
            self.env, login="t_cliente", groups="base.group_portal"
        )
        customer.partner_id.parent_id = company
        ticket = self.new_ticket("Del cliente", group=self.group_a)
        ticket.partner_id = customer.partner_id
        ticket.message_post(
            body="Nota interna SEGRETO-42",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        # and one on the customer's own contact
        customer.partner_id.message_post(
            body="Nota interna SEGRETO-43",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        Ticket = self.env["support.ticket"].with_user(customer)
        self.assertEqual(Ticket.search([]), ticket)  # positive control
        # an internal user may (they read the notes)
        self.assertEqual(
            self.env["support.ticket"]
            .with_user(self.supervisor)
            .search([("partner_id.message_ids.body", "ilike", "SEGRETO-43")]),
            ticket,
        )
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            Ticket.browse(ticket.id).read(["assignable_user_ids"])
        for domain in (
            [("message_ids.body", "ilike", "SEGRETO-42")],
            [("message_ids", "any", [("body", "ilike", "SEGRETO-42")])],
            # the messages of a record the ticket names, at any step of a
            # path or of an "any"
            [("partner_id", "any", [("message_ids.body", "ilike", "SEGRETO-43")])],
            [
                (
                    "team_id",
                    "any",
                    [("message_ids", "any", [("body", "ilike", "SEGRETO-42")])],
                )
            ],
            [("partner_id.message_ids.body", "ilike", "SEGRETO-43")],
            [("partner_id.website_message_ids.body", "ilike", "SEGRETO-43")],
            [("partner_id.message_ids", "any", [("body", "ilike", "SEGRETO-43")])],
            [
                (
                    "partner_id.commercial_partner_id.child_ids.message_ids.body",
                    "ilike",
                    "SEGRETO-43",
                )
            ],
            [("partner_id", "any", [("parent_id.message_ids.body", "ilike", "S")])],
            [("partner_id.message_ids", "not any", [("body", "ilike", "S")])],
        ):
            with (
                self.subTest(domain=domain),
                self.assertRefused(
                    AccessError, "cannot search tickets by their messages"
                ),
            ):
                Ticket.search(domain)
        # nor their own contact by its messages, which Odoo would join
        # without their rules
        Partner = self.env["res.partner"].with_user(customer)
        own = [("id", "=", customer.partner_id.id)]
        self.assertEqual(Partner.search(own), customer.partner_id)  # control
        for domain in (
            [*own, ("message_ids.body", "ilike", "SEGRETO-43")],
            [*own, ("website_message_ids", "any", [("body", "ilike", "SEGRETO")])],
            [("parent_id.child_ids.message_ids.body", "ilike", "SEGRETO-43")],
        ):
            with (
                self.subTest(domain=domain),
                self.assertRefused(
                    AccessError, "cannot search contacts by their messages"
                ),
            ):
                Partner.search(domain)
        internal = self.env["res.partner"].with_user(self.callcenter)
        self.assertEqual(
            internal.search([*own, ("message_ids.body", "ilike", "SEGRETO-43")]),
            customer.partner_id,
        )
