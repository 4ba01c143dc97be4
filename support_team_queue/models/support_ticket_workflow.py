import contextvars

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .python_flag import PythonFlag

# Raised while the workflow (Take, Wait, Release, Close, Reopen) writes what
# it owns.
WORKFLOW_WRITING = PythonFlag("support_workflow_writing")
# Set by a workflow button around the write that follows its lock: (cursor,
# user, companies, ticket ids) whose write rules the lock has just decided.
# Like PythonFlag, no RPC call can carry it.
LOCK_DECIDED_WRITE = contextvars.ContextVar("support_lock_decided_write", default=None)


class SupportTicket(models.Model):
    """The workflow: what it owns, its buttons (take, wait, release, close,
    reopen, assign) and the expiry of tickets nobody closed."""

    # one model, one file per concern (README, Layout)
    _inherit = "support.ticket"  # pylint: disable=consider-merging-classes-inherited

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
        if self.env.su or WORKFLOW_WRITING.is_raised():
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

    def _workflow_write_vals(self, vals, locked=False):
        """Write ``vals``, which may hold fields the workflow owns, with the
        user's rights: for the workflow buttons only. ``locked``: the button
        has just locked these tickets (``_lock_rows``), which decided
        their write rules; Odoo's write, which checks them again first on
        the same rows, takes that answer instead of a second query."""
        decided = self._write_key() if locked else None
        token = LOCK_DECIDED_WRITE.set(decided)
        try:
            with WORKFLOW_WRITING.raised():
                return self.write(vals)
        finally:
            LOCK_DECIDED_WRITE.reset(token)

    def _write_key(self):
        return (
            id(self.env.cr),
            self.env.uid,
            tuple(self.env.companies.ids),
            frozenset(self._ids),
        )

    def _check_access(self, operation):
        # Once, for the check that opens the workflow's own write: the rows
        # are locked and unchanged since the lock checked them (a concurrent
        # change would have failed the lock). The model's access rights are
        # still asked.
        decided = LOCK_DECIDED_WRITE.get()
        if (
            operation == "write"
            and decided is not None
            and not self.env.su
            and decided == self._write_key()
        ):
            LOCK_DECIDED_WRITE.set(None)
            if self.env["ir.model.access"].check(
                self._name, operation, raise_exception=False
            ):
                return None
        return super()._check_access(operation)

    # ------------------------------------------------------------------
    # Workflow buttons (also called over RPC)
    # ------------------------------------------------------------------

    def _check_open(self):
        done = self.filtered(lambda t: not t.is_open)
        if done:
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is closed or expired: reopen it first.",
                    tickets=", ".join(done.mapped("number")),
                )
            )

    # --- Handling ---
    # Take, take over, wait, release and close. Each locks the tickets' rows
    # first, so that two operators clicking at the same moment never both win
    # and no update is lost. Forwarding is a plain write of ``user_id`` and/or
    # ``group_id``: the record rules alone decide whether the forwarder still
    # sees the ticket afterwards.

    def _lock_rows(self):
        """Lock the tickets' rows until the end of the transaction, then
        re-read them.

        ``SKIP LOCKED``: while another transaction holds one of the tickets
        (an operator taking it this very moment), its row is not returned
        and the caller gets a UserError at once instead of queuing behind
        it; the transaction stays usable, with no savepoint to pay for (a
        ``NOWAIT`` failure would abort it). Odoo runs transactions in
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
        self.env.cr.execute(
            "SELECT id FROM support_ticket WHERE id IN %s FOR UPDATE SKIP LOCKED",
            [tuple(self.ids)],
        )
        locked = {id_ for (id_,) in self.env.cr.fetchall()}
        if not locked.issuperset(self.ids):
            raise UserError(
                self.env._(
                    "Ticket %(tickets)s is being changed by another operator "
                    "right now: reload it to see who handles it.",
                    tickets=", ".join(self.mapped("number")),
                )
            )
        self.invalidate_recordset()

    def _check_bulk_access(self, operation):
        """On a selection of tickets (the list's bulk actions), name the
        ones the user may not change: the whole selection is refused and
        none of it changes, as the form refuses one."""
        if len(self) < 2 or self.env.su:
            return
        refused = self - self._filtered_access(operation)
        if refused:
            raise AccessError(
                self.env._(
                    "You may not change %(tickets)s: none of the %(count)s "
                    "selected tickets was changed.",
                    tickets=refused._names_in_refusal(),
                    count=len(self),
                )
            )

    def _names_in_refusal(self):
        """The tickets, as an error refusing them names them to the current
        user: by their number when they may read them, by their id
        otherwise."""
        readable = self._filtered_access("read")
        names = readable.mapped("number") + [
            self.env._("Ticket #%s", ticket.id) for ticket in self - readable
        ]
        return ", ".join(names)

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

        A ticket already held by another operator is refused ("already taken by
        X"), unless the caller asks to take it over: the "Take Over" button
        passes ``support_take_over`` in the context (e.g. when a colleague
        forgot to release it). A take-over is written in the chatter.
        """
        self._lock_rows()
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
                },
                locked=True,
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
        self._lock_rows()
        self._check_open()
        now = fields.Datetime.now()
        for ticket in self:
            vals = {"state": "waiting"}
            if not ticket.user_id:
                vals.update(user_id=self.env.uid, date_taken=ticket.date_taken or now)
            ticket._workflow_write_vals(vals, locked=True)
        return True

    def action_release(self):
        """Give the ticket back to its group's (or the team's) queue."""
        self._lock_rows()
        self._check_open()
        self._workflow_write_vals({"user_id": False, "state": "new"}, locked=True)
        return True

    def action_close(self):
        """Close the ticket. A ticket nobody held becomes the closer's, so that
        it stays in their history."""
        self._lock_rows()
        self._check_open()
        now = fields.Datetime.now()
        for ticket in self:
            vals = {"state": "closed", "date_closed": now}
            if not ticket.user_id:
                vals["user_id"] = self.env.uid
            ticket._workflow_write_vals(vals, locked=True)
        return True

    def _state_when_handled_again(self):
        """The state of a ticket handled again (reopened, or answered while
        waiting for the customer): In Progress with its operator, New (the
        queue) without one."""
        self.ensure_one()
        return "in_progress" if self.user_id else "new"

    def action_reopen(self):
        reopen = self.filtered(lambda t: not t.is_open)
        for ticket in reopen:
            ticket._workflow_write_vals(
                {"state": ticket._state_when_handled_again(), "date_closed": False}
            )
        return True

    def _end_wait_for_customer(self):
        """The customer answered: a ticket waiting for them is handled again,
        as a reopened one is, and the targets' clock runs again."""
        for ticket in self.filtered(lambda t: t.state == "waiting"):
            ticket._workflow_write_vals({"state": ticket._state_when_handled_again()})
        return True

    # --- Expiry ---
    # Tickets nobody closes expire by themselves and stay in the history.
    # The scheduled action data/support_cron.xml calls _cron_expire_tickets.

    @api.model
    def _cron_expire_tickets(self):
        """Expire the tickets still open ``expire_hours`` hours after they
        were created (per team, working hours when the team has working
        hours; 0 never expires). Expired tickets stay in the
        history: active, with their operator and group."""
        now = fields.Datetime.now()
        teams = (
            self.env["support.team"]
            .with_context(active_test=False)
            .search([("expire_hours", ">", 0)])
        )
        for team in teams:
            cutoff = team._expiry_cutoff(now)
            if not cutoff:
                continue
            tickets = self.search(
                [
                    ("team_id", "=", team.id),
                    ("is_open", "=", True),
                    ("create_date", "<=", cutoff),
                ]
            )
            tickets._workflow_write_vals({"state": "expired", "date_closed": now})
        return True
