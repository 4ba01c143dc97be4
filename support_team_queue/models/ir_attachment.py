from odoo import models

from .ticket_side_tables import with_refused_tickets


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    # Patch of Odoo: check_access('read') of a file ignores its document; a ticket's
    # file asks the ticket.
    def _check_access(self, operation):
        """A ticket's file is read by the ticket's readers only.

        Odoo checks an attachment's document when it is read or searched
        (``check()``), not in ``check_access``: the portal's
        ``_document_check_access("ir.attachment", ...)`` behind
        ``/portal/attachment/remove`` then names any ticket's file to any
        user. For the tickets' files, ``check_access("read")`` asks the
        ticket, as reading does."""
        result = super()._check_access(operation)
        if operation != "read" or self.env.su or not self:
            return result
        return with_refused_tickets(self, result, operation, "res_model")
