from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from .support_principal import KINDS, Principal, principals_including, role_ids_path

SOURCE_TYPES = [
    ("role", "Role"),
    ("role_subtree", "Role and Subordinates"),
    ("group", "Group"),
]
TARGET_TYPES = SOURCE_TYPES + [("user", "User")]


class SupportSharingRule(models.Model):
    """A custom sharing rule, beside the team's organisation-wide level.

    The tickets of ``team_id`` owned by the source (holders of a role, of a
    role and every role below it, or a group: its tickets and those of its
    effective members) are shared with the target (holders of a role, of a
    role and below, the effective members of a group, or one user), read
    only or read-write. Rule 7 of the record rules
    (``security/support_rules.xml``) reads the active rules when the rules
    are resolved; creating, editing, archiving or deleting a rule replaces
    the access stamp (``support.access.stamp``), so it applies on the
    next request: there is nothing to recalculate.
    """

    _name = "support.sharing.rule"
    _inherit = ["support.access.stamp.mixin"]
    # what rule 7 reads of a sharing rule (support.access.stamp.mixin)
    _support_access_fields = frozenset(
        (
            "team_id",
            "source_role_id",
            "source_role_subtree_id",
            "source_group_id",
            "target_role_id",
            "target_role_subtree_id",
            "target_group_id",
            "target_user_id",
            "access",
            "active",
        )
    )
    _support_access_records = True
    _description = "Support Sharing Rule"
    _order = "team_id, sequence, id"
    _rec_names_search = [
        "source_role_id.name",
        "source_role_subtree_id.name",
        "source_group_id.name",
        "target_role_id.name",
        "target_role_subtree_id.name",
        "target_group_id.name",
        "target_user_id.name",
        "description",
    ]

    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    description = fields.Text()
    team_id = fields.Many2one(
        "support.team", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="team_id.company_id", store=True)

    source_type = fields.Selection(
        SOURCE_TYPES,
        string="Tickets Owned By",
        compute="_compute_source_type",
        store=True,
        readonly=False,
    )
    source_role_id = fields.Many2one(
        "support.role",
        index=True,
        ondelete="cascade",
        help="Tickets whose operator holds this role.",
    )
    source_role_subtree_id = fields.Many2one(
        "support.role",
        string="Source Role and Subordinates",
        index=True,
        ondelete="cascade",
        help="Tickets whose operator holds this role or any role below it.",
    )
    source_group_id = fields.Many2one(
        "support.group",
        index=True,
        ondelete="cascade",
        domain="[('team_id', '=', team_id)]",
        help="Tickets assigned to this group, or whose operator is one of "
        "its effective members.",
    )

    target_type = fields.Selection(
        TARGET_TYPES,
        string="Shared With",
        compute="_compute_target_type",
        store=True,
        readonly=False,
    )
    target_role_id = fields.Many2one(
        "support.role",
        index=True,
        ondelete="cascade",
        help="Shared with the holders of this role.",
    )
    target_role_subtree_id = fields.Many2one(
        "support.role",
        string="Target Role and Subordinates",
        index=True,
        ondelete="cascade",
        help="Shared with the holders of this role and of every role below it.",
    )
    target_group_id = fields.Many2one(
        "support.group",
        index=True,
        ondelete="cascade",
        domain="[('team_id', '=', team_id)]",
        help="Shared with every effective member of this group.",
    )
    target_user_id = fields.Many2one(
        "res.users",
        index=True,
        ondelete="cascade",
        domain=[("share", "=", False)],
        help="Shared with this user.",
    )
    access = fields.Selection(
        [("read", "Read only"), ("write", "Read and write")],
        required=True,
        default="read",
        help="Read and write lets users whose profile allows editing (Agent "
        "and above) edit the shared tickets. A sharing rule never grants "
        "delete, nor an action the profile lacks.",
    )

    # each side's fields, by the kind of principal they name
    _SOURCE_FIELDS = {
        kind: f"source_{kind}_id" for kind in ("role", "role_subtree", "group")
    }
    _TARGET_FIELDS = {kind: f"target_{kind}_id" for kind in KINDS}

    def _chosen_kind(self, side, default):
        principal = self._principal(side)
        return principal.kind if principal else (self[f"{side}_type"] or default)

    @api.depends(*_SOURCE_FIELDS.values())
    def _compute_source_type(self):
        for rule in self:
            rule.source_type = rule._chosen_kind("source", "role")

    @api.depends(*_TARGET_FIELDS.values())
    def _compute_target_type(self):
        for rule in self:
            rule.target_type = rule._chosen_kind("target", "group")

    @api.onchange("source_type", "target_type")
    def _onchange_side_type(self):
        # the fields of the other kinds of the side are emptied
        for side, fnames in (
            ("source", self._SOURCE_FIELDS),
            ("target", self._TARGET_FIELDS),
        ):
            for kind, fname in fnames.items():
                if kind != self[f"{side}_type"]:
                    self[fname] = False

    def _support_access_team_ids(self):
        return {rule.id: set(rule.team_id.ids) for rule in self}

    def _principal(self, side):
        """The rule's ``side`` ("source" or "target") as a principal, or None
        while it is not chosen."""
        self.ensure_one()
        for kind in KINDS:
            fname = f"{side}_{kind}_id"
            if fname in self._fields and self[fname]:
                return Principal(kind, self[fname])
        return None

    def _side_label(self, side):
        principal = self._principal(side)
        return principal.label() if principal else "?"

    # Computed when displayed, in the reader's language: a stored name would
    # keep the language of whoever last wrote the rule.
    @api.depends(
        "source_role_id.complete_name",
        "source_role_subtree_id.complete_name",
        "source_group_id.name",
        "target_role_id.complete_name",
        "target_role_subtree_id.complete_name",
        "target_group_id.name",
        "target_user_id.name",
        "access",
    )
    @api.depends_context("lang")
    def _compute_display_name(self):
        access_labels = dict(self._fields["access"]._description_selection(self.env))
        for rule in self:
            rule.display_name = self.env._(
                "Tickets of %(owners)s shared with %(target)s: %(access)s",
                owners=rule._side_label("source"),
                target=rule._side_label("target"),
                access=access_labels.get(rule.access, "").lower(),
            )

    @api.constrains(*_SOURCE_FIELDS.values(), *_TARGET_FIELDS.values(), "team_id")
    def _check_source_and_target(self):
        for rule in self:
            sources = [f for f in self._SOURCE_FIELDS.values() if rule[f]]
            if len(sources) != 1:
                raise ValidationError(
                    self.env._(
                        "A sharing rule shares the tickets of exactly one source: "
                        "a role, a role and its subordinates, or a group."
                    )
                )
            targets = [f for f in self._TARGET_FIELDS.values() if rule[f]]
            if len(targets) != 1:
                raise ValidationError(
                    self.env._(
                        "A sharing rule shares with exactly one target: a role, "
                        "a role and its subordinates, a group, or a user."
                    )
                )
            groups = rule.source_group_id | rule.target_group_id
            if groups.team_id - rule.team_id:
                raise ValidationError(
                    self.env._(
                        "Sharing rule of team %(team)s: group %(groups)s belongs "
                        "to another team.",
                        team=rule.team_id.name,
                        groups=", ".join(groups.mapped("name")),
                    )
                )

    # ------------------------------------------------------------------
    # Rule 7: what the record rules call when a ticket query is built
    # ------------------------------------------------------------------

    @api.model
    def _rules_targeting(self, user_ids):
        """The active sharing rules whose target includes one of the users.

        Read when the rules are resolved, as superuser (this is the record-rule
        machinery, not the caller browsing rules).
        """
        # many2many tables are not flushed before a query (see
        # support.ticket._search): count memberships changed just now
        self.env["support.group"].flush_model(["effective_user_ids"])
        self.env["support.sharing.rule"].flush_model()
        Rules = self.sudo().with_context(active_test=True)
        batch = self.env["support.rule.engine"]._batch()
        if batch is not None and batch["user_ids"].issuperset(user_ids):
            # the rules of a batch's users, read for all of them at once
            if "rules_targeting" not in batch:
                batch["rules_targeting"] = self._rules_targeting_each(batch["user_ids"])
            order, targeting = batch["rules_targeting"]
            ids = set().union(*(targeting[user_id] for user_id in user_ids))
            return Rules.browse([rule_id for rule_id in order if rule_id in ids])
        including = principals_including(self.env["res.users"].browse(user_ids))
        return Rules.search(
            expression.OR(
                [
                    [(f"target_{kind}_id", "in", records.ids)]
                    for kind, records in including.items()
                ]
            )
        )

    @api.model
    def _rules_targeting_each(self, user_ids):
        """``(rule ids, {user id: rule ids})``: the active sharing rules
        targeting any of the users, in their order, and those targeting each
        user, as :meth:`_rules_targeting` finds them one user at a
        time, in a few queries for all the users."""
        users = self.env["res.users"].sudo().with_context(active_test=False)
        users = users.browse(sorted(user_ids))
        including = principals_including(users)
        rules = (
            self.sudo()
            .with_context(active_test=True)
            .search(
                expression.OR(
                    [
                        [(f"target_{kind}_id", "in", records.ids)]
                        for kind, records in including.items()
                    ]
                )
            )
        )
        groups_of = {}
        for group in including["group"]:
            for user_id in group.effective_user_ids.ids:
                groups_of.setdefault(user_id, set()).add(group.id)
        targeting = {}
        for user in users:
            # the principals including the user (principals_including)
            role = user.support_role_id
            above = set(role_ids_path(role)) if role else set()
            groups = groups_of.get(user.id, set())
            targeting[user.id] = {
                rule.id
                for rule in rules
                if (rule.target_user_id and rule.target_user_id == user)
                or (rule.target_role_id and rule.target_role_id == role)
                or rule.target_role_subtree_id.id in above
                or rule.target_group_id.id in groups
            }
        return rules.ids, targeting

    def _source_domain(self):
        """Tickets of the rule's team owned by its source, as a domain of
        support.ticket whose ids are resolved now."""
        self.ensure_one()
        rule = self.sudo()
        source = rule._principal("source")
        if not source:
            return expression.FALSE_DOMAIN
        return expression.AND(
            [[("team_id", "=", rule.team_id.id)], source.ticket_domain()]
        )

    def _target_users(self):
        """Every user the rules share with (Python side, for display)."""
        users = self.env["res.users"]
        for rule in self.sudo():
            target = rule._principal("target")
            if target:
                users |= target.users()
        return users
