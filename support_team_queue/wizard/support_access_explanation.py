from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tools.safe_eval import safe_eval

from ..models.support_principal import Principal, role_ids_path

# The operations a ticket's readers are told of. Creating is left out: its
# rule ("operators create tickets in their own team") is about new tickets
# of a team, not about this one.
OPERATIONS = ("read", "write", "unlink")

# The path each of the ticket's record rules (security/support_rules.xml)
# reaches a ticket through: the kind of reason it gives. Which rule grants
# is decided by the rules themselves; this only says which detail (which
# profile, which role, which nested group, which sharing rule) explains it.
# A rule not listed here (one an administrator added) is a reason of its own,
# named after the rule.
RULE_PATHS = {
    "rule_support_ticket_supervisor_all": "profile",
    "rule_support_ticket_team_admin": "team_admin",
    "rule_support_ticket_owner": "owner",
    "rule_support_ticket_role_superior": "hierarchy",
    "rule_support_ticket_group_member": "group",
    "rule_support_ticket_open_queue": "open_queue",
    "rule_support_ticket_team_public_read": "team_level",
    "rule_support_ticket_team_public_write": "team_level",
    "rule_support_ticket_team_public_full": "team_level",
    "rule_support_ticket_shared_read": "sharing_rule",
    "rule_support_ticket_shared_write": "sharing_rule",
}


