"""The organisation, posting and own-profile API on SQLite and PostgreSQL: staff create, update
and close; validation errors name the field; a trainee edits only their own profile."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from tests.matching.test_service_db import _setup

PASSWORD = "Tr0ub4dor&3x"


def _token(session, login: str, role: Role, person_id: int | None = None) -> dict[str, str]:
    user = accounts.create_user(session, login=login, password=PASSWORD, role=role,
                                display_name=login, person_id=person_id)
    return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


@pytest.fixture
def api(database_url, monkeypatch, tmp_path):
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    with transaction(engine_for(database_url)) as session:
        data = _setup(session)
        headers = {
            "staff": _token(session, "jobco-a", Role.JOB_COORDINATOR),
            "citizen": _token(session, "citizen-a", Role.CITIZEN),
            "dev": _token(session, "dev-a", Role.CITIZEN, data["dev"].person_id),
            "analyst": _token(session, "analyst-a", Role.CITIZEN, data["analyst"].person_id),
        }
    client = TestClient(create_app())
    client.data, client.headers_of = data, headers  # type: ignore[attr-defined]
    yield client
    get_settings.cache_clear()


POSTING = {"code": "API-1", "round_code": "2026-1", "kind": "internship_city",
           "title": "서울시 교통데이터 분석 인턴", "seats": 2, "required_skills": ["SQL", "Python"],
           "preferred_skills": ["GIS"], "ncs_codes": ["20010105", "2001010501_23v2"],
           "required_certifications": [], "district": "중구", "starts_on": "2026-04-01",
           "ends_on": "2026-09-30", "monthly_pay": 2_461_811,
           "description": "교통카드 데이터를 분석합니다."}


def test_staff_create_update_and_close(api):
    staff = api.headers_of["staff"]
    made = api.post("/api/v1/matching/organisations", headers=staff, json={
        "code": "CITY-T", "name": "서울특별시 교통정책과", "kind": "city_department",
        "district": "Jung-gu"})
    assert made.status_code == 201, made.text
    org = made.json()
    assert org["district"] == "중구" and org["open_postings"] == 0
    changed = api.put(f"/api/v1/matching/organisations/{org['id']}", headers=staff, json={
        "name": "서울특별시 교통실 교통정책과", "kind": "city_department", "district": "중구"})
    assert changed.json()["name"] == "서울특별시 교통실 교통정책과"

    posting = api.post(f"/api/v1/matching/organisations/{org['id']}/postings", headers=staff,
                       json=POSTING)
    assert posting.status_code == 201, posting.text
    body = posting.json()
    assert body["ncs_codes"] == ["20010105", "2001010501_23v2"] and body["status"] == "open"
    update = {k: v for k, v in POSTING.items() if k != "code"} | {"seats": 3}
    assert api.put(f"/api/v1/matching/postings/{body['id']}", headers=staff,
                   json=update).json()["seats"] == 3
    listed = api.get(f"/api/v1/matching/organisations/{org['id']}/postings", headers=staff).json()
    assert [p["code"] for p in listed] == ["API-1"]
    closed = api.post(f"/api/v1/matching/postings/{body['id']}/close", headers=staff)
    assert closed.json()["status"] == "closed"
    assert api.get(f"/api/v1/matching/organisations/{org['id']}",
                   headers=staff).json()["open_postings"] == 0
    assert len(api.get("/api/v1/matching/organisations", headers=staff).json()) == 3


def _locs(response) -> list[list]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    return [e["loc"] for e in detail] if isinstance(detail, list) else [detail["loc"]]


def test_validation_errors_name_the_field(api):
    staff = api.headers_of["staff"]
    org_id = api.data["org"].id
    url = f"/api/v1/matching/organisations/{org_id}/postings"
    assert ["body", "seats"] in _locs(api.post(url, headers=staff, json=POSTING | {"seats": 0}))
    assert ["body", "kind"] in _locs(api.post(url, headers=staff, json=POSTING | {"kind": "x"}))
    assert _locs(api.post(url, headers=staff, json=POSTING | {"ncs_codes": ["20010105", "12"]})
                 ) == [["body", "ncs_codes", "1"]]
    assert _locs(api.post(url, headers=staff, json=POSTING | {"district": "해운대구"})
                 ) == [["body", "district"]]
    assert _locs(api.post(url, headers=staff, json=POSTING | {"ends_on": "2026-01-01"})
                 ) == [["body", "ends_on"]]
    assert _locs(api.post(url, headers=staff, json=POSTING | {"code": "P-BE"})
                 ) == [["body", "code"]]
    assert ["body", "surprise"] in _locs(api.post(url, headers=staff,
                                                   json=POSTING | {"surprise": 1}))
    assert _locs(api.post("/api/v1/matching/organisations", headers=staff, json={
        "code": "ORG-1", "name": "중복", "kind": "company"})) == [["body", "code"]]
    assert api.post("/api/v1/matching/organisations/999/postings", headers=staff,
                    json=POSTING).status_code == 404
    assert api.post("/api/v1/matching/postings/999/close", headers=staff).status_code == 404
    citizen = api.headers_of["citizen"]
    assert api.post("/api/v1/matching/organisations", headers=citizen, json={
        "code": "X", "name": "X", "kind": "company"}).status_code == 403


def test_trainee_edits_only_their_own_profile(api):
    dev, analyst = api.headers_of["dev"], api.headers_of["analyst"]
    edited = api.put("/api/v1/matching/me/profile", headers=dev, json={
        "description": "장고와 FastAPI로 백엔드를 만들었습니다.",
        "preferred_districts": ["마포구"], "preferred_fields": ["20"]})
    assert edited.status_code == 200, edited.text
    assert edited.json()["candidate_id"] == api.data["dev"].id
    assert api.get("/api/v1/matching/me/profile", headers=analyst).json()["description"] == (
        "공공데이터 분석 프로젝트 경험")
    assert _locs(api.put("/api/v1/matching/me/profile", headers=dev, json={
        "preferred_districts": ["부산"]})) == [["body", "preferred_districts", "0"]]
    assert ["body", "candidate_id"] in _locs(api.put("/api/v1/matching/me/profile", headers=dev,
                                                      json={"candidate_id": 2}))
    fit = api.get("/api/v1/matching/me/fit", headers=dev).json()
    assert fit[0]["posting"]["code"] == "P-BE" and fit[0]["organisation"] == "(주)서울AI"
    assert api.get("/api/v1/matching/me/profile",
                   headers=api.headers_of["citizen"]).status_code == 404
    assert api.get("/api/v1/matching/me/profile",
                   headers=api.headers_of["staff"]).status_code in (403, 404)
