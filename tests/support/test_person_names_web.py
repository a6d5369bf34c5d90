"""Issue 16: support pages name the person beside their number — in full for staff who may read
personal details (the operator), masked for the others (the auditor)."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.db import engine_for, transaction
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.support import certification_service as cert
from ilja.support import startup_service as startups
from tests.conftest import app_database
from tests.support.factories import OPERATOR, trainees
from tests.support.site import Site, make_users
from tests.web.html_check import check_page


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("support-names")
    with app_database(tmp) as url:
        keyring = generate_key_file(tmp / "keys" / "data-keys.json")
        persons, _ = trainees(url, keyring, n=1)
        with transaction(engine_for(url)) as session:
            exam = cert.add_certification(session, code="AZ-AI102", vendor="microsoft",
                                          name="Azure AI Engineer", fee_won=165_000, actor=OPERATOR)
            cert.record_attempt(session, person_id=persons[0], certification_id=exam.id,
                                exam_on=dt.date(2025, 12, 10), fee_paid_won=165_000, actor=OPERATOR)
            team = startups.create_startup(session, name="마포 AI 팀", idea="AI 상담", on=dt.date(2025, 12, 1),
                                           campus_code="campus.mapo", actor=OPERATOR)
            startups.add_member(session, startup_id=team.id, person_id=persons[0],
                                on=dt.date(2025, 12, 1), actor=OPERATOR)
            name = session.scalar(select(Person.name).where(Person.id == persons[0]))
        tokens = make_users(url, persons[0])
        with TestClient(create_app()) as client:
            yield Site(client, url, tokens), persons[0], name, team.id


def test_the_certification_desk_names_the_candidate_masked_unless_personal(site):
    web, person_id, name, _ = site
    web.log_in("operator")
    page = check_page(web.client.get("/support/certifications").text).text
    assert f"{name} ({person_id})" in page
    web.log_in("auditor")
    page = check_page(web.client.get("/support/certifications").text).text
    assert f"{mask_name(name)} ({person_id})" in page and name not in page


def test_a_team_page_names_its_members(site):
    web, person_id, name, team_id = site
    web.log_in("operator")
    page = web.client.get(f"/support/startups/{team_id}")
    assert page.status_code == 200
    assert f"{name} ({person_id})" in check_page(page.text).text
