"""The call center's way in: from a contact, a smart button and "New ticket"."""

from odoo.tests import Form
from odoo.tools.safe_eval import safe_eval

from .common import SupportCase


class TestContactIntake(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.partner"].create(
            {"name": "Rossi Impianti", "is_company": True}
        )
        cls.caller = cls.env["res.partner"].create(
            {
                "name": "Paolo Rossi",
                "parent_id": cls.company.id,
                "email": "paolo@rossi-impianti.it",
            }
        )

    def new_ticket_form(self, user, partner):
        action = self.env.ref(
            "support_team_queue.action_support_ticket_new_from_partner"
        )
        context = safe_eval(action.context, {"active_id": partner.id})
        Ticket = self.env["support.ticket"].with_user(user).with_context(**context)
        return Form(Ticket, view=action.view_id)

    def test_new_ticket_from_a_contact_is_prefilled(self):
        form = self.new_ticket_form(self.callcenter, self.caller)
        self.assertEqual(form.partner_id, self.caller)
        self.assertEqual(form.partner_email, "paolo@rossi-impianti.it")
        self.assertEqual(form.organization_id, self.company)
        self.assertEqual(form.channel, "phone")
        self.assertEqual(form.team_id, self.team)

    def test_call_center_routes_the_call_to_gruppo_a(self):
        form = self.new_ticket_form(self.callcenter, self.caller)
        form.name = "Via tal Dei tali"
        form.group_id = self.group_a
        ticket = form.save()
        self.assertEqual(ticket.group_id, self.group_a)
        self.assertFalse(ticket.user_id)
        self.assertSees(self.tech_a, ticket)
        self.assertNotSees(self.resp_b, ticket)

    def test_call_center_keeps_a_call_for_itself(self):
        form = self.new_ticket_form(self.callcenter, self.caller)
        form.name = "Richiamare il cliente"
        ticket = form.save()
        self.assertEqual(ticket.user_id, self.callcenter)

    def test_smart_button_opens_the_contact_tickets(self):
        mine = self.new_ticket("Del cliente", group=self.group_a)
        mine.partner_id = self.caller
        other = self.new_ticket("Di un altro", group=self.group_a)
        action = self.company.with_user(self.callcenter).action_view_support_tickets()
        found = (
            self.env["support.ticket"]
            .with_user(self.callcenter)
            .search(action["domain"])
        )
        self.assertEqual(found, mine)
        self.assertNotIn(other, found)
        self.assertEqual(
            self.company.with_user(self.callcenter).support_ticket_count, 1
        )
