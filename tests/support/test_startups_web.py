"""Start-up incubation through the app: the operator registers a team and runs it to launch on
the web; the API shows the same team; roles without the permission are refused."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.outcomes import service as outcomes
from tests.conftest import app_database
from tests.support.factories import OPERATOR, trainees
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("startups-web")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        persons, _ = trainees(url, keyring, n=2, complete=2)
        with transaction(engine_for(url)) as session:
            outcomes.sync_from_applications(session, actor=OPERATOR)
        with TestClient(create_app()) as client:
            yield Site(client, url, make_users(url, persons[0])), persons


def test_the_operator_runs_a_team_to_launch_on_the_web(site):
    site, persons = site
    token = site.log_in("operator")
    page = site.client.get("/support/startups")
    assert page.status_code == 200 and check_page(page.text).problems == []
    created = site.client.post("/support/startups", data={"csrf_token": token, "name": "리뷰요약",
                                                          "idea": "리뷰 요약 SaaS", "campus_code": "campus.mapo"},
                               follow_redirects=False)
    assert created.status_code == 303
    path = created.headers["location"]
    today = clock.today().isoformat()

    def post(action: str, **data):
        return site.client.post(f"{path}/{action}", data={"csrf_token": token, **data}, follow_redirects=False)

    assert post("members", person_id=str(persons[0]), role="founder").status_code == 303
    assert post("mentors", name="박멘토", organisation="서울창업허브").status_code == 303
    assert post("milestones", title="MVP", due_on=today).status_code == 303
    assert post("center", reference="서울창업허브 2026 #3").status_code == 303
    assert post("stage", stage="prototype", on=today).status_code == 303
    assert post("stage", stage="market_research", on=today).status_code == 303
    refused = post("stage", stage="launch", on=today)
    assert refused.status_code == 422 and "마일스톤" in refused.text and check_page(refused.text).problems == []
    milestone = re.search(r'action="(/support/startups/\d+/milestones/\d+/done)"', site.client.get(path).text).group(1)
    assert site.client.post(milestone, data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert post("stage", stage="launch", on=today).status_code == 303
    assert post("funding", kind="investment", funder="서울 AI 펀드", amount_won="30,000,000",
                on=today).status_code == 303
    page = site.client.get(path)
    assert page.status_code == 200 and check_page(page.text).problems == []
    assert "창업 성과 기록됨" in page.text and "30,000,000원" in page.text
    team_id = int(path.rsplit("/", 1)[1])
    body = site.api("auditor", "GET", f"/support/startups/{team_id}").json()
    assert body["stage"] == "launch" and body["members"][0]["outcome_id"] is not None
    assert body["raised_won"] == 30_000_000
    assert [s["name"] for s in site.api("citizen", "GET", "/support/me/startups").json()] == ["리뷰요약"]
    site.log_in("citizen")
    mine = site.client.get("/support/me/startups")
    assert mine.status_code == 200 and check_page(mine.text).problems == []
    assert "리뷰요약" in mine.text and "MVP" in mine.text and "박멘토" in mine.text


def test_missing_teams_and_wrong_roles(site):
    site, _ = site
    assert site.api("operator", "GET", "/support/startups/999").status_code == 404
    assert site.api("citizen", "POST", "/support/startups", json={"name": "x", "idea": "y"}).status_code == 403
    assert site.api("job_coordinator", "POST", "/support/startups/1/stage", json={"stage": "launch"}).status_code == 403
