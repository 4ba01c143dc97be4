from odoo import models


class MailScheduledMessage(models.Model):
    _inherit = "mail.scheduled.message"

    def _check_access(self, operation):
        """A ticket's scheduled messages are read by the ticket's readers.

        Odoo filters scheduled messages in searches, not when they are read
        by id: any user could read a ticket's scheduled messages, and
        through them their files. On a ticket, reading one asks the ticket,
        as searching does."""
        result = super()._check_access(operation)
        if operation != "read" or self.env.su or not self:
            return result
        forbidden = result[0] if result else self.browse()
        on_tickets = (
            (self - forbidden)
            .sudo()
            .filtered(lambda m: m.model == "support.ticket" and m.res_id)
        )
        if not on_tickets:
            return result
        tickets = self.env["support.ticket"].browse(set(on_tickets.mapped("res_id")))
        allowed = set(tickets.exists()._filtered_access("read").ids)
        refused = on_tickets.filtered(lambda m: m.res_id not in allowed)
        if not refused:
            return result
        forbidden |= self.browse(refused.ids)
        return forbidden, lambda: forbidden._make_access_error(operation)
