"""The tickets a viewer reads, held in memory as bit sets, to count many
users' gains and losses at once (``support.access.impact``).

Each ticket is a bit (its row, in the order of the ids), each domain of
the ticket's resolved rules the set of the rows it finds: an integer whose
bits are those rows. ``after & ~before`` is then one operation on a few
kilobytes, where a query per user would read again the tickets each one
already reads. Only the conditions the rules resolve to are evaluated:
a many2one column (or the id) against ids, a list of ids or nothing, as
Odoo's ``_condition_to_sql`` writes them; any other condition makes
:meth:`TicketBits.rows` answer None, and the caller counts with a query.
"""

import array
import bisect

from odoo.osv import expression

# at most this many bytes of rows kept for conditions that come back
CACHE_BYTES = 64 * 1024 * 1024

POSITIVE = {"=": "=", "in": "in", "!=": "=", "not in": "in"}


def evaluable_columns(model):
    """The columns of ``model`` whose conditions :class:`TicketBits`
    evaluates: the id and the stored many2one columns, whose only empty
    value is NULL."""
    return {
        name
        for name, field in model._fields.items()
        if name == "id" or (field.type == "many2one" and field.store)
    }


def domain_columns(domain, evaluable):
    """The columns the leaves of ``domain`` name, or None when a leaf names
    another (its values are checked as it is evaluated)."""
    columns = set()
    for term in domain:
        if not expression.is_leaf(term) or term in (
            expression.TRUE_LEAF,
            expression.FALSE_LEAF,
        ):
            continue
        if term[0] not in evaluable or term[1] not in POSITIVE:
            return None
        columns.add(term[0])
    return columns


class TicketBits:
    """The rows of ``ids`` (ascending ticket ids) and, for each column
    named, the rows holding each value (None for NULL)."""

    def __init__(self, ids, values_by_column):
        self.ids = ids
        self.all = (1 << len(ids)) - 1
        self._nbytes = (len(ids) + 7) // 8
        self._rows = values_by_column  # column -> value -> array of rows
        self._cache = {}
        self._cached_bytes = 0

    @classmethod
    def from_rows(cls, rows, columns):
        """From an iterable of ``(id, value of each column...)`` in
        ascending id order."""
        ids = array.array("q")
        by_column = {column: {} for column in columns}
        indexes = list(enumerate(columns, start=1))
        for row_number, row in enumerate(rows):
            ids.append(row[0])
            for index, column in indexes:
                rows_of = by_column[column]
                value = row[index]
                if value not in rows_of:
                    rows_of[value] = array.array("i")
                rows_of[value].append(row_number)
        return cls(ids, by_column)

    def rows(self, domain):
        """The rows ``domain`` (normalized) finds, as an integer's bits;
        None when a condition is not one this evaluates."""
        stack = []
        for term in reversed(domain):
            if term == expression.AND_OPERATOR:
                stack.append(stack.pop() & stack.pop())
            elif term == expression.OR_OPERATOR:
                stack.append(stack.pop() | stack.pop())
            elif term == expression.NOT_OPERATOR:
                stack.append(self.all ^ stack.pop())
            else:
                found = self._leaf(term)
                if found is None:
                    return None
                stack.append(found)
        return stack.pop() if stack else self.all

    def newest(self, bits, limit):
        """The ids of the ``limit`` newest tickets of ``bits``."""
        found = []
        while bits and len(found) < limit:
            row = bits.bit_length() - 1
            found.append(self.ids[row])
            bits ^= 1 << row
        return found

    def _leaf(self, term):
        if term == expression.TRUE_LEAF:
            return self.all
        if term == expression.FALSE_LEAF:
            return 0
        if not expression.is_leaf(term) or not isinstance(term[0], str):
            return None
        column, operator, value = term
        if (column != "id" and column not in self._rows) or operator not in POSITIVE:
            return None
        if operator in ("=", "!="):
            # a many2one or the id compared with nothing (False, 0) is NULL
            values = (value or None,)
        elif isinstance(value, list | tuple):
            if any(type(item) is int and not item for item in value):
                # a 0 in Odoo's list is a NULL in SQL's, which no
                # comparison holds: left to a query
                return None
            values = tuple(None if item is False else item for item in value)
        else:
            return None
        if not all(type(item) is int or item is None for item in values):
            return None
        key = (column, tuple(sorted(set(values), key=repr)))
        found = self._cache.get(key)
        if found is None:
            found = self._rows_holding(column, key[1])
            if self._cached_bytes + self._nbytes <= CACHE_BYTES:
                self._cache[key] = found
                self._cached_bytes += self._nbytes
        if operator in ("!=", "not in"):
            # Odoo's negative conditions on a many2one hold NULL too: the
            # exact complement
            return self.all ^ found
        return found

    def _rows_holding(self, column, values):
        if column == "id":
            return self._bits(self._rows_of_ids(values))
        rows_of = self._rows[column]
        found = 0
        for value in values:
            rows = rows_of.get(value)
            if not rows:
                continue
            if len(values) > 1:
                # each value's rows are kept for the next list naming it
                key = (column, (value,))
                bits = self._cache.get(key)
                if bits is None:
                    bits = self._bits(rows)
                    if self._cached_bytes + self._nbytes <= CACHE_BYTES:
                        self._cache[key] = bits
                        self._cached_bytes += self._nbytes
                found |= bits
            else:
                found |= self._bits(rows)
        return found

    def _rows_of_ids(self, ids):
        for id_ in ids:
            row = bisect.bisect_left(self.ids, id_) if id_ is not None else None
            if row is not None and row < len(self.ids) and self.ids[row] == id_:
                yield row

    def _bits(self, rows):
        buffer = bytearray(self._nbytes)
        for row in rows:
            buffer[row >> 3] |= 1 << (row & 7)
        return int.from_bytes(buffer, "little")
