from odoo import api, models

from .ticket_side_tables import on_refused_tickets


# Patch of Odoo: followers and recipients may write into a thread, and a message shows
# its document's name read as superuser; on a ticket, posting needs its read access,
# another's message its write access, and the name is the reader's.
class MailMessage(models.Model):
    _inherit = "mail.message"

    def _get_forbidden_access(self, operation):
        """A ticket's conversation is written by those who may post on it.

        Odoo also lets a user add a message to a document they follow, or
        answer a message they may read, and change a message they were
        named on: someone forwarded away from a ticket, or named on one of
        its messages, could still write into it. On a ticket, a new message
        needs the right to post (read), and another's message the right to
        change the ticket."""
        forbidden = super()._get_forbidden_access(operation)
        if self.env.su or operation not in ("create", "write"):
            return forbidden
        checked = self - forbidden
        if operation == "write":
            partner = self.env.user.partner_id
            checked = checked.filtered(lambda m: m.sudo().author_id != partner)
        mode = "read" if operation == "create" else "write"
        return forbidden | on_refused_tickets(checked, "model", mode)

    # Patch of Odoo: a message is reached through its document's post access (a
    # reaction, a file removed from it); a ticket's internal messages are not the
    # customer's to reach.
    @api.model
    def _get_with_access(self, message_id, operation, **kwargs):
        # Odoo hands a message to whoever may post on its document: a
        # customer, or a visitor with the ticket's link, knowing the id of
        # an internal note, reacted to it and read back who else had
        # reacted. A ticket's internal messages are the staff's.
        message = super()._get_with_access(message_id, operation, **kwargs)
        if message and not self.env.user._is_internal():
            found = message.sudo()
            if found.model == "support.ticket" and (
                found.is_internal or found.subtype_id.internal
            ):
                return self.browse()
        return message

    def _to_store(self, store, /, **kwargs):
        # Odoo shows, beside each message a user may read (one they were
        # notified of, or mentioned in), its document's current name, read
        # as superuser: someone forwarded away from a ticket would read its
        # renamed subject. Tickets they no longer read are named by their
        # id (support.ticket._compute_display_name).
        return super(
            MailMessage, self.with_context(support_names_for_readers=True)
        )._to_store(store, **kwargs)
