"""Timesheets of public-job participants: one entry per participant and day, and their checks.

A day is worked (근무), paid leave (유급휴가), unpaid absence (무급 결근) or a public holiday
(공휴일, incl. substitute holidays 대체공휴일 and election days, from ``ilja.programs.holidays``).
Hours are whole milli-hours (``6 h`` = 6000), so sums stay exact integers.

Checks (issue 6 §2): no day over the daily limit (the placement's own hours and the statutory
8 hours of 근로기준법 §50②), nothing outside the placement period, no day twice; a public-holiday
entry only on a public holiday; work only on the pattern's weekdays and never on a public holiday
(holiday work would need the premium of 근로기준법 §56, which these programs do not schedule).
A bad row is reported as (row, column, reason) and nothing is kept.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from ilja.errors import IljaError
from ilja.programs.holidays import is_paid_holiday

MILLI = 1000


class EntryKind(StrEnum):
    WORKED = "worked"  # 근무
    PAID_LEAVE = "paid_leave"  # 유급휴가
    UNPAID_ABSENCE = "unpaid_absence"  # 무급 결근
    PUBLIC_HOLIDAY = "public_holiday"  # 공휴일 (유급)


KIND_CODES: dict[EntryKind, int] = {kind: code for code, kind in enumerate(EntryKind)}
NO_ENTRY = -1

KIND_ALIASES: dict[str, EntryKind] = {
    **{kind.value: kind for kind in EntryKind},
    "근무": EntryKind.WORKED,
    "유급휴가": EntryKind.PAID_LEAVE,
    "연차": EntryKind.PAID_LEAVE,
    "결근": EntryKind.UNPAID_ABSENCE,
    "무급결근": EntryKind.UNPAID_ABSENCE,
    "공휴일": EntryKind.PUBLIC_HOLIDAY,
}

COLUMNS = ("placement", "date", "kind", "hours")


@dataclass(frozen=True, slots=True)
class WorkPattern:
    """Hours a day and days a week (Monday first): 6 h or 8 h × 5 days in these programs."""

    daily_milli_hours: int
    days_per_week: int

    def works_on(self, day: dt.date) -> bool:
        return day.weekday() < self.days_per_week


@dataclass(frozen=True, slots=True)
class PlacementTerms:
    """What the timesheet checks need to know about a placement."""

    placement_id: int
    start: dt.date
    end: dt.date  # inclusive; the leaving date for an early leaver (중도 포기)
    pattern: WorkPattern

    def covers(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True, slots=True)
class TimesheetEntry:
    placement_id: int
    day: dt.date
    kind: EntryKind
    milli_hours: int


@dataclass(frozen=True, slots=True)
class InvalidRow:
    """One problem: the row (1 = the header of a file), the column, a stable code and a message."""

    row: int
    column: str
    code: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "code": self.code, "reason": self.reason}


class TimesheetInvalid(IljaError, ValueError):
    """Rows of a timesheet with problems (every one, in ``rows``): nothing was stored."""

    code = "timesheet_invalid"
    status_code = 422

    def __init__(self, problems: Sequence[InvalidRow]):
        self.problems = list(problems)
        first = self.problems[0] if self.problems else None
        summary = f"row {first.row}, {first.column}: {first.reason}" if first else "invalid"
        super().__init__(f"근무기록 {len(self.problems)}행이 올바르지 않아 저장하지 않았습니다.",
                         f"{len(self.problems)} invalid timesheet row(s); first: {summary}")

    def extra(self) -> dict[str, Any]:
        return {"rows": [p.as_dict() for p in self.problems]}


def parse_hours(raw: Any) -> int:
    """Hours as written (``6``, ``5.5``, ``"7.25"``) to milli-hours; at most three decimals."""
    if isinstance(raw, bool):
        raise ValueError("not a number of hours")
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValueError(f"{raw!r} is not a number of hours") from None
    milli = value * MILLI
    if not milli.is_finite() or milli != milli.to_integral_value():
        raise ValueError(f"{raw!r}: at most three decimals")
    if milli < 0:
        raise ValueError("hours cannot be negative")
    return int(milli)


def parse_day(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValueError(f"{raw!r} is not a date (YYYY-MM-DD)") from None


def daily_limit(terms: PlacementTerms, statutory_daily_hours: int) -> int:
    return min(terms.pattern.daily_milli_hours, statutory_daily_hours * MILLI)


def check_entry(entry: TimesheetEntry, terms: PlacementTerms,
                statutory_daily_hours: int) -> tuple[str, str, str] | None:
    """The first rule ``entry`` breaks as (column, code, reason), or None."""
    if not terms.covers(entry.day):
        return ("date", "outside_period",
                f"{entry.day} is outside the placement period {terms.start} – {terms.end}")
    limit = daily_limit(terms, statutory_daily_hours)
    if entry.milli_hours > limit:
        return ("hours", "over_daily_limit",
                f"{entry.milli_hours / MILLI:g} h is over the daily limit of {limit / MILLI:g} h")
    holiday = is_paid_holiday(entry.day)
    if entry.kind is EntryKind.PUBLIC_HOLIDAY:
        if not holiday:
            return ("kind", "not_a_public_holiday", f"{entry.day} is not a public holiday")
        return None
    if entry.kind is EntryKind.UNPAID_ABSENCE and entry.milli_hours != 0:
        return ("hours", "absence_with_hours",
                "an unpaid absence is a whole day (0 h); record a shorter day as worked hours")
    if holiday:
        return ("kind", "public_holiday",
                f"{entry.day} is a public holiday: record it as public_holiday (paid)")
    if not terms.pattern.works_on(entry.day):
        return ("date", "not_a_working_day", f"{entry.day} is not a working day of the pattern")
    return None


def validate_entries(
    entries: Iterable[tuple[int, TimesheetEntry]],
    placements: Mapping[int, PlacementTerms],
    *,
    statutory_daily_hours: int,
    existing: Iterable[tuple[int, dt.date]] = (),
) -> list[InvalidRow]:
    """Every problem of ``entries`` (each with its row number); ``existing`` days are taken."""
    taken: dict[tuple[int, dt.date], int | None] = {key: None for key in existing}
    problems: list[InvalidRow] = []
    for row, entry in entries:
        terms = placements.get(entry.placement_id)
        if terms is None:
            problems.append(InvalidRow(row, "placement", "unknown_placement",
                                       f"no placement {entry.placement_id} for this host"))
            continue
        broken = check_entry(entry, terms, statutory_daily_hours)
        if broken:
            problems.append(InvalidRow(row, *broken))
            continue
        key = (entry.placement_id, entry.day)
        if key in taken:
            where = f"row {taken[key]}" if taken[key] is not None else "the stored timesheet"
            problems.append(InvalidRow(row, "date", "duplicate_day",
                                       f"{entry.day} is already entered ({where})"))
            continue
        taken[key] = row
    return problems


def default_hours(kind: EntryKind, terms: PlacementTerms) -> int:
    """The hours a blank cell means: the pattern's day, or none for an unpaid absence."""
    return 0 if kind is EntryKind.UNPAID_ABSENCE else terms.pattern.daily_milli_hours


