"""Attendance rates: lates count as absences, excused days are left out, runs of absences."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.training.attendance import AttendanceRules, Mark, parse_mark, summarise, summarise_one

P, L, A, E = Mark.PRESENT, Mark.LATE, Mark.ABSENT, Mark.EXCUSED
RULES = AttendanceRules.at(dt.date(2025, 3, 1))


def test_rules_come_from_the_parameters_with_sources():
    assert RULES.min_rate == Fraction(4, 5)
    assert RULES.lates_per_absence == 3
    assert all(u.source.startswith("assumption:") for u in RULES.uses)


def test_three_lates_count_as_one_absence():
    summary = summarise_one([L, L, L, P, P], RULES)
    assert (summary.counted, summary.attended) == (5, 4)
    assert summary.rate == Fraction(4, 5)


def test_excused_days_are_left_out_of_the_rate():
    summary = summarise_one([P, P, P, E, E], RULES)
    assert summary.counted == 3 and summary.rate == 1


def test_longest_run_counts_only_unexcused_absences():
    assert summarise_one([A, A, E, A, A, A, P], RULES).longest_absence_run == 3


def test_nothing_recorded_means_full_rate():
    assert summarise_one([], RULES).rate == 1


def test_reachable_checks_the_remaining_sessions():
    summary = summarise_one([A] * 4 + [P] * 6, RULES)  # 6/10
    assert summary.reachable(10, Fraction(4, 5))  # 16/20
    assert not summary.reachable(9, Fraction(4, 5))  # 15/19


def test_marks_as_operators_type_them():
    assert parse_mark(" 출석 ") is P and parse_mark("지각") is L and parse_mark("X") is A
    assert parse_mark("공결") is E and parse_mark("late") is L and parse_mark("?") is None


marks_of_trainees = st.lists(st.lists(st.sampled_from(list(Mark)), max_size=30), min_size=1,
                             max_size=12)


@settings(max_examples=150, deadline=None)
@given(marks_of_trainees, st.randoms(use_true_random=False))
def test_columns_agree_with_one_trainee_at_a_time(trainees, random):
    rows = [(t, day, int(m)) for t, marks in enumerate(trainees) for day, m in enumerate(marks)]
    random.shuffle(rows)
    trainee = np.array([r[0] for r in rows], dtype=np.int64)
    day = np.array([r[1] for r in rows], dtype=np.int64)
    mark = np.array([r[2] for r in rows], dtype=np.int8)
    columns = summarise(trainee, day, mark, len(trainees), RULES)
    for t, marks in enumerate(trainees):
        assert columns.row(t) == summarise_one(marks, RULES)
        one = summarise_one(marks, RULES)
        assert bool(columns.below(RULES.warning_rate)[t]) == (one.counted > 0 and one.rate < RULES.warning_rate)
        assert bool(columns.unreachable(5, RULES.min_rate)[t]) == (not one.reachable(5, RULES.min_rate))
