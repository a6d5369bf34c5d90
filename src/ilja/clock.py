"""The one clock of Ilja: the current instant (aware, UTC) and today's date in Seoul.

Programs run on Korea time: a deadline, an attendance day, the "current" round and a month's
report are Seoul dates, while the server's own clock runs UTC in production, so between 00:00 and
09:00 in Seoul ``date.today()`` is yesterday. Every caller asks here instead; tests fix the time
with ``frozen(...)``. A lint test refuses ``date.today()`` and a naive ``datetime.now()`` anywhere
else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


_source: Callable[[], dt.datetime] = _system_now


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC (what instant columns store)."""
    return _source()


def seoul_now() -> dt.datetime:
    """The current instant as a Seoul wall-clock time (aware)."""
    return now().astimezone(SEOUL)


def today() -> dt.date:
    """Today's date in Seoul: the date of attendance, deadlines, rounds and reports."""
    return seoul_now().date()


@contextmanager
def frozen(instant: dt.datetime | dt.date) -> Iterator[None]:
    """Fix the clock at ``instant`` (a naive datetime or a date is read as Seoul time) for a test."""
    global _source
    if not isinstance(instant, dt.datetime):
        instant = dt.datetime.combine(instant, dt.time(12), SEOUL)
    elif instant.tzinfo is None:
        instant = instant.replace(tzinfo=SEOUL)
    fixed = instant.astimezone(dt.UTC)
    previous, _source = _source, (lambda: fixed)
    try:
        yield
    finally:
        _source = previous
