from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from .support_principal import Principal


class SupportGroup(models.Model):
    """An assistance group: its effective members see the tickets assigned
    to it.

    Members come in four kinds: users, holders of a role, holders of a role and
    of every role below it, and the effective members of other groups.
    ``effective_user_ids`` flattens them; it is stored so that record rules
    join it like any table, and the ORM recomputes it in the same transaction
    as any change it depends on.
    """

    _name = "support.group"
    _description = "Support Group"
    _inherit = [
        "support.queue.figures.mixin",
        "support.access.stamp.mixin",
        "support.search.access.mixin",
        "support.ticket.relation.search.mixin",
    ]
    _ticket_field = "group_id"
    # what the ticket rules read of a group (support.access.stamp.mixin):
    # its members of each kind, both sides of the nesting, whether it still
    # lends its members to the groups that nest it
    _support_access_fields = frozenset(
        (
            "user_ids",
            "role_ids",
            "role_subtree_ids",
            "member_group_ids",
            "parent_group_ids",
            "active",
        )
    )
    _support_access_records = True
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    description = fields.Text()
    team_id = fields.Many2one(
        "support.team", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True)
    user_ids = fields.Many2many(
        "res.users",
        "support_group_user_rel",
        "group_id",
        "user_id",
        string="Users",
        domain=[("share", "=", False)],
        groups="base.group_user",
    )
    role_ids = fields.Many2many(
        "support.role",
        "support_group_role_rel",
        "group_id",
        "role_id",
        string="Roles",
        help="Holders of these roles are members.",
        groups="base.group_user",
    )
    role_subtree_ids = fields.Many2many(
        "support.role",
        "support_group_role_subtree_rel",
        "group_id",
        "role_id",
        string="Roles and Subordinates",
        help="Holders of these roles and of every role below them are members.",
        groups="base.group_user",
    )
    member_group_ids = fields.Many2many(
        "support.group",
        "support_group_nesting_rel",
        "parent_id",
        "child_id",
        string="Member Groups",
        help="Every effective member of these groups is a member.",
        groups="base.group_user",
    )
    parent_group_ids = fields.Many2many(
        "support.group",
        "support_group_nesting_rel",
        "child_id",
        "parent_id",
        string="Member of Groups",
        readonly=True,
        groups="base.group_user",
    )
    effective_user_ids = fields.Many2many(
        "res.users",
        "support_group_effective_user_rel",
        "group_id",
        "user_id",
        string="Effective Members",
        compute="_compute_effective_user_ids",
        recursive=True,
        store=True,
        groups="base.group_user",
    )
    portal_visible = fields.Boolean(
        string="Visible on the Portal",
        help="Customers may choose this group when they ask for help.",
    )
    notify_user_ids = fields.Many2many(
        "res.users",
        "support_group_notify_user_rel",
        "group_id",
        "user_id",
        string="Responsible and Supervisors",
        domain=[("share", "=", False)],
        help="Told of each new ticket of this group.",
        groups="base.group_user",
    )
    ticket_ids = fields.One2many(
        "support.ticket", "group_id", string="Tickets", groups="base.group_user"
    )
    queue_readable = fields.Boolean(
        string="Queue I Read",
        compute="_compute_queue_readable",
        search="_search_queue_readable",
        help="Whether the ticket rules let the current user read the tickets "
        "waiting in this group's queue: the dashboard shows only those "
        "groups, so an empty card never stands for a queue one cannot see.",
    )
    can_administer = fields.Boolean(
        compute="_compute_can_administer",
        help="Technical: whether the current user may change this group (the "
        "administrator of its team and Support Administrators), as the record "
        "rules say.",
    )
    can_move = fields.Boolean(
        compute="_compute_can_administer",
        help="Technical: whether the current user may also move this group to "
        "another team (Support Administrators).",
    )

    @api.depends(
        "user_ids",
        "role_ids.user_ids",
        "role_subtree_ids.subtree_user_ids",
        "member_group_ids.active",
        "member_group_ids.effective_user_ids",
    )
    def _compute_effective_user_ids(self):
        # Whoever triggers the recompute: an archived member group is retired
        # (its members no longer count); an archived user stays a member, so
        # that restoring them restores their access (nothing recomputes the
        # groups when a user is archived or restored). Odoo hides archived
        # records from x2many values unless active_test is off.
        Users = self.env["res.users"]
        for group in self.with_context(active_test=False):
            group.effective_user_ids = Users.union(
                *(member.users() for member in group._member_principals())
            )

    def _member_principals(self):
        """The group's members, one principal per kind: its users, the
        holders of its roles, of its roles and their subordinates, and the
        effective members of its active member groups."""
        self.ensure_one()
        group = self.sudo().with_context(active_test=False)
        return [
            Principal("user", group.user_ids),
            Principal("role", group.role_ids),
            Principal("role_subtree", group.role_subtree_ids),
            Principal("group", group.member_group_ids.filtered("active")),
        ]

    def _support_access_team_ids(self):
        return {group.id: set(group.team_id.ids) for group in self}

    @api.constrains("user_ids", "team_id")
    def _check_members_are_operators(self):
        for group in self.sudo().with_context(active_test=False):
            outsiders = group.user_ids - group.team_id.operator_ids
            if outsiders:
                raise ValidationError(
                    self.env._(
                        "%(users)s cannot be a member of group %(group)s: "
                        "only operators of team %(team)s can.",
                        users=", ".join(outsiders.mapped("name")),
                        group=group.name,
                        team=group.team_id.name,
                    )
                )

    # --- Team administration ---
    @api.depends_context("uid")
    def _compute_queue_readable(self):
        readable = self.search([("id", "in", self.ids), ("queue_readable", "=", True)])
        for group in self:
            group.queue_readable = group in readable

    def _search_queue_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on %s.", "queue_readable"))
        # The ticket rules that reach a ticket waiting in a group's queue
        # (security/support_rules.xml): everything for supervisors, the
        # team's administrator, the group's members, a public team's
        # operators, the targets of a sharing rule of the group.
        user = self.env.user
        if user.has_group("support_team_queue.group_support_supervisor"):
            domain = expression.TRUE_DOMAIN
        else:
            shared = self.env["support.sharing.rule"]._rules_targeting(user.ids)
            domain = expression.OR(
                [
                    [("team_id.admin_id", "=", user.id)],
                    [("effective_user_ids", "in", user.id)],
                    [
                        ("team_id.ticket_access", "!=", "private"),
                        ("team_id.operator_ids", "in", user.id),
                    ],
                    [("id", "in", shared.source_group_id.ids)],
                ]
            )
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    # The rules of security/support_team_admin_rules.xml let a team's
    # administrator create, change and delete the groups of their team;
    # Odoo checks them before a write, not after, so moving a group is
    # checked here.

    @api.depends_context("uid")
    def _compute_can_administer(self):
        Team = self.env["support.team"]
        configures = Team._may_configure()
        for group in self:
            group.can_administer = Team._may_administer(group)
            group.can_move = group.can_administer and configures

    # Odoo stores a value written to a computed field without an inverse:
    # a write of the flattened members would give access that no membership
    # explains, the company would leave its team's
    _computed_only = frozenset(("effective_user_ids", "company_id"))

    def _check_computed_only(self, vals):
        written = sorted(self._computed_only.intersection(vals))
        if written and not self.env.su:
            raise AccessError(
                self.env._(
                    "%(fields)s of a group follow its members and its team: "
                    "they are not written.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in written
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_computed_only(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._check_computed_only(vals)
        if "team_id" in vals and not self.env["support.team"]._may_configure():
            moved = self.filtered(lambda group: group.team_id.id != vals["team_id"])
            if moved:
                raise AccessError(
                    self.env._(
                        "Only a Support Administrator may move a group to "
                        "another team: %s.",
                        ", ".join(moved.mapped("name")),
                    )
                )
        return super().write(vals)

    # Both sides of the nesting: a group is made a member of another from
    # either of them (``parent_group_ids`` is read-only in the views only).
    @api.constrains("member_group_ids", "parent_group_ids")
    def _check_member_group_cycle(self):
        if self._has_cycle("member_group_ids"):
            raise ValidationError(
                self.env._(
                    "A group cannot contain itself, directly or through other groups."
                )
            )

    @api.constrains("member_group_ids", "parent_group_ids", "team_id")
    def _check_member_group_team(self):
        for group in self.with_context(active_test=False):
            if group.member_group_ids.team_id - group.team_id:
                raise ValidationError(
                    self.env._(
                        "Group %(group)s can only contain groups of its own team.",
                        group=group.name,
                    )
                )
            if group.parent_group_ids.team_id - group.team_id:
                raise ValidationError(
                    self.env._(
                        "Group %(group)s can only be a member of groups of its "
                        "own team.",
                        group=group.name,
                    )
                )

    # A ticket, a sharing rule and a response-time target each check that
    # the groups they name are of their own team, on their side only: a
    # group moved to another team would leave them naming it, and the new
    # team's administrator, deciding its members, would decide who reads
    # and changes the former team's tickets.
    @api.constrains("team_id")
    def _check_team_of_what_names_the_group(self):
        env = self.env(su=True, context=dict(self.env.context, active_test=False))
        for group in self.with_env(env):
            team = group.team_id.id
            if (
                env["support.ticket"].search_count(
                    [("group_id", "=", group.id), ("team_id", "!=", team)], limit=1
                )
                or env["support.sharing.rule"].search_count(
                    [
                        "|",
                        ("source_group_id", "=", group.id),
                        ("target_group_id", "=", group.id),
                        ("team_id", "!=", team),
                    ],
                    limit=1,
                )
                or env["support.sla"].search_count(
                    [("group_ids", "in", group.id), ("team_id", "!=", team)], limit=1
                )
            ):
                raise ValidationError(
                    self.env._(
                        "Group %(group)s cannot move to another team while "
                        "tickets, sharing rules or response-time targets of its "
                        "team name it: move or change them first.",
                        group=group.name,
                    )
                )

    # --- Deletion ---
    # Deleting a group sends its open tickets back unassigned and takes its
    # closed ones out of the history. The group's open tickets lose the group
    # and keep their operator, if any; one with neither is back in the team's
    # queue (the administrator's in dispatch mode, every operator's in open
    # mode). Its closed and expired tickets are archived: they leave the
    # history, and are never destroyed. The reference to the group cannot
    # outlive it (ticket.group_id is ondelete="set null"), so each ticket's
    # chatter keeps the group's name: the tracked change of group, and a note.

    def unlink(self):
        # the tickets are rewritten as superuser: only once the caller may
        # delete the groups
        self.check_access("unlink")
        Ticket = self.env["support.ticket"].sudo().with_context(active_test=False)
        for group in self:
            tickets = Ticket.search([("group_id", "=", group.id)])
            if not tickets:
                continue
            done = tickets.filtered(lambda ticket: not ticket.is_open)
            note = self.env._(
                "Group %(group)s was deleted: open tickets are back in the "
                "queue, closed and expired ones are archived.",
                group=group.name,
            )
            tickets._message_log_batch(bodies=dict.fromkeys(tickets.ids, note))
            (tickets - done).write({"group_id": False})
            done.write({"group_id": False, "active": False})
        return super().unlink()
