"""Employer-event rules on plain data."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.support.events import Place, hire_counts, place_for, signups_close_at, uses_on

USES = uses_on(dt.date(2026, 3, 1))


def test_signups_close_a_day_before():
    starts = dt.datetime(2026, 3, 10, 14, tzinfo=dt.UTC)
    assert signups_close_at(starts, USES) == dt.datetime(2026, 3, 9, 14, tzinfo=dt.UTC)


@given(st.integers(0, 100), st.integers(1, 100), st.integers(0, 40))
def test_a_signup_gets_a_seat_the_waitlist_or_nothing(confirmed, capacity, waitlisted):
    place = place_for(confirmed, capacity, waitlisted, USES)
    if confirmed < capacity:
        assert place is Place.CONFIRMED
    elif waitlisted < 30:
        assert place is Place.WAITLISTED
    else:
        assert place is Place.FULL


def test_a_hire_counts_within_ninety_days_after_the_event():
    day = dt.date(2026, 3, 10)
    assert hire_counts(day, day, USES) and hire_counts(day, day + dt.timedelta(90), USES)
    assert not hire_counts(day, day + dt.timedelta(91), USES) and not hire_counts(day, day - dt.timedelta(1), USES)
