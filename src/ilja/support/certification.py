"""Exam-fee support (응시료 지원) for AI certifications, as pure functions over plain data.

seoul-2025-jobs-plan §1 promises "AI certification courses (Google, Microsoft, …) with exam-fee support"
and says no more; every figure below comes from ``rules/parameters/support/certification.yaml``,
where each assumption says so. The rule reads top to bottom: the base case (the fee times the
share, capped), then the conditions that refuse it, each with its own code so the explanation
names the one that applied.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse
from ilja.support.parameters import in_force

PREFIX = "support.certification."
PARAMETERS = ("eligible_vendors", "supported_attempts", "fee_share", "max_fee_won",
              "claim_window_days", "months_after_completion")


class Result(StrEnum):
    PENDING = "pending"  # 결과 대기
    PASSED = "passed"  # 합격
    FAILED = "failed"  # 불합격
    ABSENT = "absent"  # 미응시


class Refusal(StrEnum):
    """Why an attempt's fee is not supported, in the order the rule checks them."""

    VENDOR = "vendor_not_supported"
    NOT_TRAINEE = "not_a_trainee"
    TOO_LONG_AFTER = "too_long_after_completion"
    ATTEMPTS_USED = "attempts_used"
    ABSENT = "did_not_sit"
    LATE = "claim_too_late"
    NO_FEE = "no_fee_paid"


@dataclass(frozen=True, slots=True)
class AttemptFacts:
    """What the rule needs about one attempt and its trainee."""

    vendor: str
    fee_paid_won: int
    exam_on: dt.date
    result: str
    enrolled_on_exam_day: bool
    completed_on: dt.date | None
    supported_before: int  # attempts at the same exam already supported for this person
    claimed_on: dt.date


@dataclass(frozen=True, slots=True)
class Entitlement:
    amount_won: int
    refusals: tuple[Refusal, ...]
    uses: tuple[ParameterUse, ...]

    @property
    def entitled(self) -> bool:
        return not self.refusals


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, the day clipped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def uses_on(on: dt.date, tree: ParameterTree | None = None) -> dict[str, ParameterUse]:
    return in_force(PREFIX, PARAMETERS, on, tree)


def supported_amount(fee_won: int, share: Decimal, cap_won: int) -> int:
    """The fee times the share, rounded down to whole won, no more than the cap."""
    if fee_won <= 0:
        return 0
    return min(int((Decimal(fee_won) * share).to_integral_value(rounding=ROUND_DOWN)), cap_won)


def fee_entitlement(facts: AttemptFacts, uses: Mapping[str, ParameterUse]) -> Entitlement:
    """The support an attempt is entitled to under the parameters in force on the exam day."""
    vendors = {str(v).lower() for v in uses["eligible_vendors"].value}
    refusals: list[Refusal] = []
    if facts.vendor.lower() not in vendors:
        refusals.append(Refusal.VENDOR)
    if not facts.enrolled_on_exam_day:
        if facts.completed_on is None or facts.completed_on > facts.exam_on:
            refusals.append(Refusal.NOT_TRAINEE)
        elif facts.exam_on > add_months(facts.completed_on, int(uses["months_after_completion"].value)):
            refusals.append(Refusal.TOO_LONG_AFTER)
    if facts.supported_before >= int(uses["supported_attempts"].value):
        refusals.append(Refusal.ATTEMPTS_USED)
    if facts.result == Result.ABSENT:
        refusals.append(Refusal.ABSENT)
    if facts.claimed_on > facts.exam_on + dt.timedelta(days=int(uses["claim_window_days"].value)):
        refusals.append(Refusal.LATE)
    if facts.fee_paid_won <= 0:
        refusals.append(Refusal.NO_FEE)
    amount = 0 if refusals else supported_amount(
        facts.fee_paid_won, Decimal(str(uses["fee_share"].value)), int(uses["max_fee_won"].value))
    return Entitlement(amount, tuple(refusals), tuple(uses.values()))


@dataclass(frozen=True, slots=True)
class PassRate:
    """Attempts with a final result (passed or failed) in a group, and how many passed."""

    key: str
    sat: int
    passed: int

    @property
    def percent(self) -> Decimal | None:
        if not self.sat:
            return None
        return (Decimal(100 * self.passed) / Decimal(self.sat)).quantize(Decimal("0.1"))


def pass_rates(results: Iterable[tuple[str, str]]) -> list[PassRate]:
    """Pass rates by group key from (key, result) pairs; pending and absent attempts are not sat."""
    sat: dict[str, int] = {}
    passed: dict[str, int] = {}
    for key, result in results:
        if result not in (Result.PASSED, Result.FAILED):
            continue
        sat[key] = sat.get(key, 0) + 1
        if result == Result.PASSED:
            passed[key] = passed.get(key, 0) + 1
    return [PassRate(k, sat[k], passed.get(k, 0)) for k in sorted(sat)]
