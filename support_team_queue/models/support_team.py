from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from .support_ticket import PRIORITIES
from .working_hours import WorkingTime


class SupportTeam(models.Model):
    """A support team.

    Whoever creates the team becomes its administrator; operators are the
    users enabled to handle its tickets, and a user belongs to one team only.
    """

    _name = "support.team"
    _description = "Support Team"
    _inherit = [
        "mail.thread",
        "mail.alias.mixin",
        "support.queue.figures.mixin",
        "support.access.stamp.mixin",
        "support.ticket.relation.search.mixin",
    ]
    # what the ticket rules read of a team (support.access.stamp.mixin)
    _support_access_fields = frozenset(
        (
            "admin_id",
            "operator_ids",
            "queue_mode",
            "ticket_access",
            "company_id",
            "active",
        )
    )
    _ticket_field = "team_id"
    # What a team's administrator changes on their team (SPEC "Team
    # administration"); everything else is a Support Administrator's: the
    # administrator, the company, the alias record and its other settings
    # (written as superuser by Odoo's alias mixin: another team's alias, or
    # any alias of the database, could be taken over).
    _team_admin_fields = frozenset(
        (
            "name",
            "operator_ids",
            "queue_mode",
            "ticket_access",
            "expire_hours",
            "alias_name",
            "notify_user_ids",
            "default_priority",
            "acknowledge",
            "resource_calendar_id",
            "group_ids",
            "message_main_attachment_id",
        )
    )
    _order = "name"

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    admin_id = fields.Many2one(
        "res.users",
        string="Administrator",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        index=True,
        help="Sees every ticket of the team and manages its queue.",
    )
    operator_ids = fields.Many2many(
        "res.users",
        "support_team_operator_rel",
        "team_id",
        "user_id",
        string="Operators",
        domain=[("share", "=", False)],
        help="Users enabled to handle this team's tickets. "
        "A user belongs to one support team at most.",
    )
    notify_user_ids = fields.Many2many(
        "res.users",
        "support_team_notify_user_rel",
        "team_id",
        "user_id",
        string="Dispatchers",
        domain=[("share", "=", False)],
        help="The users who route the team's new tickets to groups and operators.",
    )
    group_ids = fields.One2many("support.group", "team_id", string="Groups")
    queue_mode = fields.Selection(
        [
            ("dispatch", "Dispatch: the administrator assigns new tickets"),
            ("open", "Open: every operator sees and takes new tickets"),
        ],
        required=True,
        default="dispatch",
        tracking=True,
        help="Who sees tickets that have neither operator nor group.",
    )
    ticket_access = fields.Selection(
        [
            ("private", "Private"),
            ("public_read", "Public: read only"),
            ("public_write", "Public: read, create and edit"),
            ("public_full", "Public: read, create, edit and delete"),
        ],
        string="Default Ticket Access",
        required=True,
        default="private",
        tracking=True,
        help="Organisation-wide sharing of the team's tickets among its "
        "operators. Private: a ticket is seen by its owner, the owner's "
        "superiors in the role hierarchy and the members of its group.",
    )
    expire_hours = fields.Integer(
        string="Expire After (hours)",
        default=24,
        help="Open tickets expire this many hours after they were created "
        "(working hours when the team has working hours). 0 means never.",
    )
    resource_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Hours",
        help="The team's working hours, holidays included: the expiry and "
        "the response-time targets count these hours only. Empty: around "
        "the clock.",
    )
    sla_count = fields.Integer(
        string="Response-Time Targets", compute="_compute_sla_count"
    )
    default_priority = fields.Selection(
        PRIORITIES,
        default="1",
        required=True,
        help="Priority of the tickets that arrive by e-mail or from the portal "
        "(an organisation's requests may come first).",
    )
    acknowledge = fields.Boolean(
        string="Acknowledge Requests",
        default=True,
        tracking=True,
        help="Send the requester an acknowledgement, with the ticket's number "
        "and its portal link, when a ticket arrives by e-mail or from the "
        'portal (template "Support: Request Acknowledgement").',
    )
    ticket_ids = fields.One2many("support.ticket", "team_id", string="Tickets")
    can_administer = fields.Boolean(
        compute="_compute_can_administer",
        search="_search_can_administer",
        help="Technical: whether the current user may change this team (its "
        "administrator and Support Administrators), as the record rules say.",
    )
    can_configure = fields.Boolean(
        compute="_compute_can_administer",
        help="Technical: whether the current user may also change what only a "
        "Support Administrator changes (its administrator, its company).",
    )
    dashboard_unrouted_count = fields.Integer(
        string="Waiting for Dispatch",
        compute="_compute_dashboard_unrouted_count",
        help="Open tickets of the team with neither group nor operator: the "
        "dispatchers' to route.",
    )

    # --- Sharing rules ---
    # The team's custom rules, next to its organisation-wide level
    # (ticket_access), edited in one screen.
    sharing_rule_ids = fields.One2many(
        "support.sharing.rule",
        "team_id",
        string="Sharing Rules",
        context={"active_test": False},
        help="Custom sharing rules: tickets owned by a role or a group shared "
        "with a role, a group or a user. Each change applies on the next "
        "request.",
    )
    sharing_rule_count = fields.Integer(
        string="Custom Rules",
        compute="_compute_sharing_rule_count",
        help="Active custom sharing rules of the team.",
    )

    # --- Team administration ---
    # The team's administrator runs their own team. The ACLs let every support
    # profile write teams; the rules of security/support_team_admin_rules.xml
    # keep that to the teams whose admin_id they are (Support Administrators:
    # every team). These two fields only ask the same rules, for the views.

    @api.depends_context("uid")
    def _compute_can_administer(self):
        configures = self._may_configure()
        for team in self:
            team.can_administer = self._may_administer(team)
            team.can_configure = team.can_administer and configures

    @api.model
    def _may_administer(self, record):
        """Whether the current user may change ``record``, a team or a group
        (a new one: create one), as the rules of
        security/support_team_admin_rules.xml say."""
        if record._origin:
            return record._origin.has_access("write")
        return record.browse().has_access("create")

    def _search_can_administer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on team administration."))
        if self.browse().has_access("write"):
            domain = self.env["ir.rule"]._compute_domain(self._name, "write")
            domain = expression.normalize_domain(domain or expression.TRUE_DOMAIN)
        else:
            domain = expression.FALSE_DOMAIN
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    def write(self, vals):
        # Odoo's alias mixin writes the alias fields as superuser once the
        # model's ACL lets the user write, without asking the record rules:
        # ask them first.
        self.check_access("write")
        self._check_admin_only_fields(vals)
        return super().write(vals)

    def _support_access_team_ids(self):
        return {team.id: {team.id} for team in self}

    @api.model
    def _may_configure(self):
        return self.env.su or self.env.user.has_group(
            "support_team_queue.group_support_admin"
        )

    def _check_admin_only_fields(self, vals):
        refused = sorted(
            name
            for name in vals
            if name in self._fields and name not in self._team_admin_fields
        )
        if not refused or self._may_configure():
            return
        field = self._fields[refused[0]]
        raise AccessError(
            self.env._(
                'Only a Support Administrator may change the field "%(field)s" '
                "(%(name)s) of a support team.",
                field=field._description_string(self.env),
                name=field.name,
            )
        )

    def action_invite_operator(self):
        """The invitation wizard, for this team."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_operator_invite"
        )
        action["context"] = {"default_team_id": self.id}
        return action

    def _counts_by_team(self, model, domain=()):
        """How many records of ``model`` (of ``domain``) each team has, as the
        current user reads them: ``{team: count}``."""
        return dict(
            self.env[model]._read_group(
                [("team_id", "in", self.ids), *domain], ["team_id"], ["__count"]
            )
        )

    @api.depends("sharing_rule_ids.active")
    def _compute_sharing_rule_count(self):
        counts = self._counts_by_team("support.sharing.rule")
        for team in self:
            team.sharing_rule_count = counts.get(team, 0)

    @api.depends_context("uid")
    def _compute_dashboard_unrouted_count(self):
        counts = self._counts_by_team(
            "support.ticket",
            [("group_id", "=", False), ("user_id", "=", False), ("is_open", "=", True)],
        )
        for team in self:
            team.dashboard_unrouted_count = counts.get(team, 0)

    def action_support_open_unrouted(self):
        """The team's open tickets with neither group nor operator (the
        dispatchers' to route), the list saying so."""
        action = self.action_support_open_queue()
        action["domain"] += [("group_id", "=", False), ("user_id", "=", False)]
        action["display_name"] = self.env._(
            "%(team)s: waiting for dispatch (no group and no operator)",
            team=self.display_name,
        )
        return action

    def _compute_sla_count(self):
        counts = self._counts_by_team("support.sla")
        for team in self:
            team.sla_count = counts.get(team, 0)

    def action_open_slas(self):
        """The team's response-time targets (its administrator edits them)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_sla"
        )
        action["domain"] = [("team_id", "=", self.id)]
        # "My Team" opens teams with create off: not this list's
        action["context"] = {"default_team_id": self.id, "create": True}
        return action

    # --- Working hours ---

    def _working_time(self, since):
        """The team's working time from ``since`` on (models/working_hours.py):
        its calendar's working intervals, or around the clock."""
        self.ensure_one()
        return WorkingTime(self.sudo().resource_calendar_id, since)

    def _expiry_cutoff(self, now):
        """Tickets created at or before this moment have been open the
        team's ``expire_hours`` (working hours, with a calendar) at ``now``;
        False if none can have."""
        self.ensure_one()
        if not self.resource_calendar_id:
            return now - timedelta(hours=self.expire_hours)
        span = timedelta(days=30)
        while True:
            working = self._working_time(now - span)
            elapsed = working.position(now)
            if elapsed >= self.expire_hours:
                return working.moment(elapsed - self.expire_hours, latest=True)
            if span > timedelta(days=3660):
                return False  # not that many working hours in ten years
            span *= 2

    @api.constrains("expire_hours")
    def _check_expire_hours(self):
        if any(team.expire_hours < 0 for team in self):
            raise ValidationError(
                self.env._("The expiry delay cannot be negative: use 0 for never.")
            )

    @api.constrains("operator_ids")
    def _check_one_team_per_operator(self):
        self.operator_ids._check_one_support_team()

    @api.constrains("operator_ids")
    def _check_group_members_are_operators(self):
        for team in self:
            groups = (
                self.env["support.group"]
                .sudo()
                .with_context(active_test=False)
                .search([("team_id", "=", team.id)])
            )
            groups._check_members_are_operators()

    def _may_hold_tickets(self, user):
        """Whether ``user`` may be the operator of this team's tickets: an
        operator or the administrator of the team, or a Supervisor of the
        team's company (one who may read them)."""
        self.ensure_one()
        team = self.sudo()
        return (
            team._has_operator(user)
            or user == team.admin_id
            or (
                user.has_group("support_team_queue.group_support_supervisor")
                and team.company_id in user.sudo().company_ids
            )
        )

    def _has_operator(self, user):
        """``user in self.operator_ids``, read from the user's side: their
        teams (one, mostly), not every operator of the team with their
        active flags."""
        self.ensure_one()
        if self.env.cache.contains(self, self._fields["operator_ids"]):
            return user in self.operator_ids
        # operator_ids, as any relation, leaves archived users out
        user = user.sudo()
        if not user.active and self.env.context.get("active_test", True):
            return False
        teams = user.with_context(active_test=False).support_team_ids
        return self in teams

    @api.constrains("operator_ids", "company_id")
    def _check_operators_of_the_company(self):
        for team in self.sudo():
            misfits = team.operator_ids.filtered(
                lambda user, team=team: (
                    user.share or team.company_id not in user.company_ids
                )
            )
            if misfits:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot be operators of team %(team)s: an "
                        "operator is an internal user of the team's company "
                        "(%(company)s).",
                        users=", ".join(misfits.mapped("name")),
                        team=team.name,
                        company=team.company_id.name,
                    )
                )

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("support.ticket").id
        if self.id:
            values["alias_defaults"] = {"team_id": self.id, "channel": "email"}
        return values
