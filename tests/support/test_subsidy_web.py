"""Training subsidies through the app: the manager adds a funding program and runs a month, the
operator grants and records online progress, the trainee sees the payment."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.people.models import Person
from tests.conftest import app_database
from tests.support.factories import trainees
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("subsidy-web")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        [person], _ = trainees(url, keyring, n=1)  # a Mapo trainee: the operator's to support
        with transaction(engine_for(url)) as session:  # a single parent: the subsidy's target
            session.get(Person, person).vulnerable_groups = ["single_parent"]
        with TestClient(create_app()) as client:
            yield Site(client, url, make_users(url, person)), person


def test_from_funding_program_to_the_trainees_payment(site):
    site, person = site
    month = clock.today().strftime("%Y-%m")
    token = site.log_in("program_manager")
    page = site.client.get("/support/subsidies")
    assert page.status_code == 200 and check_page(page.text).problems == []
    added = site.client.post("/support/subsidies/programs", data={
        "csrf_token": token, "code": "KT-1", "company": "KT", "name": "청년 디지털 교육 사회공헌",
        "budget_won": "10,000,000", "starts_on": "2025-01-01", "ends_on": "2030-12-31"}, follow_redirects=False)
    assert added.status_code == 303
    assert site.api("operator", "GET", f"/support/subsidy/check/{person}").json()["qualifies"] is True

    token = site.log_in("operator")
    granted = site.client.post("/support/subsidies/grants", data={
        "csrf_token": token, "person_id": str(person), "program_id": "1", "starts_on": f"{month}-01",
        "course_label": "온라인 기초과정", "months": "2"}, follow_redirects=False)
    assert granted.status_code == 303
    again = site.client.post("/support/subsidies/grants", data={
        "csrf_token": token, "person_id": str(person), "program_id": "1", "starts_on": f"{month}-01",
        "course_label": "온라인 기초과정"})
    assert again.status_code == 422 and "이미 지원 중입니다" in again.text and check_page(again.text).problems == []
    assert site.client.post("/support/subsidies/progress", data={
        "csrf_token": token, "grant_id": "1", "month": month, "progress_percent": "90"},
        follow_redirects=False).status_code == 303

    run = site.api("program_manager", "POST", "/support/subsidy/runs", json={"month": month}).json()
    assert (run["paid"], run["amount_won"]) == (1, 300_000)
    assert site.api("program_manager", "POST", "/support/subsidy/runs", json={"month": month}).json()["skipped"] == 1

    site.log_in("citizen")
    mine = site.client.get("/support/me/subsidies")
    assert mine.status_code == 200 and check_page(mine.text).problems == []
    assert "300,000원" in mine.text and "90.0%" in mine.text
    assert site.api("citizen", "GET", "/support/subsidy/me").json()[0]["payments"][0]["status"] == "paid"
    assert site.api("citizen", "POST", "/support/subsidy/runs", json={"month": month}).status_code == 403
