"""Checking in with the code shown at the site (issue 19 §3), in the browser: the operator (of
the demo's site ``campus.mapo``) opens today's check-in screen at 1280 px; the trainee, on a phone
at 390 px, types a wrong code (a clear error, the field marked), then the code on the screen, and
is recorded present once; the operator then asks to correct the day, which waits for another
staff member. Every page is checked as in test_year.py (axe, nothing wider than the
phone, no developer text on the citizen's pages).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ilja import clock
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from ilja.training.models import (
    AttendanceRecord,
    Enrolment,
    TrainingCohort,
    TrainingCourse,
    TrainingDepartment,
)
from tests.web.journeys.harness import DESK, PHONE, no_problems

pytestmark = pytest.mark.browser


def _cohort_for_today(person_id: int) -> int:
    """A cohort at the operator's site that meets every day around today, the citizen enrolled."""
    today, now = clock.today(), clock.now()
    with transaction(engine_for(get_settings().database_url)) as session:
        department = TrainingDepartment(code="CHK-D", site_code="campus.mapo", name="AI 학과", created_at=now)
        session.add(department)
        session.flush()
        course = TrainingCourse(code="CHK-AI", department_id=department.id, program_code="youth_academy",
                                name="AI 서비스 개발", kind="ai_core", is_open=True, created_at=now)
        session.add(course)
        session.flush()
        cohort = TrainingCohort(code="CHK-AI-01", course_id=course.id, number=1, capacity=10, enrolled=1,
                                starts_on=today - dt.timedelta(days=7), ends_on=today + dt.timedelta(days=30),
                                weekdays=list(range(7)), closures=[], created_at=now)
        session.add(cohort)
        session.flush()
        session.add(Enrolment(cohort_id=cohort.id, person_id=person_id, trainee_no="CHK-AI-01-001",
                              status="enrolled", enrolled_at=now))
        return cohort.id


def test_a_trainee_checks_in_on_a_phone_with_the_code_on_the_screen(person, site):
    from ilja.training import service

    cohort_id = _cohort_for_today(site.citizen_person_id)
    with transaction(engine_for(get_settings().database_url)) as session:
        if clock.today() not in service.schedule_of(service.get_cohort(session, cohort_id)).sessions:
            pytest.skip("today is a public holiday: no session to check in to")

    operator = person("checkin-operator", "operator", DESK)
    page = operator.page
    operator.logs_in()
    page.goto(f"/training/cohorts/{cohort_id}/checkin")
    operator.shows("출석 확인 화면 (열기 전)")
    operator.click("오늘 출석 확인 시작", role="button")
    code_text = page.locator(".ilja-checkin-code").inner_text()
    operator.shows("출석 확인 화면")
    code = re.sub(r"\D", "", code_text)
    assert len(code) == 6

    citizen = person("checkin-citizen", "citizen", PHONE, citizen=True)
    phone = citizen.page
    citizen.logs_in()
    phone.goto("/training/me")
    citizen.click("출석 확인 (코드 입력)", role="link")
    citizen.shows("출석 확인")
    wrong = "000000" if code != "000000" else "111111"
    phone.get_by_label("출석 코드 (숫자 6자리)").fill(wrong)
    citizen.click("출석 확인", role="button")
    expect(phone.get_by_role("alert")).to_contain_text("출석 코드가 맞지 않습니다")
    expect(phone.get_by_label("출석 코드 (숫자 6자리)")).to_have_attribute("aria-invalid", "true")
    citizen.shows("출석 확인 (잘못된 코드)")
    # a code rotates every minute: read the screen again, as a person would look up at it
    page.reload()
    code = re.sub(r"\D", "", page.locator(".ilja-checkin-code").inner_text())
    phone.get_by_label("출석 코드 (숫자 6자리)").fill(f"{code[:3]} {code[3:]}")
    citizen.click("출석 확인", role="button")
    expect(phone.get_by_role("status")).to_contain_text("출석이 기록되었습니다")
    citizen.shows("출석 확인 (기록됨)")
    phone.get_by_label("출석 코드 (숫자 6자리)").fill(code)
    citizen.click("출석 확인", role="button")
    expect(phone.get_by_role("alert")).to_contain_text("하루 한 번")

    page.reload()
    expect(page.get_by_text("출석 확인 1명 / 수강 1명")).to_be_visible()
    with transaction(engine_for(get_settings().database_url)) as session:
        rows = list(session.scalars(select(AttendanceRecord).join(
            Enrolment, Enrolment.id == AttendanceRecord.enrolment_id).where(Enrolment.cohort_id == cohort_id)))
    assert [(r.day, r.method) for r in rows] == [(clock.today(), "checkin")]

    # the operator asks to correct the day; the same operator cannot approve it
    page.goto(f"/training/cohorts/{cohort_id}/attendance/changes")
    operator.shows("공가·출결 정정")
    page.get_by_label("교육일").first.select_option(clock.today().isoformat())
    page.get_by_label("바꿀 출결").select_option("late")
    page.get_by_label("정정 사유").fill("10시 도착 (출입 기록 확인)")
    operator.click("정정 요청", role="button")
    expect(page.get_by_role("status")).to_contain_text("다른 직원이 승인하면 반영됩니다")
    expect(page.get_by_text("다른 직원의 승인을 기다립니다.")).to_be_visible()
    operator.shows("공가·출결 정정 (승인 대기)")

    # the same operator hosts a public-job project: its check-in screen and excused days
    project = _project_for_today(site.citizen_person_id)
    page.goto(f"/publicjobs/projects/{project}/excused")
    operator.shows("공가·병가·출결 정정 (공공일자리)")
    page.goto(f"/publicjobs/projects/{project}/checkin")
    operator.shows("출석 확인 화면 (공공일자리)")
    no_problems(site)


def _project_for_today(person_id: int) -> int:
    """A project hosted at the operator's site running around today, the citizen placed in it."""
    from ilja.accounts import audit
    from ilja.publicjobs import service as publicjobs
    from ilja.publicjobs.project_input import ProjectInput

    today = clock.today()
    with transaction(engine_for(get_settings().database_url)) as session:
        project = publicjobs.create_project(session, ProjectInput(
            code="CHK-PJ", program_code="attractive_jobs", name="마포 디지털 안내", host_code="campus.mapo",
            host_name="마포캠퍼스", host_kind="institution", seats=5, district_code="11440",
            starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31)),
            actor=audit.SYSTEM_ACTOR)
        publicjobs.place(session, project_id=project.id, person_id=person_id, actor=audit.SYSTEM_ACTOR,
                         start_on=max(today.replace(month=1, day=1), today - dt.timedelta(days=7)))
        return project.id
