from odoo import models


class IrRule(models.Model):
    _inherit = "ir.rule"

    # Patch of Odoo: an access error in debug mode names the refused records; a ticket
    # and its followers are named by their id only.
    def _make_access_error(self, operation, records):
        # With Technical Features, Odoo lists the refused records by name: a
        # user refused a ticket would read its number and subject, or, for
        # its followers, who asked for it. They are named by their id only
        # there.
        if records._name in ("support.ticket", "mail.followers"):
            records = records.with_context(support_refused=True)
        return super()._make_access_error(operation, records)
