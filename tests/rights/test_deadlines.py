"""Deadlines in Korea's calendar: 민법 §157 (the first day not counted), §161 (a last day on a
Saturday or public holiday moves to the next working day), 민원처리법 §19 ② (working days)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.decisions.deadlines import (
    administrative_appeal_deadline,
    calendar_deadline,
    is_working_day,
    working_day_deadline,
)

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
periods = st.integers(min_value=1, max_value=200)


def test_known_dates():
    # 2026-09-24 (Thu) + 90 days = 2026-12-23 (Wed), a working day
    assert calendar_deadline(dt.date(2026, 9, 24), 90) == dt.date(2026, 12, 23)
    # 2026-09-15 + 10 = 2026-09-25 (Fri) is 추석 연휴 (9-24..26); the next working day is 9-28 (Mon)
    assert calendar_deadline(dt.date(2026, 9, 15), 10) == dt.date(2026, 9, 28)
    # ends on a Saturday → Monday
    assert calendar_deadline(dt.date(2026, 12, 2), 10) == dt.date(2026, 12, 14)
    # 10 working days from Friday 2026-12-18, the first day counted; 12-25 (성탄절) is not
    assert working_day_deadline(dt.date(2026, 12, 18), 10) == dt.date(2027, 1, 4)


@given(days, periods)
def test_a_calendar_deadline_is_a_working_day_no_earlier_than_the_period(start, n):
    end = calendar_deadline(start, n)
    assert end >= start + dt.timedelta(days=n) and is_working_day(end)
    skipped = [start + dt.timedelta(days=k) for k in range(n, (end - start).days)]
    assert not any(is_working_day(d) for d in skipped)  # it moved only over days off


@given(days, periods, periods)
def test_a_longer_period_never_ends_earlier(start, a, b):
    if a <= b:
        assert calendar_deadline(start, a) <= calendar_deadline(start, b)
        assert working_day_deadline(start, a) <= working_day_deadline(start, b)


@given(days, st.integers(min_value=1, max_value=60))
def test_working_days_count_exactly_n_working_days(start, n):
    end = working_day_deadline(start, n)
    span = [start + dt.timedelta(days=k) for k in range((end - start).days + 1)]
    assert sum(is_working_day(d) for d in span) == n and is_working_day(end)


@given(days, st.integers(min_value=0, max_value=400))
def test_an_appeal_closes_at_the_earlier_of_knowing_and_deciding(decided, late):
    known = decided + dt.timedelta(days=late)
    end = administrative_appeal_deadline(decided, known, 90, 180)
    assert end <= calendar_deadline(decided, 180) and end <= calendar_deadline(known, 90)


def test_no_holidays_means_weekends_only():
    assert calendar_deadline(dt.date(2026, 9, 15), 10, holiday=lambda d: False) == dt.date(2026, 9, 25)
