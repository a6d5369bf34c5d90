"""The worker's periodic duties (``ilja.ops.duties``): each runs when its interval has passed, a
failing one does not stop the others, one worker at a time runs a duty on PostgreSQL, and a
prior notice nobody answered takes effect without anyone typing a command (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.ops.duties import DUTIES, Duty, Schedule, _only_worker
from ilja.rights import service as rights
from ilja.training import service as training
from tests.training.factories import OPERATOR, course_with_cohort

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_each_duty_runs_when_its_interval_has_passed_and_a_failure_stops_no_other(database_url):
    ran: list[str] = []

    def broken(session):
        ran.append("broken")
        raise RuntimeError("down")

    schedule = Schedule(engine_for(database_url), (
        Duty("often", dt.timedelta(minutes=5), lambda session: ran.append("often") or 1),
        Duty("broken", dt.timedelta(minutes=5), broken),
        Duty("rarely", dt.timedelta(hours=1), lambda session: ran.append("rarely") or 0)))
    assert schedule.tick(T0) == {"often": 1, "rarely": 0}  # all at once after a start
    assert schedule.tick(T0 + dt.timedelta(minutes=4)) == {}
    assert schedule.tick(T0 + dt.timedelta(minutes=5)) == {"often": 1}
    assert ran == ["often", "broken", "rarely", "often", "broken"]


def test_one_worker_at_a_time_runs_a_duty(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as first:
        assert _only_worker(first, "selection.lapse_offers")
        if engine.dialect.name == "postgresql":  # SQLite's one writer makes the second wait instead
            with transaction(engine) as second:
                assert not _only_worker(second, "selection.lapse_offers")
                assert _only_worker(second, "rights.take_effect_due")  # another duty's lock is free


def test_a_prior_notice_nobody_answered_takes_effect_on_the_workers_turn(database_url, keyring):
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        enrolment, = training.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        training.quit_course(session, enrolment_id=enrolment.id, with_notice=False, on=dt.date(2025, 12, 5),
                             reason=None, actor=OPERATOR)
        decision, = rights.decisions_about(session, f"enrolment:{enrolment.id}")
        answer_by = decision.answer_by
    schedule = Schedule(engine)
    assert {duty.name for duty in DUTIES} == {"rights.take_effect_due", "selection.lapse_offers",
                                             "verification.lapse_conditional"}
    with clock.frozen(answer_by):
        assert schedule.tick() == {"rights.take_effect_due": 0, "selection.lapse_offers": 0,
                                   "verification.lapse_conditional": 0}  # the window is still open
    with clock.frozen(answer_by + dt.timedelta(days=1)):
        assert schedule.tick(clock.now() + dt.timedelta(days=1)).get("rights.take_effect_due") == 1
    with transaction(engine) as session:
        assert training.training_history_for(session, enrolment.person_id)[-1]["result"] == "quit_without_notice"
