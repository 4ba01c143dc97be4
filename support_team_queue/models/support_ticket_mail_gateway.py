from odoo import api, fields, models
from odoo.tools import email_normalize


class SupportTicket(models.Model):
    """E-mail to a team's alias: new tickets and replies."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # --- Mail gateway ---

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new e-mail to a team's alias opens a ticket.

        The requester is the sender's contact, created when unknown; the
        ticket waits in the queue with no operator. Replies in the same thread
        go to ``message_update``; bounces and auto-replies never get here
        (see ``models/mail_thread.py``).
        """
        # public, as message_update: over RPC it would open a ticket as an
        # e-mail does; the gateway's step (models/mail_thread.py)
        self._check_mail_gateway()
        email_from = msg_dict.get("email_from")
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and email_from:
            partner = self.env["mail.thread"]._mail_find_partner_from_emails(
                [email_from], force_create=True
            )[0]
            # the e-mail is posted in their name, and they follow the ticket
            msg_dict["author_id"] = partner.id
        values = {
            # a subject is one line, whatever its encoded words decode to
            "name": " ".join((msg_dict.get("subject") or "").split())
            or self.env._("No Subject"),
            "description": msg_dict.get("body"),
            "partner_id": partner.id,
            "channel": "email",
            "user_id": False,
        }
        values.update(custom_values or {})
        # Odoo's message_new stores the sender (name <address>) as the primary
        # e-mail: keep the bare address
        msg_values = dict(
            msg_dict, email_from=email_normalize(email_from) or email_from
        )
        return super(
            SupportTicket, self.with_context(default_channel="email")
        ).message_new(msg_values, custom_values=values)

    def message_update(self, msg_dict, update_vals=None):
        """A reply in the thread is added to the ticket, never a new one; a
        customer's reply reopens it when closed or expired and
        ends a wait for the customer."""
        self._check_mail_gateway()
        if self.env.context.get("mail_auto_submitted"):
            # an out-of-office answer is kept, but is no activity of the customer
            return super().message_update(msg_dict, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if self._is_customer(author):
            # a ticket archived with its group comes back to the queue
            self.filtered(lambda t: not t.active and not t.is_open).active = True
            self._resume_on_customer_reply()
        update_vals = dict(update_vals or {}, date_last_activity=fields.Datetime.now())
        return super().message_update(msg_dict, update_vals=update_vals)

    def _process_attachments_for_post(
        self, attachments, attachment_ids, message_values
    ):
        """A file named with a NUL character (an e-mail's
        ``filename*=utf-8''a%00b.txt``, which Python's parser decodes as
        it is) would make the whole e-mail fail, since PostgreSQL stores no
        NUL: the fetcher would retry it forever and the request would never
        be stored. The file is kept, named without it."""
        if attachments:
            attachments = [
                (name.replace("\x00", "") if isinstance(name, str) else name, *rest)
                for name, *rest in attachments
            ]
        return super()._process_attachments_for_post(
            attachments, attachment_ids, message_values
        )

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Requester")
            )
        elif self.partner_email:
            self._message_add_suggested_recipient(
                recipients,
                email=self.partner_email,
                reason=self.env._("Requester Email"),
            )
        return recipients
