from odoo import models


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _to_store(self, store, /, **kwargs):
        # Odoo shows, beside each message a user may read (one they were
        # notified of, or mentioned in), its document's current name, read
        # as superuser: someone forwarded away from a ticket would read its
        # renamed subject. Tickets they no longer read are named by their
        # id (support.ticket._compute_display_name).
        return super(
            MailMessage, self.with_context(support_names_for_readers=True)
        )._to_store(store, **kwargs)
