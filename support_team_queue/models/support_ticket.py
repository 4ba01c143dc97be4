import contextlib
import contextvars
import functools
import uuid
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, create_index, email_normalize, index_exists, mute_logger

OPEN_STATES = ("new", "in_progress", "waiting")

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]


def _hours_between(start, end):
    """Hours from ``start`` to ``end``, never negative (dates imported or
    typed by hand may disagree)."""
    if not start or not end:
        return 0.0
    return max((end - start).total_seconds(), 0) / 3600


# Set while the workflow (Take, Wait, Release, Close, Reopen) writes what it
# owns: a Python flag, which no RPC context can carry.
_workflow_writing = contextvars.ContextVar("support_workflow_writing", default=False)


@contextlib.contextmanager
def _workflow_write():
    token = _workflow_writing.set(True)
    try:
        yield
    finally:
        _workflow_writing.reset(token)


class _ReachedIds(tuple):
    """Stands for the ids a rule's many2one path reaches until they are read
    (``SupportTicket._support_resolve_rule_domain``)."""


class SupportTicket(models.Model):
    """A support request (vTiger's "Assistenza Clienti" ticket).

    A ticket is owned by its operator (``user_id``) and/or its group
    (``group_id``); who may see and change it is decided by the record rules
    in ``security/support_rules.xml`` only.
    """

    _name = "support.ticket"
    _description = "Support Ticket"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "support.search.access.mixin",
    ]
    _order = "priority desc, create_date desc, id desc"
    _rec_names_search = ["number", "name", "partner_email"]
    _primary_email = "partner_email"
    _mail_refuse_auto_submitted = True  # see models/mail_thread.py

    number = fields.Char(
        string="Ticket Number",
        required=True,
        readonly=True,
        copy=False,
        index="trigram",
        default=lambda self: self.env._("New"),
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
    # precomputed: a ticket is stored with its organization, so that every
    # later computation of it is a change (see _compute_organization_id)
    partner_email = fields.Char(
        string="Requester Email",
        compute="_compute_partner_email",
        store=True,
        readonly=False,
        precompute=True,
    )
    organization_id = fields.Many2one(
        "res.partner",
        compute="_compute_organization_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        domain=[("is_company", "=", True)],
        help="The requester's company; for a requester with no user account "
        "and no company, the company whose support e-mail domains include "
        "their e-mail domain.",
    )
    # The portal link's token (portal.mixin) is the requester's: the
    # customers who read the ticket and the Support Administrators read it,
    # other staff do not (Odoo's own flows read it as superuser: the portal
    # pages, the chatter with a token, the link in a notification); nobody
    # writes it (``write``), and a new one replaces it when the ticket
    # changes requester or organization (``_support_renew_portal_token``).
    access_token = fields.Char(
        groups="base.group_portal,support_team_queue.group_support_admin"
    )
    requester_display = fields.Char(
        string="Requester or Organization",
        compute="_compute_requester_display",
        # stored: the queue sorts and groups by it, and a page reads it
        # without loading every requester (bench/README.md)
        store=True,
        help="The organization's name, else the requester's name or e-mail.",
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
        domain="[('share', '=', False), ('id', 'in', assignable_user_ids)]",
        default=lambda self: self._default_user_id(),
    )

    assignable_user_ids = fields.Many2many(
        "res.users",
        compute="_compute_assignable_user_ids",
        groups="base.group_user",
        help="Technical: whom the operator list offers: the team's operators "
        "and administrator, those of the group when one is set.",
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
    category_id = fields.Many2one("support.ticket.category")
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting for Customer"),
            ("closed", "Closed"),
            ("expired", "Expired"),
        ],
        required=True,
        readonly=True,
        default="new",
        index=True,
        tracking=True,
        copy=False,
        # kanban columns and groupings in the workflow's order, every state
        group_expand="_group_expand_states",
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
    unanswered_count = fields.Integer(
        string="Unanswered",
        readonly=True,
        copy=False,
        help="Messages from the customer since the last reply by staff "
        "(a request from the portal counts as one): the same for every "
        "reader of the ticket.",
    )
    waiting_hours = fields.Float(
        compute="_compute_waiting_hours",
        help="Hours the requester waited: from the request until an operator "
        "took it, or until now while nobody holds it.",
    )
    # History measures for the dashboard's pivot and graph views: stored, so
    # they average per group, operator or day like any Odoo measure.
    hours_to_take = fields.Float(
        string="Hours to Take",
        compute="_compute_history_hours",
        store=True,
        aggregator="avg",
        help="Hours from the request until an operator first took it.",
    )
    hours_to_close = fields.Float(
        string="Hours to Close",
        compute="_compute_history_hours",
        store=True,
        aggregator="avg",
        help="Hours from the request until it was closed or expired.",
    )

    _sql_constraints = [
        ("number_uniq", "unique (number)", "The ticket number must be unique."),
    ]

    def init(self):  # pylint: disable=missing-return
        super().init()
        cr = self.env.cr
        open_tickets = "active AND state IN ('new', 'in_progress', 'waiting')"
        # the queue page index's first version (no included columns)
        cr.execute("DROP INDEX IF EXISTS support_ticket_open_queue_index")
        # The queue page lists the open tickets in this order: with the
        # index, PostgreSQL reads the first page off it and stops, for the
        # superuser and for a user whose rules reach most tickets alike,
        # instead of sorting every open ticket. The included columns are
        # those of the company rule and of a supervisor's and a team
        # administrator's rules: once vacuumed, their count is read off
        # the index alone. Not group_id: the planner would then count a
        # technician's few tickets by reading the whole index
        # (bench/README.md).
        if not index_exists(cr, "support_ticket_queue_page_index"):
            cr.execute(
                SQL(
                    "CREATE INDEX support_ticket_queue_page_index ON %s "
                    "(priority DESC, create_date DESC, id DESC) "
                    "INCLUDE (company_id, team_id, user_id) WHERE %s",
                    SQL.identifier(self._table),
                    SQL(open_tickets),
                )
            )
        # An operator's rules reach tickets by group and by holder: over
        # the open tickets only, counting an operator's queue reads just
        # the tickets it counts, not every ticket of their groups in every
        # state, ANDed with the state index.
        for column in ("group_id", "user_id"):
            create_index(
                cr,
                f"support_ticket_open_{column.removesuffix('_id')}_index",
                self._table,
                [column],
                where=open_tickets,
            )

    @api.model
    def _group_expand_states(self, states, domain):
        return [key for key, _label in self._fields["state"].selection]

    def _default_team_id(self):
        team = self.env.user.support_team_id
        if not team:
            team = self.env["support.team"].search([], limit=1)
        return team

    def _default_user_id(self):
        # vTiger's "Assegnato a": the creator, unless the ticket goes to a group.
        # Tickets from e-mail or the portal wait in the queue for an operator.
        if (
            self.env.context.get("default_group_id")
            or self.env.context.get("default_channel") in ("email", "portal")
            or self.env.user.share
        ):
            return False
        return self.env.user

    @api.depends("partner_id.email")
    def _compute_partner_email(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.partner_email = ticket.partner_id.email

    # partner_id.user_ids: a contact who gets an account follows the
    # account's rule from then on (res.partner._support_organization)
    @api.depends(
        "partner_id.commercial_partner_id",
        "partner_id.email",
        "partner_id.user_ids",
        "partner_email",
    )
    def _compute_organization_id(self):
        moved = self.browse()
        for ticket in self:
            organization = ticket._support_expected_organization()
            # the stored value is still the old one here (Odoo's compute
            # protocol); a new record (created, or a form's) has none yet
            if isinstance(ticket.id, int) and ticket.organization_id != organization:
                moved |= ticket
            ticket.organization_id = organization
        moved._support_renew_portal_token()

    def _support_expected_organization(self):
        """The organization the ticket's requester gives it: their account's
        company, or, for a requester without an account, the company that
        registered their address's domain."""
        self.ensure_one()
        return self.partner_id._support_organization(
            self._support_requester_email(), company=self.company_id
        )

    def _support_requester_email(self):
        """The address that decides the organization of a requester without
        an account: the contact's own when known, never one typed for them."""
        self.ensure_one()
        return self.partner_id.email or self.partner_email

    @api.depends("organization_id.name", "partner_id.name", "partner_email")
    def _compute_requester_display(self):
        for ticket in self:
            ticket.requester_display = (
                ticket.organization_id.name
                or ticket.partner_id.name
                or ticket.partner_email
                or False
            )

    @api.depends("create_date", "date_taken", "date_closed", "state", "user_id")
    def _compute_waiting_hours(self):
        # An open ticket nobody holds is waiting, even one released back to
        # the queue: the requester has waited since the request.
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.state in OPEN_STATES and not ticket.user_id:
                end = now
            else:
                end = ticket.date_taken or ticket.date_closed or now
            ticket.waiting_hours = _hours_between(ticket.create_date or now, end)

    @api.depends("create_date", "date_taken", "date_closed")
    def _compute_history_hours(self):
        for ticket in self:
            ticket.hours_to_take = _hours_between(ticket.create_date, ticket.date_taken)
            ticket.hours_to_close = _hours_between(
                ticket.create_date, ticket.date_closed
            )

    @api.constrains("group_id", "team_id")
    def _check_group_team(self):
        for ticket in self:
            if ticket.group_id and ticket.group_id.team_id != ticket.team_id:
                raise ValidationError(
                    self.env._(
                        "Ticket %(ticket)s: group %(group)s belongs to another team.",
                        ticket=ticket.display_name,
                        group=ticket.group_id.name,
                    )
                )

    @api.constrains("user_id", "team_id")
    def _check_user_team(self):
        # SPEC "Assignment and dispatch": a ticket given to someone outside
        # its team drops out of every queue
        for ticket in self.filtered("user_id"):
            if not ticket.team_id._may_hold_tickets(ticket.user_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot handle ticket %(ticket)s: they are "
                        "neither an operator nor the administrator of team "
                        "%(team)s.",
                        user=ticket.user_id.name,
                        ticket=ticket.number,
                        team=ticket.team_id.name,
                    )
                )

    @api.depends("team_id", "group_id")
    def _compute_assignable_user_ids(self):
        for ticket in self:
            team = ticket.team_id.sudo()
            users = team.operator_ids | team.admin_id
            if ticket.group_id:
                users &= ticket.group_id.sudo().effective_user_ids
            ticket.assignable_user_ids = users

    @api.onchange("group_id")
    def _onchange_group_id(self):
        # Choosing a group in a new ticket hands it to the group, as vTiger's
        # "Assegnato a: Gruppo" radio, unless someone else was picked.
        if self.group_id and not self._origin.id and self.user_id == self.env.user:
            self.user_id = False

    @api.depends("number", "name")
    @api.depends_context("uid", "support_refused", "support_names_for_readers")
    def _compute_display_name(self):
        # Named in an access error (models/ir_rule.py), or shown beside a
        # message to someone who no longer reads the ticket
        # (models/mail_message.py): not a word of it.
        if self.env.context.get("support_refused"):
            anonymous = self
        elif self.env.context.get("support_names_for_readers"):
            anonymous = self - self._support_filtered_readable_by(self.env.user)
        else:
            anonymous = self.browse()
        for ticket in self:
            if ticket in anonymous:
                ticket.display_name = self.env._("Ticket #%s", ticket.id)
            else:
                ticket.display_name = f"{ticket.number} {ticket.name or ''}".strip()

    def _support_filtered_readable_by(self, user):
        """The tickets of ``self`` that ``user`` may read, in their own
        companies (the caller's may not all be theirs)."""
        if user._is_superuser():
            return self
        readable = (
            self.with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids, active_test=False)
            ._filtered_access("read")
        )
        return self.browse(readable.ids)

    @api.model
    def _search(self, domain, *args, **kwargs):
        # The record rules join memberships through many2many tables, which
        # Odoo does not flush before a query: without this, a membership
        # changed earlier in the same transaction would not count yet.
        self.env["support.group"].flush_model(["effective_user_ids"])
        self.env["support.team"].flush_model(["operator_ids"])
        return super()._search(domain, *args, **kwargs)

    @api.model
    def _apply_ir_rules(self, query, mode="read"):
        # Performance (bench/README.md): as Odoo writes them, the rules'
        # paths (``group_id.effective_user_ids``, ``team_id.operator_ids``,
        # ``user_id.support_superior_user_ids``...) become sub-queries OR'ed
        # together, which PostgreSQL evaluates row by row over every ticket
        # (a sequential scan of the table for each count). Resolved first
        # into lists of ids (all read in one small query), the same
        # conditions read ``group_id IN (...) OR user_id IN (...)``, which
        # PostgreSQL answers from the indexes. (Left as sub-queries in
        # ``= ANY(ARRAY(...))`` form, the planner cannot see their values and
        # walks the priority index instead: 2-3x slower, bench/README.md.)
        # The resolved domains are cached per user under the access stamp
        # (support.access.stamp.mixin), which every change they depend on
        # replaces.
        if self.env.su:
            return
        domain = self.env["ir.rule"]._compute_domain(self._name, mode)
        if domain:
            domain = self._support_resolved_rules(domain)
            expression.expression(domain, self.sudo(), self._table, query)

    _SUPPORT_PAGE_MEMO = "support_team_queue.resolved_rules"

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # A page load (search, count, read of the rows) changes nothing: it
        # reads the access stamp once, not for each of them, and spares its
        # own rows a second rule check (search_fetch); the memo lives for
        # this call only.
        args = (domain, specification, offset, limit, order, count_limit)
        memo = self.env.cr.cache
        if self._SUPPORT_PAGE_MEMO in memo:
            return super().web_search_read(*args)
        memo[self._SUPPORT_PAGE_MEMO] = {}
        try:
            return super().web_search_read(*args)
        finally:
            memo.pop(self._SUPPORT_PAGE_MEMO, None)

    def _support_page_readable_key(self):
        # the read rules depend on the user and the companies in context
        return ("readable", self.env.uid, tuple(self.env.companies.ids))

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        records = super().search_fetch(domain, field_names, offset, limit, order)
        # Within a page load, the rows the search returned have just passed
        # the read rules: reading them need not decide the rules again.
        memo = self.env.cr.cache.get(self._SUPPORT_PAGE_MEMO)
        if memo is not None and not self.env.su:
            key = self._support_page_readable_key()
            memo.setdefault(key, set()).update(records._ids)
        return records

    @api.model
    def _support_resolved_rules(self, domain):
        if not any(map(self._support_resolvable, expression.normalize_domain(domain))):
            # nothing to resolve (a supervisor's company rule): no stamp read
            return domain
        memo = self.env.cr.cache.get(self._SUPPORT_PAGE_MEMO)
        key = repr(domain)
        if memo is not None and key in memo:
            return memo[key]
        stamp = self.env["support.access.stamp.mixin"]._support_access_stamp()
        resolved = self._support_resolved_rules_at(key, stamp, domain)
        if memo is not None:
            memo[key] = resolved
        return resolved

    @api.model
    @tools.ormcache("self.env.uid", "domain_key", "stamp")
    def _support_resolved_rules_at(self, domain_key, stamp, domain):
        # Cached under the access stamp of the caller's snapshot
        # (support.access.stamp.mixin): any change the resolution depends on
        # replaces the stamp in its own transaction, so an entry is only
        # ever found by requests that see the same memberships. Callers
        # never modify the domain they get. The resolution reads memberships
        # in SQL, and Odoo flushes no many2many before a query: what this
        # transaction changed (memberships still to be recomputed) must be
        # written first, or a stale answer would be cached under the new
        # stamp. Only on a cache miss.
        self.env.flush_all()
        return self.sudo()._support_resolve_rule_domain(domain)

    @api.model
    def _support_resolve_rule_domain(self, domain):
        """``domain`` with each positive condition on a many2one path
        replaced by the ids it reaches (``('group_id', 'in', [...])``), and
        each searchable computed field by the domain its search method
        returns, resolved the same way. The ids of every path are read in
        one query."""
        reached = {}  # (field, path, operator, value) -> comodel query
        template = self._support_rule_domain_template(domain, reached)
        if not reached:
            return template
        keys = list(reached)
        [row] = self.env.execute_query(
            SQL(
                "SELECT %s",
                SQL(", ").join(SQL("ARRAY(%s)", reached[key].select()) for key in keys),
            )
        )
        ids = dict(zip(keys, row, strict=True))
        return [
            (term[0], "in", sorted(ids[term[2]]))
            if isinstance(term, tuple) and isinstance(term[2], _ReachedIds)
            else term
            for term in template
        ]

    @api.model
    def _support_resolvable(self, term):
        """How :meth:`_support_rule_domain_template` resolves a (positive)
        ``term``: ``"path"`` for a condition on a stored many2one's path,
        ``"search"`` for a searchable computed field, else None."""
        if not expression.is_leaf(term) or not isinstance(term[0], str):
            return None
        fname, _dot, path = term[0].partition(".")
        field = self._fields.get(fname)
        if field is None or term[1] not in ("=", "in"):
            return None
        if path and field.type == "many2one" and field.store:
            return "path"
        if not path and not field.store and field.search:
            return "search"
        return None

    @api.model
    def _support_rule_domain_template(self, domain, reached):
        result = []
        negated = False
        for term in expression.normalize_domain(domain):
            kind = None if negated else self._support_resolvable(term)
            negated = term == expression.NOT_OPERATOR
            if kind == "path":
                fname, _dot, path = term[0].partition(".")
                comodel = self.env[self._fields[fname].comodel_name].sudo()
                key = _ReachedIds((fname, path, term[1], repr(term[2])))
                if key not in reached:
                    reached[key] = comodel.with_context(active_test=False)._search(
                        [(path, term[1], term[2])]
                    )
                result.append((fname, "in", key))
            elif kind == "search":
                sub = self._fields[term[0]].determine_domain(self, term[1], term[2])
                result.extend(self._support_rule_domain_template(sub, reached))
            else:
                result.append(term)
        return result

    def _check_access(self, operation):
        # Performance (bench/README.md): Odoo checks the record rules on
        # given records (every read of the queue page, check_access,
        # has_access) by evaluating their domains in Python, which here
        # means loading every operator of the team, every effective member
        # of the groups and the superiors and sharing targets of every
        # ticket: ~100 ms for 80 tickets, 4x the whole page as superuser.
        # The same domains are decided in one SQL query instead, exactly as
        # searches decide them (``_search`` above flushes the memberships).
        if (
            self.env.su
            or not any(self._ids)
            or not self.env["ir.model.access"].check(
                self._name, operation, raise_exception=False
            )
        ):
            return super()._check_access(operation)
        memo = self.env.cr.cache.get(self._SUPPORT_PAGE_MEMO)
        if operation == "read" and memo is not None:
            readable = memo.get(self._support_page_readable_key(), ())
            if readable and readable.issuperset(self._ids):
                return None
        Rule = self.env["ir.rule"]
        domain = Rule._compute_domain(self._name, operation)
        if not domain:
            return None
        ids = [id_ for id_ in self._ids if isinstance(id_, int)]
        if len(ids) != len(self._ids):  # new records: Odoo's own check
            return super()._check_access(operation)
        allowed = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                expression.AND(
                    [[("id", "in", ids)], self._support_resolved_rules(domain)]
                )
            )
        )
        forbidden = self - allowed.with_env(self.env)
        if forbidden:
            return forbidden, functools.partial(
                Rule._make_access_error, operation, forbidden
            )
        return None

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
    # support_superior_user_ids.
    @api.depends(
        "team_id",
        "group_id",
        "user_id.support_role_id.parent_path",
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
                    [[("id", "in", self._origin.ids)], rule._support_source_domain()]
                )
            )
            for rule in rules
        }
        for ticket in self:
            readers = writers = Users
            for rule in rules:
                if ticket in covered[rule]:
                    targets = rule._support_target_users()
                    readers |= targets
                    if rule.access == "write":
                        writers |= targets
            ticket.support_shared_with_user_ids = readers
            ticket.support_shared_for_write_user_ids = writers

    def _search_support_shared_with_user_ids(self, operator, value):
        return self._support_shared_domain(operator, value, ("read", "write"))

    def _search_support_shared_for_write_user_ids(self, operator, value):
        return self._support_shared_domain(operator, value, ("write",))

    def _support_shared_domain(self, operator, value, accesses):
        """Tickets that the active sharing rules with one of ``accesses``
        share with the users given: the OR of the rules' sources."""
        if operator not in ("in", "="):
            raise UserError(self.env._("Unsupported search on shared tickets."))
        user_ids = value if isinstance(value, list | tuple) else [value]
        rules = self.env["support.sharing.rule"]._support_rules_targeting(user_ids)
        rules = rules.filtered(lambda rule: rule.access in accesses)
        if not rules:
            return expression.FALSE_DOMAIN
        return expression.OR([rule._support_source_domain() for rule in rules])

    @api.depends_context("uid")
    @api.depends("team_id.admin_id")
    def _compute_support_can_explain_access(self):
        is_admin = self.env.user.has_group("support_team_queue.group_support_admin")
        for ticket in self:
            ticket.support_can_explain_access = (
                is_admin or ticket.sudo().team_id.admin_id == self.env.user
            )

    def _support_access_explanations(self):
        """Who can read each ticket, and why, walked in Python from the data
        (independently of the record rules' SQL).

        :return: ``{ticket: {user: [reason, ...]}}`` for the internal users
            holding a support profile who may read it; each reason is a dict
            (``kind``, ``label``, ``write``, ``unlink``, ``rule``).
        """
        Explanation = self.env["support.access.explanation"]
        return Explanation._support_explain(self)

    def action_support_access_explanation(self):
        """ "Who can see this?": the panel of the ticket's readers."""
        self.ensure_one()
        return self.env["support.access.explanation"]._support_open_for_ticket(self)

    # --- What the workflow owns ---
    # SPEC "Nothing leaks beside the rules": the fields the workflow owns
    # (the state and its dates, the company that follows the team, the
    # stored figures and displays: every field readonly in the model)
    # change through the workflow buttons, the mail gateway, expiry and
    # the ORM's computes only. A user's write of them would skip Take and
    # Close, falsify the dashboard, or, for the company, take a ticket out
    # of everyone's reach: a delete in effect. Archiving hides a ticket from
    # the queue and the history: it needs the right to delete it.

    def _workflow_owned_fields(self, names):
        return sorted(
            name
            for name in names
            if name in self._fields
            and self._fields[name].readonly
            # the number and the id have their own checks
            and name not in ("number", "id")
        )

    def _check_workflow_owned_fields(self, vals):
        if self.env.su or _workflow_writing.get():
            return
        owned = self._workflow_owned_fields(vals)
        if "id" in vals and any(ticket.id != vals["id"] for ticket in self):
            owned.append("id")  # an import names the record by its own id
        if owned:
            raise AccessError(
                self.env._(
                    "%(fields)s of a ticket change only through its workflow "
                    "(Take, Wait, Release, Close, Reopen), never by a direct write.",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in owned
                    ),
                )
            )
        if "active" in vals and any(t.active != bool(vals["active"]) for t in self):
            self.check_access("unlink")

    def _workflow_write_vals(self, vals):
        """Write ``vals``, which may hold fields the workflow owns, with the
        user's rights: for the workflow buttons only."""
        with _workflow_write():
            return self.write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._check_workflow_owned_fields(vals)
            # nor through defaults given in the context
            context = {
                key: value
                for key, value in self.env.context.items()
                if not (
                    key.startswith("default_")
                    and self._workflow_owned_fields([key.removeprefix("default_")])
                )
            }
            self = self.with_env(self.env(context=context))
        sequence = self.env["ir.sequence"]
        new = self.env._("New")
        for vals in vals_list:
            if "user_id" not in vals and (
                vals.get("group_id") or vals.get("channel") in ("email", "portal")
            ):
                # given a group and no operator, the group owns it; a request
                # by e-mail or from the portal waits in the queue
                vals["user_id"] = False
            if vals.get("channel") in ("email", "portal") and "priority" not in vals:
                # seed 001: the team says how urgent its incoming requests are
                team = (
                    self.env["support.team"]
                    .sudo()
                    .browse(vals.get("team_id") or self._default_team_id().id)
                )
                vals["priority"] = team.default_priority or "1"
            if vals.get("channel") == "portal":
                vals["unanswered_count"] = 1  # the request itself
            # the number is the sequence's, whatever a user sent; a migration
            # run as superuser keeps the numbers it brings
            if not (self.env.su and vals.get("number")):
                vals["number"] = sequence.next_by_code("support.ticket") or new
        for vals in vals_list:
            self._support_check_many2one_values(vals)
        if not self.env.su and any("access_token" in vals for vals in vals_list):
            raise AccessError(self._support_token_refusal())
        tickets = super().create(vals_list)
        # told whatever the creator may read: sudo, with the same user
        tickets.sudo()._support_notify_new_tickets()
        return tickets

    def write(self, vals):
        self._check_workflow_owned_fields(vals)
        if (
            "number" in vals
            and not self.env.su
            and any(t.number != vals["number"] for t in self)
        ):
            raise UserError(
                self.env._("A ticket's number is given once, by its sequence.")
            )
        if "access_token" in vals and not self.env.su:
            raise AccessError(self._support_token_refusal())
        self._support_check_many2one_values(vals)
        requester = {}
        if {"partner_id", "organization_id"} & vals.keys():
            requester = {
                ticket.id: ticket._support_token_holder() for ticket in self.sudo()
            }
        if {"state", "user_id", "group_id"} & vals.keys():
            vals = dict(vals, date_last_activity=fields.Datetime.now())
        forwarded = self.browse()
        if vals.get("group_id"):
            forwarded = self.filtered(lambda t: t.group_id.id != vals["group_id"])
        moved = self.browse()
        if "team_id" in vals:
            moved = self.filtered(lambda t: t.team_id.id != vals["team_id"])
        readers_change = bool(self._support_reader_fields & vals.keys())
        previous_requesters = [t.partner_id for t in self] if readers_change else []
        result = super().write(vals)
        if moved and moved._check_access("create"):
            # Odoo checks the write rules on the ticket as it was: a ticket
            # goes only where its writer could have created it (their own
            # team; Supervisors and Administrators: any), by the same rules
            raise AccessError(
                self.env._(
                    "You can move a ticket only into a team you work in: "
                    "%(tickets)s cannot go to %(team)s.",
                    tickets=", ".join(moved.mapped("number")),
                    team=moved.sudo().team_id[:1].name,
                )
            )
        if requester:
            # a ticket whose token the new organization's computation
            # already replaced is not renewed twice
            self.sudo().filtered(
                lambda t: (
                    t._support_token_holder()[:2] != requester[t.id][:2]
                    and t.access_token == requester[t.id][2]
                )
            )._support_renew_portal_token()
        # the forwarder may no longer read the ticket: sudo, same user
        forwarded.sudo()._support_notify_group_assignment()
        if readers_change:
            self._support_unsubscribe_lost_readers(previous_requesters)
        return result

    # the ticket's own fields that decide who reads it (the record rules)
    _support_reader_fields = frozenset(
        ("partner_id", "organization_id", "user_id", "group_id", "team_id")
    )

    # --- Portal token ---

    def _support_token_refusal(self):
        return self.env._(
            "A ticket's portal link is made by Odoo only: its access token "
            "cannot be set."
        )

    def _support_token_holder(self):
        """(requester, organization, token): whom the token was made for."""
        self.ensure_one()
        return (self.partner_id.id, self.organization_id.id, self.access_token)

    def _support_renew_portal_token(self):
        """A new token, as portal.mixin makes them, for the tickets that have
        one: the link mailed to the former requester or organization no
        longer opens the ticket, its chatter or its files. Tickets without a
        token get one when a link is first needed."""
        for ticket in self.sudo().filtered("access_token"):
            ticket.with_context(tracking_disable=True).write(
                {"access_token": str(uuid.uuid4())}
            )

    def _support_check_many2one_values(self, vals):
        """Refuse anything but a record id for a many2one: over RPC, Odoo
        would silently store an empty value for a name or any other string,
        and a ticket would lose its operator or group."""
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None or field.type != "many2one" or value in (False, None):
                continue
            if (
                isinstance(value, models.BaseModel)
                and value._name == field.comodel_name
            ):
                continue
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError(
                    self.env._(
                        "%(field)s expects a record id, not %(value)r.",
                        field=field.string,
                        value=value,
                    )
                )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        return [
            dict(vals, name=self.env._("%s (copy)", ticket.name))
            for ticket, vals in zip(self, vals_list, strict=True)
        ]

    # ------------------------------------------------------------------
    # Workflow buttons (also called over RPC)
    # ------------------------------------------------------------------

    def _check_open(self):
        done = self.filtered(lambda t: t.state not in OPEN_STATES)
        if done:
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is closed or expired: reopen it first.",
                    tickets=", ".join(done.mapped("number")),
                )
            )

    # --- Handling ---
    # Take, take over, wait, release and close: GetCourse's "Iniciada",
    # "Assumir" and "Finalizar", Supremo's padlock. Each locks the tickets'
    # rows first, so that two operators clicking at the same moment never
    # both win and no update is lost. Forwarding is a plain write of
    # ``user_id`` and/or ``group_id``: the record rules alone decide whether
    # the forwarder still sees the ticket afterwards.

    def _support_lock(self):
        """Lock the tickets' rows until the end of the transaction, then
        re-read them.

        ``NOWAIT``: while another transaction holds one of the tickets (an
        operator taking it this very moment), the caller gets a UserError at
        once instead of queuing behind it. Odoo runs transactions in
        REPEATABLE READ, so PostgreSQL grants the lock only on the latest
        committed version of a row: when a concurrent transaction changed
        the ticket and committed after ours began, the lock raises a
        serialization failure, which Odoo's request layer answers by
        replaying the whole call (``odoo.service.model.retrying``); the
        replay reads the new operator. Either way, what is read after the
        lock is current.
        """
        if not self.ids:
            return
        self._check_bulk_access("write")
        self.check_access("write")
        self.flush_recordset()
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    "SELECT id FROM support_ticket WHERE id IN %s FOR UPDATE NOWAIT",
                    [tuple(self.ids)],
                )
        except psycopg2.errors.LockNotAvailable:
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is being changed by another operator "
                    "right now: reload it to see who handles it.",
                    tickets=", ".join(self.mapped("number")),
                )
            ) from None
        self.invalidate_recordset()

    def _check_bulk_access(self, operation):
        """On a selection of tickets (the list's bulk actions), name the
        ones the user may not change: the whole selection is refused and
        none of it changes, as the form refuses one."""
        if len(self) < 2 or self.env.su:
            return
        refused = self - self._filtered_access(operation)
        if refused:
            readable = refused._filtered_access("read")
            names = readable.mapped("number") + [
                self.env._("Ticket #%s", ticket.id) for ticket in refused - readable
            ]
            raise AccessError(
                self.env._(
                    "You may not change %(tickets)s: none of the %(count)s "
                    "selected tickets was changed.",
                    tickets=", ".join(names),
                    count=len(self),
                )
            )

    def action_open_assign(self):
        """The Assign dialog for these tickets (the queue's bulk action)."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_ticket_assign"
        )
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action

    def action_take(self):
        """Start handling: the current user becomes the operator, state In
        Progress.

        A ticket already held by another operator is refused ("already taken
        by X"), unless the caller asks to take it over: the "Take Over"
        button passes ``support_take_over`` in the context (GetCourse's
        "Assumir", e.g. when a colleague forgot to release it). A take-over
        is written in the chatter.
        """
        self._support_lock()
        self._check_open()
        held = self.filtered(lambda t: t.user_id and t.user_id != self.env.user)
        if held and not self.env.context.get("support_take_over"):
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is already taken by %(users)s. "
                    'Use "Take Over" to handle it yourself.',
                    tickets=", ".join(held.mapped("number")),
                    users=", ".join(held.user_id.mapped("name")),
                )
            )
        now = fields.Datetime.now()
        for ticket in self:
            previous = ticket.user_id
            ticket._workflow_write_vals(
                {
                    "user_id": self.env.uid,
                    "state": "in_progress",
                    "date_taken": ticket.date_taken or now,
                }
            )
            if previous and previous != self.env.user:
                ticket.message_post(
                    body=self.env._(
                        "%(user)s took over this ticket from %(previous)s.",
                        user=self.env.user.name,
                        previous=previous.name,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return True

    def action_wait(self):
        """Waiting for the customer: the ticket stays with its operator, or
        becomes the caller's when it had none."""
        self._support_lock()
        self._check_open()
        now = fields.Datetime.now()
        for ticket in self:
            vals = {"state": "waiting"}
            if not ticket.user_id:
                vals.update(user_id=self.env.uid, date_taken=ticket.date_taken or now)
            ticket._workflow_write_vals(vals)
        return True

    def action_release(self):
        """Give the ticket back to its group's (or the team's) queue."""
        self._support_lock()
        self._check_open()
        self._workflow_write_vals({"user_id": False, "state": "new"})
        return True

    def action_close(self):
        """Close the ticket (Supremo's padlock). A ticket nobody held becomes
        the closer's, so that it stays in their history."""
        self._support_lock()
        self._check_open()
        now = fields.Datetime.now()
        for ticket in self:
            vals = {"state": "closed", "date_closed": now}
            if not ticket.user_id:
                vals["user_id"] = self.env.uid
            ticket._workflow_write_vals(vals)
        return True

    def action_reopen(self):
        reopen = self.filtered(lambda t: t.state not in OPEN_STATES)
        for ticket in reopen:
            ticket._workflow_write_vals(
                {
                    "state": "in_progress" if ticket.user_id else "new",
                    "date_closed": False,
                }
            )
        return True

    # --- Notifications ---
    # Supremo's "Notifiche Email": the operator a ticket is assigned to, or
    # every effective member of the group it is assigned to, gets an e-mail,
    # unless they switched "Support e-mail notifications" (res.users
    # ``support_notify``) off in their preferences; a new ticket of a group
    # also tells the group's responsible and supervisors (``notify_user_ids``,
    # GetCourse). Built on mail.thread's auto-subscription: the operator
    # follows the ticket as in any Odoo app, and receives
    # ``mail_template_ticket_assigned`` instead of the generic "You have been
    # assigned" message. Nobody is told of what they did themselves. Like the
    # rest of mail.thread, nothing is sent under ``tracking_disable`` or
    # ``mail_auto_subscribe_no_notify``, nor while the module installs.

    _SUPPORT_TEMPLATE_ASSIGNED = "support_team_queue.mail_template_ticket_assigned"
    _SUPPORT_TEMPLATE_NEW = "support_team_queue.mail_template_ticket_new"

    def _support_users_to_notify(self, users):
        """The users among ``users`` who want support e-mails."""
        return users.sudo().filtered(
            lambda user: (
                user.active
                and not user.share
                and user.support_notify
                and user != self.env.user
            )
        )

    def _support_notify(self, users, template_xmlid):
        """Send ``template_xmlid`` about each ticket of ``self`` to ``users``
        (those who want it), through ``message_notify``: one e-mail each,
        nothing in the chatter."""
        if self.env.context.get("tracking_disable"):
            return
        users = self._support_users_to_notify(users)
        # the e-mail carries the ticket: only to who may read it
        # (in the recipient's companies: the creator's may not all be theirs)
        users = users.filtered(
            lambda user: self._support_filtered_readable_by(user) == self
        )
        langs = {}
        for user in users:
            langs.setdefault(user.partner_id.lang, []).append(user.partner_id.id)
        for lang, partner_ids in langs.items():
            self.with_context(lang=lang)._message_auto_subscribe_notify(
                partner_ids, template_xmlid
            )

    def _support_notify_group_assignment(self):
        """Tell each ticket's (new) group: its members get the assignment
        notice, its responsible users the new-ticket notice. The operator
        hears of it through the auto-subscription, or is already on it."""
        for ticket in self.filtered("group_id"):
            group = ticket.group_id.sudo()
            ticket._support_notify(
                group.effective_user_ids - ticket.user_id,
                self._SUPPORT_TEMPLATE_ASSIGNED,
            )
            ticket._support_notify(
                group.notify_user_ids - group.effective_user_ids - ticket.user_id,
                self._SUPPORT_TEMPLATE_NEW,
            )

    def _support_notify_new_tickets(self):
        """A new ticket routed to a group tells the group; one with neither
        group nor operator tells whoever dispatches the team's queue: its
        administrator and its dispatchers (seeds 001, 002: nothing waits
        unseen)."""
        self._support_notify_group_assignment()
        for ticket in self.filtered(lambda t: not t.group_id and not t.user_id):
            team = ticket.team_id.sudo()
            ticket._support_notify(
                team.admin_id | team.notify_user_ids, self._SUPPORT_TEMPLATE_NEW
            )

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        res = super()._message_auto_subscribe_followers(
            updated_values, default_subtype_ids
        )
        operator = self.env["res.users"].browse(updated_values.get("user_id"))
        # the notice carries the ticket: only to an operator who may read it
        wants_mail = bool(self._support_users_to_notify(operator)) and all(
            ticket._support_filtered_readable_by(operator) for ticket in self
        )
        return [
            (
                partner_id,
                subtype_ids,
                (self._SUPPORT_TEMPLATE_ASSIGNED if wants_mail else False)
                if template == "mail.message_user_assigned"
                else template,
            )
            for partner_id, subtype_ids, template in res
        ]

    def _message_auto_subscribe_notify(self, partner_ids, template):
        if template not in (
            self._SUPPORT_TEMPLATE_ASSIGNED,
            self._SUPPORT_TEMPLATE_NEW,
        ):
            return super()._message_auto_subscribe_notify(partner_ids, template)
        if not self or self.env.context.get("mail_auto_subscribe_no_notify"):
            return
        if not self.env.registry.ready:  # no e-mail while the module installs
            return
        mail_template = self.env.ref(template, raise_if_not_found=False)
        if not mail_template or not partner_ids:
            return
        # the recipients are told whatever the assigner may read
        mail_template = mail_template.sudo()
        model_description = self.env["ir.model"]._get(self._name).display_name
        for ticket in self:
            subject = mail_template._render_field("subject", ticket.ids)[ticket.id]
            body = mail_template._render_field("body_html", ticket.ids)[ticket.id]
            ticket.sudo().message_notify(
                subject=subject,
                body=body,
                partner_ids=partner_ids,
                record_name=ticket.display_name,
                email_layout_xmlid="mail.mail_notification_layout",
                model_description=model_description,
            )

    # --- Expiry ---
    # Supremo: "Todas las asistencias que no se cierran manualmente caducan
    # automáticamente al cabo de 24 horas y pueden verse en el historial".
    # The scheduled action data/support_cron.xml calls _cron_expire_tickets.

    @api.model
    def _cron_expire_tickets(self):
        """Expire the tickets still open ``expire_hours`` hours after they
        were created (per team; 0 never expires). Expired tickets stay in the
        history: active, with their operator and group."""
        now = fields.Datetime.now()
        teams = (
            self.env["support.team"]
            .with_context(active_test=False)
            .search([("expire_hours", ">", 0)])
        )
        for team in teams:
            tickets = self.search(
                [
                    ("team_id", "=", team.id),
                    ("state", "in", OPEN_STATES),
                    ("create_date", "<=", now - timedelta(hours=team.expire_hours)),
                ]
            )
            tickets._workflow_write_vals({"state": "expired", "date_closed": now})
        return True

    # --- Portal ---
    # Customers follow, answer and open tickets from /my/tickets
    # (controllers/portal.py). Which tickets they reach is decided by the
    # portal record rule in security/support_rules.xml, nowhere else.

    # Readers may post on a ticket: a customer answers from the portal
    # chatter. Odoo applies this to internal readers too, on purpose: a
    # technician (read-only profile) answers the customer and logs notes, as
    # seed 003 wants ("è il tecnico a rispondere alle chiamate"); a message is
    # not a change of the ticket, whose fields stay out of their reach.
    _mail_post_access = "read"

    # a compute method assigns the field and returns nothing, as its super does
    def _compute_access_url(self):  # pylint: disable=missing-return
        super()._compute_access_url()
        for ticket in self:
            ticket.access_url = f"/my/tickets/{ticket.id}"

    def _support_is_customer_message(self, message):
        """A public message whose author is not an internal user."""
        message = message.sudo()  # the author's users are not for portal eyes
        if message.is_internal or message.subtype_id.internal:
            return False
        return self._support_is_customer(message.author_id)

    @api.model
    def _support_is_customer(self, partner):
        """Anyone but an internal user: a contact, a portal user, an unknown
        sender (Odoo's stored ``partner_share``)."""
        return not partner or partner.sudo().partner_share

    def _support_reopen_on_customer_reply(self):
        """A customer's reply reopens a closed or expired ticket.

        Used for replies posted from the portal (``_message_post_after_hook``
        below) and meant for e-mail replies too (``message_update``). The
        customer has no write access: reopening is the desk's answer to their
        reply, not an edit made with their rights, hence ``sudo()``.
        """
        done = self.filtered(lambda t: t.state not in OPEN_STATES)
        done.sudo().action_reopen()
        return done

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        # Odoo writes a post's tracking values as superuser, and its own
        # tracking posts as superuser: from a user, they could only forge
        # the ticket's change history or delete any record's (by id).
        if kwargs.get("tracking_value_ids") and not self.env.su:
            raise AccessError(
                self.env._("A ticket's change history is written by Odoo only.")
            )
        return super().message_post(**kwargs)

    def _process_attachments_for_post(
        self, attachments, attachment_ids, message_values
    ):
        # Odoo links any attachment id an internal user sends, as superuser,
        # and an edit of the message that drops it deletes it: a reader of
        # the ticket could take a colleague's file, or another record's, and
        # delete it. A post may carry the poster's own uploads, the files
        # they added to this ticket, and, for those who may change the
        # ticket, any of its files.
        if attachment_ids and not self.env.su:
            self._support_check_attachments_for_post(attachment_ids, message_values)
        return super()._process_attachments_for_post(
            attachments, attachment_ids, message_values
        )

    def _support_check_attachments_for_post(self, attachment_ids, message_values):
        ticket = self.browse(message_values.get("res_id") or self.id)
        uid = self.env.uid
        pending = ("mail.compose.message", "mail.scheduled.message")

        def on_ticket(file):
            return file.res_model == self._name and file.res_id == ticket.id

        others = (
            self.env["ir.attachment"]
            .sudo()
            .browse(attachment_ids)
            .exists()
            .filtered(
                lambda file: (
                    file.create_uid.id != uid
                    or not (file.res_model in pending or on_ticket(file))
                )
            )
        )
        if others and (
            others.filtered(lambda file: not on_ticket(file))
            or not ticket.has_access("write")
        ):
            raise AccessError(
                self.env._(
                    "Ticket %(ticket)s: a message may carry only the files you "
                    "uploaded, or the ticket's files if you may change it.",
                    ticket=ticket.display_name,
                )
            )

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._count_unanswered(message)
        # E-mail replies go through the gateway (message_update), which also
        # filters auto-replies; here: comments posted from the portal chatter,
        # by a portal user or a visitor with the ticket's link. Odoo lets a
        # poster name any author: an internal user's post naming the customer
        # never reopens (a technician may post, never change the ticket).
        if (
            msg_vals.get("message_type") == "comment"
            and self.env.user.share
            and self._support_is_customer_message(message)
        ):
            self._support_reopen_on_customer_reply()
            # as for e-mail replies; sudo: see _support_reopen_on_customer_reply
            self.sudo().date_last_activity = fields.Datetime.now()
        return res

    def _notify_get_recipients(self, message, msg_vals, **kwargs):
        # Odoo notifies every follower and every partner named: one who may
        # no longer read the ticket (forwarded away, out of the group) would
        # still receive, and read, its new messages. Partners without a user
        # (the requester's contact, an address copied) are the customer's
        # side: they keep receiving the replies.
        recipients = super()._notify_get_recipients(message, msg_vals, **kwargs)
        if len(self) != 1:
            return recipients
        users = (
            self.env["res.users"]
            .sudo()
            .browse({r["uid"] for r in recipients if r.get("uid")})
        )
        readers = {
            user.id for user in users if self._support_filtered_readable_by(user)
        }
        return [r for r in recipients if not r.get("uid") or r["uid"] in readers]

    def _support_unsubscribe_lost_readers(self, previous_requesters):
        """After a change of who owns or asked for the tickets, their
        followers who may no longer read them stop following them, and so
        does a previous requester without an account. One access check per
        follower, over all the tickets."""
        followers = self.sudo().message_follower_ids.partner_id
        lost = {ticket.id: self.env["res.partner"] for ticket in self}
        for partner in followers:
            users = partner.with_context(active_test=False).user_ids
            if not users:
                continue
            readable = self.browse()
            for user in users:
                readable |= self._support_filtered_readable_by(user)
            for ticket in self - readable:
                lost[ticket.id] |= partner
        for ticket, previous in zip(self, previous_requesters, strict=True):
            if previous and not previous.user_ids and previous != ticket.partner_id:
                lost[ticket.id] |= previous
            gone = lost[ticket.id] & ticket.sudo().message_partner_ids
            if gone:
                ticket.sudo().message_unsubscribe(gone.ids)

    def _count_unanswered(self, message):
        """Seed 002's per-row counter: a public message from the customer
        adds one, a public reply by staff answers them all; notes and
        notices change nothing. Kept by the desk, whoever posts: sudo."""
        message = message.sudo()
        if message.message_type not in ("email", "comment") or (
            message.is_internal or message.subtype_id.internal
        ):
            return
        if self._support_is_customer(message.author_id):
            for ticket in self.sudo():
                ticket.unanswered_count += 1
        else:
            self.sudo().filtered("unanswered_count").unanswered_count = 0

    # --- Mail gateway ---

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A new e-mail to a team's alias opens a ticket (seeds 001, 002).

        The requester is the sender's contact, created when unknown; the
        ticket waits in the queue with no operator. Replies in the same thread
        go to ``message_update``; bounces and auto-replies never get here
        (see ``models/mail_thread.py``).
        """
        email_from = msg_dict.get("email_from")
        partner = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if not partner and email_from:
            partner = self.env["mail.thread"]._mail_find_partner_from_emails(
                [email_from], force_create=True
            )[0]
            # the e-mail is posted in their name, and they follow the ticket
            msg_dict["author_id"] = partner.id
        values = {
            # a subject is one line, whatever its encoded words decode to
            "name": " ".join((msg_dict.get("subject") or "").split())
            or self.env._("No Subject"),
            "description": msg_dict.get("body"),
            "partner_id": partner.id,
            "channel": "email",
            "user_id": False,
        }
        values.update(custom_values or {})
        # Odoo's message_new stores the sender (name <address>) as the primary
        # e-mail: keep the bare address
        msg_values = dict(
            msg_dict, email_from=email_normalize(email_from) or email_from
        )
        return super(
            SupportTicket, self.with_context(default_channel="email")
        ).message_new(msg_values, custom_values=values)

    def message_update(self, msg_dict, update_vals=None):
        """A reply in the thread is added to the ticket, never a new one; a
        customer's reply reopens it when closed or expired (seed 004)."""
        if self.env.context.get("mail_auto_submitted"):
            # an out-of-office answer is kept, but is no activity of the customer
            return super().message_update(msg_dict, update_vals=update_vals)
        author = self.env["res.partner"].browse(msg_dict.get("author_id"))
        if self._support_is_customer(author):
            # a ticket archived with its group comes back to the queue
            self.filtered(
                lambda t: not t.active and t.state not in OPEN_STATES
            ).active = True
            self._support_reopen_on_customer_reply()
        update_vals = dict(update_vals or {}, date_last_activity=fields.Datetime.now())
        return super().message_update(msg_dict, update_vals=update_vals)

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Requester")
            )
        elif self.partner_email:
            self._message_add_suggested_recipient(
                recipients,
                email=self.partner_email,
                reason=self.env._("Requester Email"),
            )
        return recipients
