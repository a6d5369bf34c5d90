"""Monthly pay of a full standard month (seoul-2025-jobs-plan §2: 2,461,811 KRW; ~1.77 million KRW)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ilja.rules.engine import Engine
from ilja.rules.pay import WorkingTime, standard_month
from tests.rules.factories import person

TIME = WorkingTime(40, 8, 15, Decimal("4.345"))


def plain_where(condition, a, b):
    return a if condition else b


def test_attractive_jobs_full_month_is_2461811():
    r = Engine().evaluate_person(person(), dt.date(2025, 3, 1), programs=["attractive_jobs"]).results[0]
    assert r.monthly_pay_krw == 2_461_811
    assert r.pay_breakdown["paid_hours"] == 209
    assert r.pay_breakdown["hourly_wage"] == 11_779


def test_companion_jobs_breakdown_names_the_assumed_allowance():
    r = Engine().evaluate_person(person(), dt.date(2025, 1, 10), programs=["companion_jobs"]).results[0]
    pay = r.pay_breakdown
    assert pay["hourly_wage"] == 10_030
    assert pay["paid_hours"] == 156  # (30 + 6 weekly-holiday hours) × 4.345, rounded
    assert pay["work_pay"] + pay["weekly_holiday_pay"] == 1_564_680
    assert pay["allowances"] == {"monthly_allowance": 205_320}
    assert r.monthly_pay_krw == 1_770_000
    allowance = next(u for u in r.output_parameters if u.name == "companion_jobs.work.monthly_allowance_krw")
    assert allowance.kind == "assumption"


def test_companion_jobs_three_hours_a_day_from_65():
    r = Engine().evaluate_person(person(birth_date=dt.date(1958, 1, 1)), dt.date(2025, 1, 10),
                                 programs=["companion_jobs"]).results[0]
    assert r.pay_breakdown["paid_hours"] == 78  # (15 + 3) × 4.345 = 78.21
    assert r.pay_breakdown["allowances"] == {"monthly_allowance": 102_660}  # half the 6-hour day's


def test_pay_follows_the_wage_in_force():
    engine = Engine()
    pay_2024 = engine.evaluate_person(person(), dt.date(2024, 12, 31), programs=["attractive_jobs"]).results[0]
    pay_2025 = engine.evaluate_person(person(), dt.date(2025, 1, 1), programs=["attractive_jobs"]).results[0]
    assert pay_2024.monthly_pay_krw == 11_436 * 209
    assert pay_2025.monthly_pay_krw == 11_779 * 209


def test_no_weekly_holiday_under_15_hours():
    pay = standard_month(10_030, 2, 5, TIME, where=plain_where)
    assert pay.holiday_hours == 0


@given(st.integers(1, 12), st.integers(1, 6), st.integers(9_000, 20_000))
def test_pay_is_exact_integers_and_scalar_equals_columnar(daily, days, wage):
    scalar = standard_month(wage, daily, days, TIME, {"a": 1000}, where=plain_where)
    column = standard_month(np.int64(wage), np.asarray([daily]), days, TIME, {"a": 1000}, where=np.where)
    assert int(column.total[0]) == scalar.total
    assert scalar.total == wage * scalar.paid_hours + 1000
    assert scalar.work_hours <= scalar.paid_hours


@given(st.integers(1, 11), st.integers(1, 6))
def test_more_hours_never_pay_less(daily, days):
    shorter = standard_month(10_030, daily, days, TIME, where=plain_where)
    longer = standard_month(10_030, daily + 1, days, TIME, where=plain_where)
    assert longer.total >= shorter.total
