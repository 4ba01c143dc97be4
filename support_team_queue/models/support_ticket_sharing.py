from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SupportTicket(models.Model):
    """Rule 7: the sharing rules, as fields the record rules search; and who
    may see why a ticket is readable (the explanation panel)."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # --- Sharing rules ---
    # Rule 7 (security/support_rules.xml): the record rules search these two
    # fields with the user's id; their search methods read the active
    # sharing rules targeting that user when the rules are resolved and
    # return the tickets their sources own; any change of a rule, a role or
    # a membership replaces the access stamp, so it applies on the next
    # request, with nothing to recalculate.

    support_shared_with_user_ids = fields.Many2many(
        "res.users",
        string="Shared With",
        compute="_compute_support_shared_user_ids",
        search="_search_support_shared_with_user_ids",
        groups="base.group_user",
        help="Users a sharing rule lets read this ticket.",
    )
    support_shared_for_write_user_ids = fields.Many2many(
        "res.users",
        string="Shared for Writing With",
        compute="_compute_support_shared_user_ids",
        search="_search_support_shared_for_write_user_ids",
        groups="base.group_user",
        help="Users a read-write sharing rule lets edit this ticket "
        "(when their profile allows editing).",
    )
    support_can_explain_access = fields.Boolean(
        compute="_compute_support_can_explain_access",
        help="Technical: whether the current user may see who can read this "
        "ticket (support administrators and the team's administrator).",
    )

    # Access checks on given records (check_access, has_access) decide the
    # rule domains in SQL (``_check_access``); Odoo's filtered_domain (error
    # messages, other callers) evaluates them in Python, on these values:
    # the dependencies keep them current within a transaction, as rule 3's
    # superior_user_ids of the holder's role.
    @api.depends(
        "team_id",
        "group_id",
        "user_role_id.parent_path",
        "team_id.sharing_rule_ids.active",
        "team_id.sharing_rule_ids.access",
        "team_id.sharing_rule_ids.source_role_id",
        "team_id.sharing_rule_ids.source_role_subtree_id.parent_path",
        "team_id.sharing_rule_ids.source_group_id.effective_user_ids",
        "team_id.sharing_rule_ids.target_user_id",
        "team_id.sharing_rule_ids.target_role_id.user_ids",
        "team_id.sharing_rule_ids.target_role_subtree_id.subtree_user_ids",
        "team_id.sharing_rule_ids.target_group_id.effective_user_ids",
    )
    def _compute_support_shared_user_ids(self):
        Users = self.env["res.users"]
        rules = (
            self.env["support.sharing.rule"]
            .sudo()
            .search([("team_id", "in", self.sudo().team_id.ids)])
        )
        Tickets = self.sudo().with_context(active_test=False)
        covered = {
            rule: Tickets.search(
                expression.AND(
                    [[("id", "in", self._origin.ids)], rule._source_domain()]
                )
            )
            for rule in rules
        }
        for ticket in self:
            readers = writers = Users
            for rule in rules:
                if ticket in covered[rule]:
                    targets = rule._target_users()
                    readers |= targets
                    if rule.access == "write":
                        writers |= targets
            ticket.support_shared_with_user_ids = readers
            ticket.support_shared_for_write_user_ids = writers

    # which sharing rules each of rule 7's fields follows, by their access
    _SHARED_ACCESSES = {
        "support_shared_with_user_ids": ("read", "write"),
        "support_shared_for_write_user_ids": ("write",),
    }

    def _search_support_shared_with_user_ids(self, operator, value):
        return self._shared_domain(operator, value, "support_shared_with_user_ids")

    def _search_support_shared_for_write_user_ids(self, operator, value):
        return self._shared_domain(operator, value, "support_shared_for_write_user_ids")

    @api.model
    def _sharing_rules(self, user_ids, fname):
        """The active sharing rules behind field ``fname`` for the users
        given: those targeting them, of the field's accesses."""
        rules = self.env["support.sharing.rule"]._rules_targeting(user_ids)
        accesses = self._SHARED_ACCESSES[fname]
        return rules.filtered(lambda rule: rule.access in accesses)

    def _shared_domain(self, operator, value, fname):
        """Tickets that the sharing rules behind ``fname`` share with the
        users given: the OR of the rules' sources."""
        if operator not in ("in", "="):
            raise UserError(self.env._("Unsupported search on shared tickets."))
        user_ids = value if isinstance(value, list | tuple) else [value]
        rules = self._sharing_rules(user_ids, fname)
        if not rules:
            return expression.FALSE_DOMAIN
        return expression.OR([rule._source_domain() for rule in rules])

    @api.depends_context("uid")
    @api.depends("team_id.admin_id")
    def _compute_support_can_explain_access(self):
        is_admin = self.env.user.has_group("support_team_queue.group_support_admin")
        for ticket in self:
            ticket.support_can_explain_access = (
                is_admin or ticket.sudo().team_id.admin_id == self.env.user
            )

    def _access_explanations(self):
        """Who can read each ticket, and why: the ticket's record rules that
        grant each user access, with the path they reach the user through.

        :return: ``{ticket: {user: [reason, ...]}}`` for the internal users
            holding a support profile who may read it; each reason is a dict
            (``kind``, ``label``, ``rule``, ``record_rules`` and whether they
            grant ``read``, ``write``, ``unlink``).
        """
        Explanation = self.env["support.access.explanation"]
        return Explanation._explain(self)

    def action_support_access_explanation(self):
        """ "Who can see this?": the panel of the ticket's readers."""
        self.ensure_one()
        return self.env["support.access.explanation"]._open_for_ticket(self)
