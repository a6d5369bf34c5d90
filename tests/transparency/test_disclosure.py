"""Small-cell suppression: no published figure reveals a count under the minimum, whatever the
counts behind a scorecard line (hypothesis), and the parameters carry their sources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from ilja.transparency import disclosure
from ilja.transparency.scorecards import Raw, publish

counts = st.integers(min_value=0, max_value=60)


@st.composite
def raw_lines(draw) -> Raw:
    completed, dropped = draw(counts), draw(counts)
    employable = draw(counts)
    employed = draw(st.integers(0, employable))
    due = draw(st.integers(0, employed))
    answers = draw(counts)
    payments = draw(counts)
    return Raw("campus", "campus.mapo", "youth_academy", 2025, applicants=draw(counts), seats=draw(counts),
               ended=completed + dropped, completed=completed, dropped=dropped, employed=employed,
               employable=employable, retained=draw(st.integers(0, due)), retention_due=due,
               satisfaction_total=Decimal(answers * draw(st.integers(0, 100))), satisfaction_answers=answers,
               paid_on_time=draw(st.integers(0, payments)), payments=payments)


@given(raw_lines(), st.integers(min_value=1, max_value=12))
def test_no_published_cell_reveals_a_count_under_the_minimum(raw, minimum):
    row = publish(raw, "마포캠퍼스", minimum)
    for name, cell in row.cells():
        revealed = disclosure.published_counts(cell)
        assert all(n >= minimum for n in revealed), (name, cell)
        if cell.state == "shown":
            assert revealed, name
        else:
            assert all(getattr(cell, f, None) is None for f in ("numerator", "denominator", "value", "count",
                                                                "applicants")), name


@given(raw_lines())
def test_completion_and_dropout_are_published_or_suppressed_together(raw):
    row = publish(raw, "x", 5)
    assert row.completion.state == row.dropout.state  # one is the other's complement


def test_a_rate_shows_numerator_and_denominator():
    assert disclosure.rate(34, 45, 5) == disclosure.Rate(34, 45, "shown")
    assert disclosure.rate(34, 45, 5).percent == Decimal("75.6")
    assert disclosure.rate(4, 45, 5).state == "suppressed"
    assert disclosure.rate(43, 45, 5).state == "suppressed"  # 2 not employed
    assert disclosure.rate(0, 0, 5).state == "no_data"
    assert disclosure.ratio(33, 10, 5).value == Decimal("3.3")
    assert disclosure.mean(Decimal(430), 5, 5).value == Decimal("86.0")


def test_the_rules_are_dated_parameters_with_sources():
    rules = disclosure.rules(dt.date(2025, 6, 1))
    assert (rules.min_cell, rules.k, rules.retention_months) == (5, 5, 6)
    assert all(use.source.startswith("assumption:") for use in rules.uses)
    assert "통계청" in rules.uses[0].source
