"""Training service on SQLite and PostgreSQL: enrolment from the selection, capacity, the
committee, instructors, quitting and the re-participation rule, migrations."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja import clock
from ilja.applications import service as applications
from ilja.db import engine_for, transaction
from ilja.rights import service as rights
from ilja.rules.engine import Engine
from ilja.training import service
from ilja.training.errors import CohortFull, NotEnrollable, NotQualified
from ilja.training.service import CohortInput
from tests.training.factories import OPERATOR, course_with_cohort

D = dt.date


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "training_" in repr(d)]
    assert diffs == []


def test_enrolment_from_the_selection_moves_the_application(database_url, keyring):
    setup = course_with_cohort(database_url, keyring)
    with transaction(engine_for(database_url)) as session:
        result = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR)
        assert len(result.enrolled) == 3 and result.refused == []
        assert [e.trainee_no for e in service.roster(session, setup.cohort_id)] == [
            "MAPO-AI-01-001", "MAPO-AI-01-002", "MAPO-AI-01-003"]
        statuses = {applications.get_application(session, a).status for a in setup.applications}
        assert statuses == {"enrolled"}
        with pytest.raises(NotEnrollable):  # enrolled already: no longer "selected"
            service.enrol_selected(session, cohort_id=setup.cohort_id,
                                   application_id=setup.applications[0], actor=OPERATOR)


def test_capacity_is_never_exceeded(database_url, keyring):
    setup = course_with_cohort(database_url, keyring, applicants=3, seats=3, capacity=2)
    with transaction(engine_for(database_url)) as session:
        result = service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR)
        assert len(result.enrolled) == 2 and len(result.refused) == 1
        assert service.get_cohort(session, setup.cohort_id).enrolled == 2
    with transaction(engine_for(database_url)) as session, pytest.raises(CohortFull):
        service.enrol_selected(session, cohort_id=setup.cohort_id,
                               application_id=result.refused[0][0], actor=OPERATOR)


def test_concurrent_enrolment_never_passes_the_capacity(database_url, keyring):
    from concurrent.futures import ThreadPoolExecutor

    setup = course_with_cohort(database_url, keyring, applicants=6, seats=6, capacity=4)

    def enrol(application_id: int) -> str:
        try:
            with transaction(engine_for(database_url)) as session:
                service.enrol_selected(session, cohort_id=setup.cohort_id,
                                       application_id=application_id, actor=OPERATOR)
            return "ok"
        except CohortFull:
            return "full"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(enrol, setup.applications))
    assert outcomes.count("ok") == 4 and outcomes.count("full") == 2
    with transaction(engine_for(database_url)) as session:
        assert len(service.roster(session, setup.cohort_id)) == 4
        assert service.get_cohort(session, setup.cohort_id).enrolled == 4


def test_only_an_opened_course_gets_cohorts_and_closing_is_recorded(database_url, keyring):
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1)
    with transaction(engine_for(database_url)) as session:
        service.decide(session, department_id=setup.department_id, decision="close_course",
                       reason="취업률 저조로 폐강", decided_on=D(2026, 1, 5),
                       course_id=setup.course_id, actor=OPERATOR)
        with pytest.raises(NotEnrollable):
            service.create_cohort(session, CohortInput(setup.course_id, 2, 20, D(2026, 3, 2),
                                                       D(2026, 6, 30)), actor=OPERATOR)
        kinds = [(d.decision, d.reason) for d in service.decisions(session, setup.department_id)]
        assert kinds == [("open_course", "수요 조사 결과 개설"), ("close_course", "취업률 저조로 폐강")]


@pytest.mark.parametrize("starts,months,ok", [(D(2025, 11, 3), 12, True),
                                              (D(2025, 12, 1), 12, False),
                                              (D(2025, 12, 1), 24, True)])
def test_instructor_qualification_checked_at_assignment(database_url, keyring, starts, months, ok):
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1, starts=starts,
                               ends=starts + dt.timedelta(days=30))
    with transaction(engine_for(database_url)) as session:
        instructor = service.create_instructor(session, name="박강사", industry_months=months,
                                               actor=OPERATOR)
        if ok:
            link = service.assign_instructor(session, cohort_id=setup.cohort_id,
                                             instructor_id=instructor.id, actor=OPERATOR)
            assert link.qualification["parameters"][0]["name"].endswith("min_industry_years")
        else:
            with pytest.raises(NotQualified) as caught:
                service.assign_instructor(session, cohort_id=setup.cohort_id,
                                          instructor_id=instructor.id, actor=OPERATOR)
            assert "24" in caught.value.message_ko


def _reparticipation(database_url, person_id: int, on: dt.date) -> list[str]:
    with transaction(engine_for(database_url)) as session:
        person = service.person_with_history(session, person_id)
    return Engine().evaluate_person(person, on, programs=["youth_academy"]).results[0].failed


def test_quitting_without_notice_restricts_reparticipation(database_url, keyring):
    setup = course_with_cohort(database_url, keyring, applicants=2, seats=2)
    with transaction(engine_for(database_url)) as session:
        first, second = service.enrol_all_selected(session, cohort_id=setup.cohort_id,
                                                   actor=OPERATOR).enrolled
        service.quit_course(session, enrolment_id=first.id, with_notice=False, on=D(2025, 12, 5),
                            reason=None, actor=OPERATOR)
        service.quit_course(session, enrolment_id=second.id, with_notice=True, on=D(2025, 12, 5),
                            reason="취업", actor=OPERATOR)
        # the exclusion's prior notice has run
        rights.take_effect_due(session, on=clock.today() + dt.timedelta(days=60))
        assert service.get_cohort(session, setup.cohort_id).enrolled == 0
        history = service.training_history_for(session, first.person_id)
        assert history == [{"program": "youth_academy", "start": "2025-12-01",
                            "end": "2025-12-05", "result": "quit_without_notice"}]
        assert applications.get_application(session, first.application_id).status == "quit"
    # 13 months later: the 1-year wait is over, but the 무단 포기 restriction (24 months) is not.
    assert _reparticipation(database_url, first.person_id, D(2027, 1, 5)) == [
        "quit_without_notice_restriction"]
    assert _reparticipation(database_url, second.person_id, D(2027, 1, 5)) == []
    assert _reparticipation(database_url, second.person_id, D(2026, 6, 1)) == ["waiting_period"]
    assert _reparticipation(database_url, first.person_id, D(2027, 12, 5)) == []
