"""Issue 16: the caseload fills from public-job placements as well as enrolments, and a run that
proposes nobody is still shown to the coordinator who started it — on SQLite and PostgreSQL,
through the pages with the real log-in."""

from __future__ import annotations

import datetime as dt

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
from ilja.publicjobs import service as publicjobs
from tests.accounts.test_web_sessions import PASSWORD, csrf_of, log_in
from tests.publicjobs.factories import MANAGER, add_person, add_project
from tests.web.html_check import check_page


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    """A participant placed in a project hosted by the Mapo campus, and two coordinators."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.web.app import create_app

    keys = tmp_path / "keys" / "data-keys.json"
    generate_key_file(keys)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(keys))
    get_settings.cache_clear()
    reset_keyring()
    with transaction(engine_for(database_url)) as session:
        project = add_project(session, host="campus.mapo")
        placement = publicjobs.place(session, project_id=project, person_id=add_person(session),
                                     actor=MANAGER, start_on=dt.date(2025, 3, 1))
        for login, campus in (("jobco", "campus.mapo"), ("jongno", "campus.jongno")):
            accounts.create_user(session, login=login, password=PASSWORD,
                                 role=Role.JOB_COORDINATOR, display_name=login,
                                 site_code=campus)
        placed = (placement.id, placement.person_id)
    yield database_url, create_app(), placed
    reset_keyring()
    get_settings.cache_clear()


def _client(app, login: str) -> TestClient:
    client = TestClient(app)
    assert log_in(client, login).status_code == 303
    return client


def test_a_placed_participant_is_offered_and_taken_into_the_caseload(site):
    url, app, (placement_id, person_id) = site
    key = f"placement-{placement_id}"
    other = _client(app, "jongno")
    assert key not in other.get("/matching/caseload/take").text  # another campus: not offered
    jobco = _client(app, "jobco")
    take = jobco.get("/matching/caseload/take")
    page = check_page(take.text).text
    assert f'value="{key}"' in take.text and "공공일자리 근무 중" in page
    assert other.post("/matching/caseload/take", data={
        "csrf_token": csrf_of(other.get("/matching").text), "person": key}).status_code == 200
    with transaction(engine_for(url)) as session:
        assert session.execute(select(Candidate)).first() is None  # nobody taken by the other
    taken = jobco.post("/matching/caseload/take", data={"csrf_token": csrf_of(take.text),
                                                        "person": key}, follow_redirects=False)
    assert taken.status_code == 303 and taken.headers["location"] == "/matching?mine=1"
    with transaction(engine_for(url)) as session:
        (candidate,) = session.execute(select(Candidate)).scalars()
        coordinator = session.execute(select(User.id).where(User.login == "jobco")).scalar_one()
        assert (candidate.person_id, candidate.coordinator_user_id) == (person_id, coordinator)
        assert candidate.training_status == "placed" and candidate.enrolment_id is None
    desk = jobco.get("/matching?mine=1").text
    assert f'href="/matching/candidates/{candidate.id}"' in desk
    assert "공공일자리 근무 중" in check_page(desk).text
    assert key not in jobco.get("/matching/caseload/take").text
    assert jobco.get(f"/matching/candidates/{candidate.id}").status_code == 200


def test_a_run_proposing_nobody_is_shown_to_whoever_started_it(site):
    """The run's only candidate is another coordinator's and fits no posting well enough: the
    coordinator who started it still sees the run (it holds no proposal of theirs)."""
    url, app, (placement_id, _) = site
    with transaction(engine_for(url)) as session:
        mapo2 = accounts.create_user(session, login="mapo2", password=PASSWORD,
                                     role=Role.JOB_COORDINATOR, display_name="mapo2",
                                     site_code="campus.mapo")
        service.take_into_caseload(session, service.unassigned(session, "campus.mapo"),
                                   coordinator_user_id=mapo2.id, actor=MANAGER)
        org = service.create_organisation(session, code="ORG-1", name="(주)서울바이오",
                                          kind="company", district="강남구", actor=MANAGER)
        service.create_posting(session, PostingInput(
            code="P-BIO", organisation_id=org.id, round_code="2026-1", kind="internship_company",
            title="바이오 분석 연구원", seats=1, required_skills=["유전체 분석", "질량 분석"]),
            actor=MANAGER)
    jobco = _client(app, "jobco")
    started = jobco.post("/matching/runs", data={
        "csrf_token": csrf_of(jobco.get("/matching").text), "round_code": "2026-1",
        "method": "stable"}, follow_redirects=False)
    assert started.status_code == 303
    where = started.headers["location"]
    page = jobco.get(where)
    assert page.status_code == 200
    with transaction(engine_for(url)) as session:
        (run,) = runs.list_runs(session)
    notice = ("이번 매칭 실행에서 제안된 사람이 없습니다" if run.matched == 0
              else "이번 매칭 실행에서 내 담당 교육생에게 제안된 공고가 없습니다")
    assert notice in check_page(page.text).text
    assert f'action="{where}/confirm"' not in page.text  # nothing of theirs to confirm
    assert f'href="/matching/runs/{run.id}"' in jobco.get("/matching").text
    assert _client(app, "jongno").get(where).status_code == 404  # not theirs, nobody of theirs
