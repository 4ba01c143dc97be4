from odoo import models

from .ticket_side_tables import with_refused_tickets


# Patch of Odoo: scheduled messages are filtered in searches, not when read by id; a
# ticket's are read by its readers only.
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
        return with_refused_tickets(self, result, operation, "model")
