"""The caseload fills from enrolments, on SQLite and PostgreSQL, through the pages with the real
log-in: a coordinator of the trainee's campus takes an enrolled trainee on, who then is in their
caseload and in a matching run; a coordinator of another campus is not offered them."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.models import User
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.matching import runs, service
from ilja.matching.models import Candidate
from ilja.matching.service import PostingInput
from ilja.people.rrn import generate_key_file
from ilja.training import service as training
from tests.accounts.test_web_sessions import PASSWORD, csrf_of, log_in
from tests.training.factories import OPERATOR, course_with_cohort
from tests.web.html_check import check_page


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    """One enrolled trainee of the Mapo campus, an open posting, and two coordinators."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.web.app import create_app

    keys = tmp_path / "keys" / "data-keys.json"
    keyring = generate_key_file(keys)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(keys))
    get_settings.cache_clear()
    reset_keyring()
    setup = course_with_cohort(database_url, keyring, applicants=1, seats=1)
    with transaction(engine_for(database_url)) as session:
        (enrolment,) = training.enrol_all_selected(session, cohort_id=setup.cohort_id,
                                                   actor=OPERATOR).enrolled
        for login, campus in (("jobco", "campus.mapo"), ("jongno", "campus.jongno")):
            accounts.create_user(session, login=login, password=PASSWORD,
                                 role=Role.JOB_COORDINATOR, display_name=login,
                                 site_code=campus)
        org = service.create_organisation(session, code="ORG-1", name="(주)서울AI",
                                          kind="company", district="마포구", actor=OPERATOR)
        service.create_posting(session, PostingInput(
            code="P-AI", organisation_id=org.id, round_code="2026-1", kind="internship_company",
            title="AI 서비스 개발 인턴", seats=1, required_skills=["Python"]), actor=OPERATOR)
        trainee = (enrolment.id, enrolment.trainee_no)
    yield database_url, create_app(), trainee
    reset_keyring()
    get_settings.cache_clear()


def test_an_enrolled_trainee_joins_the_coordinators_caseload_and_a_run(site):
    url, app, (enrolment_id, trainee_no) = site
    other = TestClient(app)
    assert log_in(other, "jongno").status_code == 303
    assert trainee_no not in check_page(other.get("/matching/caseload/take").text).text
    jobco = TestClient(app)
    assert log_in(jobco, "jobco").status_code == 303
    mine = check_page(jobco.get("/matching?mine=1").text)
    assert "교육생 맡기" in mine.text
    take = jobco.get("/matching/caseload/take")
    assert trainee_no in check_page(take.text).text
    assert other.post("/matching/caseload/take", data={
        "csrf_token": csrf_of(other.get("/matching").text),
        "person": f"enrolment-{enrolment_id}"}).status_code == 200  # not of their campus: nobody taken
    taken = jobco.post("/matching/caseload/take", data={"csrf_token": csrf_of(take.text),
                                                        "person": f"enrolment-{enrolment_id}"},
                       follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == "/matching?mine=1"
    with transaction(engine_for(url)) as session:
        (candidate,) = session.execute(select(Candidate)).scalars()
        coordinator = session.execute(select(User.id).where(User.login == "jobco")).scalar_one()
        assert candidate.coordinator_user_id == coordinator
        assert candidate.enrolment_id == enrolment_id and candidate.training_status == "enrolled"
    desk = jobco.get("/matching?mine=1").text
    assert "담당 교육생이 없습니다" not in check_page(desk).text
    assert f'href="/matching/candidates/{candidate.id}"' in desk
    assert trainee_no not in check_page(jobco.get("/matching/caseload/take").text).text
    started = jobco.post("/matching/runs", data={"csrf_token": csrf_of(desk),
                                                 "round_code": "2026-1", "method": "stable"},
                         follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/matching/runs/")
    with transaction(engine_for(url)) as session:
        (run,) = runs.list_runs(session)
        assert run.candidates == 1
