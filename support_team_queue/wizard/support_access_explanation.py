from odoo import api, fields, models
from odoo.exceptions import AccessError

PROFILES = (
    "readonly",
    "agent",
    "manager",
    "supervisor",
    "admin",
)


class _SupportAccessWalker:
    """Who may read which ticket, and why, walked in Python from the data.

    This mirrors rules 1 to 7 of SPEC "Who sees and may change a ticket"
    without going through the record rules' SQL (nor the stored
    ``effective_user_ids``): the tests compare the two, so each is the
    other's check. Everything is read as superuser, archived records
    included, as the record rules join them.
    """

    def __init__(self, env):
        self.env = env(su=True, context=dict(env.context, active_test=False))
        self.profile_ids = {
            name: self.env.ref(f"support_team_queue.group_support_{name}").id
            for name in PROFILES
        }
        self.users = (
            self.env["res.users"]
            .with_context(active_test=True)
            .search(
                [
                    ("share", "=", False),
                    ("groups_id", "in", self.profile_ids["readonly"]),
                ],
                order="name, id",
            )
        )
        self._profiles = {
            user.id: {
                name
                for name, group_id in self.profile_ids.items()
                if group_id in user.groups_id.ids
            }
            for user in self.users
        }
        self.rules_by_team = {}
        rules = (
            self.env["support.sharing.rule"].with_context(active_test=True).search([])
        )
        for rule in rules:
            self.rules_by_team.setdefault(rule.team_id.id, []).append(rule)
        self._memberships = {}

    # -- the data, walked -------------------------------------------------

    def profiles(self, user):
        if user.id not in self._profiles:
            self._profiles[user.id] = {
                name
                for name, group_id in self.profile_ids.items()
                if group_id in user.groups_id.ids
            }
        return self._profiles[user.id]

    @staticmethod
    def role_ids_path(role):
        """Ids of the role's ancestors and the role itself, from the root."""
        return [int(rid) for rid in (role.parent_path or "").split("/") if rid]

    def is_under(self, role, top, strictly=False):
        if not role or not top:
            return False
        path = self.role_ids_path(role)
        if top.id not in path:
            return False
        return not strictly or role != top

    def membership(self, group, user):
        """How ``user`` is an effective member of ``group`` (a phrase), or
        None when they are not."""
        key = (group.id, user.id)
        if key not in self._memberships:
            self._memberships[key] = self._membership(group, user, frozenset())
        return self._memberships[key]

    def _membership(self, group, user, seen):
        if group.id in seen:
            return None
        if user in group.user_ids:
            return self.env._("directly")
        role = user.support_role_id
        if role and role in group.role_ids:
            return self.env._("via role %s", role.complete_name)
        for top in group.role_subtree_ids:
            if self.is_under(role, top):
                return self.env._("via role %s and subordinates", top.complete_name)
        for nested in group.member_group_ids.filtered("active"):  # archived: retired
            path = self._membership(nested, user, seen | {group.id})
            if path:
                return self.env._(
                    "via nested group %(group)s (%(path)s)",
                    group=nested.name,
                    path=path,
                )
        return None

    def rule_covers(self, rule, ticket):
        """Whether the rule's source owns the ticket."""
        if rule.team_id != ticket.team_id:
            return False
        owner = ticket.user_id
        if rule.source_role_id:
            return bool(owner) and owner.support_role_id == rule.source_role_id
        if rule.source_role_subtree_id:
            return bool(owner) and self.is_under(
                owner.support_role_id, rule.source_role_subtree_id
            )
        if rule.source_group_id:
            return ticket.group_id == rule.source_group_id or bool(
                owner and self.membership(rule.source_group_id, owner)
            )
        return False

    def rule_targets(self, rule, user):
        """How the rule's target includes ``user`` (a phrase), or None."""
        if rule.target_user_id:
            return self.env._("directly") if rule.target_user_id == user else None
        role = user.support_role_id
        if rule.target_role_id:
            return (
                self.env._("as holder of the role")
                if role == rule.target_role_id
                else None
            )
        if rule.target_role_subtree_id:
            if self.is_under(role, rule.target_role_subtree_id):
                return self.env._("as holder of %s", role.complete_name)
            return None
        if rule.target_group_id:
            path = self.membership(rule.target_group_id, user)
            return self.env._("as member %s", path) if path else None
        return None

    # -- the reasons --------------------------------------------------------

    @staticmethod
    def reason(kind, label, write=True, unlink=True, rule=None):
        return {
            "kind": kind,
            "label": label,
            "write": write,
            "unlink": unlink,
            "rule": rule,
        }

    def reasons(self, ticket, user):
        """Every reason ``user`` may read ``ticket`` (empty: they may not)."""
        ticket, user = ticket.with_env(self.env), user.with_env(self.env)
        profiles = self.profiles(user)
        if "readonly" not in profiles or user.share:
            return []
        if ticket.company_id and ticket.company_id not in user.company_ids:
            return []
        team, owner, group = ticket.team_id, ticket.user_id, ticket.group_id
        reasons = []
        # 1. profile, team administrator
        if "admin" in profiles:
            reasons.append(
                self.reason(
                    "profile", self.env._("Profile Administrator: every ticket")
                )
            )
        elif "supervisor" in profiles:
            reasons.append(
                self.reason("profile", self.env._("Profile Supervisor: every ticket"))
            )
        if team.admin_id == user:
            reasons.append(
                self.reason(
                    "team_admin", self.env._("Administrator of team %s", team.name)
                )
            )
        # 2. owner
        if owner == user:
            reasons.append(
                self.reason("owner", self.env._("Owner (operator) of the ticket"))
            )
        # 3. above the owner's role
        if owner and self.is_under(
            owner.support_role_id, user.support_role_id, strictly=True
        ):
            path = self.role_ids_path(owner.support_role_id)
            chain = self.env["support.role"].browse(
                path[path.index(user.support_role_id.id) :]
            )
            reasons.append(
                self.reason(
                    "hierarchy",
                    self.env._(
                        "Above the owner %(owner)s in the hierarchy: %(chain)s",
                        owner=owner.name,
                        chain=" > ".join(chain.mapped("name")),
                    ),
                )
            )
        # 4. member of the ticket's group
        if group:
            path = self.membership(group, user)
            if path:
                reasons.append(
                    self.reason(
                        "group",
                        self.env._(
                            "Member of group %(group)s, %(path)s",
                            group=group.name,
                            path=path,
                        ),
                    )
                )
        # 5. open queue
        if (
            not owner
            and not group
            and team.queue_mode == "open"
            and user in team.operator_ids
        ):
            reasons.append(
                self.reason(
                    "open_queue",
                    self.env._("Operator of team %s, whose queue is open", team.name),
                )
            )
        # 6. the team's organisation-wide level
        if team.ticket_access != "private" and user in team.operator_ids:
            level = dict(team._fields["ticket_access"]._description_selection(self.env))
            reasons.append(
                self.reason(
                    "team_level",
                    self.env._(
                        "Operator of team %(team)s, whose tickets are %(level)s",
                        team=team.name,
                        level=level[team.ticket_access],
                    ),
                    write=team.ticket_access in ("public_write", "public_full"),
                    unlink=team.ticket_access == "public_full",
                )
            )
        # 7. sharing rules
        for rule in self.rules_by_team.get(team.id, []):
            if not self.rule_covers(rule, ticket):
                continue
            how = self.rule_targets(rule, user)
            if how:
                reasons.append(
                    self.reason(
                        "sharing_rule",
                        self.env._(
                            "Sharing rule \u201c%(rule)s\u201d (%(how)s)",
                            rule=rule.display_name,
                            how=how,
                        ),
                        write=rule.access == "write",
                        unlink=False,
                        rule=rule,
                    )
                )
        return reasons

    def access(self, user, reasons):
        """(read, write, delete) that the profile and the reasons allow."""
        profiles = self.profiles(user)
        return (
            bool(reasons),
            "agent" in profiles and any(r["write"] for r in reasons),
            "manager" in profiles and any(r["unlink"] for r in reasons),
        )


