"""Korean public holidays (공휴일), including substitute holidays (대체공휴일) and election days.

They come from the ``holidays`` package rather than a table of our own, so new substitute and
temporary holidays arrive with a package update. Working-day counts for pay, attendance and
deadlines use them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays as _holidays


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
