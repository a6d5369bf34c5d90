"""The exam-fee rule (응시료 지원) on plain data: base case, each refusal, the cap and the share."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ilja.support.certification import (
    AttemptFacts,
    Refusal,
    add_months,
    fee_entitlement,
    pass_rates,
    supported_amount,
    uses_on,
)

EXAM = dt.date(2025, 9, 10)
USES = uses_on(EXAM)


def facts(**changes) -> AttemptFacts:
    values = dict(vendor="google", fee_paid_won=250_000, exam_on=EXAM, result="passed",
                  enrolled_on_exam_day=True, completed_on=None, supported_before=0,
                  claimed_on=EXAM + dt.timedelta(days=5))
    values.update(changes)
    return AttemptFacts(**values)


def test_a_trainee_sitting_a_supported_exam_gets_the_fee_back():
    result = fee_entitlement(facts(), USES)
    assert result.entitled and result.amount_won == 250_000
    assert {u.name for u in result.uses} >= {"support.certification.fee_share", "support.certification.max_fee_won"}
    assert all(u.kind == "assumption" for u in result.uses)


def test_the_fee_is_capped():
    assert fee_entitlement(facts(fee_paid_won=900_000), USES).amount_won == 400_000


def test_a_failed_attempt_is_supported_but_only_up_to_the_attempt_limit():
    assert fee_entitlement(facts(result="failed", supported_before=1), USES).entitled
    refused = fee_entitlement(facts(supported_before=2), USES)
    assert refused.refusals == (Refusal.ATTEMPTS_USED,) and refused.amount_won == 0


def test_other_vendors_absence_and_late_claims_are_refused_with_their_reasons():
    result = fee_entitlement(facts(vendor="Unknown Corp", result="absent",
                                   claimed_on=EXAM + dt.timedelta(days=61)), USES)
    assert result.refusals == (Refusal.VENDOR, Refusal.ABSENT, Refusal.LATE)
    assert fee_entitlement(facts(claimed_on=EXAM + dt.timedelta(days=60)), USES).entitled


def test_completers_are_supported_for_twelve_months_then_not():
    inside = facts(enrolled_on_exam_day=False, completed_on=add_months(EXAM, -12))
    outside = facts(enrolled_on_exam_day=False, completed_on=add_months(EXAM, -12) - dt.timedelta(days=1))
    assert fee_entitlement(inside, USES).entitled
    assert fee_entitlement(outside, USES).refusals == (Refusal.TOO_LONG_AFTER,)
    assert fee_entitlement(facts(enrolled_on_exam_day=False), USES).refusals == (Refusal.NOT_TRAINEE,)


def test_add_months_clips_to_the_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 3, 15), -12) == dt.date(2024, 3, 15)


@given(st.integers(min_value=-10, max_value=5_000_000), st.decimals(min_value=0, max_value=1, places=3),
       st.integers(min_value=0, max_value=2_000_000))
def test_support_is_whole_won_never_above_the_fee_share_or_the_cap(fee, share, cap):
    amount = supported_amount(fee, Decimal(share), cap)
    assert isinstance(amount, int) and 0 <= amount <= cap
    assert amount <= max(0, fee) * share


@given(st.lists(st.tuples(st.sampled_from(["a", "b", "c"]),
                          st.sampled_from(["passed", "failed", "pending", "absent"]))))
def test_pass_rates_count_only_final_results(pairs):
    rates = {r.key: r for r in pass_rates(pairs)}
    for key in {"a", "b", "c"}:
        sat = sum(1 for k, r in pairs if k == key and r in ("passed", "failed"))
        passed = sum(1 for k, r in pairs if k == key and r == "passed")
        if sat:
            assert (rates[key].sat, rates[key].passed) == (sat, passed)
            assert Decimal(0) <= rates[key].percent <= Decimal(100)
        else:
            assert key not in rates
