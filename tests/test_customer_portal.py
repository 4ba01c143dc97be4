"""The customer's side on the portal (issue 15): a request carries files;
it is acknowledged with a link that opens it; the customer closes it with
"Solved" and reopens it by replying. Through real HTTP requests, from the
rendered pages; "Solved" closes the customer's own request (its requester,
or their organization's own account), by their account or, for a visitor,
by the ticket's link; for anyone else a refusal that changes nothing."""

from odoo import http
from odoo.exceptions import AccessError

from .common import RpcTransportsMixin
from .test_portal import NEW_REQUEST, REOPENED
from .test_portal_render import PortalRenderCase

SOLVE = "/my/tickets/{}/solve"
ACK_SUBJECT = "We received your request"


class CustomerPortalCase(RpcTransportsMixin, PortalRenderCase):
    def file_request(self, files=None, **values):
        self.login_portal()
        _response, tree = self.page(NEW_REQUEST)
        form = self.new_request_form(tree)
        values = dict(
            group_id=str(self.group_a.id),
            subject="Il plotter è fermo",
            description="Errore E42 sul pannello.",
            **values,
        )
        return self.send(form, files=files, **values)

    def solve_button(self, ticket):
        _response, tree = self.page(ticket.access_url)
        return tree.xpath("//form[contains(@class, 'o_support_solve_form')]")

    def solve(self, ticket, url=None):
        """Press "Solved" on the ticket's page, as the browser sends it."""
        _response, tree = self.page(url or ticket.access_url)
        [form] = tree.xpath("//form[contains(@class, 'o_support_solve_form')]")
        self.assertEqual(form.get("action"), SOLVE.format(ticket.id))
        return self.page(form.get("action"), data=dict(form.form_values()))

    def post_solve(self, ticket, **data):
        """The route called directly, with a valid CSRF token."""
        return self.url_open(
            SOLVE.format(ticket.id),
            data={"csrf_token": http.Request.csrf_token(self), **data},
            allow_redirects=False,
        )

    def assertRefusedToMy(self, response):
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))


class TestRequestWithFiles(CustomerPortalCase):
    def test_the_files_are_posted_on_the_ticket_for_the_staff(self):
        self.file_request(
            files={
                "attachments": [
                    ("errore.png", b"\x89PNG\r\n\x1a\nfinto"),
                    ("log.txt", b"E42 at 10:02"),
                ]
            }
        )
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertEqual(len(ticket), 1)
        files = self.env["ir.attachment"].search(
            [("res_model", "=", "support.ticket"), ("res_id", "=", ticket.id)]
        )
        self.assertEqual(sorted(files.mapped("name")), ["errore.png", "log.txt"])
        self.assertEqual(
            files.filtered(lambda f: f.name == "log.txt").raw, b"E42 at 10:02"
        )
        [message] = ticket.message_ids.filtered("attachment_ids")
        self.assertEqual(message.attachment_ids, files)
        self.assertEqual(message.author_id, self.portal_user.partner_id)
        # the request itself is the customer's one unanswered message
        self.assertEqual(ticket.unanswered_count, 1)
        # the customer finds them on the ticket's page
        self.assertIn("Files sent with the request.", self.chatter_bodies(ticket))
        # the group's members read them with the ticket
        self.assertEqual(
            files.with_user(self.resp_a).read(["name"])[0]["name"], files[0].name
        )

    def test_a_file_a_browser_would_run_is_stored_as_text(self):
        self.file_request(
            files={"attachments": [("pagina.html", b"<script>alert(1)</script>")]}
        )
        ticket = self.tickets_named("Il plotter è fermo")
        [file] = ticket.message_ids.attachment_ids
        self.assertEqual(file.mimetype, "text/plain")

    def test_a_request_without_files_has_none(self):
        self.file_request()
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertEqual(len(ticket), 1)
        self.assertFalse(ticket.message_ids.attachment_ids)

    def test_too_many_files_are_refused_with_a_clear_error(self):
        files = [(f"foto{index}.jpg", b"x") for index in range(11)]
        _response, tree = self.file_request(files={"attachments": files})
        form = self.new_request_form(tree)
        self.assertIn("Attach at most 10 files to a request.", form.text_content())
        self.assertIn(
            "is-invalid", self.field(form, "input", "attachments").get("class")
        )
        self.assertFalse(self.tickets_named("Il plotter è fermo"))
        self.assertFalse(self.env["ir.attachment"].search([("name", "=", "foto0.jpg")]))

    def test_a_file_too_large_is_refused_with_a_clear_error(self):
        big = b"x" * (10 * 1024 * 1024 + 1)
        _response, tree = self.file_request(files={"attachments": [("video.mp4", big)]})
        form = self.new_request_form(tree)
        self.assertIn("video.mp4 is larger than 10 MB", form.text_content())
        self.assertFalse(self.tickets_named("Il plotter è fermo"))


