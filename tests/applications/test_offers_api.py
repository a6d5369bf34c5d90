"""The offer API, on SQLite and PostgreSQL (issue 18 §3): an applicant reads why they were (not)
selected and answers; staff read it within scope, list the offers and record a no-show; anyone
reads the round's public figures, which hold nobody's data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.applications.offers_world import build

from ilja.accounts import service as accounts
from ilja.accounts.models import User
from ilja.db import engine_for, transaction


@pytest.fixture
def api(database_url, tmp_path, monkeypatch):
    from ilja.web.app import create_app

    world = build(database_url, tmp_path, monkeypatch)
    tokens = {}
    with transaction(engine_for(database_url)) as session:
        for user in session.execute(select(User)).scalars():
            tokens[user.login] = accounts.issue_token(session, user, "test")[1]
    client = TestClient(create_app())

    def call(method: str, path: str, login: str | None = None, **kwargs):
        headers = {"Authorization": f"Bearer {tokens[login]}"} if login else {}
        return client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    return world, call


def test_an_applicant_reads_why_and_accepts_staff_list_and_record_a_no_show(api):
    world, call = api
    [chosen] = world.by_status("selected")
    first = world.waitlist()[0]
    mine = call("GET", f"/me/applications/{world.applications[chosen]}/selection", chosen).json()
    assert mine["drawn"] and mine["rank"] == 1 and mine["eligible_applicants"] == 4
    assert mine["offer"]["state"] == "open" and len(mine["lottery_number"]) == 16
    assert mine["cutoffs_at_draw"][0]["filled"] == 1 and mine["can_withdraw"]
    waiting = call("GET", f"/me/applications/{world.applications[first]}/selection", first).json()
    assert waiting["waitlist_now"] == [["care", 1]] and waiting["offer"] is None
    assert call("GET", f"/me/applications/{world.applications[chosen]}/selection",
                first).status_code == 404
    accepted = call("POST", f"/me/applications/{world.applications[chosen]}/offer/accept", chosen)
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = call("POST", f"/me/applications/{world.applications[chosen]}/offer/accept", chosen)
    assert again.status_code == 409
    staff = call("GET", f"/applications/{world.applications[chosen]}/selection", "manager")
    assert staff.json()["offer"]["state"] == "accepted"
    offers = call("GET", f"/rounds/{world.round_id}/offers", "manager").json()
    assert [o["state"] for o in offers] == ["accepted"]
    shown = call("POST", f"/applications/{world.applications[chosen]}/no-show", "manager",
                 json={"note": "첫날 불참"})
    assert shown.status_code == 200 and shown.json()["status"] == "withdrawn"
    assert world.status(first) == "selected"
    assert call("POST", f"/applications/{world.applications[first]}/no-show", chosen,
                json={}).status_code == 403


def test_an_applicant_withdraws_from_the_waitlist_and_the_public_figures_say_so(api):
    world, call = api
    first, second = world.waitlist()[:2]
    left = call("POST", f"/me/applications/{world.applications[first]}/withdraw", first,
                json={"note": "다른 일자리"})
    assert left.status_code == 200 and left.json()["status"] == "withdrawn"
    assert world.waitlist()[0] == second
    bad = call("POST", f"/me/applications/{world.applications[second]}/withdraw", second,
               json={"note": "900101-1234567"})
    assert bad.status_code == 422 and world.status(second) == "waitlisted"
    figures = call("GET", f"/rounds/{world.round_id}/selection/public")
    assert figures.status_code == 200
    body = figures.json()
    assert body["drawn"] and body["withdrawals"] == 1 and body["offers"] == {"open": 1}
    assert body["seats"][0]["seats"] == 1 and body["cutoffs_at_draw"][0]["seat"] == "open"
    assert "person" not in figures.text and "application_id" not in figures.text


def test_an_operator_of_an_unrelated_site_reaches_no_ones_offer(api, database_url):
    from ilja.accounts.roles import Role

    world, call = api
    with transaction(engine_for(database_url)) as session:
        user = accounts.create_user(session, login="operator-z", password="Tr0ub4dor&3x",
                                    role=Role.OPERATOR, display_name="operator-z",
                                    site_code="campus.jongno")
        token = accounts.issue_token(session, user, "test")[1]
    headers = {"Authorization": f"Bearer {token}"}
    [chosen] = world.by_status("selected")
    client = TestClient(__import__("ilja.web.app", fromlist=["x"]).create_app())
    assert client.get(f"/api/v1/rounds/{world.round_id}/offers", headers=headers).json() == []
    assert client.get(f"/api/v1/applications/{world.applications[chosen]}/selection",
                      headers=headers).status_code == 404
    assert call("GET", f"/rounds/{world.round_id}/offers", "manager").json() != []
