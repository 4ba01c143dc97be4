from odoo import models
from odoo.tools import SQL

from .support_access_impact import SAMPLE_SIZE
from .ticket_bits import TicketBits, domain_columns, evaluable_columns

# the rows read from the database at a time
FETCH_ROWS = 20000


class SupportAccessImpact(models.TransientModel):
    """Counting many users' gains and losses: a change that opens a whole
    team or a large group to many users would, counted as a query per
    user, read that team's tickets again for each of them; the tickets the
    viewer reads are read once instead, and every user's rules evaluated
    on them in memory (``ticket_bits.py``)."""

    # one concern per file (README, Layout)
    _inherit = "support.access.impact"  # pylint: disable=consider-merging-classes-inherited

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
