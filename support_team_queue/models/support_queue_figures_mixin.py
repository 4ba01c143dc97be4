from odoo import api, fields, models
from odoo.tools import SQL


def _no_figures():
    return {
        "new": 0,
        "in_progress": 0,
        "waiting": 0,
        "queued": 0,
        "oldest_ticket_id": False,
        "oldest_hours": 0.0,
        "seconds": 0.0,  # waited by the queued tickets, in all
        "average_hours": 0.0,
    }


class SupportQueueFiguresMixin(models.AbstractModel):
    """The dashboard's live figures of a team's or a group's queue.

    Open tickets by state, the tickets waiting for an operator, the oldest of
    them and the average wait. Every figure counts only the tickets the current
    user may read: they are aggregated over ``support.ticket._search``, which
    applies the ticket record rules of the user, so an operator's dashboard is
    their own share of the queue and the team administrator's is the whole
    team.

    A ticket waits from its creation until an operator holds it; one given
    back to the queue ("Release") waits again, still counted from its
    creation: the requester has been waiting since then.
    """

    _name = "support.queue.figures.mixin"
    _description = "Support Queue Figures"

    # the support.ticket many2one that points to the inheriting model
    _ticket_field = None

    open_ticket_count = fields.Integer(compute="_compute_dashboard_figures")
    dashboard_new_count = fields.Integer(
        string="New", compute="_compute_dashboard_figures"
    )
    dashboard_in_progress_count = fields.Integer(
        string="In Progress", compute="_compute_dashboard_figures"
    )
    dashboard_waiting_count = fields.Integer(
        string="Waiting for Customer", compute="_compute_dashboard_figures"
    )
    dashboard_queued_count = fields.Integer(
        string="Waiting for an Operator",
        compute="_compute_dashboard_figures",
        help="Open tickets that no operator holds.",
    )
    dashboard_oldest_ticket_id = fields.Many2one(
        "support.ticket",
        string="Oldest Waiting Ticket",
        compute="_compute_dashboard_figures",
    )
    dashboard_oldest_waiting_hours = fields.Float(
        string="Longest Wait (hours)", compute="_compute_dashboard_figures"
    )
    dashboard_average_waiting_hours = fields.Float(
        string="Average Wait (hours)", compute="_compute_dashboard_figures"
    )

    @api.depends_context("uid")
    def _compute_dashboard_figures(self):
        figures = self._queue_figures()
        for record in self:
            values = figures.get(record.id) or _no_figures()
            record.open_ticket_count = (
                values["new"] + values["in_progress"] + values["waiting"]
            )
            record.dashboard_new_count = values["new"]
            record.dashboard_in_progress_count = values["in_progress"]
            record.dashboard_waiting_count = values["waiting"]
            record.dashboard_queued_count = values["queued"]
            record.dashboard_oldest_ticket_id = values["oldest_ticket_id"]
            record.dashboard_oldest_waiting_hours = values["oldest_hours"]
            record.dashboard_average_waiting_hours = values["average_hours"]

    def _queue_figures(self):
        """``{record id: figures}`` in one query, whatever the number of
        records, over the open tickets the current user may read."""
        ids = [record_id for record_id in self.ids if record_id]
        if not ids:
            return {}
        Ticket = self.env["support.ticket"]
        now = fields.Datetime.now()
        field_name = self._ticket_field
        figures = {}

        query = Ticket._search([(field_name, "in", ids), ("is_open", "=", True)])
        # as fields, so that what this transaction changed is written first
        owner, state, holder, created, ticket_id = (
            Ticket._field_to_sql(query.table, name, query)
            for name in (field_name, "state", "user_id", "create_date", "id")
        )
        query.groupby = SQL("%s, %s, %s IS NULL", owner, state, holder)
        rows = self.env.execute_query(
            query.select(
                owner,
                state,
                SQL("%s IS NULL", holder),
                SQL("COUNT(*)"),
                SQL("MAX(EXTRACT(EPOCH FROM %s - %s))", now, created),
                SQL("SUM(EXTRACT(EPOCH FROM %s - %s))", now, created),
                # the oldest waiting ticket, by creation then id, in the same
                # pass (a second query over the same tickets doubled the
                # dashboard's time at a million tickets)
                SQL(
                    "MIN(ARRAY[EXTRACT(EPOCH FROM %s), %s]) FILTER (WHERE %s IS NULL)",
                    created,
                    ticket_id,
                    holder,
                ),
            )
        )
        oldest = {}
        for record_id, ticket_state, is_queued, count, longest, total, first in rows:
            values = figures.setdefault(record_id, _no_figures())
            values[ticket_state] += count
            if is_queued:
                values["queued"] += count
                values["oldest_hours"] = max(
                    values["oldest_hours"], max(float(longest), 0.0) / 3600
                )
                values["seconds"] += float(total)
                if record_id not in oldest or first < oldest[record_id]:
                    oldest[record_id] = first
        for record_id, values in figures.items():
            if values["queued"]:
                values["average_hours"] = (
                    max(values["seconds"], 0.0) / 3600 / values["queued"]
                )
                values["oldest_ticket_id"] = int(oldest[record_id][1])
        return figures

    def action_support_open_queue(self):
        """The queue of this record's open tickets, from a dashboard card."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "support_team_queue.action_support_ticket_queue"
        )
        action["domain"] = [(self._ticket_field, "=", self.id)]
        action["display_name"] = self.display_name
        return action

    def action_support_open_waiting(self):
        """The tickets of this record that wait for an operator."""
        action = self.action_support_open_queue()
        action["context"] = {"search_default_filter_pending": 1}
        return action
