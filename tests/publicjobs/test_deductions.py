"""Employee deductions: rates are dated parameters; every amount is rounded down to 10 won."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ilja.publicjobs.deductions import compute_deductions, deduction_rules, exemptions, income_tax
from ilja.rules.parameters import default_tree

JULY = deduction_rules(default_tree(), dt.date(2025, 7, 31))


def one(gross: int, age: int = 40, hire_age: int = 40, rules=JULY) -> dict[str, int]:
    no_pension, no_employment = exemptions(rules, np.array([age]), np.array([hire_age]))
    return compute_deductions(rules, np.array([gross]), pension_exempt=no_pension,
                              employment_exempt=no_employment).row(0)


def test_attractive_jobs_full_month_deductions_2025():
    d = one(2_461_811)
    assert d["national_pension"] == 2_461_000 * 45 // 1000 // 10 * 10 == 110_740
    assert d["health_insurance"] == 87_270  # 3.545 %
    assert d["long_term_care"] == 87_270 * 1295 // 10000 // 10 * 10 == 11_300
    assert d["employment_insurance"] == 22_150  # 0.9 %
    assert d["local_income_tax"] == d["income_tax"] // 10 // 10 * 10


def test_pension_base_is_kept_within_its_limits():
    low = one(300_000)
    assert low["national_pension"] == 400_000 * 45 // 1000  # 하한 40만원 from 2025-07
    june = deduction_rules(default_tree(), dt.date(2025, 6, 30))
    assert one(300_000, rules=june)["national_pension"] == 390_000 * 45 // 1000


def test_no_pension_from_60_and_no_employment_insurance_when_hired_at_65():
    assert one(2_000_000, age=60)["national_pension"] == 0
    assert one(2_000_000, age=66, hire_age=65)["employment_insurance"] == 0
    assert one(2_000_000, age=66, hire_age=64)["employment_insurance"] > 0


def test_2026_rates_slot_in():
    rules = deduction_rules(default_tree(), dt.date(2026, 1, 31))
    assert one(2_000_000, rules=rules)["national_pension"] == 95_000  # 4.75 %
    assert one(2_000_000, rules=rules)["health_insurance"] == 71_900  # 3.595 %


def test_nothing_is_deducted_from_nothing():
    assert sum(one(0).values()) == 0


@given(st.integers(0, 20_000_000))
def test_every_amount_is_whole_tens_of_won_and_tax_never_falls(gross):
    d = one(gross)
    assert all(v % 10 == 0 and v >= 0 for v in d.values())
    assert income_tax(np.array([gross + 10_000]), JULY.tax_points)[0] >= income_tax(
        np.array([gross]), JULY.tax_points)[0]
