"""A coordinator's journey in Chromium (issue 23), without a line of Python: from a cohort's
completers to confirmed matches. The coordinator (1280 px, every page also checked at 390 px:
axe-core, nothing wider than the phone) brings the completers in as candidates, records one
trainee's certificate and home district, runs the round, confirms one proposal and vetoes another
with a reason. Set ``ILJA_JOURNEY_SCREENSHOTS`` to keep the screenshots."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from ilja.matching import service
from ilja.matching.models import Candidate, Proposal
from ilja.training.models import Enrolment, TrainingCohort, TrainingCourse, TrainingDepartment
from tests.publicjobs.factories import add_person
from tests.web.journeys.conftest import person, site  # noqa: F401  (the journeys' fixtures)
from tests.web.journeys.harness import DESK, no_problems

pytestmark = pytest.mark.browser
ACTOR = audit.Actor("test:matching", audit.SYSTEM)
# (title, kind, required skills, required certificates, district)
ADS = (("내선 전기공사 보조 (신입)", "job", ["전기 배선", "전기공사"], [], "성북구"),
       ("자동화설비 유지보수 (PLC)", "job", ["PLC", "시퀀스 제어"], ["전기기능사"], "성동구"),
       ("건물 전기안전관리자 (전기기사)", "job", ["전기안전관리"], ["전기기사"], "송파구"),
       ("방문요양보호사", "job", ["노인 돌봄"], ["요양보호사"], "노원구"))


def _completers_and_ads() -> None:
    """A finished 전기 cohort with three completers, and four open ads with a deadline ahead."""
    today, now = clock.today(), clock.now()
    with transaction(engine_for(get_settings().database_url)) as session:
        department = TrainingDepartment(code="JM-D", site_code="institute.seongbuk",
                                        name="전기과", created_at=now)
        session.add(department)
        session.flush()
        course = TrainingCourse(code="JM-EL", department_id=department.id,
                                program_code="tech_institute", name="전기공사·시퀀스 제어·PLC 과정",
                                kind="tech", is_open=True, created_at=now)
        session.add(course)
        session.flush()
        cohort = TrainingCohort(code="JM-EL-01", course_id=course.id, number=1, capacity=20,
                                enrolled=3, starts_on=today - dt.timedelta(days=180),
                                ends_on=today - dt.timedelta(days=3), weekdays=[0, 1, 2, 3, 4],
                                closures=[], created_at=now)
        session.add(cohort)
        session.flush()
        for n in range(3):
            session.add(Enrolment(cohort_id=cohort.id, person_id=add_person(session),
                                  trainee_no=f"JM-EL-01-{n:03d}", status="completed",
                                  enrolled_at=now, ended_on=today - dt.timedelta(days=3)))
        org = service.create_organisation(session, code="JM-ORG", name="대명전기공사",
                                          kind="company", district="성북구", actor=ACTOR)
        for n, (title, kind, skills, certs, district) in enumerate(ADS):
            service.create_posting(session, service.PostingInput(
                code=f"JM-P{n}", organisation_id=org.id, round_code="JM-1", kind=kind,
                title=title, seats=1, required_skills=skills, required_certifications=certs,
                district=district, monthly_pay=2_700_000, weekly_hours=40,
                deadline=today + dt.timedelta(days=10), starts_on=today + dt.timedelta(days=14)),
                actor=ACTOR)


def test_from_a_cohorts_completers_to_confirmed_matches(site, person):  # noqa: F811
    _completers_and_ads()
    coordinator = person("matching", "coordinator", DESK)
    coordinator.page.goto("/")
    coordinator.log_in()
    page = coordinator.page
    page.goto("/matching")
    coordinator.shows("desk")
    coordinator.click("수료·교육 중인 교육생을 후보로 불러오기")
    assert "교육생 3명을 후보로 불러왔습니다" in page.locator("#imported").inner_text()
    coordinator.shows("imported")

    page.locator("#caseload a").first.click()
    page.wait_for_load_state()
    coordinator.shows("candidate")
    page.get_by_label("보유 자격증").fill("전기 기능사")
    page.get_by_label("사는 곳 (자치구)").select_option("성북구")
    page.get_by_label("통근 가능 시간 (분, 편도)").fill("60")
    coordinator.click("역량과 조건 저장")
    assert "저장했습니다" in page.locator("main").inner_text()
    coordinator.shows("conditions saved")

    page.goto("/matching")
    page.get_by_label("매칭 회차").first.select_option("JM-1")
    coordinator.click("적합도 계산 및 매칭 실행")
    coordinator.shows("run")
    text = page.locator("main").inner_text()
    assert "대명전기공사" in text and "월 2,700,000원" in text
    assert "매칭되지 않은 교육생과 이유" in text
    forms = page.locator("#side-by-side form")
    assert forms.count() >= 4  # two proposals, each with confirm and veto
    page.locator("#side-by-side").get_by_role("button", name="확정").first.click()
    page.wait_for_load_state()
    page.locator("#side-by-side").get_by_label("거부 사유").first.fill("기업이 경력자를 원함")
    page.locator("#side-by-side").get_by_role("button", name="거부").first.click()
    page.wait_for_load_state()
    coordinator.shows("decided")
    with transaction(engine_for(get_settings().database_url)) as session:
        statuses = sorted(session.scalars(select(Proposal.status)))
        holder = session.scalars(select(Candidate).where(Candidate.certifications != [])).all()
    assert statuses == ["confirmed", "vetoed"]
    assert len(holder) == 1
    no_problems(site)
