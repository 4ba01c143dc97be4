from odoo import models


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
        on_tickets = (
            (self - forbidden)
            .sudo()
            .filtered(lambda m: m.model == "support.ticket" and m.res_id)
        )
        if operation == "write":
            partner = self.env.user.partner_id
            on_tickets = on_tickets.filtered(lambda m: m.author_id != partner)
        if not on_tickets:
            return forbidden
        mode = "read" if operation == "create" else "write"
        tickets = self.env["support.ticket"].browse(set(on_tickets.mapped("res_id")))
        allowed = set(tickets.exists()._filtered_access(mode).ids)
        refused = on_tickets.filtered(lambda m: m.res_id not in allowed)
        return forbidden | self.browse(refused.ids)

    def _to_store(self, store, /, **kwargs):
        # Odoo shows, beside each message a user may read (one they were
        # notified of, or mentioned in), its document's current name, read
        # as superuser: someone forwarded away from a ticket would read its
        # renamed subject. Tickets they no longer read are named by their
        # id (support.ticket._compute_display_name).
        return super(
            MailMessage, self.with_context(support_names_for_readers=True)
        )._to_store(store, **kwargs)
