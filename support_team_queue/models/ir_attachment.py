from odoo import models


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

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
        forbidden = result[0] if result else self.browse()
        on_tickets = (
            (self - forbidden)
            .sudo()
            .filtered(lambda file: file.res_model == "support.ticket" and file.res_id)
        )
        if not on_tickets:
            return result
        tickets = self.env["support.ticket"].browse(set(on_tickets.mapped("res_id")))
        refused = tickets.exists()._check_access("read")
        if not refused:
            return result
        refused_ids = set(refused[0].ids)
        forbidden |= on_tickets.filtered(lambda f: f.res_id in refused_ids).with_env(
            self.env
        )
        return forbidden, lambda: forbidden._make_access_error(operation)
