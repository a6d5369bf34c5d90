"""The eligibility answer made from kept parts (``ilja.rules.answer``) is, byte for byte, the one
the response models gave before it: the evaluation as a dict with its explanation, validated into
``EligibilityResponse`` and written as FastAPI writes a response model."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilja.rules.answer import eligibility_json
from ilja.rules.api import modelled_answer
from ilja.rules.engine import Engine
from ilja.rules.formulas import PROGRAMS
from ilja.rules.reforms import Reform
from ilja.web.app import create_app
from tests.rules.factories import person
from tests.rules.test_single_vs_batch import persons

ENGINE = Engine()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons(), min_size=1, max_size=6), st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
       st.integers(0, 120),
       st.none() | st.lists(st.sampled_from(sorted(PROGRAMS)), min_size=1, max_size=7, unique=True))
def test_kept_parts_give_the_models_bytes(people, on, days_before, programs):
    announced = on - dt.timedelta(days=days_before)
    for one in people:  # several persons: the second one's answer is made from kept parts
        evaluation = ENGINE.evaluate_person(one, on, announced, programs)
        assert eligibility_json(evaluation) == modelled_answer(evaluation)


def test_a_reform_changes_the_answer_and_keeps_the_bytes():
    """A reform's engine has its own parameter values and conditions: no part of the
    baseline's answer may stand in for them."""
    reform = Reform.from_dict({
        "name": "asset limit 1억, no income test",
        "parameters": {"companion_jobs.eligibility.asset_limit_krw": [
            {"from": "2025-01-01", "value": 100_000_000}]},
        "remove_conditions": ["companion_jobs.income_limit"],
    })
    one = person(household_assets_krw=200_000_000)
    on = dt.date(2025, 3, 1)
    baseline = ENGINE.evaluate_person(one, on)
    changed = reform.engine(ENGINE).evaluate_person(one, on)
    answers = [eligibility_json(evaluation) for evaluation in (baseline, changed)]
    assert answers == [modelled_answer(evaluation) for evaluation in (baseline, changed)]
    assert b"asset limit 1" not in answers[0] and b"asset limit 1" in answers[1]
    assert b'"id":"income_limit"' in answers[0] and b'"id":"income_limit"' not in answers[1]


def test_the_route_sends_those_bytes():
    one = person(id="answer-1")
    with TestClient(create_app()) as client:
        response = client.post("/api/v1/eligibility",
                               json={"person": one.model_dump(mode="json"), "on": "2025-03-01"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    expected = modelled_answer(ENGINE.evaluate_person(one, dt.date(2025, 3, 1)))
    assert response.content == expected
