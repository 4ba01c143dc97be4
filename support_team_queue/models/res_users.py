from odoo import SUPERUSER_ID, Command, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "support.access.stamp.mixin"]
    # what the ticket rules read of a user (support.access.stamp.mixin)
    _support_access_fields = frozenset(
        ("support_role_id", "support_team_ids", "support_team_id", "active")
    )

    support_role_id = fields.Many2one(
        "support.role",
        index=True,
        ondelete="restrict",
        help="The user's place in the support hierarchy: they see the "
        "tickets owned by holders of every role below it, and receive the "
        "role's profiles.",
    )
    support_team_ids = fields.Many2many(
        "support.team",
        "support_team_operator_rel",
        "user_id",
        "team_id",
        string="Support Teams",
        help="Technical: the other side of the teams' operators.",
    )
    support_team_id = fields.Many2one(
        "support.team",
        compute="_compute_support_team_id",
        inverse="_inverse_support_team_id",
        search="_search_support_team_id",
        help="The support team this user is an operator of (one at most).",
    )
    support_group_ids = fields.Many2many(
        "support.group",
        string="Support Groups",
        compute="_compute_support_group_ids",
        search="_search_support_group_ids",
        help="Groups this user is an effective member of.",
    )
    support_superior_user_ids = fields.Many2many(
        "res.users",
        string="Support Superiors",
        compute="_compute_support_superior_user_ids",
        search="_search_support_superior_user_ids",
        help="Holders of a role strictly above this user's role: they see "
        "the tickets this user owns.",
    )

    # --- Notifications ---
    # Each user decides in their own preferences whether assignments reach them
    # by e-mail.
    support_notify = fields.Boolean(
        string="Support E-mail Notifications",
        default=True,
        help="Receive an e-mail when a support ticket is assigned to you or "
        "to one of your groups, or, as a group's responsible, when the group "
        "gets a new ticket.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + ["support_notify"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["support_notify"]

    def _support_access_team_ids(self):
        return {user.id: set(user.support_team_ids.ids) for user in self}

    @api.depends("support_team_ids")
    def _compute_support_team_id(self):
        for user in self:
            user.support_team_id = user.support_team_ids[:1]

    def _inverse_support_team_id(self):
        for user in self:
            user.support_team_ids = [Command.set(user.support_team_id.ids)]

    def _search_support_team_id(self, operator, value):
        return [("support_team_ids", operator, value)]

    @api.constrains("support_role_id", "groups_id")
    def _check_role_holder_is_internal(self):
        # a role is a place in the support organisation: never a customer's,
        # however it is given (the role's holders, the user form, RPC) or
        # whenever its holder becomes a portal user
        holders = self.filtered(lambda user: user.share and user.support_role_id)
        if holders:
            raise ValidationError(
                self.env._(
                    "Only internal users can hold a role: %s.",
                    ", ".join(holders.mapped("name")),
                )
            )

    @api.constrains("support_team_ids")
    def _check_one_support_team(self):
        # every team counts, those the writer may not read (another company's)
        # too
        for user in self.sudo().with_context(active_test=False):
            if len(user.support_team_ids) > 1:
                raise ValidationError(
                    self.env._(
                        "A user belongs to one support team at most: "
                        "%(user)s cannot join %(teams)s.",
                        user=user.name,
                        teams=", ".join(user.support_team_ids.mapped("name")),
                    )
                )

    @api.depends("support_role_id")
    def _compute_support_group_ids(self):
        Group = self.env["support.group"]
        for user in self:
            user.support_group_ids = Group.search(
                [("effective_user_ids", "in", user.id)]
            )

    def _search_support_group_ids(self, operator, value):
        if operator not in ("in", "="):
            raise UserError(self.env._("Unsupported search on support groups."))
        # the members of the groups the searcher may read, and only if they
        # may read members at all: the search must not tell more than a read
        Group = self.env["support.group"].with_context(active_test=False)
        Group.check_field_access_rights("read", ["effective_user_ids"])
        if isinstance(value, int):
            value = [value]
        # a list of ids, or the query of a sub-field ('support_group_ids.name')
        readable = Group.search([("id", "in", value)]) if value else Group
        return [("id", "in", readable.sudo().effective_user_ids.ids)]

    @api.depends("support_role_id.superior_user_ids")
    def _compute_support_superior_user_ids(self):
        for user in self:
            user.support_superior_user_ids = user.support_role_id.superior_user_ids

    def _search_support_superior_user_ids(self, operator, value):
        """Users whose role lies strictly below the role of the users given
        (``support.role``'s ``superior_user_ids``)."""
        return [("support_role_id.superior_user_ids", operator, value)]

    # ------------------------------------------------------------------
    # Role profiles: holding a role grants its groups
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        for user in users.filtered("support_role_id"):
            user._support_swap_profiles(
                self.env["res.groups"], user.support_role_id.profile_group_ids
            )
        return users

    def write(self, vals):
        # a user changing their own address (Odoo writes it as superuser)
        if vals.get("email") and not self.env.su and self == self.env.user:
            self._support_check_own_address(vals["email"])
        if "support_role_id" not in vals:
            return super().write(vals)
        old_profiles = {user: user.support_role_id.profile_group_ids for user in self}
        result = super().write(vals)
        for user in self:
            user._support_swap_profiles(
                old_profiles[user], user.support_role_id.profile_group_ids
            )
        return result

    # Patch of Odoo: an uninvited sign-up takes no address a contact already has.
    @api.model
    def _signup_create_user(self, values):
        # With sign-up open to anyone (Settings, Customer Account "Free
        # sign up"), Odoo does not check the address: a visitor signing up
        # with a customer's address would become the one Odoo's mail gateway
        # files that customer's next e-mail requests under (it prefers a
        # contact with a user), and read them. Such an address is invited
        # (its contact gets the account), never signed up by whoever types it.
        if "partner_id" not in values and self._support_address_taken(
            values.get("email") or values.get("login")
        ):
            raise UserError(
                self.env._(
                    "This address cannot sign up: ask for an invitation "
                    "from the support desk."
                )
            )
        return super()._signup_create_user(values)

    @api.model
    def _support_address_taken(self, email, partner=None):
        """Whether a contact other than ``partner`` has an address of
        ``email`` (every one of a list: Odoo keeps the first of it as the
        contact's, by which its mail gateway finds them): archived contacts
        too, whatever its case."""
        emails = tools.email_normalize_all(email or "")
        if not emails:
            return False
        domain = [("email_normalized", "in", emails)]
        if partner:
            domain.append(("id", "!=", partner.id))
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        return bool(Partner.search_count(domain, limit=1))

    def _support_check_own_address(self, email):
        """A user gives their account no address another contact has: the
        mail gateway would file that contact's next e-mail requests under
        them (it prefers a contact with a user), or post them in their
        name."""
        if self._support_address_taken(email, self.partner_id):
            raise UserError(
                self.env._(
                    "This address is another contact's: ask the support desk "
                    "to change yours."
                )
            )

    def _support_swap_profiles(self, old_profiles, new_profiles):
        """Replace the groups granted by a former role with a new role's.

        The profiles of the Support category form a chain; losing one also
        drops the Support profiles it implied, so that a demoted user keeps
        exactly the new role's profile. Groups outside that category are
        removed only when the old role named them and the new one does not.
        """
        if old_profiles == new_profiles:
            return
        category = self.env.ref("support_team_queue.module_category_support")
        to_remove = (old_profiles | old_profiles.trans_implied_ids).filtered(
            lambda group: group.category_id == category
        ) | old_profiles
        to_remove -= new_profiles | self.env.ref("base.group_user")
        # Through a role, a support administrator hands out Support profiles
        # only; any other group is the Access Rights manager's to give or
        # take away. (Checked here, on every path that swaps profiles: the
        # holders of a role are written as superuser.)
        others = (to_remove | new_profiles).filtered(
            lambda group: group.category_id != category
        )
        if (
            others
            and self.env.uid != SUPERUSER_ID
            and not self.env.user.has_group("base.group_erp_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only an Access Rights administrator may give or take away "
                    "groups outside the Support category through a role: %s.",
                    ", ".join(others.mapped("full_name")),
                )
            )
        commands = [Command.unlink(group.id) for group in to_remove]
        commands += [Command.link(group.id) for group in new_profiles]
        # Granting a role's profiles follows from assigning the role, which
        # the caller was allowed to do; editing users' groups directly is
        # reserved to Access Rights managers.
        self.sudo().write({"groups_id": commands})

    # --- Sharing rules ---
    # The converse of the ticket's "Who can see this?": which tickets a user
    # can read, and why (support administrators only).

    def _support_readable_tickets_explained(self):
        """``{ticket: [reason, ...]}`` of the active tickets this user can
        read, and the record rules that grant it (see
        support.access.explanation)."""
        self.ensure_one()
        return self.env["support.access.explanation"]._explain_user(self)

    def action_support_readable_tickets(self):
        self.ensure_one()
        return self.env["support.access.explanation"]._open_for_user(self)
