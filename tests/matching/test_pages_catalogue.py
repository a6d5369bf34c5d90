"""Pages (on SQLite and PostgreSQL): a coordinator adds an organisation and its postings (create, edit, close) in the
browser; bad forms come back with an error summary linking to the fields and a title starting
"오류:"; a trainee edits their own matching profile and sees their fit list."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.matching import service
from tests.accounts.test_web_sessions import PASSWORD, csrf_of, log_in
from tests.conftest import configured
from tests.matching.test_pages import _check
from tests.matching.test_service_db import _setup
from tests.web.html_check import check_page

POSTING_FORM = {"code": "WEB-1", "title": "서울시 민원 데이터 분석 인턴", "kind": "internship_city",
                "round_code": "2026-1", "seats": "2", "required_skills": "SQL, Python",
                "preferred_skills": "시각화", "ncs_codes": "20010105, 2001010501_23v2",
                "required_certifications": "", "district": "중구", "starts_on": "2026-04-01",
                "ends_on": "2026-08-31", "monthly_pay": "2461811",
                "description": "응답소 민원 데이터를 분석합니다."}


@pytest.fixture
def site(database_url, tmp_path):
    """The app on a migrated database, SQLite and PostgreSQL, with a coordinator and a citizen."""
    from ilja.web.app import create_app

    with transaction(engine_for(database_url)) as session:
        accounts.create_user(session, login="jobco", password=PASSWORD,
                             role=Role.JOB_COORDINATOR, display_name="잡코디")
        accounts.create_user(session, login="citizen", password=PASSWORD, role=Role.CITIZEN,
                             display_name="시민")
        data = _setup(session)
    with configured(database_url, tmp_path):
        client = TestClient(create_app())
        client.data, client.url = data, database_url  # type: ignore[attr-defined]
        yield client


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _bad(response) -> str:
    assert response.status_code == 422, response.text[:300]
    check_page(response.text)
    assert _title(response.text).startswith("오류:")
    assert 'id="error-summary"' in response.text
    return response.text


def test_coordinator_adds_an_organisation_and_its_postings(site):
    assert log_in(site, "jobco").status_code == 303
    page = _check(site.get("/matching/organisations"))
    assert "(주)서울AI" in page and 'name="csrf_token"' in page

    bad = _bad(site.post("/matching/organisations", data={
        "code": "ORG-1", "name": "중복 기관", "kind": "company", "csrf_token": csrf_of(page)}))
    assert 'href="#code"' in bad and 'aria-invalid="true"' in bad

    made = site.post("/matching/organisations", data={
        "code": "CITY-9", "name": "서울특별시 민원담당관", "kind": "city_department",
        "association": "", "district": "중구", "csrf_token": csrf_of(page)},
        follow_redirects=False)
    assert made.status_code == 303
    org_url = made.headers["location"]
    org_page = _check(site.get(org_url))
    new_url = re.search(r'href="(/matching/organisations/\d+/postings/new)"', org_page).group(1)
    form = _check(site.get(new_url))
    assert 'value="internship_city" selected' in form

    action = new_url.removesuffix("/new")
    bad = _bad(site.post(action, data=POSTING_FORM | {
        "seats": "0", "ncs_codes": "20010105, 123", "ends_on": "2026-01-01",
        "csrf_token": csrf_of(form)}))
    for field in ("seats", "ncs_codes", "ends_on"):
        assert f'href="#{field}"' in bad
    assert "서울시 민원 데이터 분석 인턴" in bad  # the typed values come back

    created = site.post(action, data=POSTING_FORM | {"csrf_token": csrf_of(form)},
                        follow_redirects=False)
    assert created.status_code == 303 and created.headers["location"] == org_url
    org_page = _check(site.get(org_url))
    assert "서울시 민원 데이터 분석 인턴" in org_page and "2001010501_23v2" in org_page

    edit_url = re.search(r'href="(/matching/postings/\d+/edit)"', org_page).group(1)
    edit = _check(site.get(edit_url))
    assert 'value="SQL, Python"' in edit
    posting_action = edit_url.removesuffix("/edit")
    _bad(site.post(posting_action, data=POSTING_FORM | {"district": "해운대구",
                                                         "csrf_token": csrf_of(edit)}))
    saved = site.post(posting_action, data=POSTING_FORM | {"seats": "5",
                                                           "csrf_token": csrf_of(edit)},
                      follow_redirects=False)
    assert saved.status_code == 303
    closed = site.post(f"{posting_action}/close", data={"csrf_token": csrf_of(edit)},
                       follow_redirects=False)
    assert closed.status_code == 303
    with transaction(engine_for(site.url)) as session:
        posting = service.posting_by_code(session, "WEB-1")
        assert (posting.seats, posting.status) == (5, "closed")
    assert "마감" in _check(site.get(org_url))
    org_edit = _check(site.get(f"{org_url}/edit"))
    _bad(site.post(org_url, data={"name": "", "kind": "city_department",
                                  "csrf_token": csrf_of(org_edit)}))
    renamed = site.post(org_url, data={"name": "서울특별시 시민소통담당관", "kind": "city_department",
                                       "district": "중구", "csrf_token": csrf_of(org_edit)},
                        follow_redirects=False)
    assert renamed.status_code == 303
    assert "서울특별시 시민소통담당관" in _check(site.get(org_url))
    assert site.get("/matching/organisations/999/edit").status_code == 404
    assert site.get("/matching/postings/999/edit").status_code == 404
    assert site.get("/matching/organisations/999/postings/new").status_code == 404
    _check(site.get("/matching/organisations?lang=en"))


def test_trainee_edits_own_profile_and_sees_fit(site):
    dev = site.data["dev"]
    with transaction(engine_for(site.url)) as session:
        accounts.create_user(session, login="trainee", password=PASSWORD, role=Role.CITIZEN,
                             display_name="교육생", person_id=dev.person_id)
    assert log_in(site, "trainee").status_code == 303
    page = _check(site.get("/matching/me"))
    assert "백엔드 개발자 (Python/Django)" in page and 'name="description"' in page

    bad = _bad(site.post("/matching/me", data={
        "description": "x", "preferred_fields": "200101", "csrf_token": csrf_of(page)}))
    assert 'href="#preferred_fields"' in bad
    saved = site.post("/matching/me", data={
        "description": "FastAPI와 장고로 공공 서비스를 만들고 싶습니다.",
        "preferred_districts": ["마포구", "강남구"], "preferred_fields": "20",
        "csrf_token": csrf_of(page)}, follow_redirects=False)
    assert saved.status_code == 303
    page = _check(site.get(saved.headers["location"]))
    assert "FastAPI와 장고로" in page and 'value="강남구" checked' in page
    with transaction(engine_for(site.url)) as session:
        assert service.get_candidate(session, site.data["analyst"].id).description == (
            "공공데이터 분석 프로젝트 경험")
    assert site.get("/matching/organisations").status_code in (403, 404)
    assert site.post("/matching/organisations", data={
        "code": "X", "name": "X", "kind": "company",
        "csrf_token": csrf_of(page)}).status_code in (403, 404)
    log_in(site, "citizen")  # no candidate record: nothing to edit
    assert site.post("/matching/me", data={"description": "x", "csrf_token": csrf_of(
        site.get("/matching/me").text)}).status_code == 404
