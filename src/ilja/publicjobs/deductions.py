"""Employee deductions from a month's gross pay: the four insurances and the income taxes.

Rates are dated parameters (``publicjobs.deductions.*``) read on the pay month's last day:
national pension 국민연금 (국민연금법 §88, on the income base rounded down to 1,000 won and kept
within the base limits; none from 60, §8), health insurance 건강보험 and long-term care 장기요양
(a share of the health premium), employment insurance 고용보험 (none for people hired at 65 or
over, 고용보험법 §10①), income tax 근로소득세 from an *approximated* simplified table (assumption,
see the parameter) and local income tax 지방소득세 (10 % of it). Each amount is rounded down to
10 won (국고금 관리법 §47). Everything is integer arithmetic on int64 columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import numpy as np

from ilja.rules.parameters import ParameterTree

P = "publicjobs.deductions"


def _ratio(value: Any) -> tuple[int, int]:
    return Decimal(str(value)).as_integer_ratio()


@dataclass(frozen=True)
class DeductionRules:
    pension_rate: tuple[int, int]
    pension_base_min: int
    pension_base_max: int
    pension_base_unit: int
    pension_max_age: int
    health_rate: tuple[int, int]
    care_share: tuple[int, int]
    employment_rate: tuple[int, int]
    employment_excluded_hire_age: int
    tax_points: tuple[tuple[int, int], ...]
    local_tax_share: tuple[int, int]
    unit: int


def deduction_rules(tree: ParameterTree, on: dt.date) -> DeductionRules:
    def v(name: str) -> Any:
        return tree.value(f"{P}.{name}", on)

    return DeductionRules(
        pension_rate=_ratio(v("national_pension_rate")),
        pension_base_min=int(v("national_pension_base_min_krw")),
        pension_base_max=int(v("national_pension_base_max_krw")),
        pension_base_unit=int(v("national_pension_base_unit_krw")),
        pension_max_age=int(v("national_pension_max_age")),
        health_rate=_ratio(v("health_insurance_rate")),
        care_share=_ratio(v("long_term_care_share_of_health")),
        employment_rate=_ratio(v("employment_insurance_rate")),
        employment_excluded_hire_age=int(v("employment_insurance_excluded_hire_age")),
        tax_points=tuple((int(x), int(y)) for x, y in v("income_tax_table")),
        local_tax_share=_ratio(v("local_income_tax_share")),
        unit=int(v("rounding_unit_krw")),
    )


@dataclass
class Deductions:
    national_pension: np.ndarray  # 국민연금
    health_insurance: np.ndarray  # 건강보험
    long_term_care: np.ndarray  # 장기요양보험
    employment_insurance: np.ndarray  # 고용보험
    income_tax: np.ndarray  # 소득세
    local_income_tax: np.ndarray  # 지방소득세

    @property
    def total(self) -> np.ndarray:
        return sum((getattr(self, f.name) for f in fields(self)), np.zeros_like(self.income_tax))

    def row(self, i: int) -> dict[str, int]:
        return {f.name: int(getattr(self, f.name)[i]) for f in fields(self)}


def _apply(base: np.ndarray, ratio: tuple[int, int], unit: int) -> np.ndarray:
    return base * ratio[0] // ratio[1] // unit * unit


def income_tax(gross: np.ndarray, points: tuple[tuple[int, int], ...]) -> np.ndarray:
    """Tax linear between the table's points, the last slope continued beyond the last point."""
    xs = np.array([p[0] for p in points], dtype=np.int64)
    ys = np.array([p[1] for p in points], dtype=np.int64)
    i = np.clip(np.searchsorted(xs, gross, side="right") - 1, 0, len(xs) - 2)
    x0, x1, y0, y1 = xs[i], xs[i + 1], ys[i], ys[i + 1]
    return np.maximum(y0 + (gross - x0) * (y1 - y0) // (x1 - x0), 0)


def exemptions(rules: DeductionRules, age: np.ndarray, hire_age: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(no pension, no employment insurance) from the age on the pay day and at hiring."""
    return age >= rules.pension_max_age, hire_age >= rules.employment_excluded_hire_age


def compute_deductions(rules: DeductionRules, gross: np.ndarray, *, pension_exempt: np.ndarray,
                       employment_exempt: np.ndarray) -> Deductions:
    """Deductions of every participant from their taxable gross pay."""
    gross = np.maximum(gross.astype(np.int64), 0)
    paid = gross > 0
    base = np.clip(gross // rules.pension_base_unit * rules.pension_base_unit,
                   rules.pension_base_min, rules.pension_base_max)
    pension = np.where(paid & ~pension_exempt, _apply(base, rules.pension_rate, rules.unit), 0)
    health = _apply(gross, rules.health_rate, rules.unit)
    care = _apply(health, rules.care_share, rules.unit)
    employment = np.where(~employment_exempt,
                          _apply(gross, rules.employment_rate, rules.unit), 0)
    tax = income_tax(gross, rules.tax_points) // rules.unit * rules.unit
    local = _apply(tax, rules.local_tax_share, rules.unit)
    return Deductions(pension, health, care, employment, tax, local)
