"""The training-subsidy rule (교육훈련지원금) on plain data: who qualifies, the schedule, the
attendance bar."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.support.subsidy import (
    Refusal,
    age_on,
    month_payment,
    qualification_refusals,
    schedule,
    uses_on,
)

ON = dt.date(2026, 1, 5)
USES = uses_on(ON)


def refusals(**changes):
    values = dict(birth_date=dt.date(2000, 5, 1), groups=["basic_livelihood"], has_active_grant=False, on=ON,
                  uses=USES)
    values.update(changes)
    return qualification_refusals(**values)


def test_vulnerable_youth_qualify_and_others_are_told_why_not():
    assert refusals() == []
    assert refusals(groups=[]) == [Refusal.NOT_VULNERABLE]
    assert refusals(birth_date=dt.date(2007, 1, 6)) == [Refusal.TOO_YOUNG]  # 18 on 2026-01-05
    assert refusals(birth_date=dt.date(2007, 1, 5)) == []  # 19 that day
    assert refusals(birth_date=dt.date(1986, 1, 4)) == [Refusal.TOO_OLD]  # 40
    assert refusals(birth_date=None, has_active_grant=True) == [Refusal.NO_BIRTH_DATE, Refusal.ALREADY]


def test_the_schedule_runs_month_by_month_across_the_year_end():
    assert schedule(dt.date(2025, 11, 20), 3) == ["2025-11", "2025-12", "2026-01"]


def test_a_month_is_paid_in_full_at_the_bar_and_withheld_below_it():
    assert month_payment(800, 300_000, USES) == (300_000, None)
    assert month_payment(799, 300_000, USES) == (0, "attendance_below_bar")
    assert USES["monthly_amount_won"].kind == "assumption"


@given(st.dates(min_value=dt.date(1950, 1, 1), max_value=dt.date(2020, 12, 31)),
       st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2040, 12, 31)))
def test_age_is_full_years(birth, on):
    age = age_on(birth, on)
    assert birth.replace(year=birth.year + age) <= on if (birth.month, birth.day) != (2, 29) else True
    assert 0 <= age <= on.year - birth.year
