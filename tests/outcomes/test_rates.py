"""Employment rates on hand-made cases where the answer is known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.outcomes.rates import (
    DIMENSIONS,
    Cohort,
    Completer,
    Outcome,
    add_months,
    breakdown,
    classify,
    cohort_for,
    compute_rate,
    definition,
    members_of,
    percent,
)

D = dt.date


def completer(i: int, completed: dt.date, **kw) -> Completer:
    return Completer(i, 1000 + i, kw.pop("program", "youth_academy"), completed, **kw)


def test_cumulative_definition_reads_its_parameters():
    rule = definition("cumulative_rate", D(2025, 12, 31))
    assert rule.counted_outcomes == {"employed", "startup"}
    assert rule.window_months == 6
    assert rule.excluded_from_denominator == {"further_study"}
    assert rule.since == D(2021, 1, 1)
    assert rule.cohort == "through"
    assert {u.name for u in rule.uses} >= {"outcomes.cumulative_rate.window_months"}


def test_midterm_period_is_april_to_september():
    rule = definition("midterm_rate", D(2025, 9, 30))
    cohort = cohort_for(rule, year=2025)
    assert (cohort.start, cohort.end, cohort.as_of) == (D(2025, 4, 1), D(2025, 9, 30), D(2025, 9, 30))


def test_ten_completers_seven_employed_one_in_study_is_seven_of_nine():
    rule = definition("cumulative_rate", D(2025, 12, 31))
    people = [completer(i, D(2025, 3, 31)) for i in range(1, 11)]
    outcomes = [Outcome(i, "employed", D(2025, 5, 1), D(2025, 5, 2), "permanent") for i in range(1, 7)]
    outcomes.append(Outcome(7, "startup", D(2025, 6, 1), D(2025, 6, 1)))
    outcomes.append(Outcome(8, "further_study", D(2025, 4, 1), D(2025, 4, 5)))
    outcomes.append(Outcome(9, "looking", D(2025, 5, 1), D(2025, 5, 1)))
    rate = compute_rate(rule, people, outcomes, cohort_for(rule, year=2025))
    assert (rate.numerator, rate.denominator) == (7, 9)
    assert rate.percent == Decimal("77.8")
    assert rate.numerator_ids == [1, 2, 3, 4, 5, 6, 7]
    assert rate.ids("excluded") == [8]
    assert sorted(rate.denominator_ids) == [1, 2, 3, 4, 5, 6, 7, 9, 10]


def test_a_job_after_the_window_does_not_count():
    rule = definition("cumulative_rate", D(2025, 12, 31))
    person = completer(1, D(2025, 1, 31))
    assert add_months(D(2025, 1, 31), 6) == D(2025, 7, 31)
    inside = Outcome(1, "employed", D(2025, 7, 31), D(2025, 8, 1), "permanent")
    outside = Outcome(1, "employed", D(2025, 8, 1), D(2025, 8, 1), "permanent")
    assert classify(rule, person, [inside], D(2025, 12, 31)).status == "counted"
    assert classify(rule, person, [outside], D(2025, 12, 31)).status == "not_counted"


def test_an_outcome_learned_after_the_as_of_date_is_not_known_yet():
    rule = definition("midterm_rate", D(2025, 9, 30))
    person = completer(1, D(2025, 6, 30))
    late = Outcome(1, "employed", D(2025, 9, 1), D(2025, 10, 15), "permanent")
    assert classify(rule, person, [late], D(2025, 9, 30)).status == "not_counted"
    assert classify(rule, person, [late], D(2025, 10, 15)).status == "counted"


def test_1089_target_counts_quality_jobs_only_from_2025_11_11():
    """Definitions on both sides of the change: the same people, two answers."""
    people = [completer(i, D(2025, 6, 30)) for i in range(1, 5)]
    outcomes = [
        Outcome(1, "employed", D(2025, 8, 1), D(2025, 8, 1), "permanent"),
        Outcome(2, "employed", D(2025, 8, 1), D(2025, 8, 1), "part_time"),
        Outcome(3, "startup", D(2025, 8, 1), D(2025, 8, 1)),
        Outcome(4, "looking", D(2025, 8, 1), D(2025, 8, 1)),
    ]
    before = definition("target_rate", D(2025, 11, 10))
    after = definition("target_rate", D(2025, 11, 11))
    cohort = Cohort(D(2025, 1, 1), D(2025, 12, 31), D(2025, 12, 31))
    assert compute_rate(before, people, outcomes, cohort).numerator == 3
    assert compute_rate(after, people, outcomes, cohort).numerator == 1
    assert compute_rate(after, people, outcomes, cohort).percent == Decimal("25.0")


def test_percent_rounds_half_up_and_zero_denominator_is_none():
    assert percent(754, 1000) == Decimal("75.4")
    assert percent(1, 8) == Decimal("12.5")
    assert percent(1, 3) == Decimal("33.3")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(0, 0) is None


def test_other_programs_and_out_of_period_completers_are_left_out():
    rule = definition("midterm_rate", D(2025, 9, 30))
    people = [completer(1, D(2025, 3, 31)), completer(2, D(2025, 4, 1)), completer(3, D(2025, 9, 30)),
              completer(4, D(2025, 10, 1)), completer(5, D(2025, 5, 1), program="tech_institute")]
    rate = compute_rate(rule, people, [], cohort_for(rule, year=2025))
    assert [m.completer.id for m in rate.members] == [2, 3]


completers_strategy = st.lists(
    st.tuples(st.dates(D(2024, 1, 1), D(2025, 12, 31)),
              st.sampled_from(["campus.mapo", "campus.jung", None]),
              st.sampled_from(["employed", "startup", "further_study", "looking", None]),
              st.sampled_from(["permanent", "part_time", None]),
              st.integers(0, 300)),
    max_size=60)


@settings(max_examples=60, deadline=None)
@given(completers_strategy)
def test_breakdown_totals_equal_the_headline(rows):
    rule = definition("cumulative_rate", D(2025, 12, 31))
    people, outcomes = [], []
    for i, (day, campus, kind, contract, delay) in enumerate(rows, start=1):
        people.append(completer(i, day, campus=campus, district="11440" if campus else None))
        if kind:
            start = day + dt.timedelta(days=delay)
            outcomes.append(Outcome(i, kind, start, start, contract))
    rate = compute_rate(rule, people, outcomes, cohort_for(rule, year=2025))
    for dimension in DIMENSIONS:
        groups = breakdown(rate, dimension)
        assert sum(g.numerator for g in groups) == rate.numerator
        assert sum(g.denominator for g in groups) == rate.denominator
        for g in groups:
            drilled = members_of(rate, dimension=dimension, key=g.key)
            assert sum(m.status == "counted" for m in drilled) == g.numerator
    assert len(members_of(rate, status="counted")) == rate.numerator
    assert rate.numerator <= rate.denominator <= len(rate.members)


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.dates(D(2020, 1, 1), D(2031, 12, 31)),
       st.integers(0, 24))
def test_months_after_agrees_with_the_window(completed, effective, window):
    from ilja.outcomes.rates import months_after

    assert (months_after(completed, effective) <= window) == (effective <= add_months(completed, window))
