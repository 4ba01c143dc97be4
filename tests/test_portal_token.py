"""The portal token (issue 13): the link the requester was mailed. It is for
the requester: a new one replaces it when the ticket changes requester or
organization, nobody writes it over RPC, and staff who do not administer
the ticket do not read it. Through real HTTP requests, as a visitor holding
the old link would send them."""

from odoo.exceptions import AccessError
from odoo.tools import mute_logger

from .common import new_ticket_file, post_json_route
from .test_portal import PortalCase

DESCRIPTION = "Descrizione del guasto QWE-3391"
REPLY = "Risposta al cliente ASD-7720"
ATTACHMENT = "schema-impianto-ZXC-4418.txt"


class TokenCase(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket = cls.own_ticket
        cls.ticket.description = f"<p>{DESCRIPTION}</p>"
        cls.ticket.message_post(
            body=REPLY, message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        new_ticket_file(cls.ticket, ATTACHMENT, b"schema")
        cls.ticket.message_subscribe(partner_ids=cls.portal_user.partner_id.ids)
        # the link the requester was mailed
        cls.old_token = cls.ticket.sudo()._portal_ensure_token()

    def token(self):
        self.ticket.invalidate_recordset(["access_token"])
        return self.ticket.sudo().access_token

    def open_as_visitor(self, token):
        self.authenticate(None, None)
        return self.url_open(
            f"{self.ticket.access_url}?access_token={token}", allow_redirects=False
        )

    def thread_data_as_visitor(self, token):
        """What the portal chatter asks with the link's token."""
        self.authenticate(None, None)
        text, _payload = post_json_route(
            self,
            "/mail/thread/data",
            {
                "thread_model": "support.ticket",
                "thread_id": self.ticket.id,
                # the ticket's own files and followers are the desk's side,
                # never answered to a link (test_portal_link_doors.py)
                "request_list": ["messages"],
                "token": token,
            },
        )
        return text

    def assertOldLinkShowsNothing(self):
        page = self.open_as_visitor(self.old_token)
        self.assertEqual(page.status_code, 303)
        for secret in (self.ticket.name, DESCRIPTION, REPLY):
            self.assertNotIn(secret, page.text)
        data = self.thread_data_as_visitor(self.old_token)
        self.assertIn('"hasReadAccess": false', data)
        self.assertNotIn(ATTACHMENT, data)
        self.assertNotIn(self.portal_user.partner_id.name, data)

    def assertNewLinkWorks(self):
        new_token = self.token()
        self.assertTrue(new_token)
        self.assertNotEqual(new_token, self.old_token)
        page = self.open_as_visitor(new_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.ticket.name, page.text)
        self.assertIn(DESCRIPTION, page.text)
        self.assertIn('"hasReadAccess": true', self.thread_data_as_visitor(new_token))


class TestTokenRenewal(TokenCase):
    def test_the_old_link_works_until_something_changes(self):
        # the control: both checks can find the ticket
        page = self.open_as_visitor(self.old_token)
        self.assertEqual(page.status_code, 200)
        self.assertIn(DESCRIPTION, page.text)
        self.assertIn(
            '"hasReadAccess": true', self.thread_data_as_visitor(self.old_token)
        )

    def test_a_new_requester_gets_a_new_link(self):
        # the call center hands the ticket to another customer
        self.ticket.with_user(self.callcenter).partner_id = self.stranger
        self.assertEqual(self.ticket.organization_id, self.globex)
        self.assertOldLinkShowsNothing()
        self.assertNewLinkWorks()

    def test_a_new_requester_of_the_same_organization_gets_a_new_link(self):
        self.ticket.with_user(self.callcenter).partner_id = self.colleague
        self.assertEqual(self.ticket.organization_id, self.acme)
        self.assertOldLinkShowsNothing()
        self.assertNewLinkWorks()

    def test_a_new_organization_gets_a_new_link(self):
        self.ticket.with_user(self.callcenter).organization_id = self.globex
        self.assertOldLinkShowsNothing()
        self.assertNewLinkWorks()

    def test_an_organization_following_the_requester_gets_a_new_link(self):
        # no write on the ticket: its stored organization follows the
        # requester's company
        self.portal_user.partner_id.parent_id = self.globex
        self.assertEqual(self.ticket.organization_id, self.globex)
        self.assertOldLinkShowsNothing()
        self.assertNewLinkWorks()

    def test_an_organization_registering_the_domain_gets_a_new_link(self):
        # a ticket from an address, no requester yet: the company that
        # registers the domain takes it
        ticket = self.env["support.ticket"].create(
            {
                "name": "Dal modulo",
                "partner_email": "anna@verdi.example.com",
                "team_id": self.team.id,
            }
        )
        old = ticket.sudo()._portal_ensure_token()
        verdi = self.env["res.partner"].create({"name": "Verdi", "is_company": True})
        verdi.support_email_domains = "verdi.example.com"
        self.assertEqual(ticket.organization_id, verdi)
        ticket.invalidate_recordset(["access_token"])
        self.assertNotIn(ticket.sudo().access_token, (old, False))

    def test_other_changes_keep_the_link(self):
        self.ticket.with_user(self.callcenter).write(
            {"priority": "2", "partner_id": self.portal_user.partner_id.id}
        )
        self.ticket.with_user(self.callcenter).organization_id = self.acme
        self.ticket.with_user(self.callcenter).message_post(
            body="Ci pensiamo noi.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(self.token(), self.old_token)

    def test_a_ticket_without_link_gets_none_on_a_change(self):
        ticket = self.colleague_ticket
        self.assertFalse(ticket.sudo().access_token)
        ticket.partner_id = self.stranger
        self.assertFalse(ticket.sudo().access_token)


class TestTokenAccess(TokenCase):
    def test_nobody_writes_the_token(self):
        admin = self.env.ref("base.user_admin")
        for user in (self.callcenter, self.resp_a, self.supervisor, admin):
            with self.assertRefusedTo(user, AccessError, "portal link"):
                self.ticket.with_user(user).write({"access_token": "chosen"})
        with self.assertRefused(AccessError, "portal link"):
            self.env["support.ticket"].with_user(self.callcenter).create(
                {"name": "Scelto", "team_id": self.team.id, "access_token": "chosen"}
            )
        self.assertEqual(self.token(), self.old_token)
        # Odoo's own code, as superuser, still makes it
        self.colleague_ticket.sudo().access_token = "set-by-odoo"
        self.assertEqual(self.colleague_ticket.sudo().access_token, "set-by-odoo")

    def test_nobody_writes_the_token_over_xmlrpc(self):
        from xmlrpc.client import Fault

        login = self.resp_a.login
        with self.assertRaises(Fault) as refused, mute_logger("odoo.http"):
            self.xmlrpc_object.execute_kw(
                self.env.cr.dbname,
                self.resp_a.id,
                login + "x" * (8 - len(login)),
                "support.ticket",
                "write",
                [self.ticket.ids, {"access_token": "chosen"}],
            )
        self.assertIn("portal link", refused.exception.faultString)
        self.assertEqual(self.token(), self.old_token)

    def test_staff_who_do_not_administer_the_ticket_do_not_read_it(self):
        for user in (self.tech_a, self.resp_a, self.callcenter, self.supervisor):
            ticket = self.ticket.with_user(user)
            self.assertTrue(ticket.read(["name"]))  # they read the ticket
            with (
                self.subTest(user=user.login),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                ticket.invalidate_recordset()
                ticket.read(["access_token"])
            with (
                self.subTest(user=user.login, via="search"),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                ticket.search([("access_token", "=", self.old_token)])
            with (
                self.subTest(user=user.login, via="portal url"),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                ticket.invalidate_recordset()
                ticket.get_portal_url()
            # reading every field leaves it out
            self.assertNotIn("access_token", ticket.read()[0])

    def test_support_administrators_read_it(self):
        ticket = self.ticket.with_user(self.env.ref("base.user_admin"))
        self.assertEqual(
            ticket.read(["access_token"])[0]["access_token"], self.old_token
        )

    def test_customers_do_not_read_it_but_the_requester_gets_their_link(self):
        # a colleague of the same organization reads the ticket, not the
        # link that speaks for its requester; the requester has it by mail
        # and opens it from a notification (below), not over RPC
        colleague_token = self.colleague_ticket.sudo()._portal_ensure_token()
        for ticket in (self.ticket, self.colleague_ticket):
            ticket = ticket.with_user(self.portal_user)
            self.assertTrue(ticket.read(["name"]))
            with self.subTest(ticket=ticket.name), self.assertRaises(AccessError):
                ticket.invalidate_recordset()
                ticket.read(["access_token"])
            with (
                self.subTest(ticket=ticket.name, via="search"),
                self.assertRaises(AccessError),
            ):
                ticket.search(
                    [("access_token", "in", [self.old_token, colleague_token])]
                )
            self.assertNotIn("access_token", ticket.read()[0])
        self.env.invalidate_all()
        with self.assertRaises(AccessError):
            self.colleague_ticket.with_user(self.portal_user).get_portal_url()
        self.assertIn(
            f"access_token={self.old_token}",
            self.ticket.with_user(self.portal_user).get_portal_url(),
        )
        # the colleague's notification link opens the page, without the token
        self.login_portal()
        response = self.url_open(
            f"/mail/view?model=support.ticket&res_id={self.colleague_ticket.id}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.colleague_ticket.access_url, response.headers["Location"])
        self.assertNotIn(colleague_token, response.headers["Location"])

    def test_a_reader_still_answers_the_customer(self):
        # Odoo signs the customer's link as the poster: a technician's public
        # answer still notifies the requester, with the ticket's link
        self.env.invalidate_all()
        self.ticket.with_user(self.tech_a).message_post(
            body="Provi a riavviare.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=self.portal_user.partner_id.ids,
        )
        self.assertEqual(self.token(), self.old_token)

    def test_the_customer_opens_the_ticket_from_the_notification(self):
        # /mail/view builds the portal link as the customer
        self.login_portal()
        response = self.url_open(
            f"/mail/view?model=support.ticket&res_id={self.ticket.id}",
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.ticket.access_url, response.headers["Location"])


class TestPagerLinks(TokenCase):
    def test_the_pager_between_requests_carries_no_token(self):
        # Odoo's pager between the requests of one's list put each one's
        # token in its link: a colleague, or staff, read the links of the
        # requests they list, which speak for their requesters
        tokens = {
            ticket: ticket.sudo()._portal_ensure_token()
            for ticket in (self.ticket, self.colleague_ticket, self.other_org_ticket)
        }
        for user in (self.portal_user, self.tech_a):
            with self.subTest(login=user.login):
                self.authenticate(user.login, user.login + "x" * (8 - len(user.login)))
                listed = self.url_open("/my/tickets")
                self.assertEqual(listed.status_code, 200)
                pages = [
                    self.url_open(ticket.access_url)
                    for ticket in tokens
                    if ticket.with_user(user).has_access("read")
                ]
                self.assertEqual(len(pages), 2)
                for page in pages:
                    self.assertEqual(page.status_code, 200)
                    # the pager is there, and names its neighbours by their page
                    self.assertIn('class="record_pager', page.text)
                    self.assertRegex(page.text, r'href="/my/tickets/\d+"><i class="oi')
                    self.assertNotIn("access_token=", page.text)
                    for token in tokens.values():
                        self.assertNotIn(token, page.text)
