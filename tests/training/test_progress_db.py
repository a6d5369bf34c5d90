"""A cohort from enrolment to completion on SQLite and PostgreSQL: attendance (sheet and file),
scores, the dropout rule in force for the cohort, surveys, completion and certificates,
one-day classes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ilja import clock
from ilja.applications import service as applications
from ilja.db import engine_for, transaction
from ilja.rights import service as rights
from ilja.training import oneday_service, progress, service
from ilja.training.attendance import Mark
from ilja.training.attendance_import import AttendanceFileError
from ilja.training.errors import ClassFull, InvalidInput, NotEnrollable
from ilja.training.models import AttendanceRecord
from tests.applications.factories import register
from tests.training.factories import OPERATOR, course_with_cohort, youth

D = dt.date


def enrolled(url, keyring, **kwargs):
    setup = course_with_cohort(url, keyring, **kwargs)
    with transaction(engine_for(url)) as session:
        ids = [e.id for e in service.enrol_all_selected(session, cohort_id=setup.cohort_id,
                                                        actor=OPERATOR).enrolled]
    return setup, ids


def test_attendance_sheet_checks_the_day_and_the_trainees(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=2, seats=2)
    with transaction(engine_for(database_url)) as session:
        progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 1),
                            marks={ids[0]: Mark.PRESENT, ids[1]: Mark.LATE}, actor=OPERATOR)
        progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 1),
                            marks={ids[1]: Mark.EXCUSED}, actor=OPERATOR)  # a correction
        assert progress.sheet(session, setup.cohort_id, D(2025, 12, 1)) == {
            ids[0]: Mark.PRESENT, ids[1]: Mark.EXCUSED}
        with pytest.raises(InvalidInput):  # a Saturday
            progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 6),
                                marks={ids[0]: Mark.PRESENT}, actor=OPERATOR)
        with pytest.raises(InvalidInput):
            progress.record_day(session, cohort_id=setup.cohort_id, day=D(2025, 12, 2),
                                marks={99999: Mark.PRESENT}, actor=OPERATOR)


def test_an_import_with_a_bad_row_writes_nothing(database_url, keyring, tmp_path):
    setup, ids = enrolled(database_url, keyring, applicants=2, seats=2)
    good = tmp_path / "good.csv"
    good.write_text("기수,훈련생번호,날짜,출결\n"
                    "MAPO-AI-01,MAPO-AI-01-001,2025-12-01,출석\n"
                    "MAPO-AI-01,MAPO-AI-01-002,2025-12-01,결석\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text("기수,훈련생번호,날짜,출결\n"
                   "MAPO-AI-01,MAPO-AI-01-001,2025-12-02,출석\n"
                   "MAPO-AI-01,MAPO-AI-01-002,2025-12-02,낮잠\n", encoding="utf-8")
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(AttendanceFileError) as caught:
            progress.import_attendance(session, bad, actor=OPERATOR)
        assert [(p.row, p.column) for p in caught.value.problems] == [(3, "mark")]
        assert session.execute(select(func.count()).select_from(AttendanceRecord)).scalar() == 0
        result = progress.import_attendance(session, good, actor=OPERATOR)
        assert result.rows == 2 and result.cohorts == ["MAPO-AI-01"]
        assert progress.sheet(session, setup.cohort_id, D(2025, 12, 1)) == {
            ids[0]: Mark.PRESENT, ids[1]: Mark.ABSENT}


@pytest.mark.parametrize("starts,dropped", [(D(2025, 11, 3), False), (D(2025, 12, 1), True)])
def test_score_of_75_twice_drops_only_after_academy_2(database_url, keyring, starts, dropped):
    setup, ids = enrolled(database_url, keyring, applicants=1, seats=1, starts=starts,
                          ends=starts + dt.timedelta(days=60))
    with transaction(engine_for(database_url)) as session:
        for offset, title in ((10, "1차 평가"), (20, "2차 평가")):
            progress.add_assessment(session, cohort_id=setup.cohort_id, title=title,
                                    held_on=starts + dt.timedelta(days=offset),
                                    scores={ids[0]: "75"}, actor=OPERATOR)
        found = progress.evaluate_cohort(session, cohort_id=setup.cohort_id,
                                         on=starts + dt.timedelta(days=21), actor=OPERATOR)
        rights.take_effect_due(session, on=clock.today() + dt.timedelta(days=60))  # after the prior notice
        kinds = [(f.kind, f.rule) for f in found if f.rule == "score_below_threshold"]
        enrolment = service.get_enrolment(session, ids[0])
        if dropped:
            assert kinds == [("warning", "score_below_threshold"),
                             ("dropout", "score_below_threshold")]
            assert enrolment.status == "dropped" and "80점" in enrolment.end_reason
            assert found[-1].parameters[0]["value"] == 80
            assert applications.get_application(session, setup.applications[0]).status == "dropped"
            assert service.training_history_for(session, enrolment.person_id)[-1]["result"] == "dropped"
        else:
            assert kinds == [] and enrolment.status == "enrolled"
        again = progress.evaluate_cohort(session, cohort_id=setup.cohort_id,
                                         on=starts + dt.timedelta(days=21), actor=OPERATOR)
        assert [f for f in again if f.rule == "score_below_threshold"] == []


def test_a_cohort_from_enrolment_to_completion(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=3, seats=3,
                          starts=D(2025, 12, 1), ends=D(2025, 12, 12))
    with transaction(engine_for(database_url)) as session:
        cohort = service.get_cohort(session, setup.cohort_id)
        days = service.schedule_of(cohort).sessions
        assert len(days) == 10
        for day in days:  # the third trainee misses the second week
            progress.record_day(session, cohort_id=cohort.id, day=day, marks={
                ids[0]: Mark.PRESENT, ids[1]: Mark.LATE if day.day < 4 else Mark.PRESENT,
                ids[2]: Mark.PRESENT if day < D(2025, 12, 8) else Mark.EXCUSED if day.day == 8
                else Mark.ABSENT}, actor=OPERATOR)
        progress.add_assessment(session, cohort_id=cohort.id, title="수료 평가",
                                held_on=D(2025, 12, 12),
                                scores={ids[0]: 95, ids[1]: "88.5", ids[2]: 90}, actor=OPERATOR)
        result = progress.complete_cohort(session, cohort_id=cohort.id, on=D(2025, 12, 12),
                                          actor=OPERATOR)
        assert [e.id for e in result.completed] == ids[:2]
        (left, finding), = result.not_completed
        assert left.id == ids[2] and finding.kind == "dropout"
        assert finding.rule == "attendance_unreachable" and "80" in finding.reason_ko
        pdf = progress.certificate(session, enrolment_id=ids[0], actor=OPERATOR)
        assert pdf.startswith(b"%PDF")
        with pytest.raises(NotEnrollable):
            progress.certificate(session, enrolment_id=ids[2], actor=OPERATOR)
        rights.take_effect_due(session, on=clock.today() + dt.timedelta(days=60))  # the dropout's prior notice has run
        statuses = [applications.get_application(
            session, service.get_enrolment(session, i).application_id).status for i in ids]
        assert statuses == ["completed", "completed", "dropped"]


def test_instructor_under_the_bar_is_flagged_to_the_committee(database_url, keyring):
    setup, ids = enrolled(database_url, keyring, applicants=5, seats=5)
    with transaction(engine_for(database_url)) as session:
        good = service.create_instructor(session, name="김우수", industry_months=60, actor=OPERATOR)
        weak = service.create_instructor(session, name="이보통", industry_months=30, actor=OPERATOR)
        links = [service.assign_instructor(session, cohort_id=setup.cohort_id,
                                           instructor_id=i.id, actor=OPERATOR) for i in (good, weak)]
        for enrolment_id in ids:
            progress.submit_survey(session, assignment_id=links[0].id, enrolment_id=enrolment_id,
                                   score=90, actor=OPERATOR)
            progress.submit_survey(session, assignment_id=links[1].id, enrolment_id=enrolment_id,
                                   score=75, actor=OPERATOR)  # under 80 (cohort after 11-11)
        flagged = progress.committee_flags(session, setup.department_id)
        assert [(f.instructor_name, f.result.bar) for f in flagged] == [("이보통", 80)]
        service.decide(session, department_id=setup.department_id, decision="instructor_review",
                       reason="만족도 75점, 기준 80점 미달", decided_on=D(2026, 1, 5),
                       instructor_id=weak.id, actor=OPERATOR)


def test_one_day_class_cap_and_conversion(database_url, keyring, monkeypatch):
    setup = course_with_cohort(database_url, keyring, applicants=2, seats=2)
    with transaction(engine_for(database_url)) as session:
        apps = [applications.get_application(session, a) for a in setup.applications]
        one_day = oneday_service.create_class(
            session, code="OD-BAKE-1", title="제과 원데이 클래스", site_code="institute.central",
            held_on=apps[0].submitted_at.date() - dt.timedelta(days=1),
            linked_course_id=setup.course_id, actor=OPERATOR)
        assert oneday_service.cap_for(one_day) == 200
        for person in setup.persons:
            oneday_service.register(session, class_id=one_day.id, person_id=person,
                                    referred_by="서부50플러스캠퍼스", actor=OPERATOR)
        service.enrol_selected(session, cohort_id=setup.cohort_id,
                               application_id=setup.applications[0], actor=OPERATOR)
        class_id = one_day.id
    outsider = register(database_url, keyring, program="youth_academy", **youth())
    with transaction(engine_for(database_url)) as session:
        oneday_service.register(session, class_id=class_id, person_id=outsider,
                                referred_by="중부50플러스캠퍼스", actor=OPERATOR)
        conversion = oneday_service.class_conversion(session, class_id)
        assert (conversion.participants, conversion.applied, conversion.enrolled) == (3, 2, 1)
    late = register(database_url, keyring, program="youth_academy", **youth())
    monkeypatch.setattr(oneday_service, "cap_for", lambda _row: 3)  # the plan's 200, scaled down
    with transaction(engine_for(database_url)) as session, pytest.raises(ClassFull):
        oneday_service.register(session, class_id=class_id, person_id=late,
                                referred_by="서부50플러스캠퍼스", actor=OPERATOR)
