from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportTicketAssign(models.TransientModel):
    """Assign the tickets selected in the queue to a group and/or an
    operator (the dispatcher's tool). Each ticket is checked as the form
    checks it: the user may change it, the group is of its team, the
    operator may hold its tickets; a refusal names the tickets refused and
    changes none of the selection."""

    _name = "support.ticket.assign"
    _description = "Assign Tickets"

    ticket_ids = fields.Many2many(
        "support.ticket",
        string="Tickets",
        default=lambda self: self._default_ticket_ids(),
    )
    team_id = fields.Many2one(
        "support.team", compute="_compute_team_id", help="The selection's team."
    )
    group_id = fields.Many2one("support.group", domain="[('team_id', '=', team_id)]")
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        domain="[('share', '=', False), ('support_team_id', '=', team_id)]",
    )

    @api.model
    def _default_ticket_ids(self):
        if self.env.context.get("active_model") != "support.ticket":
            return self.env["support.ticket"]
        return self.env["support.ticket"].browse(
            self.env.context.get("active_ids") or []
        )

    @api.depends("ticket_ids")
    def _compute_team_id(self):
        for wizard in self:
            teams = wizard.ticket_ids.team_id
            wizard.team_id = teams if len(teams) == 1 else False

    def action_assign(self):
        self.ensure_one()
        # the ids only (one the user may not read is named by its id)
        tickets = self.sudo().ticket_ids.with_env(self.env)
        if not (self.group_id or self.user_id):
            raise UserError(self.env._("Choose a group, an operator, or both."))
        tickets._check_bulk_access("write")
        elsewhere = tickets.filtered(
            lambda t: self.group_id and self.group_id.team_id != t.team_id
        )
        if elsewhere:
            raise UserError(
                self.env._(
                    "%(tickets)s cannot go to group %(group)s, of another team. "
                    "None of the %(count)s selected tickets was changed.",
                    tickets=", ".join(elsewhere.mapped("number")),
                    group=self.group_id.name,
                    count=len(tickets),
                )
            )
        not_theirs = tickets.filtered(
            lambda t: self.user_id and not t.team_id._may_hold_tickets(self.user_id)
        )
        if not_theirs:
            raise UserError(
                self.env._(
                    "%(user)s cannot handle %(tickets)s: they are neither an "
                    "operator nor the administrator of the team. None of the "
                    "%(count)s selected tickets was changed.",
                    user=self.user_id.name,
                    tickets=", ".join(not_theirs.mapped("number")),
                    count=len(tickets),
                )
            )
        vals = {}
        if self.group_id:
            vals["group_id"] = self.group_id.id
        if self.user_id:
            vals["user_id"] = self.user_id.id
        tickets.write(vals)
        return {"type": "ir.actions.act_window_close"}
