"""The dropout rule on both sides of Academy 2.0 (2025-11-11): 70 points before, 80 after."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.training.attendance import Mark, summarise, summarise_one
from ilja.training.dropout import (
    DROPOUT,
    NONE,
    RULE_CODES,
    WARNING,
    DropoutRules,
    Kind,
    Rule,
    attendance_columns,
    attendance_finding,
    score_columns,
    score_findings,
    thresholds_for,
)

D = dt.date
BEFORE, AFTER = D(2025, 11, 10), D(2025, 11, 11)


def test_threshold_in_force_on_the_cohort_start_date():
    assert DropoutRules.at(BEFORE).threshold == 70
    assert DropoutRules.at(AFTER).threshold == 80


@pytest.mark.parametrize("start,warned", [(BEFORE, False), (AFTER, True)])
def test_a_75_is_fine_before_academy_2_and_warned_after(start, warned):
    found = score_findings([(D(2025, 12, 1), 75)], DropoutRules.at(start))
    assert bool(found) is warned
    if warned:
        assert found[0].kind is Kind.WARNING and found[0].figures == {"score": 75, "threshold": 80}
        assert "80" in found[0].reason("ko") and found[0].parameters[0].value == 80


def test_a_cohort_keeps_the_threshold_it_started_under():
    # A September cohort assessed in December is still judged against 70.
    assert score_findings([(D(2025, 12, 15), 72)], DropoutRules.at(D(2025, 9, 1))) == []


@pytest.mark.parametrize("start,threshold", [(BEFORE, 70), (AFTER, 80)])
def test_warned_first_then_dropped(start, threshold):
    rules = DropoutRules.at(start)
    low = threshold - 1
    found = score_findings([(D(2026, 1, 5), low), (D(2026, 2, 5), 95), (D(2026, 3, 5), low),
                            (D(2026, 4, 5), low)], rules)
    assert [(f.kind, f.on) for f in found] == [(Kind.WARNING, D(2026, 1, 5)),
                                               (Kind.DROPOUT, D(2026, 3, 5))]
    assert found[1].rule is Rule.SCORE_BELOW_THRESHOLD
    assert f"{threshold}" in found[1].reason("en")


def test_exactly_the_threshold_passes():
    assert score_findings([(D(2026, 1, 5), 80)], DropoutRules.at(AFTER)) == []
    assert score_findings([(D(2026, 1, 5), 79.5)], DropoutRules.at(AFTER))[0].figures["score"] == 79.5


def test_prior_warnings_are_counted():
    found = score_findings([(D(2026, 1, 5), 50)], DropoutRules.at(AFTER), prior_warnings=1)
    assert found[0].kind is Kind.DROPOUT


P, L, A, E = Mark.PRESENT, Mark.LATE, Mark.ABSENT, Mark.EXCUSED


def test_five_consecutive_absences_warn_first_then_drop():
    rules = DropoutRules.at(AFTER)
    summary = summarise_one([P] * 20 + [A] * 5, rules.attendance)
    first = attendance_finding(summary, 50, rules, D(2026, 1, 1))
    then = attendance_finding(summary, 50, rules, D(2026, 1, 2), prior_warnings=1)
    assert first and first.kind is Kind.WARNING and first.rule is Rule.CONSECUTIVE_ABSENCES
    assert then and then.kind is Kind.DROPOUT and then.rule is Rule.CONSECUTIVE_ABSENCES


def test_days_without_a_record_are_never_absences():
    rules = DropoutRules.at(AFTER)
    nothing = summarise_one([], rules.attendance)
    assert nothing.rate == 1 and nothing.counted == 0
    assert attendance_finding(nothing, 0, rules, D(2026, 1, 1), prior_warnings=5) is None


def test_attendance_warning_then_unreachable_dropout():
    rules = DropoutRules.at(AFTER)
    summary = summarise_one([P, P, P, P, A, P, A, P, P, A], rules.attendance)  # 70%
    warning = attendance_finding(summary, 30, rules, D(2026, 1, 1))
    assert warning and warning.kind is Kind.WARNING and warning.rule is Rule.ATTENDANCE_BELOW_WARNING
    assert attendance_finding(summary, 30, rules, D(2026, 1, 1), prior_warnings=1) is None
    hopeless = summarise_one([P] * 10 + [A, P] * 10, rules.attendance)  # 20/30, 2 left
    first = attendance_finding(hopeless, 2, rules, D(2026, 1, 1))
    then = attendance_finding(hopeless, 2, rules, D(2026, 1, 1), prior_warnings=1)
    assert first.kind is Kind.WARNING and first.rule is Rule.ATTENDANCE_UNREACHABLE
    assert then.kind is Kind.DROPOUT and "80" in then.reason("ko")


def test_thresholds_for_many_cohorts():
    assert thresholds_for(np.array([20251110, 20251111, 20240301])).tolist() == [70, 80, 70]


scores = st.lists(st.tuples(st.integers(0, 9), st.integers(0, 40), st.integers(40, 100)),
                  max_size=60)


@settings(max_examples=150, deadline=None)
@given(scores, st.lists(st.sampled_from([BEFORE, AFTER]), min_size=10, max_size=10),
       st.lists(st.integers(0, 2), min_size=10, max_size=10))
def test_score_columns_agree_with_one_trainee_at_a_time(rows, starts, prior):
    rows = list({(t, d): s for t, d, s in rows}.items())  # one score per trainee and day
    starts_int = np.array([s.year * 10000 + s.month * 100 + s.day for s in starts])
    columns = score_columns(np.array([t for (t, _), _ in rows], dtype=np.int64),
                            np.array([d for (_, d), _ in rows], dtype=np.int64),
                            np.array([s for _, s in rows], dtype=np.float64),
                            thresholds_for(starts_int), 1, np.array(prior))
    for t in range(10):
        rules = DropoutRules.at(starts[t])
        mine = [(D(2026, 1, 1) + dt.timedelta(days=d), s) for (tt, d), s in rows if tt == t]
        expected = [(f.kind, (f.on - D(2026, 1, 1)).days) for f in
                    score_findings(mine, rules, prior_warnings=prior[t])]
        mask = (columns.trainee == t) & (columns.outcome != NONE)
        got = [(Kind.WARNING if o == WARNING else Kind.DROPOUT, int(d))
               for o, d in zip(columns.outcome[mask], columns.day[mask], strict=True)]
        assert got == expected


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(list(Mark)), max_size=25), min_size=1, max_size=8),
       st.integers(0, 20), st.lists(st.integers(0, 2), min_size=8, max_size=8))
def test_attendance_columns_agree_with_one_trainee_at_a_time(trainees, remaining, prior):
    rules = DropoutRules.at(AFTER)
    rows = [(t, d, int(m)) for t, marks in enumerate(trainees) for d, m in enumerate(marks)]
    summary = summarise(np.array([r[0] for r in rows], dtype=np.int64),
                        np.array([r[1] for r in rows], dtype=np.int64),
                        np.array([r[2] for r in rows], dtype=np.int8), len(trainees),
                        rules.attendance)
    prior_arr = np.array(prior[:len(trainees)])
    out = attendance_columns(summary, remaining, rules.attendance, rules.attendance_warnings,
                             prior_arr)
    for t, marks in enumerate(trainees):
        found = attendance_finding(summarise_one(marks, rules.attendance), remaining, rules,
                                   AFTER, prior_warnings=prior[t])
        if found is None:
            assert out.outcome[t] == NONE
        else:
            assert out.outcome[t] == (DROPOUT if found.kind is Kind.DROPOUT else WARNING)
            assert out.rule[t] == RULE_CODES[found.rule]


def test_each_program_has_its_own_bar_and_the_institutes_have_none_in_the_documents():
    # The 70 → 80 bar of Academy 2.0 is the Youth Job Academy's; 기술교육원 courses are not held to it.
    assert DropoutRules.at(AFTER, "youth_academy").threshold == 80
    institute = DropoutRules.at(AFTER, "tech_institute")
    assert institute.threshold is None
    assert "assumption" in institute.uses[0].source
    assert score_findings([(D(2026, 1, 5), 10)], institute) == []
