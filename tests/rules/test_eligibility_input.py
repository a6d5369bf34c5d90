"""The eligibility API's input is the person format, strictly typed: a number is not a date,
true is not an income, 시·도 is one of the 17, and nobody is judged before they were born."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja.web.app import create_app
from tests.rules.test_api import PERSON


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


@pytest.mark.parametrize(("change", "loc", "code"), [
    ({"birth_date": 0}, ["body", "person", "birth_date"], "date_type"),
    ({"birth_date": 1.5}, ["body", "person", "birth_date"], "date_type"),
    ({"household_income_krw": True}, ["body", "person", "household_income_krw"], "int_type"),
    ({"veteran_service_months": False}, ["body", "person", "veteran_service_months"], "int_type"),
    ({"household_head": 1}, ["body", "person", "household_head"], "bool_type"),
    ({"sido": "Seoul"}, ["body", "person", "sido"], "sido_unknown"),
    ({"sido": "서울시"}, ["body", "person", "sido"], "sido_unknown"),
])
def test_a_loosely_typed_value_is_a_422_at_its_field(client, change, loc, code):
    response = client.post("/api/v1/eligibility", json={"person": {**PERSON, **change}, "on": "2025-03-01"})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [(loc, code)]


def test_a_person_born_after_the_reference_date_is_refused(client):
    person = {**PERSON, "birth_date": "2025-05-01"}
    response = client.post("/api/v1/eligibility", json={"person": person, "on": "2025-03-01"})
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["loc"], error["type"]) == (["body", "on"], "born_after_reference_date")
    assert "2025-05-01" not in response.text
    assert client.post("/api/v1/eligibility", json={"person": person, "on": "2025-05-01"}).status_code == 200


def test_a_number_for_the_date_is_refused_too(client):
    response = client.post("/api/v1/eligibility", json={"person": PERSON, "on": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "date_type"


def test_every_sido_by_its_full_name_is_read(client):
    for sido in ("경기도", "제주특별자치도", "전북특별자치도", "세종특별자치시"):
        response = client.post("/api/v1/eligibility", json={"person": {**PERSON, "sido": sido},
                                                            "on": "2025-03-01"})
        assert response.status_code == 200, sido
