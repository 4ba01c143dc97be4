from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import email_normalize, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.support_ticket_customer import POSTING_REQUEST_FILES

# what a request from the portal may carry (SPEC "The customer's side")
MAX_REQUEST_FILES = 10
MAX_REQUEST_FILE_MB = 10


class SupportCustomerPortal(CustomerPortal):
    """The customers' side of the queue: /my/tickets.

    Which tickets a customer reaches is the record rules' decision
    (security/support_rules.xml): lists are searched as the user, and a
    ticket page is opened through ``_document_check_access`` (the user's
    read access, or the ticket's access token).
    """

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "ticket_count" in counters:
            Ticket = request.env["support.ticket"]
            values["ticket_count"] = (
                Ticket.search_count([]) if Ticket.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------
    # My tickets
    # ------------------------------------------------------------------

    def _ticket_get_searchbar_sortings(self):
        return {
            "date": {
                "label": request.env._("Newest"),
                "order": "create_date desc, id desc",
            },
            "activity": {
                "label": request.env._("Last Activity"),
                "order": "date_last_activity desc, id desc",
            },
            "name": {"label": request.env._("Subject"), "order": "name, id"},
            "state": {"label": request.env._("Status"), "order": "state, id desc"},
        }

    def _ticket_get_searchbar_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {
                "label": request.env._("Open"),
                "domain": [("is_open", "=", True)],
            },
            "done": {
                "label": request.env._("Closed and Expired"),
                "domain": [("is_open", "=", False)],
            },
        }

    @http.route(
        ["/my/tickets", "/my/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_tickets(self, page=1, sortby=None, filterby=None, **kw):
        Ticket = request.env["support.ticket"]
        if not Ticket.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()

        searchbar_sortings = self._ticket_get_searchbar_sortings()
        searchbar_filters = self._ticket_get_searchbar_filters()
        if sortby not in searchbar_sortings:
            sortby = "date"
        if filterby not in searchbar_filters:
            filterby = "all"
        domain = searchbar_filters[filterby]["domain"]

        # searched as the user: the record rules say which tickets they reach
        pager = portal_pager(
            url="/my/tickets",
            url_args={"sortby": sortby, "filterby": filterby},
            total=Ticket.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(
            domain,
            order=searchbar_sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_tickets_history"] = tickets.ids[:100]

        values.update(
            {
                "tickets": tickets,
                "page_name": "ticket",
                "default_url": "/my/tickets",
                "pager": pager,
                "searchbar_sortings": searchbar_sortings,
                "sortby": sortby,
                "searchbar_filters": searchbar_filters,
                "filterby": filterby,
            }
        )
        return request.render("support_team_queue.portal_my_tickets", values)

    def details_form_validate(self, data, partner_creation=False):
        # /my/account writes the user's contact as superuser: an address
        # another contact has is refused there, as on the account itself
        # (res.users._support_check_own_address)
        error, error_message = super().details_form_validate(
            data, partner_creation=partner_creation
        )
        user = request.env.user
        if (
            data.get("email")
            and not partner_creation
            and user._support_address_taken(data["email"], user.partner_id)
        ):
            error["email"] = "error"
            error_message.append(
                request.env._(
                    "This address is another contact's: ask the support desk "
                    "to change yours."
                )
            )
        if error and data.get("country_id") == "False":
            # Odoo writes "False" for the country of a customer who may not
            # change it and has none, and its form, shown again with the
            # error, fails on it (int("False")): the error is shown instead
            data["country_id"] = ""
        return error, error_message

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        user = request.env.user
        if user._is_public():
            # the page opened through _document_check_access: a visitor
            # reaches it only with the ticket's token, the requester's link
            may_solve = bool(access_token) and bool(ticket.partner_id)
        else:
            # a customer by their account: their own requests
            may_solve = (
                user.share
                and ticket.with_user(user).has_access("read")
                and ticket._is_own_request(user.partner_id)
            )
        values = {
            "page_name": "ticket",
            "ticket": ticket,
            "user": user,
            "can_solve": ticket.is_open and may_solve,
            "solve_access_token": access_token if user._is_public() else None,
        }
        values = self._get_page_view_values(
            ticket, access_token, values, None, False, **kwargs
        )
        values.update(self._ticket_pager(ticket))
        return values

    def _ticket_pager(self, ticket):
        """The previous and next tickets of the customer's list, by their
        page. Odoo's pager (``get_records_pager``) puts each one's token in
        its link: a colleague, or staff, would read the links of the
        requests they list, which speak for their requesters. A logged-in
        reader needs none; a visitor has no list."""
        history = request.session.get("my_tickets_history", [])
        if ticket.id not in history:
            return {}
        index = history.index(ticket.id)
        previous = index > 0 and ticket.browse(history[index - 1])
        following = index < len(history) - 1 and ticket.browse(history[index + 1])
        return {
            "prev_record": previous and previous.access_url,
            "next_record": following and following.access_url,
        }

    @http.route(
        ["/my/tickets/<int:ticket_id>"], type="http", auth="public", website=True
    )
    def portal_my_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._document_check_access(
                "support.ticket", ticket_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._ticket_get_page_view_values(ticket_sudo, access_token, **kw)
        return request.render("support_team_queue.portal_my_ticket", values)

    @http.route(
        ["/my/tickets/<int:ticket_id>/solve"],
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def portal_ticket_solve(self, ticket_id, access_token=None, **kw):
        """The customer's "Solved" button: the ticket is closed by the
        workflow, for a customer's own request (``action_customer_solve``),
        or for a visitor holding the ticket's link, its token checked as
        Odoo's portal checks it; the link is the requester's, in whose name
        it is closed (as Odoo's portal chatter posts a link holder's
        messages)."""
        page = f"/my/tickets/{ticket_id}"
        try:
            if request.env.user._is_public():
                ticket_sudo = self._document_check_access(
                    "support.ticket", ticket_id, access_token=access_token
                )
                if not ticket_sudo.partner_id:
                    # no requester: nobody the link could speak for
                    return request.redirect("/my")
                page = ticket_sudo.get_portal_url()
                ticket_sudo._mark_solved(ticket_sudo.partner_id)
            else:
                request.env["support.ticket"].browse(ticket_id).action_customer_solve()
        except (AccessError, MissingError):
            return request.redirect("/my")
        except UserError:
            # already closed: the page says so
            return request.redirect(page)
        return request.redirect(page)

    # ------------------------------------------------------------------
    # Ask for help
    # ------------------------------------------------------------------

    def _ticket_get_portal_groups(self):
        """The groups the user may send a request to: the ``portal_visible``
        groups of every team they can read (the portal rule on support.group
        says the same for portal users)."""
        Group = request.env["support.group"]
        if not Group.has_access("read"):
            return Group
        return Group.search(
            [("portal_visible", "=", True)], order="team_id, sequence, name"
        )

    def _ticket_group_by_team(self, groups):
        """[(team name, groups)] for the form's option groups. Customers
        cannot read teams: only the names are read as superuser."""
        return [
            (team.sudo().name, groups.filtered(lambda g, team=team: g.team_id == team))
            for team in groups.team_id
        ]

    def _ticket_validate_new(self, post, groups):
        """Check the request; return (ticket values, {field: error})."""
        errors = {}
        group = groups.filtered(lambda g: str(g.id) == (post.get("group_id") or ""))
        if not group:
            errors["group_id"] = request.env._("Choose one of the groups offered.")
        email = (post.get("email") or "").strip()
        if not email_normalize(email):
            errors["email"] = request.env._(
                "Enter a valid e-mail address, such as name@example.com."
            )
        subject = (post.get("subject") or "").strip()
        if not subject:
            errors["subject"] = request.env._("Give your request a subject.")
        description = (post.get("description") or "").strip()
        if not description:
            errors["description"] = request.env._("Describe the problem.")
        for field in ("email", "subject", "description"):
            # PostgreSQL stores no NUL character: said here, not a crash
            if "\x00" in (post.get(field) or ""):
                errors[field] = request.env._(
                    "Remove the invalid character (NUL) from this field."
                )
        if errors:
            return {}, errors
        # The organization follows the account, never the typed address
        # (res.partner._support_organization).
        return {
            "name": subject,
            "description": plaintext2html(description),
            "partner_id": request.env.user.partner_id.id,
            "partner_email": email,
            "team_id": group.team_id.id,
            "group_id": group.id,
            "user_id": False,
            "channel": "portal",
        }, errors

    def _ticket_read_request_files(self):
        """The files sent with a request: ([(name, content)], error)."""
        files = [
            file
            for file in request.httprequest.files.getlist("attachments")
            if file.filename
        ]
        if len(files) > MAX_REQUEST_FILES:
            return [], request.env._(
                "Attach at most %(count)s files to a request.",
                count=MAX_REQUEST_FILES,
            )
        contents = []
        for file in files:
            # PostgreSQL stores no NUL character: the file is kept, named
            # without it (the fields the customer typed are refused with a
            # message instead; a file's name comes from their disk)
            name = file.filename.replace("\x00", "")
            content = file.read(MAX_REQUEST_FILE_MB * 1024 * 1024 + 1)
            if len(content) > MAX_REQUEST_FILE_MB * 1024 * 1024:
                return [], request.env._(
                    "%(file)s is larger than %(size)s MB: attach a smaller file.",
                    file=name,
                    size=MAX_REQUEST_FILE_MB,
                )
            contents.append((name, content))
        return contents, None

    def _ticket_attach_request_files(self, ticket, files):
        """Post the request's files on the ticket, in the customer's name,
        for the staff to find in the chatter. The customer may change
        nothing of the ticket, and Odoo links a file to a record only for
        those who may: written by the intake, as the ticket itself; a
        file that a browser would run (HTML, SVG) is stored as plain text,
        as Odoo stores a customer's files."""
        if not files:
            return
        Attachment = (
            request.env["ir.attachment"]
            .sudo()
            .with_context(attachments_mime_plainxml=True)
        )
        # uploaded as pending, as the chatter's uploads are: the post links
        # them to the ticket (Odoo lets a customer's post carry only those)
        attachments = Attachment.create(
            [
                {
                    "name": name,
                    "raw": content,
                    "res_model": "mail.compose.message",
                    "res_id": 0,
                }
                for name, content in files
            ]
        )
        # a public message, which the customer finds on the ticket's page
        # too; part of the request, which already counts as their one
        # unanswered message
        with POSTING_REQUEST_FILES.raised():
            ticket.sudo().message_post(
                body=request.env._("Files sent with the request."),
                author_id=request.env.user.partner_id.id,
                attachment_ids=attachments.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )

    @http.route(
        "/my/tickets/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_new_ticket(self, **post):
        groups = self._ticket_get_portal_groups()
        errors = {}
        if request.httprequest.method == "POST":
            vals, errors = self._ticket_validate_new(post, groups)
            files, files_error = self._ticket_read_request_files()
            if files_error:
                errors["attachments"] = files_error
            if not errors:
                # Customers have no create right on tickets: the portal is an
                # intake, like the e-mail gateway. The request was validated
                # above (a group offered to this user, a valid e-mail); which
                # tickets they may read afterwards stays the record rules' call.
                # An internal user creates with their own rights.
                Ticket = request.env["support.ticket"]
                if request.env.user.share:
                    Ticket = Ticket.sudo()
                ticket = Ticket.create(vals)
                ticket.message_subscribe(request.env.user.partner_id.ids)
                self._ticket_attach_request_files(ticket, files)
                ticket._acknowledge()
                return request.redirect(f"/my/tickets/{ticket.id}")
        else:
            post = {"email": request.env.user.email or ""}
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ticket_new",
                "groups": groups,
                "groups_by_team": self._ticket_group_by_team(groups),
                "form": post,
                "errors": errors,
                "max_files": MAX_REQUEST_FILES,
                "max_file_mb": MAX_REQUEST_FILE_MB,
            }
        )
        return request.render("support_team_queue.portal_new_ticket", values)
