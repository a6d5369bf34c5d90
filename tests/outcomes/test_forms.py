"""The outcomes forms and API on SQLite and PostgreSQL: a coordinator answers a follow-up (the
error summary when the employer is missing), the alumni and alliance registers, staff-entered
KPI figures; every write audited and every route behind its permission."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.audit import Actor
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.outcomes import service
from ilja.outcomes.models import AlumniActivity, FollowUp, KpiActual, OutcomeRecord
from ilja.outcomes.service import ParticipationInput
from tests.conftest import configured
from tests.web.html_check import check_page

STAFF = Actor("7", "job_coordinator")


@pytest.fixture
def app(database_url, tmp_path):
    from ilja.web.app import create_app

    with configured(database_url, tmp_path):
        yield database_url, TestClient(create_app(), raise_server_exceptions=True)


def token(url: str, role: Role) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login=f"u-{role.value}", password="correct-horse-9",
                                    role=role, display_name="x",
                                    site_code="campus.mapo" if role is Role.OPERATOR else None)
        return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


def completed(url: str, ref: str, done: dt.date) -> int:
    with transaction(engine_for(url)) as session:
        return service.add_participation(session, ParticipationInput(
            program_code="youth_academy", started_on=done - dt.timedelta(days=150), source_ref=ref,
            status="completed", completed_on=done, course="AI 핵심"), actor=STAFF).id


def actions(url: str, prefix: str) -> list[str]:
    with transaction(engine_for(url)) as session:
        return [a for a in session.scalars(select(AuditRecord.action)) if a.startswith(prefix)]


def test_a_coordinator_answers_a_follow_up_in_the_pages(app):
    url, client = app
    pid = completed(url, "own:1", dt.date(2025, 1, 31))
    coordinator = token(url, Role.JOB_COORDINATOR)
    listing = client.get("/outcomes/follow-ups", params={"on": "2025-03-01"}, headers=coordinator)
    page = check_page(listing.text)
    assert page.problems == [] and f"/outcomes/participations/{pid}/outcome?follow_up=" in listing.text
    link = re.search(r'href="(/outcomes/participations/\d+/outcome\?follow_up=\d+)"', listing.text).group(1)
    form = client.get(link, headers=coordinator)
    assert check_page(form.text).problems == []
    assert 'name="follow_up_point" value="1"' in form.text
    bad = client.post(f"/outcomes/participations/{pid}/outcome", headers=coordinator, data={
        "kind": "employed", "effective_on": "2025-02-20", "source": "self_report",
        "follow_up_point": "1", "contract_type": "permanent"})
    assert bad.status_code == 422
    assert "<title>오류:" in bad.text and 'href="#employer"' in bad.text
    assert 'aria-invalid="true"' in bad.text and "취업이면 회사명을 입력하십시오." in bad.text
    ok = client.post(f"/outcomes/participations/{pid}/outcome", headers=coordinator, data={
        "kind": "employed", "effective_on": "2025-02-20", "recorded_on": "2025-03-01",
        "source": "coordinator_verified", "employer": "서울AI(주)", "job_title": "데이터 분석",
        "contract_type": "permanent", "follow_up_point": "1"}, follow_redirects=True)
    assert ok.status_code == 200 and "기록했습니다" in ok.text
    with transaction(engine_for(url)) as session:
        record = session.execute(select(OutcomeRecord)).scalar_one()
        assert (record.kind, record.employer, record.months_after) == ("employed", "서울AI(주)", 1)
        done = {f.point_months: f.done_on for f in session.scalars(select(FollowUp))}
        assert done[1] == dt.date(2025, 3, 1) and done[3] is None
    assert "outcome.record" in actions(url, "outcome.")
    assert "outcome.follow_ups.read" in actions(url, "outcome.")
    assert client.get(f"/outcomes/participations/{pid}/outcome",
                      headers=token(url, Role.OPERATOR)).status_code in (302, 303, 403)
    assert client.get("/outcomes/participations/999999/outcome",
                      headers=coordinator).status_code == 404
    lookup = client.get("/outcomes/participations", params={"participation": str(pid)},
                        headers=coordinator, follow_redirects=False)
    assert lookup.headers["location"] == f"/outcomes/participations/{pid}/outcome"
    assert client.get("/outcomes/participations", params={"participation": "x"},
                      headers=coordinator).status_code == 404
    looking = client.post(f"/outcomes/participations/{pid}/outcome", headers=coordinator, data={
        "kind": "looking", "effective_on": "2025-04-30", "source": "self_report",
        "contract_type": "permanent"}, follow_redirects=False)
    assert looking.status_code == 303


def test_registers_and_kpi_figures_in_the_pages(app):
    url, client = app
    coordinator = token(url, Role.JOB_COORDINATOR)
    manager = token(url, Role.PROGRAM_MANAGER)
    assert 'href="/outcomes/follow-ups"' in client.get("/outcomes", headers=coordinator).text
    dashboard = client.get("/outcomes", headers=manager).text
    assert 'href="/outcomes/follow-ups"' not in dashboard and 'href="/outcomes/alumni"' in dashboard
    added = client.post("/outcomes/alumni", headers=coordinator,
                        data={"joined_on": "2025-06-01", "campus_code": "campus.mapo"},
                        follow_redirects=True)
    assert "추가했습니다" in check_page(added.text).text
    with transaction(engine_for(url)) as session:
        member_id = session.execute(select(service.AlumniMember.id)).scalar_one()
    missing = client.post("/outcomes/alumni", headers=coordinator,
                          data={"joined_on": "2025-06-01", "person_id": "424242"})
    assert missing.status_code == 422 and 'href="#person_id"' in missing.text
    for kind, amount in (("mentoring", ""), ("scholarship_given", "1000000")):
        response = client.post("/outcomes/alumni/activities", headers=coordinator, data={
            "member_id": str(member_id), "kind": kind, "activity_on": "2025-07-01", "amount_won": amount},
            follow_redirects=False)
        assert response.status_code == 303
    wrong = client.post("/outcomes/alumni/activities", headers=coordinator,
                        data={"member_id": "999", "kind": "mentoring", "activity_on": "2025-07-01"})
    assert wrong.status_code == 422 and 'href="#member_id"' in wrong.text
    page = client.get("/outcomes/alumni", headers=manager)
    assert "1,000,000" in check_page(page.text).text
    assert 'action="/outcomes/alumni"' not in page.text  # the manager reads, does not record
    alliance = client.post("/outcomes/alliance", headers=coordinator, data={
        "name": "서울AI협회", "kind": "association", "joined_on": "2025-03-01"},
        follow_redirects=True)
    assert "서울AI협회" in check_page(alliance.text).text
    empty = client.post("/outcomes/alliance", headers=coordinator,
                        data={"name": "", "kind": "x", "joined_on": ""})
    assert empty.status_code == 422 and empty.text.count('aria-invalid="true"') == 3
    kpi = client.post("/outcomes/kpi-actuals", headers=coordinator, data={
        "metric": "youth_academy:budget_executed", "year": "2025", "value": "1,234,000,000",
        "source": "2025년 4분기 재정집행 보고"}, follow_redirects=True)
    assert "1,234,000,000" in check_page(kpi.text).text
    bad = client.post("/outcomes/kpi-actuals", headers=coordinator,
                      data={"metric": "nope", "year": "1999", "value": "-1", "source": ""})
    assert bad.status_code == 422 and "<title>오류:" in bad.text
    assert bad.text.count('aria-invalid="true"') == 4
    assert client.post("/outcomes/kpi-actuals", headers=manager, data={
        "metric": "youth_academy:budget_executed", "year": "2025", "value": "1",
        "source": "x"}).status_code in (302, 303, 403)
    with transaction(engine_for(url)) as session:
        assert session.execute(select(KpiActual.value)).scalar_one() == 1_234_000_000
        assert len(session.execute(select(AlumniActivity)).all()) == 2
    assert {"outcome.alumni.add", "outcome.alumni.activity", "outcome.alliance.add",
            "outcome.kpi.set"} <= set(actions(url, "outcome."))


def test_the_outcomes_api_for_follow_ups_registers_and_figures(app):
    url, client = app
    pid = completed(url, "own:2", dt.date(2025, 1, 31))
    coordinator = token(url, Role.JOB_COORDINATOR)
    manager = token(url, Role.PROGRAM_MANAGER)
    due = client.get("/api/v1/outcomes/follow-ups", params={"on": "2025-05-01"},
                     headers=coordinator).json()
    assert [(d["participation_id"], d["point_months"]) for d in due] == [(pid, 1), (pid, 3)]
    assert client.get("/api/v1/outcomes/follow-ups", headers=manager).status_code == 403
    recorded = client.post(f"/api/v1/outcomes/participations/{pid}/outcomes", headers=coordinator,
                           json={"kind": "startup", "effective_on": "2025-04-01",
                                 "follow_up_point": 3})
    assert recorded.status_code == 201
    member = client.post("/api/v1/outcomes/alumni", headers=coordinator,
                         json={"joined_on": "2025-05-01"}).json()
    assert client.post("/api/v1/outcomes/alumni", headers=coordinator,
                       json={"joined_on": "2025-05-01", "person_id": 99999}).status_code == 404
    activity = client.post(f"/api/v1/outcomes/alumni/{member['id']}/activities",
                           headers=coordinator, json={"kind": "talent_donation", "on": "2025-05-02"})
    assert activity.status_code == 201
    assert client.post("/api/v1/outcomes/alumni/9999/activities", headers=coordinator,
                       json={"kind": "mentoring", "on": "2025-05-02"}).status_code == 404
    assert client.get("/api/v1/outcomes/alumni", headers=manager).json()[0]["activities"] == 1
    for name, kind in (("네이버", "company"), ("서울대학교", "university")):
        assert client.post("/api/v1/outcomes/alliance", headers=coordinator, json={
            "name": name, "kind": kind, "joined_on": "2025-02-01"}).status_code == 201
    assert client.post("/api/v1/outcomes/alliance", headers=coordinator, json={
        "name": "X", "kind": "club", "joined_on": "2025-02-01"}).status_code == 422
    assert [m["kind"] for m in client.get("/api/v1/outcomes/alliance", headers=manager).json()] \
        == ["company", "university"]
    body = {"scope": "youth_academy", "metric": "budget_executed", "year": 2025,
            "value": "987654321", "source": "재정집행 보고"}
    assert client.put("/api/v1/outcomes/kpi-actuals", headers=manager, json=body).status_code == 403
    assert client.put("/api/v1/outcomes/kpi-actuals", headers=coordinator,
                      json={**body, "source": " "}).status_code == 422
    assert client.put("/api/v1/outcomes/kpi-actuals", headers=coordinator,
                      json=body).json()["value"] == 987654321
    assert client.get("/api/v1/outcomes/kpi-actuals", headers=manager).json()[0]["source"] \
        == "재정집행 보고"
