"""A month's pay for every participant at once, as integer numpy columns (whole won).

The pay model is a monthly wage (월급제), as the plan states it: a full month pays the hourly wage
× the standard monthly paid hours (209 h for 8 h × 5 d, 156 h for 6 h × 5 d; ``ilja.rules.pay``),
split into basic pay (소정근로 174 h / 130 h) and the paid weekly holiday (주휴수당 35 h / 26 h), plus
the named allowances (동행일자리's assumed ``monthly_allowance_krw``). From that:

- each calendar day of the placement earns 1/(days in the month) of the month under the rules in
  force on that day (일할 계산: a wage change on any day, a start on 1-10 or a leaving date);
- public holidays (근로기준법 §55②, 시행령 §30②) and paid leave are paid as working days;
- a working hour not worked (a shorter day, an unpaid absence, a working day left empty) is
  deducted at the hourly wage of its day;
- the weekly holiday needs ≥ 15 h a week (§18③) and every working day of the week attended
  (개근, 근로기준법 §55①, 시행령 §30①); a week with an unpaid absence forfeits it, deducted at
  the wage of its holiday (Sunday) in the month of that Sunday, pro rata to the days of the week
  inside the placement;
- the allowance is pro rata to the calendar days and (parameter) to the working days attended.

Rounding rule: every pay component is an exact integer numerator summed over days, divided once
per participant and component and rounded half up to the won; gross is the sum of the rounded
components (never below 0). Deductions (``deductions.py``) are rounded down to 10 won.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import numpy as np

from ilja.programs.holidays import paid_holidays
from ilja.publicjobs.timesheet import KIND_CODES, MILLI, NO_ENTRY, EntryKind
from ilja.rules.parameters import ParameterTree

WORKED, PAID_LEAVE, UNPAID, HOLIDAY = (KIND_CODES[k] for k in EntryKind)


@dataclass(frozen=True)
class MonthRules:
    """Parameter values of each day of the extended month (from the Monday of its first week).

    Program arrays are ``(n_programs, n_days)``; working-time arrays are ``(n_days,)``.
    """

    year: int
    month: int
    programs: tuple[str, ...]
    first_day: dt.date  # the Monday on or before the 1st
    offset: int  # column of the 1st
    days_in_month: int
    hourly_wage: np.ndarray
    standard_daily_milli: np.ndarray
    monthly_allowance: np.ndarray
    standard_weekly_hours: np.ndarray
    holiday_hours_per_week: np.ndarray
    holiday_min_weekly_hours: np.ndarray
    weeks_per_month_milli: np.ndarray
    public_holiday: np.ndarray  # bool per day
    holiday_weekday: int
    allowance_reduced_for_absence: bool

    @property
    def n_days(self) -> int:
        return self.offset + self.days_in_month

    def program_index(self, code: str) -> int:
        return self.programs.index(code)


def _milli(value: Any) -> int:
    scaled = Decimal(str(value)) * MILLI
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value!r} has more than three decimals")
    return int(scaled)


def month_rules(tree: ParameterTree, programs: tuple[str, ...], year: int, month: int) -> MonthRules:
    """Read every parameter the month needs, day by day, so a change on any day is honoured."""
    first = dt.date(year, month, 1)
    days_in_month = calendar.monthrange(year, month)[1]
    offset = first.weekday()
    start = first - dt.timedelta(days=offset)
    days = [start + dt.timedelta(days=i) for i in range(offset + days_in_month)]

    def per_day(name: str, convert: Any = int) -> list[Any]:
        return [convert(tree.value(name, d)) for d in days]

    wage = np.array([per_day(f"{p}.work.hourly_wage") for p in programs], dtype=np.int64)
    daily = np.array([per_day(f"{p}.work.daily_hours", _milli) for p in programs], dtype=np.int64)
    allowance = np.array([per_day(f"{p}.work.monthly_allowance_krw") for p in programs], dtype=np.int64)
    holidays = set(paid_holidays(start.year)) | set(paid_holidays(year))
    last = days[-1]
    return MonthRules(
        year=year, month=month, programs=tuple(programs), first_day=start, offset=offset,
        days_in_month=days_in_month,
        hourly_wage=wage.reshape(len(programs), len(days)),
        standard_daily_milli=daily.reshape(len(programs), len(days)),
        monthly_allowance=allowance.reshape(len(programs), len(days)),
        standard_weekly_hours=np.array(per_day("common.working_time.standard_weekly_hours"), dtype=np.int64),
        holiday_hours_per_week=np.array(
            per_day("common.working_time.weekly_holiday_hours_per_standard_week"), dtype=np.int64),
        holiday_min_weekly_hours=np.array(
            per_day("common.working_time.weekly_holiday_min_weekly_hours"), dtype=np.int64),
        weeks_per_month_milli=np.array(per_day("common.working_time.weeks_per_month", _milli), dtype=np.int64),
        public_holiday=np.array([d in holidays for d in days], dtype=bool),
        holiday_weekday=int(tree.value("publicjobs.timesheet.weekly_holiday_weekday", last)),
        allowance_reduced_for_absence=bool(
            tree.value("publicjobs.timesheet.allowance_reduced_for_absence", last)),
    )


@dataclass
class Placements:
    """One entry per placement: program index into ``MonthRules.programs`` and its work pattern."""

    program: np.ndarray  # int
    start: np.ndarray  # date ordinals, inclusive
    end: np.ndarray  # date ordinals, inclusive (leaving date)
    daily_milli: np.ndarray
    days_per_week: np.ndarray

    def __len__(self) -> int:
        return len(self.program)


@dataclass
class Entries:
    """Timesheet rows: the position of their placement in ``Placements``, day, kind code, hours."""

    placement: np.ndarray
    day: np.ndarray  # date ordinals
    kind: np.ndarray
    milli_hours: np.ndarray


@dataclass
class MonthPay:
    """Per placement (int64 columns, won unless named otherwise)."""

    calendar_days: np.ndarray
    scheduled_days: np.ndarray
    public_holiday_days: np.ndarray
    worked_milli_hours: np.ndarray
    paid_leave_milli_hours: np.ndarray
    absent_days: np.ndarray
    missing_milli_hours: np.ndarray
    forfeited_weeks: np.ndarray
    basic_pay: np.ndarray  # 기본급 (소정근로)
    weekly_holiday_pay: np.ndarray  # 주휴수당
    allowance: np.ndarray  # 부대수당 (named allowance)
    absence_deduction: np.ndarray  # 미근로 공제
    weekly_holiday_forfeited: np.ndarray  # 주휴 미발생 공제
    gross: np.ndarray

    def row(self, i: int) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)[i]) for f in fields(self)}


def _round_div(numerator: np.ndarray, denominator: int) -> np.ndarray:
    """Round half up (numerators are never negative)."""
    return (numerator + denominator // 2) // denominator


def _standard_month_hours(daily_milli: np.ndarray, days_per_week: np.ndarray, rules: MonthRules,
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per placement and day: (work hours, weekly-holiday hours) of a standard month, and the
    weekly-holiday milli-hours of one week (as in ``ilja.rules.pay.standard_month``)."""
    weekly = (daily_milli * days_per_week)[:, None]
    holiday_week = np.where(
        weekly >= rules.holiday_min_weekly_hours[None, :] * MILLI,
        weekly * rules.holiday_hours_per_week[None, :] // rules.standard_weekly_hours[None, :], 0)
    weeks = rules.weeks_per_month_milli[None, :]
    paid = _round_div((weekly + holiday_week) * weeks, MILLI * MILLI)
    work = _round_div(weekly * weeks, MILLI * MILLI)
    return work, paid - work, holiday_week


def compute_month(rules: MonthRules, placements: Placements, entries: Entries) -> MonthPay:
    """Gross pay of the month for every placement (see the module docstring for the rules)."""
    n, days = len(placements), rules.n_days
    ordinals = rules.first_day.toordinal() + np.arange(days, dtype=np.int64)
    in_month = np.zeros(days, dtype=bool)
    in_month[rules.offset:] = True
    weekday = np.arange(days) % 7
    start = placements.start.astype(np.int64)[:, None]
    end = placements.end.astype(np.int64)[:, None]
    inside = (ordinals[None, :] >= start) & (ordinals[None, :] <= end)
    pattern_day = weekday[None, :] < placements.days_per_week[:, None]
    scheduled = inside & pattern_day & ~rules.public_holiday[None, :]
    holiday_paid = inside & pattern_day & rules.public_holiday[None, :]

    kind = np.full((n, days), NO_ENTRY, dtype=np.int8)
    hours = np.zeros((n, days), dtype=np.int64)
    column = entries.day.astype(np.int64) - rules.first_day.toordinal()
    keep = (column >= 0) & (column < days)
    kind[entries.placement[keep], column[keep]] = entries.kind[keep]
    hours[entries.placement[keep], column[keep]] = entries.milli_hours[keep]

    program = placements.program
    wage = rules.hourly_wage[program]
    daily = placements.daily_milli.astype(np.int64)
    work_h, holiday_h, holiday_week = _standard_month_hours(daily, placements.days_per_week.astype(np.int64), rules)
    month_cells = inside & in_month[None, :]
    d = rules.days_in_month
    basic = _round_div(np.where(month_cells, wage * work_h, 0).sum(axis=1), d)
    weekly_pay = _round_div(np.where(month_cells, wage * holiday_h, 0).sum(axis=1), d)
    allowance_day = rules.monthly_allowance[program] * daily[:, None] // rules.standard_daily_milli[program]

    paid_kind = (kind == WORKED) | (kind == PAID_LEAVE) | (kind == HOLIDAY)
    paid_hours = np.where(paid_kind, hours, 0)
    counted = scheduled & in_month[None, :]
    short = np.where(counted, np.maximum(daily[:, None] - paid_hours, 0), 0)
    absence = _round_div((short * wage).sum(axis=1), MILLI)
    absent = counted & ((kind == UNPAID) | (kind == NO_ENTRY))

    # 주휴: weeks (Mon–Sun) whose holiday falls in this month and that have an absent working day.
    weeks = days // 7 + (days % 7 > 0)
    padded = np.zeros((n, weeks * 7), dtype=bool)
    # a day of the previous month without an entry is not taken as an absence: only a recorded one
    padded[:, :days] = scheduled & ((kind == UNPAID) | ((kind == NO_ENTRY) & in_month[None, :]))
    broken = padded.reshape(n, weeks, 7).any(axis=2)
    inside_padded = np.zeros((n, weeks * 7), dtype=np.int64)
    inside_padded[:, :days] = inside
    week_days_inside = inside_padded.reshape(n, weeks, 7).sum(axis=2)
    holiday_col = np.arange(weeks) * 7 + rules.holiday_weekday
    attributed = (holiday_col >= rules.offset) & (holiday_col < days)
    holiday_col = np.minimum(holiday_col, days - 1)
    forfeit = broken & attributed[None, :]
    week_money = holiday_week[:, holiday_col] * wage[:, holiday_col] * week_days_inside
    forfeited = _round_div(np.where(forfeit, week_money, 0).sum(axis=1), MILLI * 7)

    allowance_num = np.where(month_cells, allowance_day, 0).sum(axis=1)
    scheduled_n = counted.sum(axis=1)
    absent_n = absent.sum(axis=1)
    if rules.allowance_reduced_for_absence:
        attended = scheduled_n - absent_n
        allowance = np.where(scheduled_n > 0, _round_div(allowance_num * attended, d * np.maximum(scheduled_n, 1)), 0)
    else:
        allowance = _round_div(allowance_num, d)

    gross = np.maximum(basic + weekly_pay + allowance - absence - forfeited, 0)
    in_month_paid = in_month[None, :]
    return MonthPay(
        calendar_days=month_cells.sum(axis=1),
        scheduled_days=scheduled_n,
        public_holiday_days=(holiday_paid & in_month_paid).sum(axis=1),
        worked_milli_hours=np.where(counted & (kind == WORKED), hours, 0).sum(axis=1),
        paid_leave_milli_hours=np.where(counted & (kind == PAID_LEAVE), hours, 0).sum(axis=1),
        absent_days=absent_n,
        missing_milli_hours=short.sum(axis=1),
        forfeited_weeks=forfeit.sum(axis=1),
        basic_pay=basic,
        weekly_holiday_pay=weekly_pay,
        allowance=allowance,
        absence_deduction=absence,
        weekly_holiday_forfeited=forfeited,
        gross=gross,
    )


@dataclass(frozen=True, slots=True)
class PlacementPay:
    """A placement as the pay calculation sees it (plain data, for callers without columns)."""

    program: str
    start: dt.date
    end: dt.date
    daily_milli_hours: int
    days_per_week: int


def to_columns(rules: MonthRules, placements: list[PlacementPay],
               entries: list[tuple[int, dt.date, EntryKind, int]]) -> tuple[Placements, Entries]:
    """Columns from plain data; an entry is (position in ``placements``, day, kind, milli-hours)."""
    cols = Placements(
        program=np.array([rules.program_index(p.program) for p in placements], dtype=np.int64),
        start=np.array([p.start.toordinal() for p in placements], dtype=np.int64),
        end=np.array([p.end.toordinal() for p in placements], dtype=np.int64),
        daily_milli=np.array([p.daily_milli_hours for p in placements], dtype=np.int64),
        days_per_week=np.array([p.days_per_week for p in placements], dtype=np.int64),
    )
    rows = Entries(
        placement=np.array([e[0] for e in entries], dtype=np.int64),
        day=np.array([e[1].toordinal() for e in entries], dtype=np.int64),
        kind=np.array([KIND_CODES[e[2]] for e in entries], dtype=np.int8),
        milli_hours=np.array([e[3] for e in entries], dtype=np.int64),
    )
    return cols, rows
