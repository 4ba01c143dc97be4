from odoo import api, models
from odoo.osv import expression


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
        if not self.env.su:
            Ticket = self.env["support.ticket"].sudo(False)
            if Ticket.has_access("read"):
                visible = Ticket.with_context(active_test=False)._search([])
                tickets = [
                    "|",
                    ("res_model", "!=", "support.ticket"),
                    ("res_id", "in", visible),
                ]
            else:
                # no read right on tickets at all (an internal user outside
                # Support): none of their followers
                tickets = [("res_model", "!=", "support.ticket")]
            domain = expression.AND([domain, tickets])
        return super()._search(domain, *args, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or operation != "read":
            return result
        allowed = self - result[0] if result else self
        ticket_followers = allowed.sudo().filtered(
            lambda follower: follower.res_model == "support.ticket"
        )
        if not ticket_followers:
            return result
        tickets = self.env["support.ticket"].browse(ticket_followers.mapped("res_id"))
        readable = set(tickets._filtered_access("read").ids)
        forbidden = ticket_followers.filtered(lambda f: f.res_id not in readable)
        if not forbidden:
            return result
        forbidden = self.browse(forbidden.ids)
        if result:
            forbidden |= result[0]
        return forbidden, lambda: self.env["ir.rule"]._make_access_error(
            "read", forbidden
        )