class TestAcknowledgementFromThePortal(CustomerPortalCase):
    def test_a_portal_request_is_acknowledged_with_a_link_that_opens_it(self):
        self.file_request()
        ticket = self.tickets_named("Il plotter è fermo")
        # the requester's own message (message_notify), out of the chatter:
        # its link holds the ticket's token
        [ack] = (
            self.env["mail.message"]
            .search([("model", "=", "support.ticket"), ("res_id", "=", ticket.id)])
            .filtered(lambda m: ACK_SUBJECT in (m.subject or ""))
        )
        self.assertNotIn(ack, ticket.message_ids)
        self.assertIn(ticket.number, ack.subject)
        self.assertEqual(
            ack.notification_ids.res_partner_id, self.portal_user.partner_id
        )
        self.assertEqual(ack.author_id, self.env.ref("base.partner_root"))
        # the link in it opens the ticket, even logged out
        link = f"/my/tickets/{ticket.id}?access_token={ticket.sudo().access_token}"
        self.assertIn(link, ack.body)
        self.authenticate(None, None)
        _response, tree = self.page(link)
        self.assertIn(
            ticket.name, tree.xpath("//div[@id='card_header']//h3")[0].text_content()
        )

    def test_a_team_that_switched_it_off_sends_none(self):
        self.team.acknowledge = False
        self.file_request()
        ticket = self.tickets_named("Il plotter è fermo")
        self.assertFalse(
            self.env["mail.message"]
            .search([("model", "=", "support.ticket"), ("res_id", "=", ticket.id)])
            .filtered(lambda m: ACK_SUBJECT in (m.subject or ""))
        )


