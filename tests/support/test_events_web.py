"""Employer events through the app: the coordinator creates an event, trainees see it and sign
up (the second lands on the waitlist), the coordinator marks attendance and a hire."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.support import event_service as ev
from tests.applications.factories import register
from tests.conftest import app_database
from tests.support.factories import OPERATOR
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("events-web")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        persons = [register(url, keyring, program="youth_academy", birth_date="2000-01-01") for _ in range(2)]
        with TestClient(create_app()) as client:
            yield Site(client, url, make_users(url, persons[0])), persons


def test_create_sign_up_waitlist_attend_and_follow_up(site):
    site, persons = site
    day = (clock.today() + dt.timedelta(days=10)).isoformat()
    token = site.log_in("job_coordinator")
    assert check_page(site.client.get("/support/events/manage").text).problems == []
    created = site.client.post("/support/events/manage", data={
        "csrf_token": token, "kind": "visiting_academy", "title": "찾아가는 청년취업사관학교 @서울대",
        "organisation_name": "서울시", "university": "서울대학교", "place": "서울대 관악캠퍼스", "date": day,
        "time": "14:00", "capacity": "1"}, follow_redirects=False)
    assert created.status_code == 303
    bad = site.client.post("/support/events/manage", data={"csrf_token": token, "kind": "company_visit",
                                                            "title": "x", "date": "nope", "capacity": "1"})
    assert bad.status_code == 422 and check_page(bad.text).problems == []
    with transaction(engine_for(site.url)) as session:  # someone else takes the only seat first
        ev.sign_up(session, event_id=1, person_id=persons[1], actor=OPERATOR)

    token = site.log_in("citizen")
    page = site.client.get("/support/events")
    assert page.status_code == 200 and check_page(page.text).problems == []
    assert "서울대학교" in page.text and "확정 1/1명, 대기 0명" in page.text
    signed = site.client.post("/support/events/1/signup", data={"csrf_token": token, "action": "signup"},
                              follow_redirects=False)
    assert signed.status_code == 303
    page = site.client.get("/support/events")
    assert "대기" in page.text and "신청 취소" in page.text
    assert site.client.post("/support/events/99/signup", data={"csrf_token": token}).status_code == 404

    assert site.api("job_coordinator", "DELETE", "/support/events/1/me").status_code == 403  # coordinators hold no own
    moved = site.api("job_coordinator", "GET", "/support/events/1/signups").json()
    assert [(s["person_id"], s["status"]) for s in moved] == [(persons[1], "confirmed"), (persons[0], "waitlisted")]
    assert site.api("citizen", "DELETE", "/support/events/1/me").json() == {"cancelled": True, "promoted": False}

    token = site.log_in("job_coordinator")
    signup_id = moved[0]["id"]
    assert site.client.post(f"/support/events/manage/1/signups/{signup_id}", data={
        "csrf_token": token, "what": "attendance", "attended": "yes"}, follow_redirects=False).status_code == 303
    hire_day = (clock.today() + dt.timedelta(days=30)).isoformat()
    assert site.client.post(f"/support/events/manage/1/signups/{signup_id}", data={
        "csrf_token": token, "what": "follow_up", "hired": "yes", "hired_on": hire_day, "note": "인턴"},
        follow_redirects=False).status_code == 303
    page = site.client.get("/support/events/manage/1")
    assert page.status_code == 200 and check_page(page.text).problems == []
    year = clock.today().year if day[:4] == str(clock.today().year) else int(day[:4])
    figures = {f["kind"]: f for f in site.api("operator", "GET", "/support/events/figures",
                                              params={"year": year}).json()}
    assert (figures["visiting_academy"]["attended"], figures["visiting_academy"]["hired"]) == (1, 1)
