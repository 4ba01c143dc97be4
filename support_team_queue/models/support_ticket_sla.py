from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import create_index
from odoo.tools.sql import drop_index

from .support_ticket import OPEN_TICKETS_SQL
from .support_ticket_posting import readers_checked

SLA_STATES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("failed", "Failed"),
    ("met", "Met"),
]

# at risk: less than a fifth of a target's window left
_AT_RISK_SHARE = 0.2


def drop_stale_open_indexes(cr, *names):
    """Drop the open tickets' indexes still written on the list of open
    states (before ``is_open``): ``init()`` creates them again on the
    field, whose searches would not use them otherwise."""
    cr.execute(
        "SELECT indexname FROM pg_indexes WHERE indexname IN %s "
        "AND indexdef NOT LIKE '%%is_open%%'",
        [names],
    )
    for (name,) in cr.fetchall():
        drop_index(cr, name, "support_ticket")


class SupportTicket(models.Model):
    """Response-time targets on the ticket (SPEC "Response-time
    targets"): the matching policy (``support.sla``) with the earliest
    deadlines, the first public reply by staff, both deadlines in the
    team's working hours, and where the ticket stands. The clock stops
    while the ticket waits for the customer: the working hours spent
    waiting push the deadlines back.

    Every field here is the desk's: readonly, so a user's write is refused
    as for any field the workflow owns (``_check_workflow_owned_fields``),
    and kept up to date by the desk (``sudo``) and the scheduled action
    ``_cron_sla_escalate``, which marks tickets at risk and failed and
    tells whoever must act, once.
    """

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

    # the desk's own bookkeeping: staff read it, customers do not
    sla_id = fields.Many2one(
        "support.sla",
        string="Response-Time Target",
        compute="_compute_sla_id",
        store=True,
        help="The team's policy that applies, the one with the earliest "
        "deadlines when several do.",
        groups="base.group_user",
    )
    date_first_response = fields.Datetime(
        string="First Response",
        readonly=True,
        copy=False,
        help="The first public reply to the customer by staff.",
        groups="base.group_user",
    )
    sla_waiting_since = fields.Datetime(
        string="Waiting for the Customer Since",
        readonly=True,
        copy=False,
        help="Technical: when the ticket began waiting for the customer; "
        "the targets' clock stands still meanwhile.",
        groups="base.group_user",
    )
    sla_paused_hours = fields.Float(
        string="Hours Waiting for the Customer",
        readonly=True,
        copy=False,
        help="Working hours the ticket waited for the customer: they push "
        "the deadlines back.",
        groups="base.group_user",
    )
    sla_response_deadline = fields.Datetime(
        string="First Response Deadline",
        compute="_compute_sla",
        store=True,
        groups="base.group_user",
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolution Deadline",
        compute="_compute_sla",
        store=True,
        groups="base.group_user",
    )
    sla_deadline = fields.Datetime(
        string="Deadline",
        compute="_compute_sla",
        store=True,
        help="The earliest deadline of a target not reached yet (missed, "
        "when failed): the first response's, then the resolution's.",
        groups="base.group_user",
    )
    sla_state = fields.Selection(
        SLA_STATES,
        string="Target",
        compute="_compute_sla",
        store=True,
        help="On track; at risk: less than a fifth of a target's time left; "
        "failed: a deadline passed; met: every target reached in time.",
        groups="base.group_user",
    )
    sla_next_check = fields.Datetime(
        compute="_compute_sla",
        store=True,
        help="Technical: when the scheduled action looks at the ticket "
        "again (its at-risk moment, then its deadline); empty while it "
        "waits for the customer and once nothing can change.",
        groups="base.group_user",
    )
    sla_notified = fields.Selection(
        [("at_risk", "At Risk"), ("failed", "Failed")],
        string="Escalation Told",
        readonly=True,
        copy=False,
        help="Technical: the escalation notices already sent, each once.",
        groups="base.group_user",
    )

    # the fields of _compute_sla, recomputed together
    _sla_computed_fields = (
        "sla_response_deadline",
        "sla_resolution_deadline",
        "sla_deadline",
        "sla_state",
        "sla_next_check",
    )

    def init(self):  # pylint: disable=missing-return
        super().init()
        drop_stale_open_indexes(
            self.env.cr,
            "support_ticket_open_sla_state_index",
            "support_ticket_open_sla_next_check_index",
        )
        # The queue's filters "At risk" and "Failed" (open tickets only:
        # the queue's domain implies the predicate), and the scheduled
        # action's next tickets to look at (bench/README.md, "Escalation").
        create_index(
            self.env.cr,
            "support_ticket_open_sla_state_index",
            self._table,
            ["sla_state"],
            where=f"{OPEN_TICKETS_SQL} AND sla_state IN ('at_risk', 'failed')",
        )
        create_index(
            self.env.cr,
            "support_ticket_open_sla_next_check_index",
            self._table,
            ["sla_next_check"],
            where=f"{OPEN_TICKETS_SQL} AND sla_next_check IS NOT NULL",
        )

    @api.depends("team_id", "group_id", "priority", "category_id")
    def _compute_sla_id(self):
        # which policy applies is the desk's decision, whoever changed the
        # ticket: every policy of the team is considered
        policies = (
            self.env["support.sla"].sudo().search([("team_id", "in", self.team_id.ids)])
        )
        by_team = defaultdict(list)
        for policy in policies:
            by_team[policy.team_id.id].append(policy)
        for ticket in self:
            matching = [p for p in by_team[ticket.team_id.id] if p._matches(ticket)]
            ticket.sla_id = (
                min(matching, key=lambda p: p._earliest_key()) if matching else False
            )

    @api.depends(
        "sla_id",
        "create_date",
        "state",
        "date_first_response",
        "date_closed",
        "sla_waiting_since",
        "sla_paused_hours",
        "sla_notified",
    )
    def _compute_sla(self):
        now = fields.Datetime.now()
        with_policy = self.filtered("sla_id")
        since = {}
        for ticket in with_policy:
            start = ticket.create_date or now
            since[ticket.team_id] = min(since.get(ticket.team_id, start), start)
        # one working time line per team, from its oldest ticket here
        working = {team: team._working_time(start) for team, start in since.items()}
        for ticket in with_policy:
            ticket.update(ticket._sla_values(working[ticket.team_id], now))
        for ticket in self - with_policy:
            ticket.update(dict.fromkeys(self._sla_computed_fields, False))

    def _sla_values(self, working, now):
        """Deadlines and state of the ticket's targets at ``now``, on the
        team's working time line ``working``."""
        self.ensure_one()
        policy = self.sla_id
        done = not self.is_open
        if done:
            moment = self.date_closed or now
        elif self.state == "waiting" and self.sla_waiting_since:
            moment = self.sla_waiting_since  # the clock stands still
        else:
            moment = now
        origin = working.position(self.create_date or now) + self.sla_paused_hours
        closed = self.date_closed if self.state == "closed" else False
        responded = min(filter(None, (self.date_first_response, closed)), default=False)
        values = {}
        failed = at_risk = False
        pending, unreached, missed, risks, checks = [], [], [], [], []
        for field, hours, reached in (
            ("sla_response_deadline", policy.response_hours, responded),
            ("sla_resolution_deadline", policy.resolution_hours, closed),
        ):
            deadline = working.moment(origin + hours) if hours else False
            values[field] = deadline
            if not deadline:
                continue
            if reached:
                failed |= reached > deadline
                continue
            unreached.append(deadline)
            if done or moment >= deadline:
                failed = True
                missed.append(deadline)
                continue
            pending.append(deadline)
            risk = working.moment(origin + hours * (1 - _AT_RISK_SHARE))
            if moment >= risk:
                at_risk = True
                risks.append(risk)
                checks.append(deadline)
            else:
                checks.append(risk)
        if failed:
            state = "failed"
        elif at_risk:
            state = "at_risk"
        else:
            state = "on_track" if pending else "met"
        # The scheduled action looks at the ticket when its state will
        # change, and as soon as a notice is owed for its state, however it
        # came to it (a late reply, a change of policy, a run missed).
        told = self.sla_notified
        if done or self.state == "waiting":
            next_check = False  # nothing changes; the clock stands still
        elif failed:
            next_check = False if told == "failed" else min(missed, default=moment)
        elif at_risk and not told:
            next_check = min(risks)
        else:
            next_check = min(checks, default=False)
        values.update(
            sla_deadline=min(unreached, default=False),
            sla_state=state,
            sla_next_check=next_check,
        )
        return values

    # --- The clock: the first reply, the waits for the customer ---

    def write(self, vals):
        if "state" not in vals:
            return super().write(vals)
        now = fields.Datetime.now()
        waits = vals["state"] == "waiting"
        entering = (
            self.filtered(lambda t: t.state != "waiting") if waits else self.browse()
        )
        leaving = (
            self.browse()
            if waits
            else self.filtered(lambda t: t.state == "waiting" and t.sla_waiting_since)
        )
        paused = {
            ticket.id: ticket.sla_paused_hours
            + ticket.team_id._working_time(ticket.sla_waiting_since).position(now)
            for ticket in leaving
        }
        result = super().write(vals)
        # the desk keeps the clock, whoever changed the state: sudo
        entering.sudo().write({"sla_waiting_since": now})
        for ticket in leaving.sudo():
            ticket.write(
                {"sla_waiting_since": False, "sla_paused_hours": paused[ticket.id]}
            )
        return result

    @api.model
    def _sla_start_untimed_waits(self):
        """Give the tickets waiting for the customer without a start of
        their wait (waiting before the targets existed: the wait began
        before the desk kept the clock) the moment they began to wait: the
        last change of their state in their chatter (they have waited
        since), else their last write. Their deadlines then stand still
        from that moment, as for any ticket waiting."""
        tickets = (
            self.sudo()
            .with_context(active_test=False)
            .search([("state", "=", "waiting"), ("sla_waiting_since", "=", False)])
        )
        if not tickets:
            return tickets
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT message.res_id, max(message.date)
              FROM mail_tracking_value tracking
              JOIN mail_message message ON message.id = tracking.mail_message_id
              JOIN ir_model_fields field ON field.id = tracking.field_id
             WHERE message.model = 'support.ticket'
               AND message.res_id = ANY(%s)
               AND field.model = 'support.ticket'
               AND field.name = 'state'
             GROUP BY message.res_id
            """,
            [tickets.ids],
        )
        changed = dict(self.env.cr.fetchall())
        for ticket in tickets:
            ticket.sla_waiting_since = changed.get(ticket.id) or ticket.write_date
        return tickets

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        self._sla_record_first_response(message)
        return res

    def _sla_record_first_response(self, message):
        """The first public reply by staff answers the request; a log note,
        a notice or the customer's own message does not."""
        message = message.sudo()
        if (
            message.message_type not in ("email", "comment")
            or message.is_internal
            or message.subtype_id.internal
            or self._is_customer(message.author_id)
        ):
            return
        # the desk's bookkeeping, whoever replied: sudo
        self.sudo().filtered(lambda t: not t.date_first_response).write(
            {"date_first_response": message.date or fields.Datetime.now()}
        )

    # --- Escalation ---
    # The scheduled action data/support_cron.xml calls _cron_sla_escalate.

    _TEMPLATE_SLA = {
        "at_risk": "support_team_queue.mail_template_ticket_sla_at_risk",
        "failed": "support_team_queue.mail_template_ticket_sla_failed",
    }
    _SLA_BATCH = 1000

    def _notice_templates(self):
        return super()._notice_templates() + tuple(self._TEMPLATE_SLA.values())

    @api.model
    def _cron_sla_escalate(self, batch_size=None):
        """Look again at the open tickets whose at-risk moment or deadline
        came (``sla_next_check``, indexed), a batch at a time: mark them at
        risk or failed and tell whoever must act, once.

        Run by the scheduler, one batch a call: Odoo commits it and calls
        again while some remain (``ir.cron._notify_progress``). Called
        directly, every batch in one go."""
        batch_size = batch_size or self._SLA_BATCH
        domain = [
            ("sla_next_check", "<=", fields.Datetime.now()),
            ("is_open", "=", True),
        ]
        scheduled = bool(self.env.context.get("ir_cron_progress_id"))
        seen = set()
        while True:
            tickets = self.search(domain, order="sla_next_check, id", limit=batch_size)
            # each batch moves its tickets' next look into the future; the
            # guard only stops a run that would not
            if not tickets or seen.issuperset(tickets.ids):
                break
            seen.update(tickets.ids)
            for name in self._sla_computed_fields:
                self.env.add_to_compute(self._fields[name], tickets)
            tickets.flush_recordset(list(self._sla_computed_fields))
            tickets._sla_notify_escalations()
            tickets.flush_recordset()
            if scheduled:
                self.env["ir.cron"]._notify_progress(
                    done=len(tickets), remaining=self.search_count(domain)
                )
                break
        return True

    def _sla_notify_escalations(self):
        """Tell of the tickets newly at risk or failed their operator (or,
        without one, their group's responsible users) and their team's
        dispatchers: those of them who want support notices and may read
        the ticket (one access check per user for the whole batch),
        through Odoo's notifications, once for at risk and once for
        failed. As ``_notify`` does for one ticket."""
        for state, template in self._TEMPLATE_SLA.items():
            tickets = self.filtered(
                lambda t, state=state: (
                    t.sla_state == state
                    and t.sla_notified != "failed"
                    and t.sla_notified != state
                )
            )
            if not tickets:
                continue
            if not self.env.context.get("tracking_disable"):
                told = {
                    ticket: (ticket.user_id or ticket.group_id.notify_user_ids)
                    | ticket.team_id.notify_user_ids
                    for ticket in tickets.sudo()
                }
                users = self._users_to_notify(
                    self.env["res.users"].union(*told.values())
                )
                readable = {user: tickets._filtered_readable_by(user) for user in users}
                by_lang = defaultdict(lambda: defaultdict(list))
                checked = set()
                for ticket, recipients in told.items():
                    for user in recipients & users:
                        if ticket in readable[user]:
                            by_lang[user.partner_id.lang][ticket.id].append(
                                user.partner_id.id
                            )
                            checked.add((ticket.id, user.id))
                # the recipients' access, checked above for the batch, is
                # not checked again for each notice
                with readers_checked(self.env.cr, checked):
                    for lang, partners_of in by_lang.items():
                        # queued: the mail scheduler sends them, not this run
                        tickets.with_context(
                            lang=lang, mail_notify_force_send=False
                        )._send_notice(partners_of, template)
            tickets.sudo().write({"sla_notified": state})