class SupportAccessExplanation(models.TransientModel):
    """ "Who can see this ticket, and why", and its converse "which tickets
    can this user read, and why"."""

    _name = "support.access.explanation"
    _description = "Support Access Explanation"

    ticket_id = fields.Many2one("support.ticket", readonly=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", readonly=True, ondelete="cascade")
    line_ids = fields.One2many(
        "support.access.explanation.line", "explanation_id", readonly=True
    )

    # -- the engine -----------------------------------------------------------

    @api.model
    def _support_walker(self):
        return _SupportAccessWalker(self.env)

    @api.model
    def _support_explain(self, tickets, users=None):
        """``{ticket: {user: [reason, ...]}}``: the readers of each ticket
        (among ``users``, by default every internal user with a support
        profile), each with why."""
        walker = self._support_walker()
        users = walker.users if users is None else users.sudo()
        result = {}
        for ticket in tickets.sudo().with_context(active_test=False):
            readers = {}
            for user in users:
                reasons = walker.reasons(ticket, user)
                if reasons:
                    readers[user] = reasons
            result[ticket] = readers
        return result

    @api.model
    def _support_explain_user(self, user, tickets=None):
        """``{ticket: [reason, ...]}``: the tickets ``user`` can read (among
        ``tickets``, by default every active ticket), each with why."""
        walker = self._support_walker()
        if tickets is None:
            # every ticket: the explanation must cover them all, no limit
            tickets = self.env["support.ticket"].sudo().search([], order="id")  # pylint: disable=no-search-all
        result = {}
        for ticket in tickets.sudo():
            reasons = walker.reasons(ticket, user.sudo())
            if reasons:
                result[ticket] = reasons
        return result

    # -- the panels -----------------------------------------------------------

    def _support_line_values(self, walker, ticket, user, reasons):
        read, write, unlink = walker.access(user, reasons)
        return {
            "ticket_id": ticket.id,
            "user_id": user.id,
            "reasons": "\n".join(reason["label"] for reason in reasons),
            "reason_count": len(reasons),
            "can_write": write,
            "can_delete": unlink,
        }

    @api.model
    def _support_open_for_ticket(self, ticket):
        ticket.check_access("read")
        if not ticket.support_can_explain_access:
            raise AccessError(
                self.env._(
                    "Only support administrators and the team's administrator "
                    "may see who can read ticket %s.",
                    ticket.display_name,
                )
            )
        walker = self._support_walker()
        lines = []
        for user in walker.users:
            reasons = walker.reasons(ticket.sudo(), user)
            if reasons:
                lines.append(self._support_line_values(walker, ticket, user, reasons))
        explanation = self.sudo().create(
            {
                "ticket_id": ticket.id,
                "line_ids": [fields.Command.create(v) for v in lines],
            }
        )
        return explanation._support_action(
            self.env._("Who can see %s, and why", ticket.display_name)
        )

    @api.model
    def _support_open_for_user(self, user):
        if not self.env.user.has_group("support_team_queue.group_support_admin"):
            raise AccessError(
                self.env._(
                    "Only support administrators may see which tickets a user can read."
                )
            )
        walker = self._support_walker()
        user = user.sudo()
        # every ticket the viewer may read (their companies): the panel
        # must cover them all, no limit, and show no other
        tickets = self.env["support.ticket"].search([], order="id desc")  # pylint: disable=no-search-all
        lines = []
        for ticket in tickets.sudo():
            reasons = walker.reasons(ticket, user)
            if reasons:
                lines.append(self._support_line_values(walker, ticket, user, reasons))
        explanation = self.sudo().create(
            {"user_id": user.id, "line_ids": [fields.Command.create(v) for v in lines]}
        )
        return explanation._support_action(
            self.env._("Tickets %s can read, and why", user.name)
        )

    def _support_action(self, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }


class SupportAccessExplanationLine(models.TransientModel):
    _name = "support.access.explanation.line"
    _description = "Support Access Explanation Line"
    _order = "id"

    explanation_id = fields.Many2one(
        "support.access.explanation", required=True, ondelete="cascade"
    )
    ticket_id = fields.Many2one("support.ticket", ondelete="cascade")
    user_id = fields.Many2one("res.users", ondelete="cascade")
    reasons = fields.Text(string="Why")
    reason_count = fields.Integer(string="Reasons")
    can_write = fields.Boolean(string="May Edit")
    can_delete = fields.Boolean(string="May Delete")
