from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

OPEN_STATES = ("new", "in_progress", "waiting")

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]


class SupportTicket(models.Model):
    """A support request (vTiger's "Assistenza Clienti" ticket).

    A ticket is owned by its operator (``user_id``) and/or its group
    (``group_id``); who may see and change it is decided by the record rules
    in ``security/support_rules.xml`` only.
    """

    _name = "support.ticket"
    _description = "Support Ticket"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, create_date desc, id desc"
    _rec_names_search = ["number", "name", "partner_email"]
    _primary_email = "partner_email"

    number = fields.Char(
        string="Ticket Number",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: _("New"),
    )
    name = fields.Char(string="Subject", required=True, tracking=True)
    description = fields.Html()
    active = fields.Boolean(
        default=True,
        help="Archived tickets leave the queue and the history; "
        "they are kept, never destroyed.",
    )
    color = fields.Integer()

    partner_id = fields.Many2one(
        "res.partner", string="Requester", index=True, tracking=True
    )
    partner_email = fields.Char(
        string="Requester Email",
        compute="_compute_partner_email",
        store=True,
        readonly=False,
    )
    organization_id = fields.Many2one(
        "res.partner",
        string="Organization",
        compute="_compute_organization_id",
        store=True,
        readonly=False,
        index=True,
        domain=[("is_company", "=", True)],
        help="The requester's company.",
    )

    team_id = fields.Many2one(
        "support.team",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self._default_team_id(),
        ondelete="restrict",
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    group_id = fields.Many2one(
        "support.group",
        index=True,
        tracking=True,
        domain="[('team_id', '=', team_id)]",
        ondelete="set null",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Operator",
        index=True,
        tracking=True,
        domain=[("share", "=", False)],
        default=lambda self: self._default_user_id(),
    )

    priority = fields.Selection(PRIORITIES, default="1", index=True, tracking=True)
    severity = fields.Selection(
        [
            ("minor", "Minor"),
            ("major", "Major"),
            ("critical", "Critical"),
            ("feature", "Feature Request"),
        ],
        tracking=True,
    )
    category_id = fields.Many2one("support.ticket.category", string="Category")
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting for Customer"),
            ("closed", "Closed"),
            ("expired", "Expired"),
        ],
        required=True,
        default="new",
        index=True,
        tracking=True,
        copy=False,
    )
    channel = fields.Selection(
        [
            ("email", "Email"),
            ("portal", "Portal"),
            ("phone", "Phone"),
            ("backend", "Backend"),
        ],
        required=True,
        default="backend",
    )
    date_taken = fields.Datetime(readonly=True, copy=False)
    date_closed = fields.Datetime(readonly=True, copy=False)
    date_last_activity = fields.Datetime(
        readonly=True, copy=False, default=fields.Datetime.now, index=True
    )
    waiting_hours = fields.Float(
        compute="_compute_waiting_hours",
        help="Hours the requester waited: from the request until an operator "
        "took it, or until now while nobody has.",
    )

    _sql_constraints = [
        ("number_uniq", "unique (number)", "The ticket number must be unique."),
    ]

    def _default_team_id(self):
        team = self.env.user.support_team_id
        if not team:
            team = self.env["support.team"].search([], limit=1)
        return team

    def _default_user_id(self):
        # vTiger's "Assegnato a": the creator, unless the ticket goes to a group.
        if self.env.context.get("default_group_id") or self.env.user.share:
            return False
        return self.env.user

    @api.depends("partner_id.email")
    def _compute_partner_email(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.partner_email = ticket.partner_id.email

    @api.depends("partner_id.commercial_partner_id")
    def _compute_organization_id(self):
        for ticket in self:
            commercial = ticket.partner_id.commercial_partner_id
            ticket.organization_id = commercial if commercial.is_company else False

    @api.depends("create_date", "date_taken", "date_closed", "state")
    def _compute_waiting_hours(self):
        now = fields.Datetime.now()
        for ticket in self:
            start = ticket.create_date or now
            end = ticket.date_taken or ticket.date_closed or now
            ticket.waiting_hours = max((end - start).total_seconds(), 0) / 3600

    @api.constrains("group_id", "team_id")
    def _check_group_team(self):
        for ticket in self:
            if ticket.group_id and ticket.group_id.team_id != ticket.team_id:
                raise ValidationError(
                    _(
                        "Ticket %(ticket)s: group %(group)s belongs to another team.",
                        ticket=ticket.display_name,
                        group=ticket.group_id.name,
                    )
                )

    @api.onchange("group_id")
    def _onchange_group_id(self):
        # Choosing a group in a new ticket hands it to the group, as vTiger's
        # "Assegnato a: Gruppo" radio, unless someone else was picked.
        if self.group_id and not self._origin.id and self.user_id == self.env.user:
            self.user_id = False

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            ticket.display_name = f"{ticket.number} {ticket.name or ''}".strip()

    @api.model
    def _search(self, domain, *args, **kwargs):
        # The record rules join memberships through many2many tables, which
        # Odoo does not flush before a query: without this, a membership
        # changed earlier in the same transaction would not count yet.
        self.env["support.group"].flush_model(["effective_user_ids"])
        self.env["support.team"].flush_model(["operator_ids"])
        return super()._search(domain, *args, **kwargs)

    @api.model_create_multi
    def create(self, vals_list):
        sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if "user_id" not in vals and vals.get("group_id"):
                # given a group and no operator, the group owns it
                vals["user_id"] = False
            if not vals.get("number") or vals["number"] == _("New"):
                vals["number"] = sequence.next_by_code("support.ticket") or _("New")
        return super().create(vals_list)

    def write(self, vals):
        if {"state", "user_id", "group_id"} & vals.keys():
            vals = dict(vals, date_last_activity=fields.Datetime.now())
        return super().write(vals)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [dict(vals, name=_("%s (copy)", ticket.name)) for ticket, vals in zip(self, vals_list, strict=True)]

    # ------------------------------------------------------------------
    # Workflow buttons (also called over RPC)
    # ------------------------------------------------------------------

    def _check_open(self):
        done = self.filtered(lambda t: t.state not in OPEN_STATES)
        if done:
            raise UserError(
                _(
                    "Ticket %(tickets)s is closed or expired: reopen it first.",
                    tickets=", ".join(done.mapped("number")),
                )
            )

    def action_take(self):
        """Start handling: the current user becomes the operator.

        Taking a ticket held by someone else is GetCourse's "take over" and
        is written in the chatter.
        """
        self._check_open()
        now = fields.Datetime.now()
        for ticket in self:
            previous = ticket.user_id
            ticket.write(
                {
                    "user_id": self.env.uid,
                    "state": "in_progress",
                    "date_taken": ticket.date_taken or now,
                }
            )
            if previous and previous != self.env.user:
                ticket.message_post(
                    body=_(
                        "%(user)s took over this ticket from %(previous)s.",
                        user=self.env.user.name,
                        previous=previous.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_release(self):
        """Give the ticket back to its group's (or the team's) queue."""
        self._check_open()
        self.write({"user_id": False, "state": "new"})
        return True

    def action_close(self):
        self.write({"state": "closed", "date_closed": fields.Datetime.now()})
        return True

    def action_reopen(self):
        reopen = self.filtered(lambda t: t.state not in OPEN_STATES)
        for ticket in reopen:
            ticket.write(
                {
                    "state": "in_progress" if ticket.user_id else "new",
                    "date_closed": False,
                }
            )
        return True
