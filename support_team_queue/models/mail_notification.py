from odoo import api, fields, models
from odoo.exceptions import UserError

from .ticket_side_tables import on_refused_tickets, readable_tickets_domain


# Patch of Odoo: every user reads every notification; a ticket message's are read by the
# ticket's readers only.
class MailNotification(models.Model):
    """Who was notified of a ticket's message is part of the ticket.

    Odoo lets every user read every ``mail.notification`` (only writing is
    limited to one's own): anyone could read the messages' names (a
    ticket's number and subject) and who was told of them. Notifications of
    ticket messages are readable only by users who may read the ticket
    (``security/support_rules.xml``); others keep Odoo's behaviour.
    """

    _inherit = "mail.notification"

    support_ticket_readable = fields.Boolean(
        compute="_compute_support_ticket_readable",
        search="_search_support_ticket_readable",
        help="Technical: the notification is not about a ticket, or about a "
        "ticket the current user may read.",
    )

    @api.depends_context("uid")
    def _compute_support_ticket_readable(self):
        # Odoo checks record rules on given records as superuser
        # (filtered_domain): the tickets are checked with the user's rules
        messages = self.sudo().mail_message_id.sudo(False)
        refused = on_refused_tickets(messages, "model")
        for notification in self:
            notification.support_ticket_readable = (
                notification.sudo().mail_message_id not in refused
            )

    def _search_support_ticket_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on ticket notifications."))
        domain = readable_tickets_domain(
            self.env, "mail_message_id.model", "mail_message_id.res_id"
        )
        return domain if (operator == "=") == value else ["!", *domain]
