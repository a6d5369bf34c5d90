"""Alumni participation through the app: the coordinator records a pairing, a talent session and
a scholarship, publishes the year, and the API shows the figures."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.outcomes import service as outcomes
from tests.applications.factories import register
from tests.conftest import app_database
from tests.support.factories import OPERATOR
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("alumni-web")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        persons = [register(url, keyring, program="youth_academy", birth_date="1999-01-01") for _ in range(2)]
        with transaction(engine_for(url)) as session:
            member = outcomes.add_alumni_member(session, person_id=persons[0], joined_on=dt.date(2025, 1, 1),
                                               actor=OPERATOR)
            member_id = member.id
        with TestClient(create_app()) as client:
            yield Site(client, url, make_users(url, None)), persons, member_id


def test_record_publish_and_read_back(site):
    site, persons, member_id = site
    token = site.log_in("job_coordinator")
    page = site.client.get("/support/alumni")
    assert page.status_code == 200 and check_page(page.text).problems == []
    today = clock.today().isoformat()

    def post(action: str, **data):
        return site.client.post(f"/support/alumni/{action}", data={"csrf_token": token, "on": today, **data},
                                follow_redirects=False)

    assert post("pair", member_id=str(member_id), person_id=str(persons[1])).status_code == 303
    assert post("meeting", pair_id="1").status_code == 303
    assert post("talent", member_id=str(member_id), topic="면접 준비", minutes="90", attendees="12").status_code == 303
    assert post("scholarship", member_id=str(member_id), person_id=str(persons[1]),
                amount_won="500,000").status_code == 303
    bad = post("scholarship", member_id="999", person_id=str(persons[1]), amount_won="1")
    assert bad.status_code == 422 and check_page(bad.text).problems == []
    assert post("publish").status_code == 303
    figures = site.api("program_manager", "GET", "/support/alumni/figures",
                       params={"year": clock.today().year}).json()
    assert figures["alumni_active_members"] == 1 and figures["scholarships_won"] == 500_000
    assert figures["mentoring_meetings"] == 1 and figures["talent_attendees"] == 12
    assert site.api("operator", "POST", "/support/alumni/publish", json={"year": 2026}).status_code == 403
