"""The one-person path (with explanations) and the columnar path give identical results."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilja.rules.engine import Engine
from ilja.rules.population import (
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Person,
    Population,
)

ENGINE = Engine()
dates = st.dates(dt.date(2018, 1, 1), dt.date(2027, 12, 31))


@st.composite
def periods(draw):
    start = draw(dates)
    return {"start": start, "end": start + dt.timedelta(days=draw(st.integers(0, 400)))}


@st.composite
def histories(draw):
    start = draw(dates)
    return {"program": draw(st.sampled_from(HISTORY_PROGRAMS)), "start": start,
            "end": start + dt.timedelta(days=draw(st.integers(0, 300))),
            "result": draw(st.sampled_from(TRAINING_RESULTS))}


def maybe(values):
    """A fact that is given most of the time and sometimes left out (None)."""
    return st.none() | values | values


@st.composite
def persons(draw, index=st.integers(0, 10**6)):
    return Person.model_validate({
        "id": f"H{draw(index)}",
        "birth_date": draw(st.dates(dt.date(1930, 1, 1), dt.date(2015, 12, 31))),
        "sido": draw(maybe(st.sampled_from(["서울특별시", "경기도", "부산광역시"]))),
        "sigungu": draw(maybe(st.sampled_from(["마포구", "중구", "군포시"]))),
        "employment_status": draw(maybe(st.sampled_from(EMPLOYMENT_STATUSES))),
        "able_to_work": draw(maybe(st.booleans())),
        "household_head": draw(maybe(st.booleans())),
        "household_size": draw(maybe(st.integers(1, 9))),
        "vulnerable_groups": draw(st.lists(st.sampled_from(VULNERABLE_GROUPS), max_size=3)),
        "veteran_service_months": draw(st.sampled_from([0, 0, 6, 12, 18, 21, 24, 36])),
        "nationality": draw(maybe(st.sampled_from(["KR", "KR", "VN", "US"]))),
        "visa": draw(st.sampled_from(["", "D-2", "E-9"])),
        "unemployment_benefit_periods": draw(st.lists(periods(), max_size=3)),
        "training_history": draw(st.lists(histories(), max_size=4)),
        "household_income_krw": draw(maybe(st.integers(0, 12_000_000))),
        "household_assets_krw": draw(maybe(st.integers(0, 900_000_000))),
        "receives_livelihood_benefit": draw(maybe(st.booleans())),
    })


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=12), st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
       st.integers(0, 120), st.sampled_from([1, 2, 5, 1000]))
def test_single_and_batch_agree(people, on, days_before, chunk_size):
    announced = max(on - dt.timedelta(days=days_before), dt.date(2024, 1, 1))
    population = Population.from_persons(people)
    batch = ENGINE.evaluate_population(population, on, announced, chunk_size=chunk_size)
    for i, p in enumerate(people):
        single = ENGINE.evaluate_person(p, on, announced)
        for r in single.results:
            row = batch.row(i, r.program)
            assert row["eligible"] == r.eligible
            assert row["failed"] == r.failed
            assert row["to_verify"] == r.to_verify
            assert row["priority_group"] == r.priority_group
            assert row["bonus_points"] == r.bonus_points
            assert row["monthly_pay_krw"] == r.monthly_pay_krw


@settings(max_examples=50, deadline=None)
@given(st.lists(persons(), min_size=1, max_size=8))
def test_population_round_trips_persons(people):
    population = Population.from_persons(people)
    for i, p in enumerate(people):
        assert population.person(i) == p
    sliced = population.slice(1, len(people)) if len(people) > 1 else population
    assert len(sliced) == max(len(people) - 1, 1)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=6), st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)))
def test_shared_explanations_say_what_each_program_alone_says(people, on):
    """The API's explanations are made once per condition and parameter and reused (memos in
    ``rules.explain``); they must read exactly as a program's explanation made on its own."""
    from ilja.rules import explain

    for person in people:
        evaluation = ENGINE.evaluate_person(person, on)
        alone = []
        for result in evaluation.results:
            explain._PARAMETER_LINES.clear()
            alone.append(explain.explanation_dict(result))
        assert explain.explanation_dicts(evaluation) == alone
        assert explain.explanation_dicts(evaluation) == alone  # and again from the warm memo
