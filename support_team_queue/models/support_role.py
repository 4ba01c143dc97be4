from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from .support_principal import Principal


class SupportRole(models.Model):
    """A node of the role hierarchy (the organisation chart).

    Holders of a role see the tickets owned by holders of every role below
    it; holding a role grants its profiles (``profile_group_ids``).
    """

    _name = "support.role"
    _inherit = ["support.access.stamp.mixin"]
    # what the ticket rules read of a role (support.access.stamp.mixin); its
    # holders are written on the users (``_set_holders``)
    _support_access_fields = frozenset(("parent_id", "user_ids"))
    _support_access_records = True
    _description = "Support Role"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(
        compute="_compute_complete_name", recursive=True, store=True
    )
    parent_id = fields.Many2one(
        "support.role",
        string="Reports To",
        index=True,
        ondelete="restrict",
        help="The role directly above this one in the hierarchy.",
    )
    child_ids = fields.One2many("support.role", "parent_id", string="Subordinate Roles")
    parent_path = fields.Char(index=True)
    user_ids = fields.One2many(
        "res.users",
        "support_role_id",
        string="Holders",
        domain=[("share", "=", False)],
    )
    profile_group_ids = fields.Many2many(
        "res.groups",
        "support_role_profile_rel",
        "role_id",
        "group_id",
        string="Profiles",
        help="Access groups granted to every holder of this role. "
        "Changing them updates the holders at once.",
    )
    subtree_user_ids = fields.Many2many(
        "res.users",
        "support_role_subtree_user_rel",
        "role_id",
        "user_id",
        string="Holders of This Role and Below",
        compute="_compute_subtree_user_ids",
        recursive=True,
        store=True,
    )
    superior_user_ids = fields.Many2many(
        "res.users",
        string="Superiors",
        compute="_compute_superior_user_ids",
        search="_search_superior_user_ids",
        recursive=True,
        help="Holders of a role strictly above this one: they see the "
        "tickets held by this role's holders.",
    )
    user_count = fields.Integer(compute="_compute_user_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for role in self:
            if role.parent_id:
                role.complete_name = f"{role.parent_id.complete_name} / {role.name}"
            else:
                role.complete_name = role.name

    @api.depends("user_ids", "child_ids.subtree_user_ids")
    def _compute_subtree_user_ids(self):
        # archived holders stay in, whoever triggers the recompute: restoring
        # a user restores their place (see support.group's members)
        for role in self.with_context(active_test=False):
            role.subtree_user_ids = role.user_ids | role.child_ids.subtree_user_ids

    # the holders above, by their fields: a holder who takes, leaves or is
    # archived from a role above is followed in the same transaction
    @api.depends(
        "parent_id.user_ids.active",
        "parent_id.user_ids.support_role_id",
        "parent_id.superior_user_ids",
    )
    def _compute_superior_user_ids(self):
        for role in self:
            parent = role.parent_id.sudo()
            # shown on the users' form: the active holders
            role.superior_user_ids = (
                Principal("role", parent).users().filtered("active")
                | parent.superior_user_ids
            )

    def _search_superior_user_ids(self, operator, value):
        """Roles strictly below the roles of the users given.

        Computed when the ticket rules are resolved, never kept in a rule's
        domain (the resolved rules are cached under the access stamp, which
        every change of role or hierarchy replaces): the superiors' rule
        follows such a change on the very next request.
        """
        if operator not in ("in", "="):
            raise UserError(self.env._("Unsupported search on support superiors."))
        user_ids = value if isinstance(value, list | tuple) else [value]
        roles = self.env["res.users"].sudo().browse(user_ids).support_role_id
        if not roles:
            return expression.FALSE_DOMAIN
        # A role is strictly below one of ``roles`` when its parent is one of
        # them or below them. (``('parent_id', 'child_of', ids)`` would mean
        # "the role is in the subtree", peers and the roles themselves
        # included.)
        subtree = Principal("role_subtree", roles).roles()
        return [("parent_id", "in", subtree.ids)]

    @api.depends("user_ids")
    def _compute_user_count(self):
        for role in self:
            role.user_count = len(role.user_ids)

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            self._raise_cycle_error()

    def _raise_cycle_error(self):
        raise ValidationError(
            self.env._("A role cannot report to itself or to one of its subordinates.")
        )

    @api.constrains("profile_group_ids")
    def _check_profile_group_ids(self):
        # A role grants its profiles to every holder: outside the Support
        # category that would let a support administrator hand out any
        # access (Settings included), which is the Access Rights manager's call.
        if self.env.su or self.env.user.has_group("base.group_erp_manager"):
            return
        category = self.env.ref("support_team_queue.module_category_support")
        if any(group.category_id != category for group in self.profile_group_ids):
            raise ValidationError(
                self.env._(
                    "Only an Access Rights administrator may grant profiles "
                    "outside the Support category."
                )
            )

    # The hierarchy's path and the holders of a subtree follow the parents:
    # Odoo would store a value written to them, and superiors would see
    # what no hierarchy explains
    _computed_only = frozenset(("parent_path", "subtree_user_ids"))

    def _check_computed_only(self, vals):
        written = sorted(self._computed_only.intersection(vals))
        if written and not self.env.su:
            raise AccessError(
                self.env._(
                    "%(fields)s of a role follow its parents and holders: "
                    "they are not written.",
                    fields=", ".join(written),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_computed_only(vals)
        holder_commands = [vals.pop("user_ids", None) for vals in vals_list]
        roles = super().create(vals_list)
        for role, commands in zip(roles, holder_commands, strict=True):
            if commands is not None:
                role._set_holders(commands)
        return roles

    def write(self, vals):
        self._check_computed_only(vals)
        if vals.get("parent_id"):
            # checked before the write: _parent_store would otherwise stop a
            # loop first, with a less helpful message
            new_parent = self.browse(vals["parent_id"])
            if any(
                new_parent.parent_path.startswith(role.parent_path) for role in self
            ):
                self._raise_cycle_error()
        holder_commands = vals.pop("user_ids", None)
        old_profiles = {role: role.profile_group_ids for role in self}
        result = super().write(vals)
        if "profile_group_ids" in vals:
            for role in self:
                role.user_ids._support_swap_profiles(
                    old_profiles[role], role.profile_group_ids
                )
        if holder_commands is not None:
            self._set_holders(holder_commands)
        return result

    def _set_holders(self, commands):
        """Apply ``user_ids`` commands once the role itself was checked.

        Holders are stored on ``res.users.support_role_id``; only Access
        Rights managers may edit users, and Odoo refuses sudo commands on
        them. Assigning holders is part of configuring the role, which the
        caller's ``write``/``create`` just checked, so the users are written
        here explicitly, as superuser, for that one field.
        """
        self.check_access("write")
        Users = self.env["res.users"].sudo()
        for role in self:
            holders = new_holders = role.user_ids.sudo()
            for command in commands:
                operation = command[0]
                if operation == Command.LINK:
                    new_holders |= Users.browse(command[1])
                elif operation in (Command.UNLINK, Command.DELETE):
                    new_holders -= Users.browse(command[1])
                elif operation == Command.SET:
                    new_holders = Users.browse(command[2])
                elif operation == Command.CLEAR:
                    new_holders = Users
                else:
                    raise UserError(
                        self.env._(
                            "A role's holders are existing users: add or remove them."
                        )
                    )
            (holders - new_holders).write({"support_role_id": False})
            (new_holders - holders).write({"support_role_id": role.id})
