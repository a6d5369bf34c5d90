"""A cohort's (기수) session days: working days between its start and end, without public holidays.

Holidays (공휴일, 대체공휴일, election days) come from ``ilja.programs.holidays`` so a substitute
holiday announced later arrives with a package update, not an edit here. Operators may close a
campus on further days (``closures``: a campus event, a building inspection).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from ilja.programs.holidays import is_public_holiday, public_holidays

WEEKDAYS = (0, 1, 2, 3, 4)  # Monday..Friday
_DAY = dt.timedelta(days=1)


class ScheduleError(ValueError):
    """A schedule that cannot be built (end before start, no weekday, no session day)."""


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A weekday without a session, and why (the holiday's name or the operator's closure)."""

    day: dt.date
    reason: str


@dataclass(frozen=True, slots=True)
class Schedule:
    """The session days of a cohort and the weekdays skipped on the way."""

    sessions: tuple[dt.date, ...]
    skipped: tuple[SkippedDay, ...] = field(default=())

    @property
    def start(self) -> dt.date:
        return self.sessions[0]

    @property
    def end(self) -> dt.date:
        return self.sessions[-1]

    def __len__(self) -> int:
        return len(self.sessions)

    def index(self) -> dict[dt.date, int]:
        return {day: i for i, day in enumerate(self.sessions)}


def _check_weekdays(weekdays: Collection[int]) -> None:
    if not weekdays or any(w not in range(7) for w in weekdays):
        raise ScheduleError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")


def _skip_reason(day: dt.date, closures: Collection[dt.date]) -> str | None:
    if is_public_holiday(day):
        return public_holidays(day.year)[day]
    if day in closures:
        return "closure"
    return None


def session_days(start: dt.date, end: dt.date, *, weekdays: Collection[int] = WEEKDAYS,
                 closures: Iterable[dt.date] = ()) -> Schedule:
    """Every session day from ``start`` to ``end`` (both included)."""
    if end < start:
        raise ScheduleError(f"the end {end.isoformat()} is before the start {start.isoformat()}")
    _check_weekdays(weekdays)
    closed = frozenset(closures)
    sessions: list[dt.date] = []
    skipped: list[SkippedDay] = []
    day = start
    while day <= end:
        if day.weekday() in weekdays:
            reason = _skip_reason(day, closed)
            if reason is None:
                sessions.append(day)
            else:
                skipped.append(SkippedDay(day, reason))
        day += _DAY
    if not sessions:
        raise ScheduleError("no session day between the start and the end")
    return Schedule(tuple(sessions), tuple(skipped))


def plan_sessions(start: dt.date, count: int, *, weekdays: Collection[int] = WEEKDAYS,
                  closures: Iterable[dt.date] = ()) -> Schedule:
    """The first ``count`` session days from ``start`` on: a course sold as "N days" ends when
    its N-th session is held, later when holidays fall inside it."""
    if count < 1:
        raise ScheduleError("a cohort needs at least one session")
    _check_weekdays(weekdays)
    closed = frozenset(closures)
    sessions: list[dt.date] = []
    skipped: list[SkippedDay] = []
    day = start
    while len(sessions) < count:
        if day.weekday() in weekdays:
            reason = _skip_reason(day, closed)
            if reason is None:
                sessions.append(day)
            else:
                skipped.append(SkippedDay(day, reason))
        day += _DAY
    return Schedule(tuple(sessions), tuple(skipped))
