"""Cohort session days skip weekends, public and substitute holidays, and closures."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.training.schedule import ScheduleError, plan_sessions, session_days

D = dt.date


def test_chuseok_2025_and_its_substitute_day_are_skipped():
    # 2025-10-03 개천절, 10-05..07 추석, 10-08 대체공휴일, 10-09 한글날
    schedule = session_days(D(2025, 9, 29), D(2025, 10, 10))
    assert schedule.sessions == (D(2025, 9, 29), D(2025, 9, 30), D(2025, 10, 1), D(2025, 10, 2),
                                 D(2025, 10, 10))
    skipped = {s.day for s in schedule.skipped}
    assert {D(2025, 10, 3), D(2025, 10, 6), D(2025, 10, 7), D(2025, 10, 8), D(2025, 10, 9)} <= skipped
    assert all(s.reason for s in schedule.skipped)


def test_operator_closures_are_skipped_with_their_reason():
    schedule = session_days(D(2025, 3, 10), D(2025, 3, 14), closures=[D(2025, 3, 12)])
    assert D(2025, 3, 12) not in schedule.sessions
    assert [s.reason for s in schedule.skipped] == ["closure"]


def test_plan_sessions_runs_past_holidays_to_reach_the_count():
    schedule = plan_sessions(D(2025, 9, 29), 5)
    assert len(schedule) == 5 and schedule.end == D(2025, 10, 10)


def test_evening_cohort_on_two_weekdays():
    schedule = plan_sessions(D(2025, 3, 3), 4, weekdays=(1, 3))
    assert [d.weekday() for d in schedule.sessions] == [1, 3, 1, 3]


@pytest.mark.parametrize("start,end", [(D(2025, 3, 7), D(2025, 3, 3)), (D(2025, 3, 1), D(2025, 3, 2))])
def test_impossible_schedules_are_refused(start, end):
    with pytest.raises(ScheduleError):
        session_days(start, end)


def test_bad_weekdays_and_counts_are_refused():
    with pytest.raises(ScheduleError):
        plan_sessions(D(2025, 3, 3), 0)
    with pytest.raises(ScheduleError):
        plan_sessions(D(2025, 3, 3), 3, weekdays=(7,))
