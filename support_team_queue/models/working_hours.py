"""Working time as a line: a team's working intervals (its
``resource.calendar``, holidays included; none: around the clock) laid end
to end, so that "how many working hours between two moments" and "the
moment N working hours after another" are a subtraction and a bisection,
whatever the number of tickets asked about. Used by the expiry and the
response-time targets (models/support_ticket_sla.py).

Why not ``resource.calendar.plan_hours`` per ticket: each call reads the
calendar's intervals afresh (``_work_intervals_batch``, a search of its
leaves each time) 14 days at a time, and a ticket needs several moments
(both deadlines, their at-risk moments). A line reads the intervals once
per 60 days, through the same ``_work_intervals_batch``, and
``_compute_sla`` builds one line per team for a whole batch of tickets:
the calendar is read once per team and batch (per 60 days it spans), and
every deadline is a bisection (bench/README.md, "Escalation")."""

import bisect
from datetime import timedelta

import pytz

# intervals are read from the calendar this many days at a time
_CHUNK = timedelta(days=60)
# a calendar with no working time at all is read this far, then taken as
# around the clock rather than as a deadline that never comes (~10 years)
_MAX_CHUNKS = 60


def _hours(delta):
    return delta.total_seconds() / 3600


class WorkingTime:
    """The working intervals of ``calendar`` (a ``resource.calendar``, or
    an empty recordset: around the clock) from ``since`` (naive UTC, as
    Odoo stores datetimes) onwards, read as they are needed."""

    def __init__(self, calendar, since):
        self._calendar = calendar
        self._since = since
        self._until = since
        self._starts = []
        self._ends = []
        self._before = [0.0]  # working hours before each interval
        self._clock = not calendar
        self._idle = 0  # chunks read in a row without working time

    def _fetch(self, start, end):
        if self._clock:
            return [(start, end)]
        intervals = self._calendar._work_intervals_batch(
            start.replace(tzinfo=pytz.utc), end.replace(tzinfo=pytz.utc)
        )[False]
        return [
            (
                a.astimezone(pytz.utc).replace(tzinfo=None),
                b.astimezone(pytz.utc).replace(tzinfo=None),
            )
            for a, b, _meta in intervals
        ]

    def _extend(self):
        end = self._until + _CHUNK
        found = False
        for start, stop in self._fetch(self._until, end):
            if self._ends:
                start = max(start, self._ends[-1])
            if stop <= start:
                continue
            found = True
            self._starts.append(start)
            self._ends.append(stop)
            self._before.append(self._before[-1] + _hours(stop - start))
        self._until = end
        self._idle = 0 if found else self._idle + 1
        if self._idle > _MAX_CHUNKS:
            self._clock = True  # no working time any more: around the clock

    def position(self, moment):
        """Working hours from ``since`` to ``moment``."""
        if moment <= self._since:
            return 0.0
        while moment > self._until:
            self._extend()
        i = bisect.bisect_right(self._starts, moment) - 1
        if i < 0:
            return 0.0
        return self._before[i] + min(
            _hours(moment - self._starts[i]), _hours(self._ends[i] - self._starts[i])
        )

    def moment(self, position, latest=False):
        """The first moment ``position`` working hours after ``since`` (the
        end of a working interval rather than the start of the next one), or
        with ``latest`` the last one (the start of the next one)."""
        if position <= 0 and not latest:
            return self._since
        while self._before[-1] < position or (latest and self._before[-1] == position):
            self._extend()
        if latest:
            k = bisect.bisect_right(self._before, position) - 1
        else:
            k = bisect.bisect_left(self._before, position, lo=1) - 1
        return self._starts[k] + timedelta(hours=position - self._before[k])

    def plan(self, start, hours):
        """The moment ``hours`` working hours after ``start``."""
        return max(start, self.moment(self.position(start) + hours))

    def hours_between(self, start, end):
        """Working hours from ``start`` to ``end`` (0 if ``end`` is earlier)."""
        return max(self.position(end) - self.position(start), 0.0)
