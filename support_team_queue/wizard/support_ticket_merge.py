from odoo import api, fields, models
from odoo.exceptions import UserError


class SupportTicketMerge(models.TransientModel):
    """Merge duplicate tickets into one (SPEC "The customer's side").

    The messages, files, activities and followers of the other tickets move
    to the kept one (``target_id``); the others are archived with a note
    linking to it, and the kept one notes what it received. Archiving hides
    a ticket as deleting it would: as everywhere in the desk, it needs the
    right to delete the tickets that vanish, and the right to change every
    ticket; otherwise nothing is merged and the refusal names the tickets
    (one the user may not read, by its id only).
    """

    _name = "support.ticket.merge"
    _description = "Merge Tickets"

    ticket_ids = fields.Many2many(
        "support.ticket",
        string="Tickets",
        default=lambda self: self._default_ticket_ids(),
    )
    target_id = fields.Many2one(
        "support.ticket",
        string="Keep",
        domain="[('id', 'in', ticket_ids)]",
        default=lambda self: self._default_ticket_ids()[:1],
        help="The ticket that stays: the others' messages, files and "
        "followers move to it.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        wizards._check_tickets_readable()
        return wizards

    def write(self, vals):
        result = super().write(vals)
        self._check_tickets_readable()
        return result

    def _check_tickets_readable(self):
        # Odoo shows a many2one's name as superuser: a ticket one may not
        # read never enters the dialog, where its number and subject
        # would show; it is named by its id only
        tickets = self.sudo().ticket_ids | self.sudo().target_id
        tickets = tickets.with_env(self.env)
        if not self.env.su:
            tickets._refuse_merge(tickets - tickets._filtered_access("read"))

    @api.model
    def _default_ticket_ids(self):
        if self.env.context.get("active_model") != "support.ticket":
            return self.env["support.ticket"]
        # the oldest request is the one kept, by default (by id: nothing of
        # the tickets is read before the user asks to merge them)
        return self.env["support.ticket"].browse(
            sorted(self.env.context.get("active_ids") or [])
        )

    def action_merge(self):
        self.ensure_one()
        # the ids only (one the user may not read is named by its id)
        target = self.sudo().target_id.with_env(self.env)
        merged = self.sudo().ticket_ids.with_env(self.env) - target
        if not target or not merged:
            raise UserError(
                self.env._("Select the ticket to keep and at least one other ticket.")
            )
        (target | merged)._check_merge_access(merged)
        (target | merged)._lock_rows()
        target._merge_from(merged)
        return {
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
