from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize

from .python_flag import PythonFlag

# the tickets the mail gateway just opened, acknowledged once the incoming
# e-mail is posted on them (a memo on the database cursor, which no RPC call
# can add to; ids are never reused, even after a rollback)
_ACKNOWLEDGE_PENDING = "support_team_queue.acknowledge_pending"

# Raised while the portal posts the files sent with a request: part of the
# request, already counted as the customer's one unanswered message.
POSTING_REQUEST_FILES = PythonFlag("support_posting_request_files")


class SupportTicket(models.Model):
    """The customer's side of a ticket (SPEC "The customer's side"): the
    acknowledgement of a new request, "Solved" on the portal, and merging
    duplicates (wizard ``support.ticket.merge``).

    A customer's reply reopening a closed or expired ticket, or ending a
    wait for the customer, is in
    ``support_ticket_portal.py`` (``_resume_on_customer_reply``).
    """

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    _TEMPLATE_ACKNOWLEDGE = "support_team_queue.mail_template_ticket_acknowledge"

    # --- Acknowledgement ---

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        ticket = super().message_new(msg_dict, custom_values=custom_values)
        # acknowledged after the gateway posted the e-mail on it
        # (_message_post_after_hook), so that the chatter reads in order
        self.env.cr.cache.setdefault(_ACKNOWLEDGE_PENDING, set()).add(ticket.id)
        return ticket

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        pending = self.env.cr.cache.get(_ACKNOWLEDGE_PENDING)
        if pending and len(self) == 1 and self.id in pending:
            pending.discard(self.id)
            self._acknowledge()
        return res

    def _count_unanswered(self, message):
        if POSTING_REQUEST_FILES.is_raised():
            return
        super()._count_unanswered(message)

    def _acknowledge(self):
        """Send the requester the team's acknowledgement of their request:
        its number and its portal link, in their language.

        The link holds the ticket's access token, which is the requester's
        only (SPEC "Nothing leaks beside the rules"): the acknowledgement
        reaches their mailbox through ``message_notify``, a message of
        theirs that Odoo never shows in the chatter nor lets the
        ticket's readers read (``user_notification``); the chatter keeps a
        note, without the link, saying to whom it was sent. It is sent as
        a comment: Odoo files a reply to an e-mail as a note when that
        e-mail was a note (``_message_parse_extract_from_parent``), and the
        customer's reply to it is their public message, counted and
        shown to them as any other.

        Sent by the desk (OdooBot), whoever filed the request: a customer
        has no right to post for the desk, and the portal link needs the
        ticket's token. To the requester only, never to an address of this
        database (a mail loop between the alias and itself), nor when the
        team switched it off.
        """
        template = self.env.ref(self._TEMPLATE_ACKNOWLEDGE, False)
        if not template or self.env.context.get("tracking_disable"):
            return
        desk = self.env.ref("base.partner_root")
        # as the desk: Odoo never mails a message to whoever is logged in,
        # and the customer filing from the portal is
        tickets = self.with_user(SUPERUSER_ID).filtered(
            lambda t: t.team_id.acknowledge and t._acknowledgement_address()
        )
        if not tickets:
            return
        # rendered as the template renders for the composer: each in its
        # requester's language (the template's ``lang``)
        rendered = template.sudo()._generate_template(
            tickets.ids, ("subject", "body_html", "email_from")
        )
        for ticket in tickets:
            values = rendered[ticket.id]
            requester = ticket.partner_id
            ticket.with_context(support_acknowledging=True).message_notify(
                subject=values.get("subject"),
                body=values.get("body_html") or "",
                author_id=desk.id,
                email_from=values.get("email_from") or None,
                partner_ids=requester.ids,
                subtype_xmlid="mail.mt_comment",
                record_name=ticket.display_name,
                email_layout_xmlid="mail.mail_notification_light",
            )
            ticket._message_log(
                body=self.env._(
                    "Acknowledgement of the request sent to %(recipient)s.",
                    recipient=requester.email_formatted,
                ),
                author_id=desk.id,
            )

    def _acknowledgement_address(self):
        """The requester's address, unless it is one of the desk's own."""
        self.ensure_one()
        email = email_normalize(self.partner_id.email)
        return email if email and not self._is_own_address(email) else False

    @api.model
    def _is_own_address(self, email):
        """Whether ``email`` is one of this database's own addresses: an
        alias, or an alias domain's catchall, bounce or default sender."""
        Alias = self.env["mail.alias"].sudo()
        if Alias.search_count([("alias_full_name", "=", email)], limit=1):
            return True
        domain_name = email.rpartition("@")[2]
        domains = (
            self.env["mail.alias.domain"]
            .sudo()
            .search([("name", "=ilike", domain_name)])
        )
        return any(
            email
            in {
                email_normalize(domain.catchall_email),
                email_normalize(domain.bounce_email),
                email_normalize(domain.default_from_email),
            }
            for domain in domains
        )

    def _notify_by_email_get_headers(self, headers=None):
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("support_acknowledging"):
            # RFC 3834: the requester's out-of-office must not answer it
            headers["Auto-Submitted"] = "auto-replied"
        return headers

    # --- "Solved" ---

    def action_customer_solve(self):
        """The customer's "Solved" (portal): close the ticket they asked.

        For a customer's own requests (``_is_own_request``: its
        requester, or the requester's organization's own account) that they
        read by the portal record rule. Their organization's other portal
        users read and answer it, but do not close a colleague's request.
        Customers may change nothing of a ticket: closing is the desk's
        answer to their word, checked here and written by the workflow as
        the desk. Staff close with Close, with their own rights. A reply
        reopens it. A visitor holding the ticket's link closes it from the
        portal page (``controllers/portal.py``), in the requester's name.
        """
        user = self.env.user
        if not user.share or user._is_public():
            raise AccessError(
                self.env._(
                    '"Solved" is the customer\'s button: close the ticket with "Close".'
                )
            )
        self.check_access("read")
        others = self.filtered(lambda t: not t._is_own_request(user.partner_id))
        if others:
            raise AccessError(
                self.env._(
                    '"Solved" closes your own requests only: %(tickets)s was '
                    "asked by someone else. Reply to it instead.",
                    tickets=", ".join(others.mapped("number")),
                )
            )
        self.sudo()._mark_solved(user.partner_id)
        return True

    def _is_own_request(self, partner):
        """Whether ``partner`` asked for the ticket: its requester, or the
        requester's organization itself (its commercial entity's own
        account), as SPEC's "the customer closes their own ticket"."""
        self.ensure_one()
        requester = self.sudo().partner_id
        return bool(requester) and partner in (
            requester | requester.commercial_partner_id
        )

    def _mark_solved(self, author):
        """Close the tickets, as the desk, on the word of their customer
        ``author``: the checks are the caller's (``action_customer_solve``,
        or the portal's check of the ticket's token)."""
        # the rows locked as the workflow buttons lock them: an operator
        # taking the ticket this very moment is not overwritten
        self._lock_rows()
        done = self.filtered(lambda t: not t.is_open)
        if done:
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is already closed.",
                    tickets=", ".join(done.mapped("number")),
                )
            )
        now = fields.Datetime.now()
        for ticket in self:
            ticket._workflow_write_vals({"state": "closed", "date_closed": now})
            ticket.message_post(
                body=self.env._("%s marked the request as solved.", author.name),
                author_id=author.id,
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    # --- Merging duplicates ---

    def _check_merge_access(self, merged):
        """Refuse the merge of ``self`` unless the user may change each
        ticket and delete (archive) each of ``merged``."""
        if self.env.su:
            return
        refused = (self - self._filtered_access("write")) | (
            merged - merged._filtered_access("unlink")
        )
        self._refuse_merge(refused)

    def _refuse_merge(self, refused):
        """Refuse the merge, naming the ``refused`` tickets: by their number
        when the user may read them, by their id otherwise."""
        if not refused:
            return
        raise AccessError(
            self.env._(
                "You may not merge %(tickets)s: merging needs the right to "
                "change every ticket and to archive the ones merged. Nothing "
                "was merged.",
                tickets=refused._names_in_refusal(),
            )
        )

    def _merge_from(self, merged):
        """Move what ``merged`` holds to ``self`` and archive them.

        Checked by the caller (``_check_merge_access``); the
        messages, files, scheduled messages and others' activities belong
        to Odoo's mail tables, which no user writes directly: moved as
        superuser.
        """
        self.ensure_one()
        target = self.sudo()
        old_ids = merged.ids
        # By hand, not with Odoo's message_change_thread: that one clears
        # the subtype of every message but the public comments, so a log
        # note would lose its "internal" mark and a tracking message its
        # subtype on the ticket kept.
        Message = self.env["mail.message"].sudo()
        Message.search([("model", "=", self._name), ("res_id", "in", old_ids)]).write(
            {"res_id": target.id, "record_name": target.display_name}
        )
        self.env["ir.attachment"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", old_ids)]
        ).write({"res_id": target.id})
        self.env["mail.activity"].sudo().search(
            [("res_model", "=", self._name), ("res_id", "in", old_ids)]
        ).write({"res_id": target.id})
        self._move_scheduled_messages(merged)
        # the followers move (or leave) before the notes are posted: a
        # former follower is told nothing of a ticket they no longer follow
        self._move_followers(merged)
        for ticket in merged:
            ticket.message_post(
                body=Markup(self.env._("Merged into %s."))
                % target._get_html_link(title=target.number),
                subtype_xmlid="mail.mt_note",
            )
        unanswered = target.unanswered_count + sum(
            merged.sudo().mapped("unanswered_count")
        )
        # Named by their id, each a link: the kept ticket's readers (and
        # whoever is told of the note) are not all readers of the tickets
        # merged; one who may read a merged ticket opens it from the link.
        self.message_post(
            body=Markup(self.env._("Merged into this ticket: %s."))
            % Markup(", ").join(
                ticket._get_html_link(title=self.env._("Ticket #%s", ticket.id))
                for ticket in merged
            ),
            subtype_xmlid="mail.mt_note",
        )
        # with the user's rights: archiving checks the right to delete
        merged.write({"active": False})
        # the customer's messages still unanswered came along
        self._workflow_write_vals({"unanswered_count": unanswered})

    def _move_scheduled_messages(self, merged):
        """The messages scheduled on ``merged`` are posted on ``self``.

        Odoo refuses to change the record of a scheduled message, even as
        superuser (``mail.scheduled.message.write``), to keep users from
        moving one where they may not post: the merge is checked
        (``_check_merge_access``), so it is moved in SQL. When it
        is due, Odoo still checks that its author may post on the ticket
        kept."""
        Scheduled = self.env["mail.scheduled.message"]
        Scheduled.flush_model(["model", "res_id"])
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET res_id = %s WHERE model = %s AND res_id IN %s",
                SQL.identifier(Scheduled._table),
                self.id,
                self._name,
                tuple(merged.ids),
            )
        )
        Scheduled.invalidate_model(["res_id"])

    def _move_followers(self, merged):
        """The followers of ``merged`` follow ``self`` instead, once each:
        a user's partner when one of their users may read ``self``; a
        contact without a user (the customer's side) when they belong to
        its requester's organization, so that a stranger's address never
        starts receiving another customer's replies."""
        target = self.sudo()
        present = target.message_partner_ids
        organization = target.organization_id or target.partner_id.commercial_partner_id
        for follower in merged.sudo().message_follower_ids:
            partner = follower.partner_id
            if partner in present:
                continue
            users = partner.with_context(active_test=False).user_ids
            if users:
                allowed = any(self._filtered_readable_by(user) for user in users)
            else:
                allowed = partner == target.partner_id or (
                    organization and partner.commercial_partner_id == organization
                )
            if allowed:
                target.message_subscribe(
                    partner.ids, subtype_ids=follower.subtype_ids.ids
                )
                present |= partner
        merged.sudo().message_unsubscribe(merged.sudo().message_partner_ids.ids)
