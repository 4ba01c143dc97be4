"""The customer portal (seed 001: customers ask for help choosing a group):
a portal user sees and answers the tickets of their organization, never
another organization's, never an internal note; asks for help from
/my/tickets/new. Through real HTTP requests, as the browser sends them."""

from datetime import datetime

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import SupportHttpCase, new_customer_user, new_organization

NEW_REQUEST = "/my/tickets/new"
REOPENED = ("new", "in_progress")


class PortalCase(SupportHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.group_a.portal_visible = True  # Gruppo B is not offered on the portal
        Partner = env["res.partner"]
        cls.acme = new_organization(env, "Acme S.p.A.")
        cls.globex = new_organization(env, "Globex S.A.")
        cls.portal_user = new_customer_user(
            env,
            "t_portal_acme",
            name="Mario Rossi",
            email="mario.rossi@acme.example.com",
            parent_id=cls.acme.id,
        )
        cls.colleague = Partner.create(
            {
                "name": "Lucia Bianchi",
                "email": "lucia.bianchi@acme.example.com",
                "parent_id": cls.acme.id,
            }
        )
        cls.stranger = Partner.create(
            {
                "name": "Juan Pérez",
                "email": "juan.perez@globex.example.com",
                "parent_id": cls.globex.id,
            }
        )
        cls.stranger_user = new_customer_user(
            env,
            "t_portal_globex",
            partner_id=cls.stranger.id,
        )
        Ticket = env["support.ticket"]
        cls.own_ticket, cls.colleague_ticket, cls.other_org_ticket = Ticket.create(
            [
                {
                    "name": "La stampante non stampa",
                    "partner_id": cls.portal_user.partner_id.id,
                    "team_id": cls.team.id,
                    "group_id": cls.group_a.id,
                },
                {
                    "name": "Il VPN non si connette",
                    "partner_id": cls.colleague.id,
                    "team_id": cls.team.id,
                    "group_id": cls.group_b.id,
                },
                {
                    "name": "El correo no llega",
                    "partner_id": cls.stranger.id,
                    "team_id": cls.team.id,
                    "group_id": cls.group_a.id,
                },
            ]
        )

    def login_portal(self):
        self.authenticate(self.portal_user.login, self.portal_user.login)

    def chatter_bodies(self, ticket, **params):
        """The messages mail's portal chatter shows (what its JS fetches)."""
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {
                "thread_model": "support.ticket",
                "thread_id": ticket.id,
                "limit": 100,
                **params,
            },
        )
        return " ".join(m["body"] for m in result["data"]["mail.message"])

    def post_from_portal(self, ticket, body, **params):
        """Post as the portal chatter's composer does."""
        return self.make_jsonrpc_request(
            "/mail/message/post",
            dict(
                thread_model="support.ticket",
                thread_id=ticket.id,
                post_data={
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
                **params,
            ),
        )

    def ask_for_help(self, **values):
        data = {
            "csrf_token": http.Request.csrf_token(self),
            "group_id": self.group_a.id,
            "email": "mario.rossi@acme.example.com",
            "subject": "Il server è giù",
            "description": "Da stamattina il server\nnon risponde.",
        }
        data.update(values)
        return self.url_open(NEW_REQUEST, data=data)

    def tickets_named(self, name):
        return self.env["support.ticket"].search([("name", "=", name)])


class TestPortalTicketList(PortalCase):
    def test_list_shows_the_tickets_of_the_customer_organization(self):
        self.login_portal()
        page = self.url_open("/my/tickets")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.own_ticket.name, page.text)
        self.assertIn(self.colleague_ticket.name, page.text)

    def test_list_hides_another_organization_tickets(self):
        self.login_portal()
        page = self.url_open("/my/tickets")
        self.assertNotIn(self.other_org_ticket.name, page.text)
        self.assertNotIn(self.other_org_ticket.number, page.text)

    def test_home_counts_the_organization_tickets(self):
        self.login_portal()
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["ticket_count"]}
        )
        self.assertEqual(counters["ticket_count"], 2)

    def test_home_shows_the_tickets_entry(self):
        self.login_portal()
        home = self.url_open("/my/home")
        self.assertEqual(home.status_code, 200)
        self.assertIn('data-placeholder_count="ticket_count"', home.text)


