from odoo import fields, models


class SupportAccessImpactLine(models.TransientModel):
    """One user whose read access to tickets a proposed change would
    change (``support.access.impact``)."""

    _name = "support.access.impact.line"
    _description = "Support Access Impact: One User"
    _order = "impact_id, lost_count desc, gained_count desc, id"

    impact_id = fields.Many2one(
        "support.access.impact", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", readonly=True)
    gained_count = fields.Integer(
        string="Gains", readonly=True, help="Tickets the user would start to read."
    )
    lost_count = fields.Integer(
        string="Loses", readonly=True, help="Tickets the user would no longer read."
    )
    sample_ticket_ids = fields.Many2many(
        "support.ticket",
        "support_access_impact_line_ticket_rel",
        "line_id",
        "ticket_id",
        string="For Example",
        readonly=True,
        help="A few of those tickets, among the ones you may read.",
    )
