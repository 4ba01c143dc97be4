"""Sign-up and the desk's customers: a visitor who signs up with a
customer's address would become the contact Odoo's mail gateway files that
customer's next requests under (it prefers a contact with a user), and read
them. A desk invites its customers; where an administrator opens sign-up to
anyone, an address a contact already has is refused."""

from odoo import http
from odoo.exceptions import UserError

from .common import (
    RpcTransportsMixin,
    SupportHttpCase,
    new_customer_user,
    new_organization,
    post_account_form,
)

CUSTOMER_EMAIL = "giorgio.colombo@ferramenta.example.com"
SECRET = "Il codice dell'allarme e' 4711"


class SignupCase(SupportHttpCase):
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

    def request_from_the_customer(self):
        """The customer's next e-mail request, as the mail fetcher gets it."""
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
        return self.env["support.ticket"].browse(ticket_id)

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


class TestSignup(SignupCase):
    def test_a_customers_address_is_not_signed_up_by_a_visitor(self):
        self.Config.set_param("auth_signup.invitation_scope", "b2c")
        response = self.sign_up(CUSTOMER_EMAIL)
        self.assertEqual(response.status_code, 200)
        self.assertIn("ask for an invitation", response.text)
        self.assertFalse(self.users_of(CUSTOMER_EMAIL))
        # the customer's next e-mail request is filed under their contact
        self.assertEqual(self.request_from_the_customer().partner_id, self.customer)

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


class TestAccountAddress(RpcTransportsMixin, SignupCase):
    """The same address taken afterwards, by a customer's own account: on
    /my/account, or over RPC on their user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.joel = new_customer_user(
            cls.env, "t_joel", name="Joel Willis", email="joel@example.com"
        )

    def account_form(self, email):
        return post_account_form(self, self.joel, self.password(self.joel), email)

    def test_a_customer_does_not_take_another_contacts_address(self):
        response = self.account_form(f" {CUSTOMER_EMAIL.title()} ")
        self.assertIn("another contact&#39;s", response.text)
        for transport, (ok, text, _result) in self.both(
            self.joel, "res.users", "write", self.joel.ids, {"email": CUSTOMER_EMAIL}
        ):
            with self.subTest(transport=transport):
                self.assertFalse(ok)
                self.assertIn("another contact's", text)
        with self.assertRaises(UserError):
            self.joel.with_user(self.joel).write({"email": CUSTOMER_EMAIL})
        # nor in a list of addresses, whose first Odoo keeps as the contact's
        for listed in (
            f"{CUSTOMER_EMAIL}, joel@example.com",
            f"{CUSTOMER_EMAIL}; joel@example.com",
            f"{CUSTOMER_EMAIL} joel@example.com",
            f"joel@example.com, {CUSTOMER_EMAIL}",
        ):
            ok, text, _result = self.jsonrpc(
                self.joel, "res.users", "write", self.joel.ids, {"email": listed}
            )
            self.assertFalse(ok, listed)
            self.assertIn("another contact's", text)
        # nor staff, whose own address Odoo lets them change
        ok, text, _result = self.jsonrpc(
            self.tech_b,
            "res.users",
            "write",
            self.tech_b.ids,
            {"email": CUSTOMER_EMAIL},
        )
        self.assertFalse(ok)
        self.assertIn("another contact's", text)
        self.joel.partner_id.invalidate_recordset()
        self.assertEqual(self.joel.partner_id.email, "joel@example.com")
        self.assertEqual(self.request_from_the_customer().partner_id, self.customer)

    def test_a_customer_of_a_company_without_country_is_told_too(self):
        # Odoo's form, shown again with an error to a customer who may not
        # change their country and has none, failed with a server error
        self.joel.partner_id.write(
            {"parent_id": self.organization.id, "country_id": False}
        )
        self.organization.country_id = False
        response = self.account_form(CUSTOMER_EMAIL)
        self.assertEqual(response.status_code, 200)
        self.assertIn("another contact&#39;s", response.text)

    def test_a_customer_changes_to_an_address_of_their_own(self):
        # the control: an address no other contact has
        self.account_form("joel.willis@example.com")
        self.joel.partner_id.invalidate_recordset()
        self.assertEqual(self.joel.partner_id.email, "joel.willis@example.com")
        ok, text, _result = self.xmlrpc(
            self.joel, "res.users", "write", self.joel.ids, {"email": "jw@example.com"}
        )
        self.assertTrue(ok, text)
        ok, text, _result = self.xmlrpc(
            self.tech_b,
            "res.users",
            "write",
            self.tech_b.ids,
            {"email": "lb@example.com"},
        )
        self.assertTrue(ok, text)
