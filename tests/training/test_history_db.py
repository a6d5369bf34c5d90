"""A person's training history lives in people (issue 22): training writes it where an enrolment
ends, and what applications and verification read from it equals what was read from training's
enrolments before (the reference query below, as ``training.service.ended_courses_of`` ran it);
migration 0102 creates the table as the model says and fills it from the enrolments that ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from ilja import clock
from ilja.applications import service as applications
from ilja.db import alembic_config, dispose_engines, engine_for, transaction
from ilja.models import metadata
from ilja.people import training_history
from ilja.people.models import EndedCourse
from ilja.rights import service as rights
from ilja.training import service
from ilja.training.models import Enrolment, EnrolmentStatus, TrainingCohort, TrainingCourse
from tests.training.factories import OPERATOR, course_with_cohort

D = dt.date
TABLE = EndedCourse.__tablename__


def _from_enrolments(session: Session, person_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The history as it was read from training's enrolments before it moved to people."""
    found: dict[int, list[dict[str, Any]]] = {pid: [] for pid in person_ids}
    rows = session.execute(select(Enrolment.person_id, Enrolment.status, Enrolment.quit_with_notice,
                                  Enrolment.ended_on, TrainingCohort.starts_on, TrainingCourse.program_code)
                           .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
                           .join(TrainingCourse, TrainingCourse.id == TrainingCohort.course_id)
                           .where(Enrolment.person_id.in_(person_ids), Enrolment.ended_on.is_not(None)))
    for row in rows:
        result = row.status
        if row.status == EnrolmentStatus.QUIT:
            result = "dropped" if row.quit_with_notice else "quit_without_notice"
        found[row.person_id].append({"program": row.program_code, "start": row.starts_on.isoformat(),
                                     "end": row.ended_on.isoformat(), "result": result})
    for history in found.values():
        history.sort(key=lambda r: (r["start"], r["end"]))
    return found


def _end_four(database_url: str, keyring: Any) -> dict[str, int]:
    """Four trainees: one completes, one is dropped, one quits with notice and one without (the
    exclusion taking effect after its prior notice); the fifth is still enrolled. Their person ids."""
    setup = course_with_cohort(database_url, keyring, applicants=5, seats=5)
    with transaction(engine_for(database_url)) as session:
        enrolled = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        done, dropped, told, silent, still = enrolled
        service.complete(session, enrolment=done, on=D(2025, 12, 19), actor=OPERATOR)
        service.drop(session, enrolment=dropped, on=D(2025, 12, 10), reason="출석 미달", actor=OPERATOR)
        service.quit_course(session, enrolment_id=told.id, with_notice=True, on=D(2025, 12, 5),
                            reason="취업", actor=OPERATOR)
        service.quit_course(session, enrolment_id=silent.id, with_notice=False, on=D(2025, 12, 8),
                            reason=None, actor=OPERATOR)
        assert _rows(session)[silent.id][-1] == "dropped"  # until the exclusion takes effect
        rights.take_effect_due(session, on=clock.today() + dt.timedelta(days=60))
        return {"done": done.person_id, "dropped": dropped.person_id, "told": told.person_id,
                "silent": silent.person_id, "still": still.person_id}


def _rows(session: Session) -> dict[int, tuple[Any, ...]]:
    return {r.enrolment_id: (r.person_id, r.program, r.started_on, r.ended_on, r.result)
            for r in session.scalars(select(EndedCourse))}


def test_the_history_training_writes_equals_the_one_read_from_its_enrolments(database_url, keyring):
    who = _end_four(database_url, keyring)
    persons = list(who.values())
    with transaction(engine_for(database_url)) as session:
        expected = _from_enrolments(session, persons)
        assert training_history.histories(session, {pid: [] for pid in persons}) == expected
        assert {role: [r["result"] for r in expected[pid]] for role, pid in who.items()} == {
            "done": ["completed"], "dropped": ["dropped"], "told": ["dropped"],
            "silent": ["quit_without_notice"], "still": []}
        person = applications.applicant(session, applications.person_record(session, who["silent"]))
        assert [(r.program, r.start, r.end, r.result) for r in person.training_history] == [
            ("youth_academy", D(2025, 12, 1), D(2025, 12, 8), "quit_without_notice")]
        registered = [{"program": "youth_academy", "start": "2023-03-02", "end": "2023-06-30",
                       "result": "completed"}]  # taken before Ilja, as the registry holds it
        assert training_history.histories(session, {who["done"]: registered})[who["done"]] == (
            registered + expected[who["done"]])


def test_migration_0102_matches_the_model_and_fills_the_table_from_the_enrolments(database_url, keyring):
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert [d for d in compare_metadata(context, metadata) if TABLE in repr(d)] == []
    _end_four(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        written = _rows(session)
    assert len(written) == 4
    config = alembic_config(database_url)
    dispose_engines()
    command.downgrade(config, "0101")
    with engine_for(database_url).connect() as connection:
        tables = inspect(connection).get_table_names()
        assert TABLE not in tables and "training_enrolments" in tables
        assert connection.execute(text("SELECT count(*) FROM training_enrolments")).scalar_one() == 5
    dispose_engines()
    command.upgrade(config, "heads")
    with transaction(engine_for(database_url)) as session:
        assert _rows(session) == written
