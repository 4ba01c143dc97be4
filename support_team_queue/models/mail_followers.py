from odoo import api, models

from .ticket_side_tables import searched_on_readable_tickets, with_refused_tickets


# Patch of Odoo: every internal user reads every follower; a ticket's are read by its
# readers only.
class MailFollowers(models.Model):
    """Who follows a ticket is part of the ticket.

    Odoo lets every internal user read every ``mail.followers`` row: a user
    who may not see a ticket would still learn, by searching followers on
    ``res_model``/``res_id``, that it exists and who asked for it (the
    requester follows their ticket). Followers of tickets are restricted to
    the users who may read the ticket; followers of other models keep
    Odoo's behaviour.
    """

    _inherit = "mail.followers"

    @api.depends("partner_id")
    @api.depends_context("support_refused")
    def _compute_display_name(self):  # pylint: disable=missing-return
        super()._compute_display_name()
        if self.env.context.get("support_refused"):
            # named in an access error (models/ir_rule.py): not the partner
            for follower in self:
                follower.display_name = self.env._("Follower #%s", follower.id)

    @api.model
    def _search(self, domain, *args, **kwargs):
        domain = searched_on_readable_tickets(self, domain)
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or operation != "read" or not self:
            return result
        return with_refused_tickets(self, result, operation, "res_model")