class _SupportRuleReader:
    """Which record rules of the ticket grant a user which operation on a
    ticket, and through which path.

    The rules are Odoo's ``ir.rule`` records of ``support.ticket``, read as
    Odoo applies them (``ir.rule._compute_domain``): for each operation, the
    rules of the user (``_get_rules``), their domains evaluated for that user
    (``_eval_context``), every global rule holding and one of the group
    rules granting. Each granting group rule on a ticket is evaluated as
    ``ir.rule._get_failing`` does, by a search as superuser; its path detail
    comes from the resolver of "who" (``support_principal.py``) and from the
    sharing rules' own search (``support.ticket._sharing_rules``).
    The profile (the ACLs) says which operations the user may take at all.
    """

    def __init__(self, env):
        self.env = env(su=True, context=dict(env.context, active_test=False))
        self.Rule = self.env["ir.rule"]
        self.Tickets = self.env["support.ticket"]
        readonly = self.env.ref("support_team_queue.group_support_readonly")
        self.users = (
            self.env["res.users"]
            .with_context(active_test=True)
            .search(
                [("share", "=", False), ("groups_id", "in", readonly.id)],
                order="name, id",
            )
        )
        self.paths = {}
        for xmlid, kind in RULE_PATHS.items():
            rule = self.env.ref(f"support_team_queue.{xmlid}", raise_if_not_found=False)
            if rule:
                self.paths[rule.id] = kind
        self._scope = []  # ids of the tickets explained
        self._covered = {}  # sharing rule id: those of them its source owns
        self._acls = {}
        self._domains = {}  # rule id: its domain for the user explained

    def _as_user(self, user):
        """The user's own environment, as a request of theirs has it: their
        companies, not the viewer's."""
        context = dict(self.env.context)
        context.pop("allowed_company_ids", None)
        return self.env(user=user.id, su=False, context=context)

    def acl(self, user):
        """``{operation: bool}``: what the user's profile allows at all."""
        if user.id not in self._acls:
            Access = self._as_user(user)["ir.model.access"]
            self._acls[user.id] = {
                operation: Access.check("support.ticket", operation, False)
                for operation in OPERATIONS
            }
        return self._acls[user.id]

    # -- the rules ----------------------------------------------------------

    def grants(self, user, tickets):
        """``{ticket id: {rule: {operation, ...}}}``: the group rules of the
        user that grant each operation on each of ``tickets``, where the
        operation's global rules hold too. ``rule`` is None for an operation
        no group rule of the user restricts (Odoo then grants it wherever
        the global rules hold)."""
        env = self._as_user(user)
        Rule = env["ir.rule"]
        eval_context = Rule._eval_context()
        user_groups = env.user.groups_id
        ids = tickets.ids
        holding, self._domains = {}, {}

        def holds(rule):
            if rule.id not in holding:
                domain = expression.normalize_domain(
                    safe_eval(rule.domain_force or "[]", eval_context)
                )
                self._domains[rule.id] = domain
                domain = expression.AND([[("id", "in", ids)], domain])
                holding[rule.id] = set(self.Tickets.search(domain).ids)
            return holding[rule.id]

        granted = {ticket_id: {} for ticket_id in ids}
        for operation in OPERATIONS:
            allowed = set(ids)
            group_rules = []
            for rule in Rule._get_rules("support.ticket", mode=operation).sudo():
                if not rule.groups:
                    allowed &= holds(rule)
                elif rule.groups & user_groups:
                    group_rules.append(rule)
            if not group_rules:
                for ticket_id in allowed:
                    granted[ticket_id].setdefault(None, set()).add(operation)
            for rule in group_rules:
                for ticket_id in holds(rule) & allowed:
                    granted[ticket_id].setdefault(rule, set()).add(operation)
        return granted

    # -- the paths ----------------------------------------------------------

    def reasons(self, user, ticket, granted):
        """The reasons ``granted`` (the rules granting on ``ticket``, from
        :meth:`grants`) give ``user``, one per path, in the rules' order:
        dicts of ``kind``, ``label``, ``rule`` (a sharing rule, or None),
        ``record_rules`` (``{operation: ir.rule}``) and, for each operation,
        whether one of those rules grants it."""
        ticket, user = ticket.with_env(self.env), user.with_env(self.env)
        reasons = {}
        for rule in sorted(granted, key=lambda rule: rule.id if rule else 0):
            for key, kind, label, sharing_rule in self.paths_of(rule, ticket, user):
                reason = reasons.setdefault(
                    key,
                    {
                        "kind": kind,
                        "label": label,
                        "rule": sharing_rule,
                        "record_rules": dict.fromkeys(OPERATIONS, self.Rule),
                        **dict.fromkeys(OPERATIONS, False),
                    },
                )
                for operation in granted[rule]:
                    if rule:
                        reason["record_rules"][operation] |= rule
                    reason[operation] = True
        return list(reasons.values())

    def paths_of(self, rule, ticket, user):
        """``[(key, kind, label, sharing rule), ...]``: the paths by which
        ``rule``, granting on ``ticket``, reaches ``user``."""
        if not rule:  # no group rule of the user limits the operation
            label = self.env._("No record rule limits the profile")
            return [(("unrestricted",), "unrestricted", label, None)]
        kind = self.paths.get(rule.id)
        label = None
        if kind == "sharing_rule":
            return self.sharing_paths(rule, ticket, user)
        team, owner = ticket.team_id, ticket.user_id
        if kind == "profile":
            profile = self.profile(user, rule)
            label = profile and self.env._("Profile %s: every ticket", profile.name)
        elif kind == "team_admin":
            label = self.env._("Administrator of team %s", team.name)
        elif kind == "owner":
            label = self.env._("Owner (operator) of the ticket")
        elif kind == "hierarchy":
            label = self.hierarchy_label(user, owner)
        elif kind == "group":
            path = Principal("group", ticket.group_id).membership(user)
            label = path and self.env._(
                "Member of group %(group)s, %(path)s",
                group=ticket.group_id.name,
                path=path,
            )
        elif kind == "open_queue":
            label = self.env._("Operator of team %s, whose queue is open", team.name)
        elif kind == "team_level":
            levels = dict(
                team._fields["ticket_access"]._description_selection(self.env)
            )
            label = self.env._(
                "Operator of team %(team)s, whose tickets are %(level)s",
                team=team.name,
                level=levels[team.ticket_access],
            )
        if not label:  # a rule of its own, or a path the resolver cannot tell
            return [(("rule", rule.id), "rule", rule.name, None)]
        return [((kind,), kind, label, None)]

    def profile(self, user, rule):
        """The user's highest profile among those the rule is for."""
        profiles = user.groups_id.filtered(
            lambda group: (
                group.category_id in rule.groups.category_id
                and (group | group.trans_implied_ids) & rule.groups
            )
        )
        return profiles.sorted(lambda group: len(group.trans_implied_ids))[-1:]

    def hierarchy_label(self, user, owner):
        path = role_ids_path(owner.support_role_id)
        role = user.support_role_id
        if role.id not in path:
            return None
        chain = self.env["support.role"].browse(path[path.index(role.id) :])
        return self.env._(
            "Above the owner %(owner)s in the hierarchy: %(chain)s",
            owner=owner.name,
            chain=" > ".join(chain.mapped("name")),
        )

    def sharing_paths(self, rule, ticket, user):
        """One path per sharing rule behind the fields ``rule`` searches
        that targets ``user`` and covers ``ticket``."""
        fields_searched = [
            term[0]
            for term in self._domains[rule.id]
            if expression.is_leaf(term) and term[0] in self.Tickets._SHARED_ACCESSES
        ]
        paths = []
        for fname in fields_searched:
            sharing_rules = self.Tickets._sharing_rules(user.ids, fname)
            for sharing_rule in sharing_rules:
                if ticket.id not in self.covered(sharing_rule):
                    continue
                label = self.env._(
                    "Sharing rule \u201c%(rule)s\u201d (%(how)s)",
                    rule=sharing_rule.display_name,
                    how=sharing_rule._principal("target").membership(user),
                )
                key = ("sharing_rule", sharing_rule.id)
                paths.append((key, "sharing_rule", label, sharing_rule))
        return paths or [(("rule", rule.id), "rule", rule.name, None)]

    def covered(self, sharing_rule):
        """Ids of the tickets explained whose owner is the rule's source."""
        if sharing_rule.id not in self._covered:
            domain = expression.AND(
                [[("id", "in", self._scope)], sharing_rule._source_domain()]
            )
            self._covered[sharing_rule.id] = set(self.Tickets.search(domain).ids)
        return self._covered[sharing_rule.id]

    # -- the verdicts -------------------------------------------------------

    def explain(self, user, tickets):
        """``{ticket: [reason, ...]}`` for the tickets of ``tickets`` that
        ``user`` may read."""
        user = user.with_env(self.env)
        tickets = tickets.with_env(self.env)
        if tickets.ids != self._scope:
            self._scope, self._covered = tickets.ids, {}
        granted = self.grants(user, tickets)
        result = {}
        for ticket in tickets:
            reasons = self.reasons(user, ticket, granted[ticket.id])
            if self.access(user, reasons)[0]:
                result[ticket] = reasons
        return result

    def access(self, user, reasons):
        """(read, write, delete) that the profile and the reasons allow."""
        acl = self.acl(user)
        return tuple(
            acl[operation] and any(reason[operation] for reason in reasons)
            for operation in OPERATIONS
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
    def _walker(self):
        """The reader of the ticket's record rules (``_SupportRuleReader``)."""
        return _SupportRuleReader(self.env)

    @api.model
    def _explain(self, tickets, users=None):
        """``{ticket: {user: [reason, ...]}}``: the readers of each ticket
        (among ``users``, by default every internal user with a support
        profile), each with why."""
        reader = self._walker()
        users = reader.users if users is None else users.sudo()
        tickets = tickets.sudo().with_context(active_test=False)
        result = {ticket: {} for ticket in tickets}
        for user in users:
            for ticket, reasons in reader.explain(user, tickets).items():
                result[ticket][user] = reasons
        return result

    @api.model
    def _explain_user(self, user, tickets=None):
        """``{ticket: [reason, ...]}``: the tickets ``user`` can read (among
        ``tickets``, by default every active ticket), each with why."""
        if tickets is None:
            # every ticket: the explanation must cover them all, no limit
            tickets = self.env["support.ticket"].sudo().search([], order="id")  # pylint: disable=no-search-all
        return self._walker().explain(user.sudo(), tickets.sudo())

    # -- the panels -----------------------------------------------------------

    def _line_values(self, reader, ticket, user, reasons):
        read, write, unlink = reader.access(user, reasons)
        return {
            "ticket_id": ticket.id,
            "user_id": user.id,
            "reasons": "\n".join(reason["label"] for reason in reasons),
            "reason_count": len(reasons),
            "record_rules": self._record_rules_text(reasons),
            "can_write": write,
            "can_delete": unlink,
        }

    @api.model
    def _record_rules_text(self, reasons):
        """Each record rule behind ``reasons``, with the operations it grants
        (named as on the record rule's form)."""
        Rule = self.env["ir.rule"]
        labels = {
            operation: Rule._fields[f"perm_{operation}"]._description_string(self.env)
            for operation in OPERATIONS
        }
        granted = {}
        for reason in reasons:
            for operation, rules in reason["record_rules"].items():
                for rule in rules:
                    granted.setdefault(rule, set()).add(operation)
        return "\n".join(
            f"{rule.name} ({', '.join(labels[op] for op in OPERATIONS if op in ops)})"
            for rule, ops in sorted(granted.items(), key=lambda item: item[0].id)
        )

    @api.model
    def _open_for_ticket(self, ticket):
        ticket.check_access("read")
        if not ticket.support_can_explain_access:
            raise AccessError(
                self.env._(
                    "Only support administrators and the team's administrator "
                    "may see who can read ticket %s.",
                    ticket.display_name,
                )
            )
        reader = self._walker()
        lines = []
        for user in reader.users:
            reasons = reader.explain(user, ticket.sudo()).get(ticket)
            if reasons:
                lines.append(self._line_values(reader, ticket, user, reasons))
        explanation = self.sudo().create(
            {
                "ticket_id": ticket.id,
                "line_ids": [fields.Command.create(v) for v in lines],
            }
        )
        return explanation._action(
            self.env._("Who can see %s, and why", ticket.display_name)
        )

    @api.model
    def _open_for_user(self, user):
        if not self.env.user.has_group("support_team_queue.group_support_admin"):
            raise AccessError(
                self.env._(
                    "Only support administrators may see which tickets a user can read."
                )
            )
        reader = self._walker()
        user = user.sudo()
        # every ticket the viewer may read (their companies): the panel
        # must cover them all, no limit, and show no other
        tickets = self.env["support.ticket"].search([], order="id desc")  # pylint: disable=no-search-all
        explained = reader.explain(user, tickets.sudo())
        lines = [
            self._line_values(reader, ticket, user, explained[ticket])
            for ticket in tickets.sudo()
            if ticket in explained
        ]
        explanation = self.sudo().create(
            {"user_id": user.id, "line_ids": [fields.Command.create(v) for v in lines]}
        )
        return explanation._action(
            self.env._("Tickets %s can read, and why", user.name)
        )

    def _action(self, name):
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
    record_rules = fields.Text(
        string="Granted By",
        help="The record rules that grant the user access to the ticket, each "
        "with the operations it grants.",
    )
    can_write = fields.Boolean(string="May Edit")
    can_delete = fields.Boolean(string="May Delete")
