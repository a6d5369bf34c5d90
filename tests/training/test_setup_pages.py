"""Training set-up in the pages, on SQLite and PostgreSQL: a site-bound operator registers a
department, a course the committee opens with its reason, a cohort whose sessions are shown
before saving, instructors (the qualification rule's refusal shown with its reason) and a
one-day class; an operator of another site is refused that site's department and cohort."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.training.models import (
    CohortInstructor,
    OneDayClass,
    TrainingCohort,
    TrainingCourse,
    TrainingDepartment,
)
from tests.conftest import configured
from tests.web.html_check import check_page


@pytest.fixture
def app(database_url, tmp_path):
    from ilja.web.app import create_app

    with configured(database_url, tmp_path):
        yield database_url, TestClient(create_app(), raise_server_exceptions=True)


def token(url: str, role: Role, site: str | None = None, login: str | None = None) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login=login or f"u-{role.value}-{site}",
                                    password="correct-horse-9", role=role, display_name="x",
                                    site_code=site)
        return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


def one(url: str, model, **where):
    with transaction(engine_for(url)) as session:
        row = session.execute(select(model).filter_by(**where)).scalar_one_or_none()
        return None if row is None else row.id


def test_an_operator_sets_up_a_course_cohort_instructors_and_a_one_day_class(app):
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    home = client.get("/training/setup", headers=mapo)
    assert check_page(home.text).problems == []
    assert 'value="campus.jongno"' not in home.text  # a site-bound operator picks only their own
    refused = client.post("/training/setup/departments", headers=mapo, data={
        "dept_code": "JONGNO-AI", "dept_name": "AI학과", "dept_site": "campus.jongno"})
    assert refused.status_code == 422 and 'href="#dept_site"' in refused.text
    assert "<title>오류:" in refused.text and check_page(refused.text).problems == []
    created = client.post("/training/setup/departments", headers=mapo, follow_redirects=False,
                          data={"dept_code": "MAPO-AI", "dept_name": "AI학과",
                                "dept_site": "campus.mapo", "dept_partner": "Microsoft"})
    assert created.status_code == 303
    department = one(url, TrainingDepartment, code="MAPO-AI")
    base = f"/training/setup/departments/{department}"
    assert client.post(f"{base}/courses", headers=mapo, follow_redirects=False, data={
        "course_code": "MAPO-AICORE", "course_name": "AI 핵심 서비스 개발", "kind": "ai_core",
        "program_code": "youth_academy"}).status_code == 303
    course = one(url, TrainingCourse, code="MAPO-AICORE")
    duplicate = client.post(f"{base}/courses", headers=mapo, data={
        "course_code": "MAPO-AICORE", "course_name": "x", "kind": "ai_core",
        "program_code": "youth_academy"})
    assert duplicate.status_code == 422 and "이미 있습니다" in duplicate.text
    no_reason = client.post(f"{base}/decisions", headers=mapo, data={
        "course_id": str(course), "decision": "open_course", "decided_on": "2025-10-01"})
    assert no_reason.status_code == 422 and 'href="#reason"' in no_reason.text
    assert check_page(no_reason.text).problems == []
    opened = client.post(f"{base}/decisions", headers=mapo, follow_redirects=True, data={
        "course_id": str(course), "decision": "open_course", "decided_on": "2025-10-01",
        "reason": "수요 조사 결과 지원 3:1"})
    assert "수요 조사 결과 지원 3:1" in check_page(opened.text).text

    form = {"course_id": str(course), "number": "1", "capacity": "30", "starts_on": "2025-12-22",
            "ends_on": "2025-12-31", "weekdays": ["0", "1", "2", "3", "4"],
            "closures": "2025-12-24", "action": "preview"}
    preview = client.post("/training/setup/cohorts/new", headers=mapo, data=form)
    assert preview.status_code == 200 and check_page(preview.text).problems == []
    assert "교육일 6일 (2025-12-22 ~ 2025-12-31)" in preview.text
    assert "기독탄신일" in preview.text and "휴강일" in preview.text
    assert one(url, TrainingCohort, code="MAPO-AICORE-01") is None  # nothing saved yet
    no_days = client.post("/training/setup/cohorts/new", headers=mapo,
                          data={**form, "weekdays": [], "capacity": "0"})
    assert no_days.status_code == 422 and 'href="#weekdays-0"' in no_days.text
    assert 'href="#capacity"' in no_days.text and check_page(no_days.text).problems == []
    saved = client.post("/training/setup/cohorts/new", headers=mapo, follow_redirects=False,
                        data={**form, "action": "save"})
    assert saved.status_code == 303
    cohort = one(url, TrainingCohort, code="MAPO-AICORE-01")
    assert saved.headers["location"].startswith(f"/training/setup/cohorts/{cohort}/instructors")

    for name, months in (("김신입", "12"), ("박경력", "36")):
        assert client.post("/training/setup/instructors", headers=mapo, follow_redirects=False,
                           data={"name": name, "industry_months": months}).status_code == 303
    bad = client.post("/training/setup/instructors", headers=mapo,
                      data={"name": "", "industry_months": "-3"})
    assert bad.status_code == 422 and bad.text.count('aria-invalid="true"') == 2
    page = client.get(f"/training/setup/cohorts/{cohort}/instructors", headers=mapo)
    assert check_page(page.text).problems == []
    junior = re.search(r'<option value="(\d+)">김신입', page.text).group(1)
    senior = re.search(r'<option value="(\d+)">박경력', page.text).group(1)
    refusal = client.post(f"/training/setup/cohorts/{cohort}/instructors", headers=mapo,
                          data={"instructor_id": junior})
    assert refusal.status_code == 409 and "AI·SW 실무경력 12개월이 기준 24개월에" in refusal.text
    assert 'href="#instructor_id"' in refusal.text and check_page(refusal.text).problems == []
    done = client.post(f"/training/setup/cohorts/{cohort}/instructors", headers=mapo,
                       data={"instructor_id": senior}, follow_redirects=True)
    assert "AI·SW 실무경력 36개월 (기준 24개월 이상)" in check_page(done.text).text
    with transaction(engine_for(url)) as session:
        assert [a.instructor_id for a in session.scalars(select(CohortInstructor))] == [int(senior)]

    listed = client.get(base, headers=mapo)
    assert check_page(listed.text).problems == [] and "박경력" not in listed.text
    assert f'href="/training/setup/cohorts/{cohort}/instructors"' in listed.text
    roster = client.get(f"/training/cohorts/{cohort}", headers=mapo)
    assert f'href="/training/setup/cohorts/{cohort}/instructors"' in roster.text
    oneday = client.get("/training/setup/oneday/new", headers=mapo)
    assert check_page(oneday.text).problems == [] and "명입니다" in oneday.text
    assert client.post("/training/setup/oneday/new", headers=mapo, follow_redirects=False, data={
        "class_code": "OD-1", "title": "한식 원데이 클래스", "site_code": "campus.mapo",
        "held_on": "2025-11-10", "linked_course_id": str(course)}).status_code == 303
    assert one(url, OneDayClass, code="OD-1") is not None
    missing = client.post("/training/setup/oneday/new", headers=mapo,
                          data={"class_code": "", "title": "", "site_code": "campus.jongno"})
    assert missing.status_code == 422 and missing.text.count('aria-invalid="true"') == 5
    with transaction(engine_for(url)) as session:
        logged = set(session.scalars(select(AuditRecord.action)))
    assert {"training.department.create", "training.course.create", "training.committee.decide",
            "training.cohort.create", "training.instructor.create", "training.instructor.assign",
            "training.oneday.create"} <= logged

    # An operator of another site: the department, the cohort and the course are not theirs.
    jongno = token(url, Role.OPERATOR, "campus.jongno")
    assert client.get(base, headers=jongno).status_code == 404
    assert client.post(f"{base}/decisions", headers=jongno, data={
        "course_id": str(course), "decision": "close_course", "decided_on": "2025-10-02",
        "reason": "x"}).status_code == 404
    assert client.get(f"/training/setup/cohorts/{cohort}/instructors",
                      headers=jongno).status_code == 404
    assert client.post(f"/training/setup/cohorts/{cohort}/instructors", headers=jongno,
                       data={"instructor_id": senior}).status_code == 404
    other = client.post("/training/setup/cohorts/new", headers=jongno,
                        data={**form, "number": "2", "action": "save"})
    assert other.status_code == 422 and 'href="#course_id"' in other.text
    assert one(url, TrainingCohort, code="MAPO-AICORE-02") is None
    assert f"href=\"{base}\"" not in client.get("/training/setup", headers=jongno).text
    assert client.post("/training/setup/oneday/new", headers=jongno, data={
        "class_code": "OD-2", "title": "x", "site_code": "campus.jongno", "held_on": "2025-11-10",
        "linked_course_id": str(course)}).status_code == 422
    # A manager without a site sees every site; a citizen is refused.
    manager = token(url, Role.PROGRAM_MANAGER)
    assert client.get("/training/setup", headers=manager).status_code in (302, 303, 403)
    citizen = token(url, Role.CITIZEN)
    assert client.get("/training/setup", headers=citizen).status_code in (302, 303, 403)
    # No operator without a site (or with a site nobody knows); one left from before sees nothing.
    for site in (None, "no.such.site"):
        with pytest.raises(accounts.AccountError, match="site"):
            token(url, Role.OPERATOR, site, login="unbound")
    unbound = token(url, Role.JOB_COORDINATOR, login="unbound")
    with transaction(engine_for(url)) as session:
        from ilja.accounts.models import User

        session.execute(update(User).where(User.login == "unbound").values(role="operator", site_code=None))
    setup = client.get("/training/setup", headers=unbound).text
    assert 'value="campus.jongno"' not in setup and 'value="campus.mapo"' not in setup
    assert client.get(base, headers=unbound).status_code == 404


def test_a_closed_course_cannot_get_a_cohort(app):
    url, client = app
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    client.post("/training/setup/departments", headers=mapo, data={
        "dept_code": "MAPO-X", "dept_name": "X", "dept_site": "campus.mapo"})
    department = one(url, TrainingDepartment, code="MAPO-X")
    client.post(f"/training/setup/departments/{department}/courses", headers=mapo, data={
        "course_code": "MAPO-X1", "course_name": "X1", "kind": "ai_core",
        "program_code": "youth_academy"})
    course = one(url, TrainingCourse, code="MAPO-X1")
    page = client.get("/training/setup/cohorts/new", headers=mapo)
    assert f'<option value="{course}"' not in page.text  # only opened courses are offered
    response = client.post("/training/setup/cohorts/new", headers=mapo, data={
        "course_id": str(course), "number": "1", "capacity": "5", "starts_on": "2025-12-01",
        "ends_on": "2025-12-05", "weekdays": ["0", "1", "2", "3", "4"], "action": "save"})
    assert response.status_code == 422 and "운영위원회가 개설하지 않은 과정입니다" in response.text
    assert one(url, TrainingCohort, code="MAPO-X1-01") is None
