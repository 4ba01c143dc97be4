"""Sign-up and the desk's customers: a visitor who signs up with a
customer's address would become the contact Odoo's mail gateway files that
customer's next requests under (it prefers a contact with a user), and read
them. A desk invites its customers; where an administrator opens sign-up to
anyone, an address a contact already has is refused."""

from odoo import http

from .common import SupportHttpCase, new_organization

CUSTOMER_EMAIL = "giorgio.colombo@ferramenta.example.com"
SECRET = "Il codice dell'allarme e' 4711"


class TestSignup(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.organization = new_organization(cls.env, "Ferramenta Colombo")
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Giorgio Colombo",
                "email": CUSTOMER_EMAIL.upper(),
                "parent_id": cls.organization.id,
            }
        )
        cls.Config = cls.env["ir.config_parameter"].sudo()

    def sign_up(self, email):
        self.authenticate(None, None)  # a visitor's session
        return self.url_open(
            "/web/signup",
            data={
                "csrf_token": http.Request.csrf_token(self),
                "login": email,
                "name": "Chiunque",
                "password": "a-long-password-1",
                "confirm_password": "a-long-password-1",
            },
        )

    def users_of(self, email):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=ilike", email)])
        )

    def test_a_customers_address_is_not_signed_up_by_a_visitor(self):
        self.Config.set_param("auth_signup.invitation_scope", "b2c")
        response = self.sign_up(CUSTOMER_EMAIL)
        self.assertEqual(response.status_code, 200)
        self.assertIn("ask for an invitation", response.text)
        self.assertFalse(self.users_of(CUSTOMER_EMAIL))
        # the customer's next e-mail request is filed under their contact
        ticket_id = self.env["mail.thread"].message_process(
            "support.ticket",
            "\r\n".join(
                [
                    f"From: Giorgio Colombo <{CUSTOMER_EMAIL}>",
                    "To: assistenza@example.com",
                    "Subject: Allarme",
                    "Message-ID: <signup-probe@example.com>",
                    "Content-Type: text/plain; charset=utf-8",
                    "",
                    SECRET,
                ]
            ),
            custom_values={"team_id": self.team.id},
        )
        ticket = self.env["support.ticket"].browse(ticket_id)
        self.assertEqual(ticket.partner_id, self.customer)

    def test_a_new_address_signs_up_where_sign_up_is_open(self):
        # the control: an address no contact has
        self.Config.set_param("auth_signup.invitation_scope", "b2c")
        self.sign_up("nuovo.cliente@example.com")
        self.assertTrue(self.users_of("nuovo.cliente@example.com"))

    def test_the_desk_invites_its_customers(self):
        # as installed: sign-up is on invitation
        self.Config.set_param("auth_signup.invitation_scope", "b2b")
        response = self.sign_up("nuovo.cliente@example.com")
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.users_of("nuovo.cliente@example.com"))
