"""What a training date or code may be, in one place, so the API, the pages and the importers
refuse the same absurd input with the same words (issue 17 §5, issue 16 "absurd input").

Dates are bounded by what they mean: a cohort, a one-day class or a committee decision lies within
the years the programs keep records of and plan for — not before ``EARLIEST`` (the oldest course
records the city keeps, the technical institutes' of 2000) and not past the end of the year
``YEARS_AHEAD`` years from today (the plan's horizon) — and a cohort lasts at most ``LONGEST``
(the two-year institute courses are the longest). Codes follow the pattern their form promises:
capitals, digits and hyphens. Each problem names its field by the label the form shows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ilja import clock
from ilja.training.errors import InvalidInput

EARLIEST = dt.date(2000, 1, 1)
YEARS_AHEAD = 3
LONGEST = dt.timedelta(days=731)
MAX_INDUSTRY_MONTHS = 720  # 60 years of work
CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")


@dataclass(frozen=True)
class Problem:
    """One refused field: its form id and the message in both languages (label first)."""

    field: str
    message_ko: str
    message_en: str

    def error(self) -> InvalidInput:
        return InvalidInput(self.message_ko, self.message_en)


def latest() -> dt.date:
    """The last day a training date may name: the end of the plan's horizon."""
    return dt.date(clock.today().year + YEARS_AHEAD, 12, 31)


def day_problem(field: str, label_ko: str, label_en: str, day: dt.date) -> Problem | None:
    last = latest()
    if EARLIEST <= day <= last:
        return None
    return Problem(field, f"{label_ko}: {EARLIEST.isoformat()}부터 {last.isoformat()}까지의 날짜를 입력하십시오.",
                   f"{label_en}: enter a date from {EARLIEST.isoformat()} to {last.isoformat()}.")


def cohort_problems(starts_on: dt.date, ends_on: dt.date,
                    closures: Iterable[dt.date] = ()) -> list[Problem]:
    """What is wrong with a cohort's dates, checked before any session day is computed."""
    problems = [p for p in (day_problem("starts_on", "시작일", "Starts on", starts_on),
                            day_problem("ends_on", "종료일", "Ends on", ends_on)) if p]
    if problems:
        return problems
    if ends_on < starts_on:
        return [Problem("ends_on", "종료일: 시작일과 같거나 그 뒤여야 합니다.",
                        "Ends on: the end cannot be before the start.")]
    if ends_on - starts_on > LONGEST:
        return [Problem("ends_on", f"종료일: 기수는 최대 {LONGEST.days}일까지 운영합니다.",
                        f"Ends on: a cohort lasts at most {LONGEST.days} days.")]
    outside = sorted(d for d in closures if not starts_on <= d <= ends_on)
    if outside:
        return [Problem("closures", f"휴강일: {outside[0].isoformat()}은(는) 기수 기간 밖입니다.",
                        f"Closure days: {outside[0].isoformat()} is outside the cohort's dates.")]
    return []


def check_cohort(starts_on: dt.date, ends_on: dt.date, closures: Iterable[dt.date] = ()) -> None:
    problems = cohort_problems(starts_on, ends_on, closures)
    if problems:
        raise problems[0].error()


def check_day(field: str, label_ko: str, label_en: str, day: dt.date) -> dt.date:
    problem = day_problem(field, label_ko, label_en, day)
    if problem:
        raise problem.error()
    return day


def code_problem(field: str, label_ko: str, label_en: str, code: str) -> Problem | None:
    if CODE.fullmatch(code or ""):
        return None
    return Problem(field, f"{label_ko}: 영문 대문자, 숫자, 하이픈만 쓸 수 있습니다 (예: MAPO-AI).",
                   f"{label_en}: use capitals, digits and hyphens only (for example MAPO-AI).")


def check_code(field: str, label_ko: str, label_en: str, code: str) -> str:
    problem = code_problem(field, label_ko, label_en, code.strip() if code else code)
    if problem:
        raise problem.error()
    return code.strip()
