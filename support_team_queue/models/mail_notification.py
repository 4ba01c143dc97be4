from odoo import api, fields, models
from odoo.exceptions import UserError


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
        messages = self.sudo().mail_message_id
        ticket_ids = {m.res_id for m in messages if m.model == "support.ticket"}
        # Odoo checks record rules on given records as superuser
        # (filtered_domain): the tickets are checked with the user's rules
        readable = set(
            self.env["support.ticket"]
            .sudo(False)
            .browse(ticket_ids)
            .with_context(active_test=False)
            ._filtered_access("read")
            .ids
        )
        for notification in self:
            message = notification.sudo().mail_message_id
            notification.support_ticket_readable = (
                message.model != "support.ticket" or message.res_id in readable
            )

    def _search_support_ticket_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on ticket notifications."))
        # record rules are applied as superuser: the tickets are searched
        # with the user's own rules (sudo(False))
        tickets = self.env["support.ticket"].sudo(False).with_context(active_test=False)
        readable = tickets._search([]) if tickets.has_access("read") else []
        domain = [
            "|",
            ("mail_message_id.model", "!=", "support.ticket"),
            ("mail_message_id.res_id", "in", readable),
        ]
        return domain if (operator == "=") == value else ["!", *domain]
