"""Deadlines of a decision's notice and of contesting it, counted as Korean law counts them.

Two ways of counting, both in Korea's calendar days (the caller passes Seoul's date):

- ``calendar`` — a period in days from an event (민법 §157, applied to administrative periods by
  행정기본법 §6 ①): the first day is not counted, the period ends at the end of its last day, and
  a last day that falls on a Saturday or a public holiday (Sunday is one: 관공서의 공휴일에 관한
  규정 §2) moves to the next working day (민법 §161).
- ``working_days`` — a civil petition's processing period of six days or more (민원 처리에 관한
  법률 §19 ②): counted in days, the first day counted, Saturdays and public holidays not.

Pure functions: the holidays come in as a predicate, so the rule is tested without a calendar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum

from ilja.programs.holidays import is_public_holiday

Holiday = Callable[[dt.date], bool]

_DAY = dt.timedelta(days=1)


class Counting(StrEnum):
    CALENDAR = "calendar"
    WORKING_DAYS = "working_days"


def is_working_day(day: dt.date, holiday: Holiday = is_public_holiday) -> bool:
    """Not a Saturday, a Sunday or a public holiday."""
    return day.weekday() < 5 and not holiday(day)


def calendar_deadline(start: dt.date, days: int, holiday: Holiday = is_public_holiday) -> dt.date:
    """The last day of a ``days``-day period from ``start`` (민법 §157, §161)."""
    if days < 1:
        raise ValueError(f"a period is at least one day, not {days}")
    last = start + dt.timedelta(days=days)
    while not is_working_day(last, holiday):
        last += _DAY
    return last


def working_day_deadline(start: dt.date, days: int, holiday: Holiday = is_public_holiday) -> dt.date:
    """The last day of ``days`` working days counted from ``start`` itself (민원처리법 §19 ②)."""
    if days < 1:
        raise ValueError(f"a period is at least one day, not {days}")
    day, counted = start, 0
    while True:
        if is_working_day(day, holiday):
            counted += 1
            if counted == days:
                return day
        day += _DAY


def deadline(start: dt.date, days: int, counting: Counting,
             holiday: Holiday = is_public_holiday) -> dt.date:
    if counting is Counting.WORKING_DAYS:
        return working_day_deadline(start, days, holiday)
    return calendar_deadline(start, days, holiday)


def administrative_appeal_deadline(decided_on: dt.date, known_on: dt.date, from_knowing: int,
                                   from_decision: int, holiday: Holiday = is_public_holiday) -> dt.date:
    """행정심판법 §27 ①·③: within ``from_knowing`` days of learning of the decision, and never
    later than ``from_decision`` days after it — whichever closes first."""
    return min(calendar_deadline(known_on, from_knowing, holiday),
               calendar_deadline(decided_on, from_decision, holiday))
