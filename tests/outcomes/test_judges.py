"""The days a completer was first counted and first excluded give their standing on every as-of
date as ``rates.classify`` judges it from all their outcomes, however the outcomes arrive
(issue 20 §4: what ``outcome_states`` keeps)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.outcomes.judges import COUNTED, EXCLUDED, NEITHER, Judge, Reached, all_judges, reached_all, standing
from ilja.outcomes.rates import (
    Completer,
    ContractType,
    Outcome,
    OutcomeKind,
    RateDefinition,
    classify,
    definition,
    months_after,
)

D = dt.date
KINDS = [k.value for k in OutcomeKind]
CONTRACTS = [c.value for c in ContractType]
STANDING = {"counted": COUNTED, "excluded": EXCLUDED, "not_counted": NEITHER}

judges = st.builds(
    Judge,
    st.frozensets(st.sampled_from(KINDS)),
    st.none() | st.frozensets(st.sampled_from(CONTRACTS)),
    st.none() | st.integers(0, 14),
    st.frozensets(st.sampled_from(KINDS)),
)


@st.composite
def histories(draw):
    """A completion and its outcomes, some before it, some late, some learnt long after."""
    completed = draw(st.dates(D(2021, 1, 1), D(2026, 12, 31)))
    outcomes = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(KINDS))
        effective = completed + dt.timedelta(days=draw(st.integers(-60, 600)))
        recorded = effective + dt.timedelta(days=draw(st.integers(-30, 300)))
        contract = draw(st.sampled_from(CONTRACTS)) if kind == OutcomeKind.EMPLOYED else None
        outcomes.append(Outcome(1, kind, effective, recorded, contract))
    return completed, outcomes


def _rule(judge: Judge) -> RateDefinition:
    return RateDefinition("test", D(2025, 1, 1), frozenset({"p"}), judge.counted_outcomes,
                          judge.counted_contract_types, judge.window_months, judge.excluded)


def _reached(judge: Judge, completed: dt.date, outcomes: list[Outcome]) -> list[Reached]:
    return [judge.reached(o.kind, o.contract_type, months_after(completed, o.effective_on), o.effective_on,
                          o.recorded_on) for o in outcomes]


@given(judges, histories(), st.lists(st.integers(-100, 1000), min_size=1, max_size=8))
def test_the_days_reached_give_the_standing_classify_gives_on_every_date(judge, history, offsets):
    completed, outcomes = history
    reached = reached_all(_reached(judge, completed, outcomes))
    completer = Completer(1, None, "p", completed)
    for offset in offsets:
        as_of = completed + dt.timedelta(days=offset)
        assert standing(reached, as_of) == STANDING[classify(_rule(judge), completer, outcomes, as_of).status]


@given(judges, histories(), st.randoms(use_true_random=False), st.integers(0, 6))
def test_outcomes_kept_one_at_a_time_in_any_order_equal_a_recount(judge, history, rng, cut):
    """What the writers do (merge each new outcome into the kept days) equals counting them all."""
    completed, outcomes = history
    each = _reached(judge, completed, outcomes)
    shuffled = each[:]
    rng.shuffle(shuffled)
    kept = Reached()
    for item in shuffled:
        kept = kept.merge(item)
    assert kept == reached_all(each) == reached_all(shuffled[:cut]).merge(reached_all(shuffled[cut:]))


@given(judges)
def test_a_judge_is_read_back_from_its_key(judge):
    assert Judge.parse(judge.key) == judge


def test_every_dated_definition_has_its_judge():
    """The target rate judged like the cumulative one until 1 November 2025 (3 judges, not 4)."""
    found = {judge.key for judge in all_judges()}
    for on in (D(2021, 1, 1), D(2025, 11, 10), D(2025, 11, 11), D(2026, 6, 1)):
        for name in ("cumulative_rate", "midterm_rate", "target_rate"):
            assert Judge.of(definition(name, on)).key in found
    assert len(found) == 3
    before = Judge.of(definition("target_rate", D(2025, 11, 10)))
    assert before == Judge.of(definition("cumulative_rate", D(2025, 1, 1)))
