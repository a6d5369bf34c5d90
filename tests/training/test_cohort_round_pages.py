"""A cohort's operator in the browser, on SQLite and PostgreSQL, logged in through the log-in
page: the roster's dropout warnings are current as the page opens, with no other step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.training import progress, service
from ilja.training.attendance import Mark
from ilja.training.models import Finding
from tests.training.factories import OPERATOR, course_with_cohort
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database_url, keyring, tmp_path, monkeypatch):
    """The app, and a browser that logs in as a user it creates (role and site)."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(tmp_path / "keys" / "data-keys.json"))
    get_settings.cache_clear()
    reset_keyring()
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
    reset_keyring()
    get_settings.cache_clear()


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
