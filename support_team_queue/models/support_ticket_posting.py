import contextlib
import contextvars

from odoo import api, fields, models
from odoo.exceptions import AccessError

# The (ticket, user) pairs whose read access the caller has just checked
# for the notices it sends (``_sla_notify_escalations``, once per batch):
# not checked again for each message. Like PythonFlag, no RPC call can
# carry it.
READERS_CHECKED = contextvars.ContextVar("support_readers_checked", default=None)


@contextlib.contextmanager
def readers_checked(cr, pairs):
    """Within the block, ``_notify_get_recipients`` takes the ``(ticket id,
    user id)`` pairs of ``pairs``, checked on cursor ``cr``, as readers."""
    token = READERS_CHECKED.set((id(cr), frozenset(pairs)))
    try:
        yield
    finally:
        READERS_CHECKED.reset(token)


class SupportTicket(models.Model):
    """What may be posted on a ticket, and who hears of it."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # Patch of Odoo: a post may carry tracking values from its caller, and a portal
    # user's post any message type; on a ticket only Odoo writes tracking, and a
    # customer's post is a comment.
    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        # Odoo writes a post's tracking values as superuser, and its own
        # tracking posts as superuser: from a user, they could only forge
        # the ticket's change history or delete any record's (by id).
        if kwargs.get("tracking_value_ids") and not self.env.su:
            raise AccessError(
                self.env._("A ticket's change history is written by Odoo only.")
            )
        # Odoo refuses a customer's internal comment, not a "notification"
        # or an "email" (by default, a notification logged as a note): over
        # RPC, a portal user could log a note in the staff's log, or a
        # notice that reads as the desk's. Their post is a comment, public
        # unless they name an internal subtype, which Odoo refuses. As
        # superuser, the caller decides: Odoo's chatter route
        # (/mail/message/post; see controllers/mail_thread.py, which makes
        # a customer's post a public comment) and the desk's own notices.
        if not self.env.su and not self.env.user._is_internal():
            kwargs["message_type"] = "comment"
            if not (kwargs.get("subtype_xmlid") or kwargs.get("subtype_id")):
                kwargs["subtype_xmlid"] = "mail.mt_comment"
        if kwargs.get("partner_ids") and len(self) == 1:
            kwargs["partner_ids"] = self._partners_who_may_be_named(
                kwargs["partner_ids"]
            )
        return super().message_post(**kwargs)

    # Patch of Odoo: a message's recipients read it, whatever its document; of a
    # ticket, only partners whose users may read it are named.
    def message_notify(self, *, partner_ids=False, **kwargs):
        if partner_ids and len(self) == 1:
            partner_ids = self._partners_who_may_be_named(partner_ids)
        return super().message_notify(partner_ids=partner_ids, **kwargs)

    def _partners_who_may_be_named(self, partner_ids):
        """``partner_ids`` without the partners whose users may not read the
        ticket. Odoo lets a message's recipients read it, whatever its
        document: someone named on a ticket's message (a mention, an
        activity's notice) would read it, the ticket's number and subject
        with it, while not told of it (``_notify_get_recipients``).
        Partners without a user (the requester's contact, an address
        copied) are the customer's side: they stay."""
        self.ensure_one()
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        refused = partners.filtered(
            lambda partner: (
                partner.user_ids and not self._readers_among(partner.user_ids)
            )
        )
        return [pid for pid in partner_ids if pid not in refused.ids]

    # Patch of Odoo: a post links any file id an internal user sends; on a ticket only
    # one's own uploads, or the ticket's files with write access.
    def _process_attachments_for_post(
        self, attachments, attachment_ids, message_values
    ):
        # Odoo links any attachment id an internal user sends, as superuser,
        # and an edit of the message that drops it deletes it: a reader of
        # the ticket could take a colleague's file, or another record's, and
        # delete it. A post may carry the poster's own uploads, the files
        # they added to this ticket, and, for those who may change the
        # ticket, any of its files.
        if attachment_ids and not self.env.su:
            self._check_attachments_for_post(attachment_ids, message_values)
        return super()._process_attachments_for_post(
            attachments, attachment_ids, message_values
        )

    def _check_attachments_for_post(self, attachment_ids, message_values):
        ticket = self.browse(message_values.get("res_id") or self.id)
        uid = self.env.uid
        pending = ("mail.compose.message", "mail.scheduled.message")

        def on_ticket(file):
            return file.res_model == self._name and file.res_id == ticket.id

        others = (
            self.env["ir.attachment"]
            .sudo()
            .browse(attachment_ids)
            .exists()
            .filtered(
                lambda file: (
                    file.create_uid.id != uid
                    or not (file.res_model in pending or on_ticket(file))
                )
            )
        )
        if others and (
            others.filtered(lambda file: not on_ticket(file))
            or not ticket.has_access("write")
        ):
            raise AccessError(
                self.env._(
                    "Ticket %(ticket)s: a message may carry only the files you "
                    "uploaded, or the ticket's files if you may change it.",
                    ticket=ticket.display_name,
                )
            )

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._count_unanswered(message)
        # E-mail replies go through the gateway (message_update), which also
        # filters auto-replies; here: comments posted from the portal chatter,
        # by a portal user or a visitor with the ticket's link. Odoo lets a
        # poster name any author: an internal user's post naming the customer
        # never reopens (a technician may post, never change the ticket).
        if (
            msg_vals.get("message_type") == "comment"
            and self.env.user.share
            and self._is_customer_message(message)
        ):
            self._resume_on_customer_reply()
            # as for e-mail replies; sudo: see _resume_on_customer_reply
            self.sudo().date_last_activity = fields.Datetime.now()
        return res

    # Patch of Odoo: every follower and partner named is notified; of a ticket, only
    # users who may read it.
    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        # Odoo notifies every follower and every partner named: one who may
        # no longer read the ticket (forwarded away, out of the group) would
        # still receive, and read, its new messages. Partners without a user
        # (the requester's contact, an address copied) are the customer's
        # side: they keep receiving the replies.
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if len(self) != 1:
            return recipients
        users = (
            self.env["res.users"]
            .sudo()
            .browse({r["uid"] for r in recipients if r.get("uid")})
        )
        readers = set(self._readers_among(users).ids)
        return [r for r in recipients if not r.get("uid") or r["uid"] in readers]

    def _readers_among(self, users):
        """The ``users`` who may read the ticket; a batch that checked its
        recipients at once (``READERS_CHECKED``) vouches for its pairs."""
        self.ensure_one()
        cr_id, checked = READERS_CHECKED.get() or (None, frozenset())
        if cr_id != id(self.env.cr):
            checked = frozenset()
        return users.filtered(
            lambda user: (
                (self.id, user.id) in checked or self._filtered_readable_by(user)
            )
        )

    def _unsubscribe_lost_readers(self, previous_requesters):
        """After a change of who owns or asked for the tickets, their
        followers who may no longer read them stop following them, and so
        does a previous requester without an account. One access check per
        follower, over all the tickets."""
        followers = self.sudo().message_follower_ids.partner_id
        lost = {ticket.id: self.env["res.partner"] for ticket in self}
        for partner in followers:
            users = partner.with_context(active_test=False).user_ids
            if not users:
                continue
            readable = self.browse()
            for user in users:
                readable |= self._filtered_readable_by(user)
            for ticket in self - readable:
                lost[ticket.id] |= partner
        for ticket, previous in zip(self, previous_requesters, strict=True):
            if previous and not previous.user_ids and previous != ticket.partner_id:
                lost[ticket.id] |= previous
            gone = lost[ticket.id] & ticket.sudo().message_partner_ids
            if gone:
                ticket.sudo().message_unsubscribe(gone.ids)

    def _count_unanswered(self, message):
        """The queue's per-row counter: a public message from the customer
        adds one, a public reply by staff answers them all; notes and
        notices change nothing. Kept by the desk, whoever posts: sudo."""
        message = message.sudo()
        if message.message_type not in ("email", "comment") or (
            message.is_internal or message.subtype_id.internal
        ):
            return
        if self._is_customer(message.author_id):
            for ticket in self.sudo():
                ticket.unanswered_count += 1
        else:
            self.sudo().filtered("unanswered_count").unanswered_count = 0