class TestSolved(CustomerPortalCase):
    def test_the_requester_closes_their_ticket_and_reopens_it_by_replying(self):
        ticket = self.own_ticket
        self.login_portal()
        self.solve(ticket)
        self.assertEqual(ticket.state, "closed")
        self.assertTrue(ticket.date_closed)
        self.assertFalse(ticket.user_id, "nobody took it: it stays nobody's")
        [said] = ticket.message_ids.filtered(
            lambda m: "Mario Rossi marked the request as solved." in m.body
        )
        self.assertEqual(said.author_id, self.portal_user.partner_id)
        # the page now says how to reopen it, and offers no button
        _response, tree = self.page(ticket.access_url)
        self.assertTrue(
            tree.xpath("//div[contains(@class, 'o_support_closed_notice')]")
        )
        self.assertFalse(self.solve_button(ticket))

        self.post_from_portal(ticket, "Il problema è tornato.")
        self.assertIn(ticket.state, REOPENED)
        self.assertFalse(ticket.date_closed)
        self.assertTrue(self.solve_button(ticket))

    def test_a_held_ticket_is_closed_for_its_operator(self):
        ticket = self.own_ticket
        ticket.with_user(self.resp_a).action_take()
        self.login_portal()
        self.solve(ticket)
        self.assertEqual(ticket.state, "closed")
        self.assertEqual(ticket.user_id, self.resp_a)
        self.post_from_portal(ticket, "Di nuovo fermo.")
        self.assertEqual(ticket.state, "in_progress")

    def test_a_colleagues_request_is_answered_but_not_closed(self):
        # their own ticket: Mario reads and answers Lucia's request (his
        # organization's), but closing it is Lucia's word
        ticket = self.colleague_ticket
        self.login_portal()
        self.assertFalse(self.solve_button(ticket))
        self.assertRefusedToMy(self.post_solve(ticket))
        self.assertEqual(ticket.state, "new")
        with self.assertRaises(AccessError) as caught:
            ticket.with_user(self.portal_user).action_customer_solve()
        self.assertIn('"Solved" closes your own requests only', str(caught.exception))
        self.assertEqual(ticket.state, "new")
        # his own request, he closes
        self.assertTrue(self.solve_button(self.own_ticket))

    def test_the_organizations_own_account_closes_its_requests(self):
        # an account of Acme itself (its commercial entity), not of a person
        acme_user = self.env["res.users"].create(
            {
                "name": "Acme Helpdesk Account",
                "login": "t_portal_acme_org",
                "password": "t_portal_acme_org",
                "partner_id": self.acme.id,
                "groups_id": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        self.authenticate(acme_user.login, acme_user.login)
        self.solve(self.own_ticket)
        self.assertEqual(self.own_ticket.state, "closed")

    def test_a_reply_ends_the_wait_for_the_customer(self):
        ticket = self.own_ticket
        ticket.with_user(self.resp_a).action_wait()
        self.assertEqual(ticket.state, "waiting")
        self.login_portal()
        self.post_from_portal(ticket, "Ecco il modello: HP 4200.")
        self.assertEqual(ticket.state, "in_progress")
        self.assertEqual(ticket.user_id, self.resp_a)

    def test_another_organizations_customer_is_refused(self):
        self.authenticate(self.stranger_user.login, self.stranger_user.login)
        response = self.post_solve(self.own_ticket)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.assertEqual(self.own_ticket.state, "new")
        self.assertNotIn(self.own_ticket.name, response.text)

    def test_staff_are_refused_and_use_close(self):
        for user in (self.resp_a, self.tech_a):
            with self.subTest(user=user.login):
                self.authenticate(user.login, user.login)
                response = self.post_solve(self.own_ticket)
                self.assertEqual(response.status_code, 303)
                self.assertEqual(self.own_ticket.state, "new")
                _response, tree = self.page(self.own_ticket.access_url)
                self.assertFalse(
                    tree.xpath("//form[contains(@class, 'o_support_solve_form')]")
                )

    def test_a_visitor_with_the_link_closes_it_in_the_requesters_name(self):
        ticket = self.own_ticket
        token = ticket.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        url = f"{ticket.access_url}?access_token={token}"
        response, tree = self.solve(ticket, url=url)
        self.assertEqual(ticket.state, "closed")
        [said] = ticket.message_ids.filtered(
            lambda m: "Mario Rossi marked the request as solved." in m.body
        )
        self.assertEqual(said.author_id, self.portal_user.partner_id)
        # back on the ticket's page, through its link
        self.assertIn(f"access_token={token}", response.url)
        self.assertTrue(
            tree.xpath("//div[contains(@class, 'o_support_closed_notice')]")
        )

    def test_a_visitor_without_the_right_token_is_refused(self):
        ticket = self.own_ticket
        ticket.sudo()._portal_ensure_token()
        other_token = self.other_org_ticket.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        for token in (None, "", "not-the-token", other_token):
            with self.subTest(token=token):
                data = {} if token is None else {"access_token": token}
                response = self.post_solve(ticket, **data)
                self.assertRefusedToMy(response)
                self.assertNotIn(ticket.name, response.text)
                self.assertEqual(ticket.state, "new")
                self.assertFalse(
                    ticket.message_ids.filtered(lambda m: "solved" in m.body)
                )

    def test_the_link_of_a_former_requester_closes_nothing(self):
        # a new requester gets a new token: the link mailed before is dead
        ticket = self.own_ticket
        token = ticket.sudo()._portal_ensure_token()
        ticket.partner_id = self.colleague
        self.assertNotEqual(ticket.sudo().access_token, token)
        self.authenticate(None, None)
        self.assertRefusedToMy(self.post_solve(ticket, access_token=token))
        self.assertEqual(ticket.state, "new")

    def test_a_logged_in_customer_holding_anothers_link_is_decided_by_account(self):
        # logged in, one acts as oneself (as Odoo's portal chatter posts):
        # the link of another organization's request opens it, and no more
        ticket = self.other_org_ticket
        token = ticket.sudo()._portal_ensure_token()
        self.login_portal()
        url = f"{ticket.access_url}?access_token={token}"
        _response, tree = self.page(url)
        self.assertFalse(tree.xpath("//form[contains(@class, 'o_support_solve_form')]"))
        self.assertRefusedToMy(self.post_solve(ticket, access_token=token))
        self.assertEqual(ticket.state, "new")

    def test_staff_holding_the_link_are_refused_too(self):
        ticket = self.own_ticket
        token = ticket.sudo()._portal_ensure_token()
        self.authenticate(self.resp_a.login, self.resp_a.login)
        self.assertRefusedToMy(self.post_solve(ticket, access_token=token))
        self.assertEqual(ticket.state, "new")

    def test_without_the_csrf_token_nothing_happens(self):
        self.login_portal()
        response = self.url_open(
            SOLVE.format(self.own_ticket.id), data={"x": "1"}, allow_redirects=False
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.own_ticket.state, "new")

    def test_a_get_changes_nothing(self):
        self.login_portal()
        response = self.url_open(SOLVE.format(self.own_ticket.id))
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.own_ticket.state, "new")

    def test_an_expired_ticket_is_not_solved_again(self):
        ticket = self.own_ticket
        ticket._workflow_write_vals({"state": "expired"})
        self.login_portal()
        self.assertFalse(self.solve_button(ticket))
        response = self.post_solve(ticket)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(ticket.state, "expired")


class TestSolvedOverRpc(CustomerPortalCase):
    def test_the_customer_calls_it_on_their_ticket(self):
        ok, text, _result = self.xmlrpc(
            self.portal_user,
            "support.ticket",
            "action_customer_solve",
            [self.own_ticket.id],
        )
        self.assertTrue(ok, text)
        self.assertEqual(self.own_ticket.state, "closed")

    def test_refused_to_others_changing_nothing(self):
        cases = (
            (self.stranger_user, "support.ticket"),
            (self.tech_a, '"Solved" is the customer'),
            (self.resp_a, '"Solved" is the customer'),
        )
        for user, text in cases:
            with self.subTest(user=user.login):
                ok, answer, _result = self.xmlrpc(
                    user,
                    "support.ticket",
                    "action_customer_solve",
                    [self.own_ticket.id],
                )
                self.assertFalse(ok)
                self.assertIn(text, answer)
                # a stranger learns nothing of the ticket
                self.assertNotIn(self.own_ticket.name, answer)
                self.assertNotIn(self.own_ticket.number, answer)
                self.assertEqual(self.own_ticket.state, "new")

    def test_with_user(self):
        with self.assertRaises(AccessError):
            self.own_ticket.with_user(self.stranger_user).action_customer_solve()
        with self.assertRaises(AccessError):
            self.own_ticket.with_user(self.callcenter).action_customer_solve()
        self.assertEqual(self.own_ticket.state, "new")
        self.own_ticket.with_user(self.portal_user).action_customer_solve()
        self.assertEqual(self.own_ticket.state, "closed")