class TestPortalTicketPage(PortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_ticket.message_post(
            body="Risposta pubblica: riavviate lo spooler.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        cls.own_ticket.message_post(
            body="Nota interna: il cliente non paga da mesi.",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )

    def test_access_url_is_the_portal_page(self):
        ticket = self.own_ticket
        self.assertEqual(ticket.access_url, f"/my/tickets/{ticket.id}")

    def test_customer_opens_their_ticket(self):
        self.login_portal()
        page = self.url_open(self.own_ticket.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.own_ticket.name, page.text)
        self.assertIn('class="d-print-none o_portal_chatter', page.text)

    def test_customer_opens_a_colleague_ticket(self):
        self.login_portal()
        page = self.url_open(self.colleague_ticket.access_url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.colleague_ticket.name, page.text)

    def test_another_organization_ticket_page_is_refused(self):
        self.login_portal()
        page = self.url_open(self.other_org_ticket.access_url, allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.assertTrue(page.headers["Location"].endswith("/my"))
        self.assertNotIn(self.other_org_ticket.name, page.text)

    def test_chatter_shows_public_messages(self):
        self.login_portal()
        self.assertIn("Risposta pubblica", self.chatter_bodies(self.own_ticket))

    def test_chatter_never_shows_internal_notes(self):
        self.login_portal()
        self.assertNotIn("Nota interna", self.url_open(self.own_ticket.access_url).text)
        self.assertNotIn("Nota interna", self.chatter_bodies(self.own_ticket))

    def test_full_thread_route_never_shows_internal_notes_to_customers(self):
        # the backend's thread route, which a portal user may call too
        self.login_portal()
        result = self.make_jsonrpc_request(
            "/mail/thread/messages",
            {"thread_model": "support.ticket", "thread_id": self.own_ticket.id},
        )
        bodies = " ".join(m["body"] for m in result["data"]["mail.message"])
        self.assertIn("Risposta pubblica", bodies)
        self.assertNotIn("Nota interna", bodies)

    def test_valid_access_token_opens_the_ticket_for_a_visitor(self):
        token = self.other_org_ticket._portal_ensure_token()
        page = self.url_open(f"{self.other_org_ticket.access_url}?access_token={token}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.other_org_ticket.name, page.text)

    def test_access_token_chatter_hides_internal_notes_from_a_visitor(self):
        token = self.own_ticket._portal_ensure_token()
        bodies = self.chatter_bodies(self.own_ticket, token=token)
        self.assertIn("Risposta pubblica", bodies)
        self.assertNotIn("Nota interna", bodies)

    def test_wrong_access_token_is_refused(self):
        self.other_org_ticket._portal_ensure_token()
        page = self.url_open(
            f"{self.other_org_ticket.access_url}?access_token=not-the-token",
            allow_redirects=False,
        )
        self.assertEqual(page.status_code, 303)
        self.assertNotIn(self.other_org_ticket.name, page.text)

    def test_visitor_without_token_is_refused(self):
        page = self.url_open(self.own_ticket.access_url, allow_redirects=False)
        self.assertEqual(page.status_code, 303)
        self.assertNotIn(self.own_ticket.name, page.text)


class TestPortalReplies(PortalCase):
    def test_customer_answers_from_the_portal_chatter(self):
        self.login_portal()
        self.post_from_portal(self.own_ticket, "Grazie, ora funziona.")
        message = self.own_ticket.message_ids[:1]
        self.assertIn("ora funziona", message.body)
        self.assertEqual(message.author_id, self.portal_user.partner_id)

    def test_customer_reply_is_the_ticket_last_activity(self):
        self.own_ticket.date_last_activity = datetime(2020, 1, 1)
        self.login_portal()
        self.post_from_portal(self.own_ticket, "Qualche novità?")
        self.assertGreater(self.own_ticket.date_last_activity, datetime(2020, 1, 1))

    def test_customer_cannot_answer_another_organization_ticket(self):
        self.login_portal()
        with self.assertRaises(JsonRpcException) as refused, mute_logger("odoo.http"):
            self.post_from_portal(self.other_org_ticket, "Ciao!")
        self.assertIn("NotFound", str(refused.exception))
        bodies = " ".join(self.other_org_ticket.message_ids.mapped("body"))
        self.assertNotIn("Ciao!", bodies)

    def test_customer_reply_reopens_a_closed_ticket(self):
        self.own_ticket.action_close()
        self.login_portal()
        self.post_from_portal(self.own_ticket, "Il problema si ripresenta.")
        self.assertIn(self.own_ticket.state, REOPENED)
        self.assertFalse(self.own_ticket.date_closed)

    def test_customer_reply_reopens_an_expired_ticket(self):
        self.own_ticket.write({"state": "expired"})
        self.login_portal()
        self.post_from_portal(self.own_ticket, "Nessuno mi ha risposto.")
        self.assertIn(self.own_ticket.state, REOPENED)

    def test_visitor_with_token_answers_as_the_requester(self):
        token = self.own_ticket._portal_ensure_token()
        self.post_from_portal(self.own_ticket, "Risposta dal link.", token=token)
        message = self.own_ticket.message_ids[:1]
        self.assertIn("Risposta dal link", message.body)
        self.assertEqual(message.author_id, self.portal_user.partner_id)

    def test_internal_reader_posting_as_the_customer_does_not_reopen(self):
        # Odoo lets a poster name any author: a technician (read only)
        # naming the requester changes no state, though the message stays
        self.own_ticket.action_close()
        for author in (self.portal_user.partner_id, self.colleague):
            self.own_ticket.with_user(self.tech_a).message_post(
                body="Il problema si ripresenta.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=author.id,
            )
            self.assertEqual(self.own_ticket.message_ids[:1].author_id, author)
        self.assertEqual(self.own_ticket.state, "closed")
        self.assertTrue(self.own_ticket.date_closed)

    def test_operator_message_does_not_reopen(self):
        self.own_ticket.action_close()
        self.own_ticket.with_user(self.resp_a).message_post(
            body="Chiuso, come concordato.", message_type="comment"
        )
        self.assertEqual(self.own_ticket.state, "closed")


class TestPortalNewRequest(PortalCase):
    def test_form_offers_the_portal_visible_groups_only(self):
        self.login_portal()
        form = self.url_open(NEW_REQUEST)
        self.assertEqual(form.status_code, 200)
        self.assertIn(f'<option value="{self.group_a.id}"', form.text)
        self.assertNotIn(f'<option value="{self.group_b.id}"', form.text)

    def test_form_prefills_the_customer_email(self):
        self.login_portal()
        form = self.url_open(NEW_REQUEST)
        self.assertIn('value="mario.rossi@acme.example.com"', form.text)

    def test_request_opens_a_portal_ticket_in_the_chosen_group(self):
        self.login_portal()
        response = self.ask_for_help()
        ticket = self.tickets_named("Il server è giù")
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.group_id, self.group_a)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.partner_id, self.portal_user.partner_id)
        self.assertEqual(ticket.organization_id, self.acme)
        self.assertEqual(ticket.partner_email, "mario.rossi@acme.example.com")
        self.assertFalse(ticket.user_id)
        self.assertEqual(ticket.state, "new")
        self.assertIn("non risponde", ticket.description)
        self.assertIn(self.portal_user.partner_id, ticket.message_partner_ids)
        # and the customer lands on it
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith(ticket.access_url))

    def test_a_typed_address_never_files_the_request_elsewhere(self):
        # Globex registered its domain; a customer of no company types a
        # Globex address: the request stays theirs, not Globex's
        self.globex.support_email_domains = "globex.example.com"
        loner = new_customer_user(
            self.env,
            "t_portal_loner",
            email="solo@freemail.example.org",
        )
        self.authenticate(loner.login, loner.login)
        self.ask_for_help(email="boss@globex.example.com")
        ticket = self.tickets_named("Il server è giù")
        self.assertEqual(ticket.partner_id, loner.partner_id)
        self.assertFalse(ticket.organization_id)
        self.assertNotIn(
            ticket, self.env["support.ticket"].with_user(self.stranger_user).search([])
        )
        # nor later: when Globex registers its domain again, or on any
        # recompute of the organization
        self.globex.support_email_domains = False
        self.globex.support_email_domains = "globex.example.com"
        self.assertFalse(ticket.organization_id)
        ticket._compute_organization_id()
        self.assertFalse(ticket.organization_id)

    def test_an_internal_user_without_create_right_opens_nothing(self):
        self.authenticate(self.tech_a.login, self.tech_a.login.ljust(8, "x"))
        with mute_logger("odoo.http"):
            response = self.ask_for_help()
        self.assertEqual(response.status_code, 403)
        self.assertFalse(self.tickets_named("Il server è giù"))
        # the call center, who may create in its team, opens it as itself
        self.authenticate(self.callcenter.login, self.callcenter.login.ljust(8, "x"))
        self.ask_for_help()
        ticket = self.tickets_named("Il server è giù")
        self.assertEqual(ticket.create_uid, self.callcenter)

    def test_new_ticket_is_seen_by_the_group(self):
        self.login_portal()
        self.ask_for_help()
        ticket = self.tickets_named("Il server è giù")
        self.assertSees(self.tech_a, ticket)
        self.assertNotSees(self.tech_b, ticket)

    def test_group_not_on_the_portal_is_refused(self):
        self.login_portal()
        response = self.ask_for_help(group_id=self.group_b.id)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Choose one of the groups offered.", response.text)
        self.assertFalse(self.tickets_named("Il server è giù"))

    def test_missing_group_is_refused(self):
        self.login_portal()
        response = self.ask_for_help(group_id="")
        self.assertIn("Choose one of the groups offered.", response.text)
        self.assertFalse(self.tickets_named("Il server è giù"))

    def test_invalid_email_is_refused_and_the_form_keeps_the_input(self):
        self.login_portal()
        response = self.ask_for_help(email="mario.rossi@")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Enter a valid e-mail address", response.text)
        self.assertIn("Da stamattina il server", response.text)
        self.assertIn('value="Il server è giù"', response.text)
        self.assertIn('value="mario.rossi@"', response.text)
        self.assertFalse(self.tickets_named("Il server è giù"))

    def test_nul_character_is_refused_with_a_form_error(self):
        # PostgreSQL stores no NUL: a form error, never a server error
        self.login_portal()
        before = self.env["support.ticket"].search_count([])
        for field, value in (
            ("subject", "Il server\x00 è giù"),
            ("email", '"mario\x00"@acme.example.com'),
            ("description", "Da stamattina\x00"),
        ):
            with self.subTest(field=field):
                response = self.ask_for_help(**{field: value})
                self.assertEqual(response.status_code, 200)
                self.assertIn("Remove the invalid character (NUL)", response.text)
        self.assertEqual(self.env["support.ticket"].search_count([]), before)

    def test_missing_description_is_refused(self):
        self.login_portal()
        response = self.ask_for_help(description="  ")
        self.assertIn("Describe the problem.", response.text)
        self.assertFalse(self.tickets_named("Il server è giù"))

    def test_request_without_csrf_token_is_refused(self):
        self.login_portal()
        with mute_logger("odoo.http"):
            response = self.ask_for_help(csrf_token="forged")
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.tickets_named("Il server è giù"))

    def test_visitor_is_sent_to_log_in(self):
        response = self.url_open(NEW_REQUEST, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertIn("/web/login", response.headers["Location"])


class TestPortalAccessRights(PortalCase):
    """The same sentences at the ORM, as the portal user."""

    def test_portal_user_finds_the_organization_tickets_only(self):
        found = self.env["support.ticket"].with_user(self.portal_user).search([])
        self.assertEqual(found, self.own_ticket | self.colleague_ticket)

    def test_portal_user_cannot_read_another_organization_ticket(self):
        self.assertNotSees(self.portal_user, self.other_org_ticket)

    def test_portal_user_cannot_write_a_ticket(self):
        self.assertCannotWrite(self.portal_user, self.own_ticket)

    def test_portal_user_cannot_create_a_ticket_directly(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.env["support.ticket"].with_user(self.portal_user).create(
                {"name": "Di nascosto", "team_id": self.team.id}
            )

    def test_customer_moved_to_another_organization_follows_it(self):
        # the rule reads the customer's organization: a move applies on the
        # next request, as any change of membership does
        tickets = self.env["support.ticket"].with_user(self.portal_user)
        self.assertIn(self.colleague_ticket, tickets.search([]))
        self.assertNotIn(self.other_org_ticket, tickets.search([]))
        self.portal_user.partner_id.parent_id = self.globex
        self.assertNotIn(self.colleague_ticket, tickets.search([]))
        self.assertIn(self.other_org_ticket, tickets.search([]))
        self.assertIn(self.own_ticket, tickets.search([]))

    def test_portal_user_reads_the_portal_visible_groups_only(self):
        groups = self.env["support.group"].with_user(self.portal_user).search([])
        self.assertIn(self.group_a, groups)
        self.assertNotIn(self.group_b, groups)
        self.assertTrue(all(groups.sudo().mapped("portal_visible")))
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.group_b.with_user(self.portal_user).read(["name"])

    def _portal_rpc(self, method, *args):
        """``support.group``'s ``method`` over XML-RPC as the portal user."""
        login = self.portal_user.login
        return self.xmlrpc_object.execute_kw(
            self.env.cr.dbname,
            self.portal_user.id,
            login + "x" * (8 - len(login)),  # new_test_user's password
            "support.group",
            method,
            list(args),
        )

    def test_portal_user_never_reads_who_is_in_a_group(self):
        # a group offered on the portal shows its name, never its members
        # nor its tickets, nor whom a ticket is shared with
        group = self.group_a.with_user(self.portal_user)
        self.assertEqual(group.read(["name"])[0]["name"], self.group_a.name)
        ticket = self.own_ticket.with_user(self.portal_user)
        hidden = [
            (group, "user_ids"),
            (group, "role_ids"),
            (group, "role_subtree_ids"),
            (group, "member_group_ids"),
            (group, "parent_group_ids"),
            (group, "effective_user_ids"),
            (group, "notify_user_ids"),
            (group, "ticket_ids"),
            (ticket, "support_shared_with_user_ids"),
            (ticket, "support_shared_for_write_user_ids"),
        ]
        for record, field in hidden:
            with (
                self.subTest(field=field),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                record.read([field])
        # over XML-RPC, as a program logged in as the customer would ask:
        # the name is answered, the members refused
        name = self._portal_rpc("read", self.group_a.ids, ["name"])[0]["name"]
        self.assertEqual(name, self.group_a.name)
        with self.assertRpcRefused():
            self._portal_rpc("read", self.group_a.ids, ["effective_user_ids"])

    def test_portal_user_cannot_search_or_group_by_who_is_in_a_group(self):
        # a search by the members would tell what reading them refuses:
        # "which groups is this user in?"; grouping by them, the names of
        # the roles and of the nested groups
        member = self.tech_a
        self.assertIn(member, self.group_a.effective_user_ids)
        groups = self.env["support.group"].with_user(self.portal_user)
        tickets = self.env["support.ticket"].with_user(self.portal_user)
        probes = [
            (groups, [("effective_user_ids", "in", member.ids)]),
            (groups, [("user_ids.login", "=", member.login)]),
            (groups, ["|", ("name", "=", "x"), ("member_group_ids", "!=", False)]),
            (groups, [("ticket_ids", "any", [("id", "!=", 0)])]),
            (tickets, [("support_shared_with_user_ids", "in", member.ids)]),
            (tickets, [("group_id", "any", [("user_ids", "in", member.ids)])]),
            (tickets, [("group_id.role_ids", "!=", False)]),
        ]
        for model, domain in probes:
            with (
                self.subTest(domain=domain),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                model.search(domain)
        for groupby in ("role_ids", "member_group_ids", "user_ids"):
            with (
                self.subTest(groupby=groupby),
                self.assertRaises(AccessError),
                mute_logger("odoo.models"),
            ):
                groups.read_group([], ["__count"], [groupby])
        # what the customer may read, they may search and group by
        visible = groups._read_group(
            [("id", "=", self.group_a.id)], ["portal_visible"], ["__count"]
        )
        self.assertEqual(visible, [(True, 1)])
        self.assertIn(self.group_a, groups.search([("name", "=", self.group_a.name)]))
        self.assertIn(
            self.own_ticket, tickets.search([("group_id.name", "=", self.group_a.name)])
        )
        # over XML-RPC, as a program logged in as the customer would ask
        count = self._portal_rpc("search_count", [("id", "=", self.group_a.id)])
        self.assertEqual(count, 1)
        with self.assertRpcRefused():
            self._portal_rpc("search_count", [("effective_user_ids", "in", member.ids)])
        by_flag = self._portal_rpc("read_group", [], ["__count"], ["portal_visible"])
        self.assertEqual(by_flag[0]["portal_visible"], True)
        with self.assertRpcRefused():
            self._portal_rpc("read_group", [], ["__count"], ["role_ids"])
        # a support user still finds the groups of a colleague, and groups
        # the groups by role
        support_groups = self.env["support.group"].with_user(self.resp_a)
        self.assertIn(
            self.group_a,
            support_groups.search([("effective_user_ids", "in", member.ids)]),
        )
        by_role = dict(support_groups._read_group([], ["role_ids"], ["__count"]))
        self.assertIn(self.role_tech_a, by_role)

    def test_portal_user_may_post_on_a_ticket_they_read(self):
        self.own_ticket.with_user(self.portal_user).message_post(
            body="Aggiornamento",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn("Aggiornamento", self.own_ticket.message_ids[:1].body)

    def test_portal_user_cannot_log_an_internal_note(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.own_ticket.with_user(self.portal_user).message_post(
                body="Nota del cliente",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def test_technician_answers_but_cannot_change_the_ticket(self):
        # seed 003: "è il tecnico a rispondere alle chiamate" -- a message is
        # not a change of the ticket
        self.own_ticket.with_user(self.tech_a).message_post(
            body="Provi a riavviare.", message_type="comment"
        )
        self.assertIn("riavviare", self.own_ticket.message_ids[:1].body)
        self.assertCannotWrite(self.tech_a, self.own_ticket)

    def test_nobody_posts_on_a_ticket_they_cannot_read(self):
        with self.assertRaises(AccessError), mute_logger("odoo.models"):
            self.other_org_ticket.with_user(self.tech_b).message_post(
                body="Intrusione", message_type="comment"
            )
