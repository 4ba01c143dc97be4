from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.sql import drop_index

# the states of a ticket in the queue; everything else asks is_open
OPEN_STATES = ("new", "in_progress", "waiting")
# the predicate of the open tickets' partial indexes: a search for
# ``is_open`` (the queue, the dashboard, the scheduled actions) implies it
OPEN_TICKETS_SQL = "active AND is_open"

PRIORITIES = [
    ("0", "Low"),
    ("1", "Normal"),
    ("2", "High"),
    ("3", "Urgent"),
]


def ensure_open_index(cr, name, key, included):
    """Create the open tickets' index ``name`` on the ``key`` columns (each
    maybe followed by DESC), including the ``included`` columns, over the
    open tickets, unless it is there in that shape; an earlier shape (other
    columns, or the list of open states before ``is_open``) is dropped
    first. Odoo's ``create_index`` writes no INCLUDE."""
    shape = (
        f"({', '.join(key)}) INCLUDE ({', '.join(included)}) WHERE ({OPEN_TICKETS_SQL})"
    )
    cr.execute(
        "SELECT indexdef FROM pg_indexes WHERE indexname = %s AND tablename = %s",
        [name, "support_ticket"],
    )
    [definition] = cr.fetchone() or [""]
    if shape in definition:
        return
    drop_index(cr, name, "support_ticket")
    cr.execute(
        SQL(
            "CREATE INDEX %s ON support_ticket (%s) INCLUDE (%s) WHERE %s",
            SQL.identifier(name),
            SQL(", ").join(
                SQL(
                    "%s%s",
                    SQL.identifier(column.removesuffix(" DESC")),
                    SQL(" DESC") if column.endswith(" DESC") else SQL(),
                )
                for column in key
            ),
            SQL(", ").join(map(SQL.identifier, included)),
            SQL(OPEN_TICKETS_SQL),
        )
    )


def _hours_between(start, end):
    """Hours from ``start`` to ``end``, never negative (dates imported or
    typed by hand may disagree)."""
    if not start or not end:
        return 0.0
    return max((end - start).total_seconds(), 0) / 3600


# The open tickets' indexes, by name: (key, included columns).
# - The queue page lists the open tickets in the first one's order: with
#   it, PostgreSQL reads the first page off it and stops, for the superuser
#   and for a user whose rules reach most tickets alike, instead of sorting
#   every open ticket. It includes every column the rules read: once
#   vacuumed, the page's ids are read off the index alone
#   (support.rule.engine's _search_fetch_page), and so is a supervisor's and
#   a team administrator's count.
# - An operator's rules reach tickets by holder and by group, a manager's by
#   the holder's role too, and their count takes them branch by branch
#   (support.rule.engine's search_count): over the open tickets only, with
#   the columns the other branches and the company rule read, each branch of
#   the count is read off one index alone once the table is vacuumed. The
#   holder's role, counted last (``_columns_counted_last``), is in its own
#   index only: in the others it would make them wider than the plain index
#   of their column, which PostgreSQL would then read instead, closed
#   tickets included (bench/README.md, "Eighth round"). Not the state, which
#   the side panel counts by: 40% larger indexes, 10-30% slower counts
#   (bench/README.md, "A busy desk").
OPEN_INDEXES = {
    "support_ticket_queue_page_index": (
        ("priority DESC", "create_date DESC", "id DESC"),
        ("user_id", "user_role_id", "group_id", "team_id", "company_id"),
    ),
    "support_ticket_open_user_index": (
        ("user_id",),
        ("group_id", "team_id", "company_id"),
    ),
    "support_ticket_open_group_index": (
        ("group_id",),
        ("user_id", "team_id", "company_id"),
    ),
    "support_ticket_open_user_role_index": (
        ("user_role_id",),
        ("user_id", "group_id", "team_id", "company_id"),
    ),
}


