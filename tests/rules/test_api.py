"""The rules API: eligibility with explanations, parameters with history."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja.web.app import create_app


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


PERSON = {
    "id": "api-1", "birth_date": "1957-03-01", "sido": "서울특별시", "sigungu": "종로구",
    "employment_status": "unemployed", "able_to_work": True, "household_head": True,
    "household_size": 1, "vulnerable_groups": ["disabled"], "nationality": "KR",
}


def test_eligibility_explains_each_program_in_both_languages(client):
    response = client.post("/api/v1/eligibility", json={"person": PERSON, "on": "2024-12-31"})
    assert response.status_code == 200, response.text
    body = response.json()
    middle = next(r for r in body["results"] if r["program"] == "attractive_jobs.middle_aged")
    assert middle["eligible"] is False
    assert middle["failed"] == ["middle_aged_max_age"]
    failed = next(c for c in middle["conditions"] if c["id"] == "middle_aged_max_age")
    assert failed["parameters"][0]["value"] == 65
    assert failed["parameters"][0]["source"].startswith("document: seoul-2025-jobs-plan §2 ")
    assert failed["parameters"][0]["citations"] == [{"key": "seoul-2025-jobs-plan", "title": {
        "ko": "일자리 지원 (경제실) — 2025년 주요업무",
        "en": "Job support (Economic Policy Office) — 2025 work plan"}}]
    assert any("중장년" in line for line in middle["explanation"]["ko"])
    assert any("middle-aged" in line for line in middle["explanation"]["en"])
    assert body["parameter_version"] and body["code_version"]


def test_after_2025_the_same_person_is_eligible(client):
    body = client.post("/api/v1/eligibility", json={"person": PERSON, "on": "2025-01-01",
                                                    "programs": ["attractive_jobs.middle_aged"]}).json()
    assert [r["eligible"] for r in body["results"]] == [True]


def test_invalid_person_is_a_422_naming_the_field_without_echoing_it(client):
    bad = {**PERSON, "birth_date": "1990-13-40", "employment_status": "retired"}
    response = client.post("/api/v1/eligibility", json={"person": bad, "on": "2025-01-01"})
    assert response.status_code == 422
    locations = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("body", "person", "birth_date") in locations
    assert ("body", "person", "employment_status") in locations
    assert "1990-13-40" not in response.text


def test_unknown_program_is_refused(client):
    response = client.post("/api/v1/eligibility", json={"person": PERSON, "on": "2025-01-01",
                                                        "programs": ["nope"]})
    assert response.status_code == 422


def test_date_before_the_rules_is_a_clear_422(client):
    response = client.post("/api/v1/eligibility", json={"person": PERSON, "on": "2010-01-01"})
    assert response.status_code == 422
    assert "has no value on 2010-01-01" in response.text


def test_parameter_history(client):
    body = client.get("/api/v1/parameters/attractive_jobs.middle_aged.max_age_exclusive").json()
    assert [(h["start"], h["value"]) for h in body["history"]] == [("2020-01-01", 65), ("2025-01-01", None)]
    assert client.get("/api/v1/parameters/nope").status_code == 404
    listed = client.get("/api/v1/parameters", params={"prefix": "companion_jobs."}).json()
    assert {p["name"] for p in listed} >= {"companion_jobs.work.hourly_wage"}
