"""A customer's organization comes from their account's company, never from
an address they typed or changed themselves (issue 13). The e-mail domain
rule is for requesters without an account: the contacts the mail gateway
creates for unknown senders."""

from .common import new_customer_user, new_organization, post_account_form
from .test_mail_intake import MailIntakeCase
from .test_portal import PortalCase


class TestAccountOrganization(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rossi = new_organization(cls.env, "Rossi Impianti", "rossi-impianti.it")
        cls.rossi_user = new_customer_user(
            cls.env,
            "t_portal_rossi",
            name="Paola Rossi",
            email="paola@rossi-impianti.it",
            parent_id=cls.rossi.id,
        )
        # a customer of no company and no e-mail
        cls.nobody = new_customer_user(
            cls.env,
            "t_portal_nobody",
            name="Carlo Neri",
        )
        cls.nobody.partner_id.email = False

    def rossi_reads(self, ticket):
        found = self.env["support.ticket"].with_user(self.rossi_user).search([])
        return ticket in found

    def test_a_typed_address_files_nothing_under_its_domain(self):
        self.authenticate(self.nobody.login, self.nobody.login)
        self.ask_for_help(email="ceo@rossi-impianti.it")
        ticket = self.tickets_named("Il server è giù")
        self.assertEqual(ticket.partner_id, self.nobody.partner_id)
        self.assertEqual(ticket.partner_email, "ceo@rossi-impianti.it")
        self.assertFalse(ticket.organization_id)
        self.assertFalse(self.rossi_reads(ticket))
        # the customer still reads their own request
        self.assertIn(
            ticket, self.env["support.ticket"].with_user(self.nobody).search([])
        )

    def test_changing_ones_own_email_moves_no_ticket(self):
        ticket = self.new_ticket("Richiesta di Carlo")
        ticket.partner_id = self.nobody.partner_id
        self.assertFalse(ticket.organization_id)
        # as the customer: their own partner, as /my/account writes it
        self.nobody.partner_id.with_user(self.nobody).sudo().write(
            {"email": "carlo@rossi-impianti.it"}
        )
        self.assertFalse(ticket.organization_id)
        self.assertFalse(self.rossi_reads(ticket))

    def test_changing_ones_own_email_on_the_account_page_moves_no_ticket(self):
        own = self.own_ticket
        self.assertEqual(own.organization_id, self.acme)
        ticket = self.new_ticket("Richiesta di Carlo")
        ticket.partner_id = self.nobody.partner_id
        for user, ticket_, organization in (
            (self.nobody, ticket, self.env["res.partner"]),
            (self.portal_user, own, self.acme),
        ):
            response = post_account_form(
                self, user, user.login, f"nuovo.{user.login}@rossi-impianti.it"
            )
            self.assertEqual(response.status_code, 200)
            user.partner_id.invalidate_recordset()
            self.assertEqual(
                user.partner_id.email, f"nuovo.{user.login}@rossi-impianti.it"
            )
            self.assertEqual(ticket_.organization_id, organization)
            self.assertFalse(self.rossi_reads(ticket_))

    def test_the_account_company_is_the_organization(self):
        # whatever address the account holder types
        self.authenticate(self.rossi_user.login, self.rossi_user.login)
        self.ask_for_help(email="paola.privata@freemail.example.org")
        ticket = self.tickets_named("Il server è giù")
        self.assertEqual(ticket.organization_id, self.rossi)
        self.assertTrue(self.rossi_reads(ticket))

    def test_an_account_holder_without_company_gets_none_from_the_domain(self):
        # the account's own address does not file their tickets either
        user = new_customer_user(
            self.env,
            "t_portal_dominio",
            email="dario@rossi-impianti.it",
        )
        ticket = self.new_ticket("Richiesta di Dario")
        ticket.partner_id = user.partner_id
        self.assertFalse(ticket.organization_id)

    def test_a_contact_invited_to_the_portal_follows_the_account_rule(self):
        # a contact created by the gateway is filed by domain until they
        # hold an account; then their account's company decides
        mario = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario@rossi-impianti.it"}
        )
        ticket = self.new_ticket("Richiesta di Mario")
        ticket.partner_id = mario
        self.assertEqual(ticket.organization_id, self.rossi)
        new_customer_user(
            self.env,
            "t_portal_mario",
            partner_id=mario.id,
        )
        self.assertFalse(ticket.organization_id)
        mario.parent_id = self.rossi
        self.assertEqual(ticket.organization_id, self.rossi)


class TestGatewayOrganization(MailIntakeCase):
    def test_an_unknown_sender_of_a_registered_domain_gets_the_organization(self):
        self.receive(sender="Ugo Verdi <ugo.verdi@rossi-impianti.it>")
        ticket = self.tickets()
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.partner_id.user_ids)
        self.assertEqual(ticket.organization_id, self.rossi)
