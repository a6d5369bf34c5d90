"""The training API end to end: an operator enrols the selected, keeps attendance, enters
scores, the rule warns and drops, the cohort completes; a site-bound operator sees only their
site; a trainee sees their own records."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from tests.training.factories import course_with_cohort


@pytest.fixture
def api(app_sqlite):
    from ilja.web.app import create_app

    return app_sqlite, TestClient(create_app(), raise_server_exceptions=True)


def token(url: str, role: Role, site: str | None = None, person_id: int | None = None,
          login: str | None = None) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login=login or f"u-{role.value}-{site}",
                                    password="correct-horse-9", role=role, display_name="x",
                                    site_code=site, person_id=person_id)
        return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


def test_an_operator_runs_a_cohort_through_the_api(api, keyring):
    url, client = api
    setup = course_with_cohort(url, keyring, applicants=2, seats=2, starts=dt.date(2025, 12, 1),
                               ends=dt.date(2025, 12, 12))
    mapo = token(url, Role.OPERATOR, "campus.mapo")
    jongno = token(url, Role.OPERATOR, "campus.jongno")
    base = f"/api/v1/training/cohorts/{setup.cohort_id}"
    assert client.get(base, headers=jongno).status_code == 404
    enrolled = client.post(f"{base}/enrol", json={}, headers=mapo).json()["enrolled"]
    first, second = (e["id"] for e in enrolled)
    assert client.put(f"{base}/attendance/2025-12-06", json={"marks": {first: "present"}},
                      headers=mapo).status_code == 422
    assert client.put(f"{base}/attendance/2025-12-01",
                      json={"marks": {first: "present", second: "late"}},
                      headers=mapo).json() == {"recorded": 2}
    for day, title in (("2025-12-03", "1차"), ("2025-12-05", "2차")):
        response = client.post(f"{base}/assessments", headers=mapo, json={
            "title": title, "held_on": day, "scores": {first: "92", second: "78"}})
        assert response.status_code == 201
    found = client.post(f"{base}/evaluate", params={"on": "2025-12-05"}, headers=mapo).json()
    assert [(f["enrolment_id"], f["kind"]) for f in found] == [(second, "warning"),
                                                               (second, "dropout")]
    assert found[1]["parameters"][0]["value"] == 80
    roster = {e["id"]: e["status"] for e in client.get(f"{base}/roster", headers=mapo).json()}
    assert roster == {first: "enrolled", second: "enrolled"}  # the dropout is in its prior notice
    for day in ("2025-12-02", "2025-12-03", "2025-12-04", "2025-12-05", "2025-12-08",
                "2025-12-09", "2025-12-10", "2025-12-11", "2025-12-12"):
        client.put(f"{base}/attendance/{day}", json={"marks": {first: "present"}}, headers=mapo)
    done = client.post(f"{base}/complete", params={"on": "2025-12-12"}, headers=mapo).json()
    assert done["completed"] == [first] and [n["enrolment_id"] for n in done["not_completed"]] == [second]
    pdf = client.get(f"/api/v1/training/enrolments/{first}/certificate.pdf", headers=mapo)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/training/enrolments/{second}/certificate.pdf",
                      headers=mapo).status_code == 409

    trainee = token(url, Role.CITIZEN, person_id=setup.persons[0], login="trainee")
    mine = client.get("/api/v1/training/me", headers=trainee).json()
    assert len(mine) == 1 and mine[0]["cohort"] == "MAPO-AI-01"
    assert client.get("/api/v1/training/cohorts", headers=trainee).status_code == 403
