"""The plan over HTTP: explicit response models, sources on every figure, clear 404s."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja.web.app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_programs_list_has_the_rules_engine_codes(client):
    response = client.get("/api/v1/programs")
    assert response.status_code == 200
    programs = {p["code"]: p for p in response.json()}
    assert set(programs) == {
        "youth_academy",
        "tech_institute",
        "companion_jobs",
        "attractive_jobs",
        "attractive_jobs.youth",
        "attractive_jobs.middle_aged",
        "attractive_jobs.foreign_students",
    }
    assert programs["companion_jobs"]["budget"]["value"] == 94291
    assert programs["companion_jobs"]["budget"]["source"].startswith("document:")
    assert programs["attractive_jobs"]["people"] == {
        "value": 3500,
        "unit": "persons",
        "approximate": True,
        "per_year": False,
        "source": programs["attractive_jobs"]["people"]["source"],
    }
    assert programs["attractive_jobs.youth"]["parent"] == "attractive_jobs"


def test_program_detail_with_tracks_and_its_warnings(client):
    body = client.get("/api/v1/programs/companion_jobs").json()
    assert [t["people"]["value"] for t in body["tracks"]] == [1904, 1162, 4068, 1312, 4534]
    assert body["periods"][0]["start"] == "2025-01-10"
    assert body["pay"]["hourly_wage"]["value"] == 10030
    sums = [w for w in body["warnings"] if w["code"] == "tracks_people_sum"]
    assert (sums[0]["stated"], sums[0]["computed"]) == (12890, 12980)
    attractive = client.get("/api/v1/programs/attractive_jobs").json()
    assert attractive["children"] == [
        "attractive_jobs.youth",
        "attractive_jobs.middle_aged",
        "attractive_jobs.foreign_students",
    ]
    assert {t["type"] for t in attractive["tracks"]} == {"public", "private"}


def test_unknown_program_is_a_clear_404(client):
    response = client.get("/api/v1/programs/lottery_jobs")
    assert response.status_code == 404
    assert "unknown program 'lottery_jobs'" in response.json()["detail"]["msg"]
    assert "companion_jobs" in response.json()["detail"]["msg"]


def test_plan_warnings_with_both_numbers(client):
    body = client.get("/api/v1/plan/warnings").json()
    found = {(w["code"], w["subject"]): (w["stated"], w["computed"]) for w in body["warnings"]}
    assert found[("tracks_people_sum", "companion_jobs")] == (12890, 12980)
    assert found[("tracks_people_sum", "attractive_jobs")] == (3500, 3208)
    assert found[("opening_conflict", "campus.jungnang")] == ("2025-10", "2025-11")
    assert any(c["ok"] and c["code"] == "tracks_projects_sum" for c in body["checks"])
    assert len(body["content_hash"]) == 64


def test_districts_sites_and_targets(client):
    districts = client.get("/api/v1/districts").json()
    assert len(districts) == 25 and districts[0] == {
        "code": "11110",
        "name": {"ko": "종로구", "en": "Jongno-gu"},
        "source": districts[0]["source"],
    }
    campuses = client.get("/api/v1/sites", params={"kind": "campus"}).json()
    assert len(campuses) == 25
    mapo = client.get("/api/v1/sites", params={"district": "11440"}).json()
    assert [s["code"] for s in mapo] == ["campus.mapo"]
    assert mapo[0]["specialisations"][0]["partner"] == "Microsoft"
    assert mapo[0]["floor_area"]["value"] == 310 and mapo[0]["opening"] is None
    assert mapo[0]["opened_by_year"] == 2024
    jungnang = next(s for s in campuses if s["code"] == "campus.jungnang")
    assert [o["month"] for o in jungnang["openings"]] == [10, 11]
    institutes = client.get("/api/v1/sites", params={"kind": "institute"}).json()
    assert [i["trainees"]["value"] for i in institutes] == [1748, 974, 1720, 1758]
    trainees = client.get("/api/v1/targets", params={"metric": "trainees_per_year"}).json()
    assert [(t["year"], t["value"]) for t in trainees] == [
        (2021, 556),
        (2024, 2800),
        (2025, 3300),
        (2030, 10000),
    ]
    assert all(t["source"] for t in client.get("/api/v1/targets").json())


def test_holidays(client):
    days = client.get("/api/v1/holidays", params={"year": 2025}).json()
    assert {"date": "2025-10-06", "name_ko": "추석", "name_en": "Chuseok"} in days
    assert client.get("/api/v1/holidays", params={"year": 20250}).status_code == 422


def test_openapi_lists_the_plan_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/programs",
        "/api/v1/programs/{code}",
        "/api/v1/plan/warnings",
        "/api/v1/districts",
        "/api/v1/sites",
        "/api/v1/targets",
    ):
        assert path in paths
