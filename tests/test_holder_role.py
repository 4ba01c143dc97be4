"""The holder's role on the ticket (``user_role_id``), which the superiors'
rule reads (``user_role_id.superior_user_ids``): it follows the holder and
their role whoever changes them, no one writes it, and a customer does
not learn it."""

from odoo.exceptions import AccessError
from odoo.modules.migration import load_script
from odoo.tools import mute_logger

from .common import SupportCase, new_customer_user


class TestHolderRole(SupportCase):
    def test_the_holders_role_follows_the_holder_and_their_role(self):
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        self.assertEqual(ticket.user_role_id, self.role_tech_a)
        self.assertEqual(
            self.tech_a.support_superior_user_ids, self.resp_a | self.supervisor
        )
        self.assertSees(self.resp_a, ticket)
        self.assertNotSees(self.resp_b, ticket)
        # handed over to Tecnico B's holder, in the same transaction
        ticket.with_user(self.supervisor).write({"user_id": self.tech_b.id})
        self.assertEqual(ticket.user_role_id, self.role_tech_b)
        self.assertSees(self.resp_b, ticket)
        self.assertNotSees(self.resp_a, ticket)
        # their tickets, closed and archived ones too, follow the holder to
        # another role
        closed = self.new_ticket("Rete", user=self.tech_b)
        closed.with_user(self.supervisor).action_close()
        archived = self.new_ticket("Posta", user=self.tech_b)
        archived.active = False
        self.tech_b.support_role_id = self.role_tech_a
        for held in (ticket, closed, archived):
            self.assertEqual(held.user_role_id, self.role_tech_a)
        self.assertSees(self.resp_a, ticket)
        self.assertSees(self.resp_a, closed)
        self.assertNotSees(self.resp_b, ticket)
        self.assertNotSees(self.resp_b, closed)
        # nobody's ticket is nobody's superiors'
        ticket.with_user(self.supervisor).write({"user_id": False})
        self.assertFalse(ticket.user_role_id)
        self.assertNotSees(self.resp_a, ticket)

    def test_no_one_writes_the_holders_role(self):
        # written, it would take a ticket out of its holder's superiors'
        # sight, a delete in effect for them, by anyone who may edit it
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        for user in (self.resp_a, self.teamadmin, self.supervisor):
            with self.assertRefusedTo(user, AccessError, "Operator's Role"):
                ticket.with_user(user).write({"user_role_id": self.role_resp_b.id})
            with self.assertRefusedTo(user, AccessError, "Operator's Role"):
                self.env["support.ticket"].with_user(user).create(
                    {
                        "name": "Nascosto",
                        "team_id": self.team.id,
                        "user_id": self.tech_a.id,
                        "user_role_id": self.role_resp_b.id,
                    }
                )
        self.assertEqual(ticket.user_role_id, self.role_tech_a)
        self.assertSees(self.resp_a, ticket)

    def test_a_customer_does_not_learn_the_holders_role(self):
        customer = new_customer_user(self.env, "t_cliente_ruolo")
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        ticket.partner_id = customer.partner_id
        mine = self.env["support.ticket"].with_user(customer)
        self.assertEqual(mine.search([]), ticket)
        self.assertNotIn("user_role_id", mine.fields_get())
        with mute_logger("odoo.models"):
            with self.assertRaises(AccessError):
                ticket.with_user(customer).read(["user_role_id"])
            with self.assertRaises(AccessError):
                mine.search([("user_role_id", "=", self.role_tech_a.id)])

    def test_an_update_rewrites_the_superiors_rule_unless_changed_by_hand(self):
        migration = load_script(
            "support_team_queue/migrations/18.0.1.3.0/post-migration.py",
            "support_team_queue_post_migration_1_3",
        )
        rule = self.env.ref("support_team_queue.rule_support_ticket_role_superior")
        rule.domain_force = migration.EARLIER_DOMAIN
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(rule.domain_force, migration.DOMAIN)
        ticket = self.new_ticket("Stampante", user=self.tech_a)
        self.assertSees(self.resp_a, ticket)
        # a domain changed by hand stays as it is
        by_hand = "[('user_id.support_superior_user_ids', 'in', [user.id])]"
        rule.domain_force = by_hand
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.assertEqual(rule.domain_force, by_hand)
