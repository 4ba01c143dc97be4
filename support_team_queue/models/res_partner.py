from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    support_ticket_ids = fields.One2many(
        "support.ticket", "partner_id", string="Support Tickets"
    )
    support_ticket_count = fields.Integer(
        compute="_compute_support_ticket_count", string="Ticket Count"
    )

    @api.depends_context("uid")
    def _compute_support_ticket_count(self):
        # Counted as the current user: record rules decide what is seen.
        counts = dict(
            self.env["support.ticket"]._read_group(
                [("partner_id", "child_of", self.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.support_ticket_count = sum(
                count
                for ticket_partner, count in counts.items()
                if ticket_partner.commercial_partner_id == partner
                or ticket_partner == partner
            )

    def action_view_support_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_ticket_queue"
        )
        action["domain"] = [("partner_id", "child_of", self.id)]
        action["context"] = {
            "default_partner_id": self.id,
            "default_channel": "phone",
        }
        return action
