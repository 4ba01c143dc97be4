from odoo import fields, models


class SupportTicketCategory(models.Model):
    _name = "support.ticket.category"
    _description = "Support Ticket Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A category with this name already exists."),
    ]
