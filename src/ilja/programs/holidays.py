"""Korean public holidays (공휴일), including substitute holidays (대체공휴일) and election days,
and the paid days off that employees have by law besides them (근로자의 날 before it became a
public holiday in 2026).

They come from the ``holidays`` package rather than a table of our own, so new substitute and
temporary holidays arrive with a package update. Which statutory days off count is a dated
parameter (``common.working_time.statutory_paid_days_off``) with its law; the package only names
them. Working-day counts for attendance and deadlines use the public holidays; pay (timesheets and
payroll) uses the paid holidays.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as _holidays

from ilja.rules.parameters import ParameterError, default_tree


@dataclass(frozen=True, slots=True)
class Holiday:
    date: dt.date
    name_ko: str
    name_en: str


@lru_cache(maxsize=64)
def _names(year: int, language: str) -> tuple[tuple[dt.date, str], ...]:
    calendar = _holidays.country_holidays("KR", years=year, language=language)
    return tuple(sorted(calendar.items()))


def public_holidays(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year`` with their Korean names, in date order."""
    return dict(_names(year, "ko"))


def public_holidays_en(year: int) -> dict[dt.date, str]:
    """The same days with their English names."""
    return dict(_names(year, "en_US"))


def holiday_calendar(year: int) -> list[Holiday]:
    """The public holidays of ``year`` with both names."""
    english = public_holidays_en(year)
    return [Holiday(day, name, english.get(day, name)) for day, name in _names(year, "ko")]


def is_public_holiday(day: dt.date) -> bool:
    return day in public_holidays(day.year)


STATUTORY_DAYS_OFF = "common.working_time.statutory_paid_days_off"


@lru_cache(maxsize=64)
def _statutory_days_off(year: int) -> tuple[tuple[dt.date, str], ...]:
    parameter, days = default_tree().get(STATUTORY_DAYS_OFF), []
    for entry in parameter.values:
        for month, day in entry.value or ():
            date = dt.date(year, month, day)
            try:
                if [month, day] in parameter.entry_at(date).value:  # in force on that day itself
                    days.append(date)
            except ParameterError:  # before the law
                pass
    bank = _holidays.country_holidays("KR", years=year, categories=("bank",), language="ko")
    return tuple((d, bank.get(d, "유급휴일")) for d in days)


def paid_holidays(year: int) -> dict[dt.date, str]:
    """The days of ``year`` paid without work: the public holidays and the statutory paid days
    off of employees (근로기준법 §55 with 근로자의날 제정에 관한 법률), each counted once."""
    return dict(sorted({**dict(_statutory_days_off(year)), **public_holidays(year)}.items()))


def is_paid_holiday(day: dt.date) -> bool:
    return day in paid_holidays(day.year)