def parse_rows(
    rows: Iterable[Mapping[str, Any]],
    placements: Mapping[int, PlacementTerms],
    *,
    statutory_daily_hours: int,
    existing: Iterable[tuple[int, dt.date]] = (),
    first_row: int = 2,
) -> list[TimesheetEntry]:
    """Cells (``placement``, ``date``, ``kind``, ``hours``) to entries; all or nothing.

    Raises ``TimesheetInvalid`` listing every bad row (row numbers start at ``first_row``, the
    first data row of a file whose header is row 1).
    """
    problems: list[InvalidRow] = []
    parsed: list[tuple[int, TimesheetEntry]] = []
    for row, cells in enumerate(rows, start=first_row):
        try:
            placement_id = int(str(cells.get("placement", "")).strip())
        except ValueError:
            problems.append(InvalidRow(row, "placement", "not_a_number", "placement must be a number"))
            continue
        try:
            day = parse_day(cells.get("date"))
        except ValueError as exc:
            problems.append(InvalidRow(row, "date", "not_a_date", str(exc)))
            continue
        kind = KIND_ALIASES.get(str(cells.get("kind") or "").strip().lower())
        if kind is None:
            problems.append(InvalidRow(row, "kind", "unknown_kind",
                                       f"kind must be one of {', '.join(k.value for k in EntryKind)}"))
            continue
        raw_hours = cells.get("hours")
        terms = placements.get(placement_id)
        if raw_hours is None or str(raw_hours).strip() == "":
            hours = default_hours(kind, terms) if terms else 0
        else:
            try:
                hours = parse_hours(raw_hours)
            except ValueError as exc:
                problems.append(InvalidRow(row, "hours", "not_hours", str(exc)))
                continue
        parsed.append((row, TimesheetEntry(placement_id, day, kind, hours)))
    problems.extend(validate_entries(parsed, placements, statutory_daily_hours=statutory_daily_hours,
                                     existing=existing))
    if problems:
        raise TimesheetInvalid(sorted(problems, key=lambda p: p.row))
    return [entry for _, entry in parsed]


def month_range(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def days_of_month(terms: PlacementTerms, year: int, month: int) -> list[dt.date]:
    first, last = month_range(year, month)
    start, end = max(first, terms.start), min(last, terms.end)
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def scheduled_days(terms: PlacementTerms, year: int, month: int) -> list[dt.date]:
    """Working days of the month: the pattern's weekdays in the period that are not holidays."""
    return [d for d in days_of_month(terms, year, month)
            if terms.pattern.works_on(d) and not is_paid_holiday(d)]


def prefill_month(terms: PlacementTerms, year: int, month: int) -> list[TimesheetEntry]:
    """The month as planned: every working day worked in full, weekday public holidays paid."""
    entries = []
    for day in days_of_month(terms, year, month):
        if not terms.pattern.works_on(day):
            continue
        kind = EntryKind.PUBLIC_HOLIDAY if is_paid_holiday(day) else EntryKind.WORKED
        entries.append(TimesheetEntry(terms.placement_id, day, kind, terms.pattern.daily_milli_hours))
    return entries


def missing_days(terms: PlacementTerms, entries: Iterable[TimesheetEntry], year: int, month: int) -> list[dt.date]:
    """Working days without an entry: a month cannot be approved while any remain."""
    entered = {e.day for e in entries if e.placement_id == terms.placement_id}
    return [d for d in scheduled_days(terms, year, month) if d not in entered]
