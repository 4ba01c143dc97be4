from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .support_ticket import PRIORITIES


class SupportSla(models.Model):
    """A response-time target (an SLA policy): the tickets of a team,
    optionally of some groups, categories and from a priority up, are
    answered within ``response_hours`` and resolved within
    ``resolution_hours`` working hours of the team's calendar.

    A ticket follows the matching policy with the earliest deadlines
    (models/support_ticket_sla.py). Who reads and changes policies is the
    record rules' call (security/support_team_admin_rules.xml): a team's
    members read their team's, its administrator changes them, Support
    Administrators configure every team's.
    """

    _name = "support.sla"
    _description = "Response-Time Target"
    _order = "team_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    team_id = fields.Many2one(
        "support.team",
        required=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.user.support_team_id,
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    group_ids = fields.Many2many(
        "support.group",
        string="Groups",
        domain="[('team_id', '=', team_id)]",
        help="The policy applies to the tickets of these groups only. "
        "Empty: every group, and the tickets of no group.",
    )
    priority = fields.Selection(
        PRIORITIES,
        string="From Priority",
        required=True,
        default="0",
        help="The policy applies to the tickets of this priority or higher.",
    )
    category_ids = fields.Many2many(
        "support.ticket.category",
        string="Categories",
        help="The policy applies to the tickets of these categories only. "
        "Empty: any category.",
    )
    response_hours = fields.Float(
        string="First Response Within",
        help="Working hours from the request to the first public reply by "
        "staff (a log note does not count). 0: no target.",
    )
    resolution_hours = fields.Float(
        string="Resolution Within",
        help="Working hours from the request until the ticket is closed. 0: no target.",
    )

    @api.constrains("team_id", "response_hours", "resolution_hours")
    def _check_hours(self):
        for policy in self:
            if policy.response_hours < 0 or policy.resolution_hours < 0:
                raise ValidationError(
                    self.env._("A response-time target cannot be negative.")
                )
            if not (policy.response_hours or policy.resolution_hours):
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s sets no target: give a first "
                        "response or a resolution time.",
                        policy=policy.name,
                    )
                )

    @api.constrains("team_id", "group_ids")
    def _check_groups_of_the_team(self):
        for policy in self.sudo():
            strangers = policy.group_ids.filtered(
                lambda group, policy=policy: group.team_id != policy.team_id
            )
            if strangers:
                readable = strangers.with_env(self.env)._filtered_access("read")
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: %(groups)s are not groups of team "
                        "%(team)s.",
                        policy=policy.name,
                        groups=", ".join(
                            # another company's group is named by its id only
                            group.name if group in readable else f"#{group.id}"
                            for group in strangers
                        ),
                        team=policy.team_id.name,
                    )
                )

    def _matches(self, ticket):
        """Whether the policy applies to ``ticket``."""
        self.ensure_one()
        return (
            self.team_id == ticket.team_id
            and ticket.priority >= self.priority
            and (not self.group_ids or ticket.group_id in self.group_ids)
            and (not self.category_ids or ticket.category_id in self.category_ids)
        )

    def _earliest_key(self):
        """Of two policies, the one whose deadlines come first: the first
        response, then the resolution (no target: never), then the
        sequence."""
        never = float("inf")
        return (
            self.response_hours or never,
            self.resolution_hours or never,
            self.sequence,
            self.id,
        )

    # --- The open tickets follow their team's policies ---

    @api.model_create_multi
    def create(self, vals_list):
        policies = super().create(vals_list)
        policies._refresh_open_tickets(policies.team_id)
        return policies

    def write(self, vals):
        teams = self.sudo().team_id  # before the write: Odoo checks the access
        result = super().write(vals)
        if "team_id" in vals:
            # Odoo checks the rules on the policies as they were: a team's
            # administrator moves one only into a team they administer
            self.check_access("write")
        self._refresh_open_tickets(teams | self.team_id)
        return result

    def unlink(self):
        teams = self.sudo().team_id
        result = super().unlink()
        self._refresh_open_tickets(teams)
        return result

    def _refresh_open_tickets(self, teams):
        """The open tickets of ``teams`` choose their policy and deadlines
        again (the desk's bookkeeping, whoever changed the policies)."""
        Ticket = self.env["support.ticket"].sudo()
        tickets = Ticket.search([("team_id", "in", teams.ids), ("is_open", "=", True)])
        if tickets:
            for name in ("sla_id", *Ticket._sla_computed_fields):
                self.env.add_to_compute(Ticket._fields[name], tickets)