class SupportTicket(models.Model):
    """A support request.

    A ticket is owned by its operator (``user_id``) and/or its group
    (``group_id``); who may see and change it is decided by the record rules
    in ``security/support_rules.xml`` only.
    """

    _name = "support.ticket"
    _description = "Support Ticket"
    # the search access checks first: the rule engine may answer a search
    # or a grouping itself, without calling the models after it
    _inherit = [
        "support.search.access.mixin",
        "support.rule.engine",
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
    ]
    _order = "priority desc, create_date desc, id desc"
    # in the open tickets' index of its own only (init below)
    _columns_counted_last = ("user_role_id",)
    _rec_names_search = ["number", "name", "partner_email"]
    _primary_email = "partner_email"
    _mail_refuse_auto_submitted = True  # see models/mail_thread.py
    _mail_unknown_charset_as_latin1 = True  # see models/mail_thread.py

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
    # Support Administrators read it, other staff and the requester's
    # colleagues do not (Odoo's own flows read it as superuser: the portal
    # pages, the chatter with a token, the link in a notification; the
    # requester's own link is built for them, ``_portal_ensure_token``);
    # nobody writes it (``write``), and a new one replaces it when the
    # ticket changes requester or organization (``_renew_portal_token``).
    access_token = fields.Char(groups="support_team_queue.group_support_admin")
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
    # The superiors' rule reads the holder's role on the ticket itself: a
    # manager's reach is then the few roles below theirs, which one index
    # answers, not the hundreds of users who hold them (bench/README.md,
    # "Eighth round"). Readonly, so the workflow owns it: no write can
    # take a ticket out of the superiors' sight.
    user_role_id = fields.Many2one(
        "support.role",
        compute="_compute_user_role_id",
        store=True,
        index="btree_not_null",
        string="Operator's Role",
        groups="base.group_user",
        help="The role of the operator holding the ticket: the holders of "
        "the roles above it see the ticket.",
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
    # no index of its own: its searches read the open tickets' partial
    # indexes (init), which a plain index on a boolean would not beat
    is_open = fields.Boolean(
        string="Open",
        compute="_compute_is_open",
        store=True,
        help="New, in progress or waiting for the customer: in the queue, "
        "not yet in the history.",
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
        # the queue page index's first version (no included columns)
        drop_index(cr, "support_ticket_open_queue_index", self._table)
        for name, (key, included) in OPEN_INDEXES.items():
            ensure_open_index(cr, name, key, included)

    @api.depends("user_id.support_role_id")
    def _compute_user_role_id(self):
        for ticket in self:
            ticket.user_role_id = ticket.user_id.support_role_id
        # A ticket given to a user reads the user's role from this
        # transaction's snapshot, while a change of that role rewrites the
        # tickets of its own snapshot: run at once, each would miss the
        # other's, and the ticket would keep the old role for good. Both
        # write the holder's row (a change of role does; here a write of
        # the same value), so PostgreSQL lets only one of them commit and
        # Odoo retries the other with the data the first one committed.
        holders = {ticket.user_id.id for ticket in self if ticket.id}
        holders.discard(False)
        if holders:
            self.env.cr.execute(
                SQL(
                    "UPDATE res_users SET support_role_id = support_role_id "
                    "WHERE id IN %s",
                    tuple(holders),
                )
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
        # Assigned to the creator, unless the ticket goes to a group.
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
            organization = ticket._expected_organization()
            # the stored value is still the old one here (Odoo's compute
            # protocol); a new record (created, or a form's) has none yet
            if isinstance(ticket.id, int) and ticket.organization_id != organization:
                moved |= ticket
            ticket.organization_id = organization
        moved._renew_portal_token()

    def _expected_organization(self):
        """The organization the ticket's requester gives it: their account's
        company, or, for a requester without an account, the company that
        registered their address's domain."""
        self.ensure_one()
        return self.partner_id._support_organization(
            self._requester_email(), company=self.company_id
        )

    def _requester_email(self):
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

    @api.depends("state")
    def _compute_is_open(self):
        for ticket in self:
            ticket.is_open = ticket.state in OPEN_STATES

    @api.depends("create_date", "date_taken", "date_closed", "is_open", "user_id")
    def _compute_waiting_hours(self):
        # An open ticket nobody holds is waiting, even one released back to
        # the queue: the requester has waited since the request.
        now = fields.Datetime.now()
        for ticket in self:
            if ticket.is_open and not ticket.user_id:
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
        # ids only: a team may have thousands of operators, of whom a
        # group's ticket offers a few; reading the value leaves out the
        # archived users, as it does for any many2many
        Users = self.env["res.users"].with_context(active_test=False)
        for ticket in self:
            team = ticket.team_id.sudo().with_context(active_test=False)
            offered = set(team.operator_ids._ids) | set(team.admin_id._ids)
            if ticket.group_id:
                group = ticket.group_id.sudo().with_context(active_test=False)
                offered &= set(group.effective_user_ids._ids)
            ticket.assignable_user_ids = Users.browse(sorted(offered))

    @api.onchange("group_id")
    def _onchange_group_id(self):
        # Choosing a group in a new ticket hands it to the group rather than
        # to its creator, unless someone else was picked.
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
            anonymous = self - self._filtered_readable_by(self.env.user)
        else:
            anonymous = self.browse()
        for ticket in self:
            if ticket in anonymous:
                ticket.display_name = self.env._("Ticket #%s", ticket.id)
            else:
                ticket.display_name = f"{ticket.number} {ticket.name or ''}".strip()

    def _filtered_readable_by(self, user):
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
                # the team says how urgent its incoming requests are
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
            self._check_many2one_values(vals)
        if not self.env.su and any("access_token" in vals for vals in vals_list):
            raise AccessError(self._token_refusal())
        tickets = super().create(vals_list)
        if not self.env.su:
            # created archived (``active`` or a ``default_active``), as archived
            # by a write: out of the queue, which needs the right to delete
            archived = tickets.filtered(lambda ticket: not ticket.active)
            if archived:
                archived.with_context(active_test=False).check_access("unlink")
        # told whatever the creator may read: sudo, with the same user
        tickets.sudo()._notify_new_tickets()
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
            raise AccessError(self._token_refusal())
        self._check_many2one_values(vals)
        requester = {}
        if {"partner_id", "organization_id"} & vals.keys():
            requester = {ticket.id: ticket._token_holder() for ticket in self.sudo()}
        if {"state", "user_id", "group_id"} & vals.keys():
            vals = dict(vals, date_last_activity=fields.Datetime.now())
        forwarded = self.browse()
        if vals.get("group_id"):
            forwarded = self.filtered(lambda t: t.group_id.id != vals["group_id"])
        moved = self.browse()
        if "team_id" in vals:
            moved = self.filtered(lambda t: t.team_id.id != vals["team_id"])
        readers_change = bool(self._reader_fields & vals.keys())
        previous_requesters = [t.partner_id for t in self] if readers_change else []
        result = super().write(vals)
        if readers_change:
            # the checks below search the tickets, which writes them first:
            # once, with what the write makes them compute (hours, deadlines)
            self.flush_recordset()
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
                    t._token_holder()[:2] != requester[t.id][:2]
                    and t.access_token == requester[t.id][2]
                )
            )._renew_portal_token()
        # the forwarder may no longer read the ticket: sudo, same user
        forwarded.sudo()._notify_group_assignment()
        if readers_change:
            self._unsubscribe_lost_readers(previous_requesters)
        return result

    # the ticket's own fields that decide who reads it (the record rules)
    _reader_fields = frozenset(
        ("partner_id", "organization_id", "user_id", "group_id", "team_id")
    )

    # Patch of Odoo: a string given for a many2one is stored as an empty value; on a
    # ticket it is refused.
    def _check_many2one_values(self, vals):
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
