from odoo import api, models
from odoo.osv import expression
from odoo.tools import SQL

from .ticket_bits import TicketBits, domain_columns, evaluable_columns

# tickets named on each user's line, among those the viewer may read
SAMPLE_SIZE = 5

# the rows read from the database at a time
FETCH_ROWS = 20000


class SupportAccessImpact(models.TransientModel):
    """Counting each user's gains and losses, among the tickets the viewer
    may read, with a few samples: by queries for a few users; for many, a
    change that opens a whole team or a large group to them would, counted
    as a query per user, read that team's tickets again for each of them,
    so the tickets the viewer reads are read once instead, and every
    user's rules evaluated on them in memory (``ticket_bits.py``)."""

    # one concern per file (README, Layout)
    _inherit = "support.access.impact"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _domain_differences(self, before, after):
        never = [expression.FALSE_LEAF]
        before, after = before or never, after or never
        return (
            expression.AND([after, ["!", *before]]),
            expression.AND([before, ["!", *after]]),
        )

    def _id_differences(self, before_ids, before_domain, after_ids):
        if before_ids is None:
            before_ids = (
                set(self._sudo_tickets().search(before_domain).ids)
                if before_domain is not None
                else set()
            )
        return (
            [("id", "in", sorted(after_ids - before_ids))],
            [("id", "in", sorted(before_ids - after_ids))],
        )

    def _sudo_tickets(self):
        # what users read is what a search finds: active tickets only
        return self.env["support.ticket"].sudo().with_context(active_test=True)

    def _viewer_tickets(self):
        """The tickets as the viewer reads them: counts tell of nothing the
        viewer may not read (another team's tickets that a sharing rule
        would open, another company's)."""
        Tickets = self.env["support.ticket"].with_context(active_test=True)
        if Tickets.has_access("read"):
            return Tickets
        # an administrator of access rights without a Support profile
        # changes users' roles and groups, and could give themselves every
        # ticket: they are told of all of them
        return self._sudo_tickets()

    def _differences_by_query(self, gained, lost):
        """``(gained, lost, sample ids)`` for the domains of the tickets
        gained and lost, counted and sampled by queries as the viewer."""
        gained_count, lost_count = self._counts(gained, lost)
        samples = self.env["support.ticket"]
        if gained_count or lost_count:
            samples = self._samples(
                expression.OR([gained] * bool(gained_count) + [lost] * bool(lost_count))
            )
        return gained_count, lost_count, samples.ids

    def _counts(self, gained, lost):
        """How many tickets each domain finds among those the viewer may
        read, in one query (the domains name the ticket's own columns)."""
        Tickets = self._viewer_tickets()
        queries = Tickets._search(gained), Tickets._search(lost)
        if any(query._joins or len(query._tables) != 1 for query in queries):
            return Tickets.search_count(gained), Tickets.search_count(lost)
        where_gained, where_lost = (query.where_clause for query in queries)
        [counts] = self.env.execute_query(
            SQL(
                "SELECT count(*) FILTER (WHERE %s), count(*) FILTER (WHERE %s)"
                " FROM %s WHERE (%s) OR (%s)",
                where_gained,
                where_lost,
                SQL.identifier(Tickets._table),
                where_gained,
                where_lost,
            )
        )
        return counts

    def _samples(self, domain):
        """A few tickets of ``domain`` the viewer may read (their own rules)."""
        Ticket = self.env["support.ticket"]
        if not Ticket.has_access("read"):
            return Ticket
        # the newest: the primary key answers without sorting the lot
        return Ticket.search(domain, limit=SAMPLE_SIZE, order="id desc")

    # -- many users, in memory ----------------------------------------------

    # from that many users to count, reading the tickets once costs less
    # than a query for each
    _IN_MEMORY_FROM_USERS = 10

    def _ticket_bits(self, domains):
        """The tickets the viewer reads (:meth:`_viewer_tickets`) as
        :class:`TicketBits`, with the columns ``domains`` name."""
        Tickets = self._viewer_tickets()
        evaluable = evaluable_columns(Tickets)
        columns = set()
        for domain in domains:
            columns |= domain_columns(domain or [], evaluable) or set()
        columns = sorted(columns - {"id"})
        query = Tickets._search([], order="id")
        table = query.table
        cr = self.env.cr
        cr.execute(
            query.select(
                SQL.identifier(table, "id"),
                *(SQL.identifier(table, column) for column in columns),
            )
        )
        return TicketBits.from_rows(self._fetched(cr), columns)

    @staticmethod
    def _fetched(cr):
        while rows := cr.fetchmany(FETCH_ROWS):
            yield from rows

    def _differences_in_memory(self, bits, before, after):
        """``(gained, lost, sample ids)`` from ``bits``
        (:meth:`_ticket_bits`), or None when a domain names a condition it
        does not evaluate."""
        before_rows = bits.rows(before) if before is not None else 0
        after_rows = bits.rows(after) if after is not None else 0
        if before_rows is None or after_rows is None:
            return None
        gained, lost = after_rows & ~before_rows, before_rows & ~after_rows
        samples = []
        if (gained or lost) and self.env["support.ticket"].has_access("read"):
            samples = bits.newest(gained | lost, SAMPLE_SIZE)
        return gained.bit_count(), lost.bit_count(), samples
