"""A month's gross pay (issue 6 §3): 2,461,811 KRW for 매력일자리, ~1.77 million for 동행일자리,
the wage in force on each day, public and substitute holidays, and the weekly holiday (주휴수당,
근로기준법 §55, 시행령 §30) only for a week with every working day attended."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.publicjobs.payroll import PlacementPay, compute_month, month_rules, to_columns
from ilja.publicjobs.timesheet import EntryKind, PlacementTerms, WorkPattern, prefill_month
from ilja.rules.parameters import default_tree

PROGRAMS = ("companion_jobs", "attractive_jobs")
ATTRACTIVE = PlacementPay("attractive_jobs", dt.date(2025, 3, 1), dt.date(2025, 12, 31), 8000, 5)
COMPANION = PlacementPay("companion_jobs", dt.date(2025, 7, 1), dt.date(2025, 12, 20), 6000, 5)


def full_entries(p: PlacementPay, year: int, month: int, position: int = 0):
    """The planned month, plus the days of its first week that fall in the previous month."""
    terms = PlacementTerms(position, p.start, p.end, WorkPattern(p.daily_milli_hours, p.days_per_week))
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    rows = [e for e in prefill_month(terms, previous.year, previous.month)
            if e.day >= first - dt.timedelta(days=first.weekday())]
    rows += prefill_month(terms, year, month)
    return [(position, e.day, e.kind, e.milli_hours) for e in rows]


def pay(p: PlacementPay, year: int, month: int, change=None, tree=None):
    entries = full_entries(p, year, month)
    if change:
        entries = change(entries)
    rules = month_rules(tree or default_tree(), PROGRAMS, year, month)
    return compute_month(rules, *to_columns(rules, [p], entries)).row(0)


def set_day(day: dt.date, kind: EntryKind, milli: int):
    def change(entries):
        return [(pos, d, kind, milli) if d == day else (pos, d, k, h) for pos, d, k, h in entries]
    return change


def test_attractive_jobs_full_month_is_11779_times_209():
    row = pay(ATTRACTIVE, 2025, 7)
    assert row["gross"] == 11_779 * 209 == 2_461_811
    assert row["basic_pay"] == 11_779 * 174 and row["weekly_holiday_pay"] == 11_779 * 35


def test_companion_jobs_full_month_is_the_plans_177_million_with_its_breakdown():
    row = pay(COMPANION, 2025, 9)
    assert row["basic_pay"] == 10_030 * 130  # 소정근로 30 h × 4.345
    assert row["weekly_holiday_pay"] == 10_030 * 26  # 주휴 6 h × 4.345
    assert row["allowance"] == 205_320  # assumed 부대수당 (companion_jobs.work.monthly_allowance_krw)
    assert row["gross"] == 1_770_000


def test_substitute_holiday_is_paid():
    row = pay(ATTRACTIVE, 2025, 3)  # 03-03 대체공휴일 for 삼일절 on a Saturday
    assert row["public_holiday_days"] == 1 and row["scheduled_days"] == 20
    assert row["gross"] == 2_461_811


def test_chuseok_and_its_substitute_holiday_are_paid():
    row = pay(COMPANION, 2025, 10)  # 10-03, 10-06…10-09
    assert row["public_holiday_days"] == 5
    assert row["gross"] == 1_770_000


def test_pay_on_both_sides_of_the_wage_change():
    winter = PlacementPay("attractive_jobs", dt.date(2024, 12, 1), dt.date(2025, 1, 31), 8000, 5)
    assert pay(winter, 2024, 12)["gross"] == 11_436 * 209
    assert pay(winter, 2025, 1)["gross"] == 11_779 * 209
    minimum = PlacementPay("companion_jobs", dt.date(2024, 12, 1), dt.date(2025, 1, 31), 6000, 5)
    assert pay(minimum, 2024, 12)["basic_pay"] == 9_860 * 130
    assert pay(minimum, 2025, 1)["basic_pay"] == 10_030 * 130


def test_a_wage_change_in_the_middle_of_a_month_is_paid_day_by_day():
    tree = default_tree()
    raised = tree.get("attractive_jobs.work.hourly_wage").with_value(
        dt.date(2025, 7, 16), 12_000, "reform: test")
    reform = tree.replaced({raised.name: raised})
    row = pay(ATTRACTIVE, 2025, 7, tree=reform)
    expected = (15 * 11_779 * 174 + 16 * 12_000 * 174 + 15) // 31
    assert row["basic_pay"] == expected
    assert 11_779 * 209 < row["gross"] < 12_000 * 209


def test_first_month_from_the_10th_is_pro_rata_to_calendar_days():
    first_half = PlacementPay("companion_jobs", dt.date(2025, 1, 10), dt.date(2025, 6, 30), 6000, 5)
    row = pay(first_half, 2025, 1)
    assert row["calendar_days"] == 22 and row["public_holiday_days"] == 4  # 1-27…1-30
    assert row["basic_pay"] == (10_030 * 130 * 22 + 15) // 31
    assert row["allowance"] == (205_320 * 22 + 15) // 31


def test_unpaid_absence_forfeits_the_weekly_holiday():
    row = pay(ATTRACTIVE, 2025, 7, set_day(dt.date(2025, 7, 9), EntryKind.UNPAID_ABSENCE, 0))
    assert row["absence_deduction"] == 8 * 11_779
    assert row["weekly_holiday_forfeited"] == 8 * 11_779  # 8 h 주휴 of the week ending 07-13
    assert row["forfeited_weeks"] == 1
    assert row["gross"] == 2_461_811 - 16 * 11_779


def test_paid_leave_keeps_the_weekly_holiday():
    row = pay(ATTRACTIVE, 2025, 7, set_day(dt.date(2025, 7, 9), EntryKind.PAID_LEAVE, 8000))
    assert row["gross"] == 2_461_811 and row["paid_leave_milli_hours"] == 8000


def test_a_shorter_day_is_deducted_by_the_hour_but_keeps_the_weekly_holiday():
    row = pay(ATTRACTIVE, 2025, 7, set_day(dt.date(2025, 7, 9), EntryKind.WORKED, 5500))
    assert row["absence_deduction"] == (2_500 * 11_779 + 500) // 1000
    assert row["weekly_holiday_forfeited"] == 0


def test_a_missing_working_day_counts_as_absent():
    row = pay(ATTRACTIVE, 2025, 7, lambda es: [e for e in es if e[1] != dt.date(2025, 7, 9)])
    assert row["absent_days"] == 1 and row["weekly_holiday_forfeited"] == 8 * 11_779


def test_weekly_holiday_of_a_week_across_months_goes_with_its_sunday():
    # Friday 2025-01-31; the week's Sunday is 02-02: the hours in January, the 주휴 in February.
    winter = PlacementPay("attractive_jobs", dt.date(2025, 1, 1), dt.date(2025, 3, 31), 8000, 5)
    absent = set_day(dt.date(2025, 1, 31), EntryKind.UNPAID_ABSENCE, 0)
    january, february = pay(winter, 2025, 1, absent), pay(winter, 2025, 2, absent)
    assert january["absence_deduction"] == 8 * 11_779 and january["weekly_holiday_forfeited"] == 0
    assert february["absence_deduction"] == 0 and february["weekly_holiday_forfeited"] == 8 * 11_779


def test_no_weekly_holiday_under_15_hours_a_week():
    short = PlacementPay("companion_jobs", dt.date(2025, 7, 1), dt.date(2025, 12, 20), 2000, 5)
    row = pay(short, 2025, 7, set_day(dt.date(2025, 7, 9), EntryKind.UNPAID_ABSENCE, 0))
    assert row["weekly_holiday_pay"] == 0 and row["weekly_holiday_forfeited"] == 0


def test_three_hours_a_day_from_65_still_reaches_15_hours():
    older = PlacementPay("companion_jobs", dt.date(2025, 7, 1), dt.date(2025, 12, 20), 3000, 5)
    row = pay(older, 2025, 9)
    assert row["weekly_holiday_pay"] == 10_030 * 13  # (15 + 3) × 4.345 = 78 paid, 65 worked
    assert row["allowance"] == 102_660  # half the 6-hour day's


def test_early_leaving_is_paid_to_the_leaving_date():
    left = PlacementPay("attractive_jobs", dt.date(2025, 3, 1), dt.date(2025, 7, 15), 8000, 5)
    row = pay(left, 2025, 7)
    assert row["calendar_days"] == 15
    assert row["basic_pay"] == (11_779 * 174 * 15 + 15) // 31


days_of_july = st.lists(st.integers(min_value=1, max_value=31), max_size=8, unique=True)


@settings(max_examples=60, deadline=None)
@given(absent=days_of_july, leave=days_of_july)
def test_absences_never_raise_pay_and_paid_leave_never_lowers_it(absent, leave):
    def change(kind, days, milli):
        def apply(entries):
            chosen = {dt.date(2025, 7, d) for d in days}
            return [(p, d, kind, milli) if d in chosen else (p, d, k, h) for p, d, k, h in entries]
        return apply

    full = pay(ATTRACTIVE, 2025, 7)["gross"]
    with_absence = pay(ATTRACTIVE, 2025, 7, change(EntryKind.UNPAID_ABSENCE, absent, 0))
    with_leave = pay(ATTRACTIVE, 2025, 7, change(EntryKind.PAID_LEAVE, leave, 8000))
    assert 0 <= with_absence["gross"] <= full
    assert with_leave["gross"] == full
    assert with_absence["absence_deduction"] == with_absence["absent_days"] * 8 * 11_779


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PROGRAMS), st.integers(0, 200), st.integers(1, 250),
                          st.sampled_from([3000, 6000, 8000]), st.sets(st.integers(0, 30), max_size=5)),
                min_size=1, max_size=6))
def test_columns_equal_one_participant_at_a_time(specs):
    rules = month_rules(default_tree(), PROGRAMS, 2025, 7)
    placements, entries = [], []
    for position, (program, start, length, daily, absent) in enumerate(specs):
        begin = dt.date(2025, 3, 1) + dt.timedelta(days=start)
        p = PlacementPay(program, begin, begin + dt.timedelta(days=length), daily, 5)
        placements.append(p)
        for e in full_entries(p, 2025, 7, position):
            if (e[1] - dt.date(2025, 6, 30)).days in absent:
                e = (e[0], e[1], EntryKind.UNPAID_ABSENCE, 0)
            entries.append(e)
    together = compute_month(rules, *to_columns(rules, placements, entries))
    for position, p in enumerate(placements):
        own = [(0, d, k, h) for pos, d, k, h in entries if pos == position]
        alone = compute_month(rules, *to_columns(rules, [p], own))
        assert together.row(position) == alone.row(0)
    assert np.all(together.gross >= 0)
