"""Reforms: parameter overrides and removed or replaced conditions, compared with the baseline."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.rules.population import Population
from ilja.rules.reforms import Reform, ReformError, compare
from tests.rules.factories import person

ON = dt.date(2025, 3, 1)


def population() -> Population:
    median_3 = 5_025_353  # 2025 standard median income, 3 persons
    return Population.from_persons([
        person(id="low", household_income_krw=median_3 * 6 // 10),
        person(id="mid", household_income_krw=median_3 * 75 // 100),
        person(id="high", household_income_krw=median_3 * 9 // 10),
        person(id="old", birth_date=dt.date(1950, 1, 1)),
    ])


def test_stricter_income_limit_loses_the_middle_income_person():
    reform = Reform.from_dict({
        "name": "income 70%",
        "parameters": {"companion_jobs.eligibility.income_limit_share_of_median": [
            {"from": "2025-01-01", "value": "0.70"}]},
    })
    comparison = compare(reform, population(), ON)
    change = next(c for c in comparison.programs if c.program == "companion_jobs")
    assert change.baseline_eligible == 3
    assert change.reform_eligible == 2
    assert change.lost_ids == ["mid"]
    assert change.newly_failed == {"income_limit": 1}
    unaffected = next(c for c in comparison.programs if c.program == "attractive_jobs")
    assert unaffected.gained == unaffected.lost == 0


def test_removing_a_condition_lets_people_in_and_says_which():
    reform = Reform.from_dict({"name": "no income test", "remove_conditions": ["companion_jobs.income_limit"]})
    change = next(c for c in compare(reform, population(), ON).programs if c.program == "companion_jobs")
    assert change.gained_ids == ["high"]


def test_replacing_a_shared_condition_changes_the_tracks_that_share_it():
    reform = Reform.from_dict({
        "name": "youth max 70",
        "replace_conditions": {"attractive_jobs.min_age": "tests.rules.test_reforms:at_least_80"},
    })
    comparison = compare(reform, population(), ON)
    lost = {c.program: c.lost for c in comparison.programs}
    assert lost["attractive_jobs"] == 4  # everyone: the replaced condition is shared
    assert lost["attractive_jobs.youth"] == 3  # the 75-year-old was never youth


def at_least_80(x):
    return x.age >= 80


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({}, "needs a 'name'"),
        ({"name": "x", "parameters": {"no.such": [{"from": "2025-01-01", "value": 1}]}}, "unknown parameter"),
        ({"name": "x", "parameters": {"companion_jobs.work.daily_hours": [{"value": 1}]}}, "needs 'from'"),
        ({"name": "x", "remove_conditions": ["companion_jobs.nope"]}, "has no condition"),
        ({"name": "x", "replace_conditions": {"companion_jobs.min_age": "no.module:f"}}, "cannot load formula"),
    ],
)
def test_bad_reforms_are_clear_errors(document, message):
    with pytest.raises(ReformError, match=message):
        compare(Reform.from_dict(document), population(), ON)
