"""A cohort's operator in the browser, on SQLite and PostgreSQL, logged in through the log-in
page: the roster's dropout warnings are current as the page opens, with no other step; the
cohort is linked to the round that recruited it and its selected applicants enrol, once, after a
confirmation; another site's operator finds no such cohort."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.training import progress, service
from ilja.training.attendance import Mark
from ilja.training.models import Finding
from tests.conftest import configured
from tests.training.factories import OPERATOR, course_with_cohort
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database_url, keyring, tmp_path):
    """The app, and a browser that logs in as a user it creates (role and site)."""
    from ilja.web.app import create_app

    with configured(database_url, tmp_path, keys=True):
        app = create_app()

        def browser(login: str, role: Role, site_code: str | None = None) -> TestClient:
            with transaction(engine_for(database_url)) as session:
                accounts.create_user(session, login=login, password=PASSWORD, role=role,
                                     display_name=login, site_code=site_code)
            client = TestClient(app)
            page = client.get("/login")
            response = client.post("/login", data={"login": login, "password": PASSWORD, "next": "",
                                                   "csrf_token": csrf(page.text)},
                                   follow_redirects=False)
            assert response.status_code == 303, response.text
            return client

        yield database_url, browser


def test_the_roster_shows_the_warning_without_another_step(site, keyring):
    url, browser = site
    setup = course_with_cohort(url, keyring, applicants=1, seats=1, starts=dt.date(2025, 12, 1),
                               ends=dt.date(2025, 12, 17))
    with transaction(engine_for(url)) as session:
        (enrolment,) = service.enrol_all_selected(session, cohort_id=setup.cohort_id,
                                                  actor=OPERATOR).enrolled
        days = service.schedule_of(service.get_cohort(session, setup.cohort_id)).sessions
        for n, day in enumerate(days):
            mark = Mark.PRESENT if n % 5 == 0 else Mark.ABSENT
            progress.record_day(session, cohort_id=setup.cohort_id, day=day,
                                marks={enrolment.id: mark}, actor=OPERATOR)
        assert not session.execute(select(func.count()).select_from(Finding)).scalar_one()
    operator = browser("mapo", Role.OPERATOR, "campus.mapo")
    roster = operator.get(f"/training/cohorts/{setup.cohort_id}")
    page = check_page(roster.text)
    assert "23.1" in page.text
    assert "경고" in page.text or "중도 탈락" in page.text
    with transaction(engine_for(url)) as session:
        (finding,) = session.execute(select(Finding)).scalars()
    assert finding.reason_ko in page.text
    findings = check_page(operator.get(f"/training/cohorts/{setup.cohort_id}/findings").text)
    assert finding.reason_ko in findings.text and "기준 적용" not in findings.text


def test_the_operator_links_the_round_and_enrols_the_selected_once(site, keyring):
    url, browser = site
    setup = course_with_cohort(url, keyring, applicants=2, seats=2)
    with transaction(engine_for(url)) as session:
        cohort = service.get_cohort(session, setup.cohort_id)
        cohort.round_id = cohort.unit_code = None  # a cohort set up before its round was drawn
    base = f"/training/cohorts/{setup.cohort_id}"
    operator = browser("mapo", Role.OPERATOR, "campus.mapo")
    unlinked = operator.get(base)
    check_page(unlinked.text)
    assert "연결된 모집 공고가 없습니다" in unlinked.text
    assert f'value="{setup.round_id}:c1"' in unlinked.text
    stranger = browser("jongno", Role.OPERATOR, "campus.jongno")
    token = csrf(stranger.get("/training").text)
    assert stranger.get(base).status_code == 404
    assert stranger.get(f"{base}/enrol").status_code == 404
    for action in ("round", "enrol"):
        assert stranger.post(f"{base}/{action}", data={
            "csrf_token": token, "round": f"{setup.round_id}:c1"}).status_code == 404
    assert operator.post(f"{base}/round", data={"csrf_token": csrf(unlinked.text),
                                                "round": "0:c1"}).status_code == 422
    linked = operator.post(f"{base}/round", data={"csrf_token": csrf(unlinked.text),
                                                  "round": f"{setup.round_id}:c1"})
    page = check_page(linked.text)
    assert "모집 공고를 연결했습니다" in page.text and "아직 입교하지 않은 선발자: 2명" in page.text
    confirm = operator.get(f"{base}/enrol")
    page = check_page(confirm.text)
    assert "선발자 2명을 이 기수에 입교 처리합니다" in page.text
    with transaction(engine_for(url)) as session:
        assert not service.roster(session, setup.cohort_id)  # asking enrols nobody
    for _ in range(2):
        done = operator.post(f"{base}/enrol", data={"csrf_token": csrf(confirm.text)})
        assert done.status_code == 200
    roster = check_page(done.text).text
    assert "MAPO-AI-01-001" in roster and "MAPO-AI-01-002" in roster
    assert "MAPO-AI-01-003" not in roster
    again = check_page(operator.get(f"{base}/enrol").text)
    assert "입교할 선발자가 없습니다" in again.text
    with transaction(engine_for(url)) as session:
        enrolments = service.roster(session, setup.cohort_id)
        assert sorted(e.application_id for e in enrolments) == sorted(setup.applications)
        actions = list(session.execute(select(AuditRecord.action)).scalars())
    assert actions.count("training.enrol") == 2 and "training.cohort.round" in actions
    english = operator.get(f"{base}/enrol?lang=en")
    assert "Nobody is left to enrol" in check_page(english.text).text
