"""Organizations by e-mail domain (seed 000, "Configurar Organizaciones")."""

from odoo.exceptions import ValidationError

from .common import SupportCase, new_organization


class OrganizationCase(SupportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.rossi = new_organization(
            cls.env, "Rossi Impianti", "rossi-impianti.it, rossi.com"
        )
        cls.verdi = new_organization(cls.env, "Verdi Srl")

    def ticket_from(self, email, **values):
        values = dict(values, name="La stampante non stampa", team_id=self.team.id)
        if email:
            values["partner_email"] = email
        return self.env["support.ticket"].create(values)


class TestOrganizationDomains(OrganizationCase):
    def test_domains_are_kept_lower_case_and_comma_separated(self):
        self.verdi.support_email_domains = "Verdi.IT  verdi-srl.com;verdi.it"
        self.assertEqual(self.verdi.support_email_domains, "verdi.it, verdi-srl.com")

    def test_an_address_instead_of_a_domain_is_refused(self):
        with self.assertRefused(ValidationError, "without '@'"):
            self.verdi.support_email_domains = "info@verdi.it"
        self.assertFalse(self.verdi.support_email_domains)

    def test_a_malformed_domain_is_refused(self):
        with self.assertRefused(ValidationError, "not a valid e-mail domain"):
            self.verdi.support_email_domains = "verdi.it, verdi_srl"
        self.assertFalse(self.verdi.support_email_domains)

    def test_a_domain_of_another_company_is_refused(self):
        with self.assertRefused(ValidationError, "already belongs to Rossi Impianti"):
            self.verdi.support_email_domains = "verdi.it, ROSSI.com"
        self.assertFalse(self.verdi.support_email_domains)
        self.assertEqual(
            self.rossi.support_email_domains, "rossi-impianti.it, rossi.com"
        )

    def test_a_new_company_with_a_taken_domain_is_refused(self):
        with self.assertRefused(ValidationError, "one company only"):
            self.env["res.partner"].create(
                {
                    "name": "Rossi Falsi",
                    "is_company": True,
                    "support_email_domains": "rossi.com",
                }
            )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Rossi Falsi")]))

    def test_a_domain_containing_another_is_not_taken(self):
        self.verdi.support_email_domains = "nonrossi.com"
        self.assertEqual(self.verdi.support_email_domains, "nonrossi.com")

    def test_domains_on_a_person_are_refused(self):
        mario = self.env["res.partner"].create({"name": "Mario Bianchi"})
        with self.assertRefused(ValidationError, "only companies"):
            mario.support_email_domains = "bianchi.it"
        self.assertFalse(mario.support_email_domains)

    def test_the_company_form_shows_the_domains(self):
        arch = self.env["res.partner"].get_view(
            self.env.ref("base.view_partner_form").id
        )["arch"]
        self.assertIn('name="support_email_domains"', arch)


class TestTicketOrganization(OrganizationCase):
    def test_a_ticket_from_a_registered_domain_belongs_to_the_company(self):
        ticket = self.ticket_from("mario.bianchi@rossi-impianti.it")
        self.assertEqual(ticket.organization_id, self.rossi)

    def test_a_ticket_from_any_registered_domain_belongs_to_the_company(self):
        ticket = self.ticket_from("Mario Bianchi <MARIO@Rossi.com>")
        self.assertEqual(ticket.organization_id, self.rossi)

    def test_a_ticket_from_a_subdomain_belongs_to_the_company(self):
        ticket = self.ticket_from("mario@milano.rossi.com")
        self.assertEqual(ticket.organization_id, self.rossi)

    def test_a_ticket_from_an_unknown_domain_has_no_organization(self):
        ticket = self.ticket_from("mario@nonrossi.com")
        self.assertFalse(ticket.organization_id)

    def test_the_requesters_company_comes_before_the_domain(self):
        anna = self.env["res.partner"].create(
            {
                "name": "Anna Verdi",
                "parent_id": self.verdi.id,
                "email": "anna@rossi.com",
            }
        )
        ticket = self.ticket_from(False, partner_id=anna.id)
        self.assertEqual(ticket.organization_id, self.verdi)

    def test_a_requester_without_company_gets_the_domains_organization(self):
        mario = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario@rossi.com"}
        )
        ticket = self.ticket_from(False, partner_id=mario.id)
        self.assertEqual(ticket.organization_id, self.rossi)

    def test_changing_the_email_changes_the_organization(self):
        ticket = self.ticket_from("mario@rossi.com")
        ticket.partner_email = "mario@example.org"
        self.assertFalse(ticket.organization_id)

    def test_registering_a_domain_gathers_the_tickets_already_received(self):
        ticket = self.ticket_from("giulia@verdi.it")
        self.verdi.support_email_domains = "verdi.it"
        self.assertEqual(ticket.organization_id, self.verdi)

    def test_the_ticket_shows_the_organization_instead_of_the_email(self):
        ticket = self.ticket_from("mario.bianchi@rossi-impianti.it")
        self.assertEqual(ticket.requester_display, "Rossi Impianti")

    def test_the_email_stays_at_hand(self):
        ticket = self.ticket_from("mario.bianchi@rossi-impianti.it")
        self.assertEqual(ticket.partner_email, "mario.bianchi@rossi-impianti.it")

    def test_without_organization_the_ticket_shows_the_requester(self):
        mario = self.env["res.partner"].create(
            {"name": "Mario Bianchi", "email": "mario@example.org"}
        )
        ticket = self.ticket_from(False, partner_id=mario.id)
        self.assertEqual(ticket.requester_display, "Mario Bianchi")

    def test_without_requester_the_ticket_shows_the_email(self):
        ticket = self.ticket_from("mario@example.org")
        self.assertEqual(ticket.requester_display, "mario@example.org")

    def test_the_requester_shown_follows_renames_and_new_domains(self):
        # stored, so the queue can sort by it: it must follow its sources
        ticket = self.ticket_from("mario.bianchi@rossi-impianti.it")
        self.rossi.name = "Rossi Impianti SpA"
        self.assertEqual(ticket.requester_display, "Rossi Impianti SpA")
        mario = self.env["res.partner"].create({"name": "Mario Bianchi"})
        other = self.ticket_from(False, partner_id=mario.id)
        mario.name = "Mario Bianchi Jr."
        self.assertEqual(other.requester_display, "Mario Bianchi Jr.")
        giulia = self.ticket_from("giulia@verdi.it")
        self.verdi.support_email_domains = "verdi.it"
        self.assertEqual(giulia.requester_display, "Verdi Srl")
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT requester_display FROM support_ticket WHERE id IN %s ORDER BY id",
            [(ticket.id, other.id, giulia.id)],
        )
        self.assertEqual(
            [row[0] for row in self.env.cr.fetchall()],
            ["Rossi Impianti SpA", "Mario Bianchi Jr.", "Verdi Srl"],
        )

    def test_the_queue_sorts_by_requester(self):
        tickets = self.ticket_from("zeta@example.org") | self.ticket_from(
            "mario@rossi.com"
        )
        found = self.env["support.ticket"].search(
            [("id", "in", tickets.ids)], order="requester_display"
        )
        self.assertEqual(
            found.mapped("requester_display"), ["Rossi Impianti", "zeta@example.org"]
        )

    def test_the_queue_lists_the_requester_or_organization_and_the_email(self):
        arch = self.env["support.ticket"].get_view(
            self.env.ref("support_team_queue.view_support_ticket_list").id, "list"
        )["arch"]
        self.assertIn('name="requester_display"', arch)
        self.assertIn('name="partner_email"', arch)
