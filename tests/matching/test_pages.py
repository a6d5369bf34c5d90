"""The coordinator's flow through the pages: score a cohort against the open postings, run a
matching, confirm it, schedule a matching day, record a hire — which shows up as an outcome.
Each page is checked for valid HTML, a title, labelled fields and no missing translations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.matching import runs
from ilja.matching.models import Candidate
from tests.accounts.test_web_sessions import PASSWORD, csrf_of, log_in
from tests.matching.test_service_db import _setup
from tests.web.html_check import check_page


@pytest.fixture
def site(tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.db import dispose_engines, upgrade
    from ilja.web.app import create_app

    url = f"sqlite:///{tmp_path / 'web.db'}"
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    upgrade(url)
    with transaction(engine_for(url)) as session:
        jobco = accounts.create_user(session, login="jobco", password=PASSWORD,
                                     role=Role.JOB_COORDINATOR, display_name="잡코디")
        accounts.create_user(session, login="citizen", password=PASSWORD, role=Role.CITIZEN,
                             display_name="시민")
        data = _setup(session)
        session.execute(update(Candidate).values(coordinator_user_id=jobco.id))  # their caseload (scope)
    client = TestClient(create_app())
    client.data = data  # type: ignore[attr-defined]
    client.url = url  # type: ignore[attr-defined]
    yield client
    dispose_engines()
    get_settings.cache_clear()


def _check(response) -> str:
    assert response.status_code == 200, response.text[:500]
    check_page(response.text)
    return response.text


def test_coordinator_runs_confirms_schedules_and_records_a_hire(site):
    assert log_in(site, "jobco").status_code == 303
    desk = _check(site.get("/matching"))
    assert "2026-1" in desk

    fit = _check(site.get("/matching/fit?fit_round=2026-1"))
    assert "백엔드 개발자 (Python/Django)" in fit

    dev = site.data["dev"]
    profile = _check(site.get(f"/matching/candidates/{dev.id}"))
    assert "백엔드 개발자 (Python/Django)" in profile and "갖춘 필수 역량: Python, Django" in profile

    made = site.post("/matching/runs", data={"round_code": "2026-1", "method": "stable",
                                             "csrf_token": csrf_of(desk)}, follow_redirects=False)
    assert made.status_code == 303
    review_url = made.headers["location"]
    review = _check(site.get(review_url))
    assert "side-by-side" in review

    confirmed = site.post(f"{review_url}/confirm", data={
        "offered_on": "2026-03-02", "csrf_token": csrf_of(review)}, follow_redirects=False)
    assert confirmed.status_code == 303
    review = _check(site.get(review_url))
    offer_id = re.search(r'action="/matching/offers/(\d+)/decision"', review).group(1)

    day = site.post("/matching/days", data={
        "title": "4월 매칭데이", "held_on": "2026-04-15", "first_slot": "10:00", "slot_count": "4",
        "csrf_token": csrf_of(review)}, follow_redirects=False)
    assert day.status_code == 303
    schedule = _check(site.get(day.headers["location"]))
    assert "10:00" in schedule

    hired = site.post(f"/matching/offers/{offer_id}/decision", data={
        "decision": "hired", "on": "2026-03-20", "back": review_url,
        "csrf_token": csrf_of(schedule)}, follow_redirects=False)
    assert hired.status_code == 303
    with transaction(engine_for(site.url)) as session:
        hires = runs.outcomes(session)
        assert len(hires) == 1 and hires[0].hired_on == dt.date(2026, 3, 20)

    session_form = _check(site.get(f"/matching/candidates/{dev.id}"))
    logged = site.post(f"/matching/candidates/{dev.id}/sessions", data={
        "kind": "interview_prep", "held_on": clock.today().isoformat(), "notes": "모의 면접",
        "next_steps": "", "csrf_token": csrf_of(session_form)}, follow_redirects=False)
    assert logged.status_code == 303
    _check(site.get(f"/matching/organisations/{site.data['org'].id}"))
    assert site.get("/matching/organisations/999").status_code == 404
    assert site.get("/matching/runs/999").status_code == 404


def test_english_pages_and_trainee_page(site):
    log_in(site, "jobco")
    _check(site.get("/matching?lang=en"))
    log_in(site, "citizen")
    page = _check(site.get("/matching/me"))
    assert "My matches" in page
    assert site.get("/matching").status_code in (403, 404)
