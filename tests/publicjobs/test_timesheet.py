"""Timesheet entries and their checks (issue 6 §2; 근로기준법 §50, §55)."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.publicjobs.timesheet import (
    EntryKind,
    PlacementTerms,
    TimesheetInvalid,
    WorkPattern,
    missing_days,
    parse_hours,
    parse_rows,
    prefill_month,
    scheduled_days,
)

COMPANION = PlacementTerms(7, dt.date(2025, 1, 10), dt.date(2025, 6, 30), WorkPattern(6000, 5))
ATTRACTIVE = PlacementTerms(8, dt.date(2025, 3, 1), dt.date(2025, 12, 31), WorkPattern(8000, 5))
PLACEMENTS = {7: COMPANION, 8: ATTRACTIVE}


def parse(*rows):
    keys = ("placement", "date", "kind", "hours")
    return parse_rows([dict(zip(keys, r, strict=False)) for r in rows], PLACEMENTS, statutory_daily_hours=8)


def problems(*rows):
    with pytest.raises(TimesheetInvalid) as caught:
        parse(*rows)
    return [(p.row, p.column, p.code) for p in caught.value.problems]


def test_good_rows_parse_with_blank_hours_meaning_the_pattern_day():
    entries = parse((7, "2025-03-04", "worked", ""), (7, "2025-03-05", "유급휴가", None),
                    (7, "2025-03-06", "결근", ""), (8, dt.date(2025, 3, 3), "public_holiday", "8"))
    assert [e.milli_hours for e in entries] == [6000, 6000, 0, 8000]
    assert entries[2].kind is EntryKind.UNPAID_ABSENCE


def test_hours_are_exact_milli_hours():
    assert parse_hours("5.5") == 5500
    assert parse_hours(7.25) == 7250
    with pytest.raises(ValueError):
        parse_hours("1.0005")
    with pytest.raises(ValueError):
        parse_hours("-1")


def test_no_day_over_the_daily_limit():
    assert problems((7, "2025-03-04", "worked", "6.5")) == [(2, "hours", "over_daily_limit")]
    assert problems((8, "2025-03-04", "worked", "9")) == [(2, "hours", "over_daily_limit")]


def test_no_work_outside_the_placement_period():
    assert problems((7, "2025-01-09", "worked", "6")) == [(2, "date", "outside_period")]
    assert problems((8, "2025-02-28", "worked", "8")) == [(2, "date", "outside_period")]


def test_no_day_twice_in_the_file_or_the_stored_timesheet():
    assert problems((7, "2025-03-04", "worked", "6"), (7, "2025-03-04", "paid_leave", "")) == [
        (3, "date", "duplicate_day")]
    with pytest.raises(TimesheetInvalid) as caught:
        parse_rows([{"placement": 7, "date": "2025-03-04", "kind": "worked", "hours": 6}], PLACEMENTS,
                   statutory_daily_hours=8, existing=[(7, dt.date(2025, 3, 4))])
    assert "stored timesheet" in caught.value.problems[0].reason


def test_substitute_holiday_is_a_public_holiday_not_a_working_day():
    # 2025-03-01 삼일절 fell on a Saturday: Monday 03-03 is its substitute holiday (대체공휴일).
    assert problems((8, "2025-03-03", "worked", "8")) == [(2, "kind", "public_holiday")]
    assert parse((8, "2025-03-03", "public_holiday", ""))[0].milli_hours == 8000
    assert problems((8, "2025-03-04", "public_holiday", "")) == [(2, "kind", "not_a_public_holiday")]


def test_workers_day_2025_is_a_paid_day_off_though_not_a_public_holiday():
    # 근로자의날 제정에 관한 법률: 5월 1일 is a paid holiday for employees under the 근로기준법.
    workers_day = dt.date(2025, 5, 1)
    assert workers_day not in scheduled_days(COMPANION, 2025, 5)
    prefilled = {e.day: e for e in prefill_month(COMPANION, 2025, 5)}
    assert prefilled[workers_day].kind is EntryKind.PUBLIC_HOLIDAY
    assert prefilled[workers_day].milli_hours == 6000  # paid, not lost
    assert problems((7, "2025-05-01", "worked", "6")) == [(2, "kind", "public_holiday")]


def test_election_day_is_a_public_holiday():
    assert parse((7, "2025-06-03", "public_holiday", ""))[0].kind is EntryKind.PUBLIC_HOLIDAY


def test_weekends_are_not_working_days_and_absence_is_a_whole_day():
    assert problems((7, "2025-03-08", "worked", "6")) == [(2, "date", "not_a_working_day")]
    assert problems((7, "2025-03-06", "unpaid_absence", "3")) == [(2, "hours", "absence_with_hours")]


def test_every_bad_row_is_reported_and_nothing_is_kept():
    found = problems(("x", "2025-03-04", "worked", "6"), (7, "2025-13-01", "worked", "6"),
                     (7, "2025-03-04", "nap", "6"), (7, "2025-03-04", "worked", "six"),
                     (99, "2025-03-04", "worked", "6"), (7, "2025-03-05", "worked", "6"))
    assert found == [(2, "placement", "not_a_number"), (3, "date", "not_a_date"), (4, "kind", "unknown_kind"),
                     (5, "hours", "not_hours"), (6, "placement", "unknown_placement")]


def test_prefill_and_missing_days():
    march = prefill_month(ATTRACTIVE, 2025, 3)
    assert len(march) == 21  # 21 weekdays in March 2025
    assert [e.day for e in march if e.kind is EntryKind.PUBLIC_HOLIDAY] == [dt.date(2025, 3, 3)]
    assert len(scheduled_days(ATTRACTIVE, 2025, 3)) == 20
    assert missing_days(ATTRACTIVE, march, 2025, 3) == []
    assert missing_days(ATTRACTIVE, march[2:], 2025, 3) == [march[1].day]
    january = prefill_month(COMPANION, 2025, 1)
    assert january[0].day == dt.date(2025, 1, 10)
    # 1-27 (temporary holiday) and 1-28…30 (설날) are paid public holidays
    assert [e.day.day for e in january if e.kind is EntryKind.PUBLIC_HOLIDAY] == [27, 28, 29, 30]
