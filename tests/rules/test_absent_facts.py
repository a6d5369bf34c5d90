"""Issue 15: only ``id`` and ``birth_date`` are required; a fact left out leaves the conditions
that read it "to be verified" — on the one-person path, on the columnar path, through the API and
the CLI — and an impossible date is called impossible, never echoed."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from ilja.cli import app
from ilja.rules.engine import Engine
from ilja.rules.explain import explanation_dict
from ilja.rules.population import NULLABLE_FIELDS, REQUIRED_FIELDS, Population, known_column
from ilja.web.app import create_app
from tests.rules.factories import person

ENGINE = Engine()
ON = dt.date(2025, 3, 1)
IMPOSSIBLE = ("not a real date: February 1990 has 28 days "
              "(없는 날짜입니다: 1990년 2월은 28일까지 있습니다)")

# Which conditions read each fact, program by program (the youth and middle-aged tracks inherit
# 매력일자리's conditions; the foreign-student pilot drops "unemployed").
SEOUL = "seoul_resident"
READ_BY = {
    "sido": {code: [SEOUL] for code in ENGINE.programs},
    "sigungu": {},
    "employment_status": {"companion_jobs": ["not_employed"], "attractive_jobs": ["unemployed"],
                          "attractive_jobs.youth": ["unemployed"],
                          "attractive_jobs.middle_aged": ["unemployed"]},
    "able_to_work": {"companion_jobs": ["able_to_work"]},
    "household_head": {},
    "household_size": {"companion_jobs": ["income_limit"]},
    "nationality": {"attractive_jobs.foreign_students": ["foreign_national"]},
    "household_income_krw": {"companion_jobs": ["income_limit"]},
    "household_assets_krw": {"companion_jobs": ["asset_limit"]},
    "receives_livelihood_benefit": {"companion_jobs": ["no_livelihood_benefit"]},
}


def test_the_table_covers_every_fact_that_may_be_left_out():
    assert set(READ_BY) == set(NULLABLE_FIELDS)
    assert REQUIRED_FIELDS == ("id", "birth_date")


@pytest.mark.parametrize("name", NULLABLE_FIELDS)
def test_an_absent_fact_leaves_the_conditions_that_read_it_to_be_verified(name):
    given = ENGINE.evaluate_person(person(), ON)
    absent = person(**{name: None})
    single = ENGINE.evaluate_person(absent, ON)
    batch = ENGINE.evaluate_population(Population.from_persons([absent]), ON)
    for before, after in zip(given.results, single.results, strict=True):
        expected = READ_BY[name].get(after.program, [])
        assert before.to_verify == []
        assert after.to_verify == expected, after.program
        assert after.failed == [c for c in before.failed if c not in expected]
        row = batch.row(0, after.program)
        assert (row["failed"], row["to_verify"]) == (after.failed, after.to_verify)


def test_the_reason_is_given_in_korean_and_english():
    result = ENGINE.evaluate_person(person(sido=None), ON, programs=["youth_academy"]).results[0]
    lines = explanation_dict(result)
    assert "  ? 서울시민: 확인 필요 (입력이 없어 접수 후 확인합니다)" in lines["ko"]
    assert "  ? Lives in Seoul: to be verified (not given; checked after the application)" in lines["en"]


def test_absent_household_facts_earn_no_bonus_points():
    def bonus(**changes):
        evaluation = ENGINE.evaluate_person(person(**changes), ON, programs=["companion_jobs"])
        return evaluation.results[0].bonus_points

    assert bonus(household_size=None) == bonus(household_size=1)
    assert bonus(household_head=None, household_size=1) == bonus(household_head=False,
                                                                 household_size=1)


def test_a_population_saved_before_the_known_columns_reads_as_all_given(tmp_path):
    population = Population.from_persons([person(), person(id="T2", sido=None)])
    population.save(tmp_path / "new.npz")
    with np.load(tmp_path / "new.npz") as data:
        older = {key: data[key] for key in data.files if key != known_column("sido")}
    np.savez(tmp_path / "old.npz", **older)
    assert list(Population.load(tmp_path / "new.npz").sido_known) == [True, False]
    assert list(Population.load(tmp_path / "old.npz").sido_known) == [True, True]


# the API -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app())


def test_the_api_takes_a_person_with_only_id_and_birth_date(client):
    response = client.post("/api/v1/eligibility", json={
        "person": {"id": "api-min", "birth_date": "1990-06-15"}, "on": "2025-03-01"})
    assert response.status_code == 200, response.text
    academy = next(r for r in response.json()["results"] if r["program"] == "youth_academy")
    assert academy["to_verify"] == [SEOUL] and academy["failed"] == []
    seoul = next(c for c in academy["conditions"] if c["id"] == SEOUL)
    assert seoul["status"] == "to_verify" and seoul["inputs"] == {"sido": None}


def test_the_openapi_schema_requires_only_id_and_birth_date(client):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["Person"]
    assert schema["required"] == ["id", "birth_date"]


def test_the_api_calls_an_impossible_birth_date_impossible_without_echoing_it(client):
    response = client.post("/api/v1/eligibility", json={
        "person": {"id": "api-bad", "birth_date": "1990-02-30"}, "on": "2025-03-01"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "person", "birth_date"],
                                          "msg": IMPOSSIBLE, "type": "date_impossible"}]
    assert "1990-02-30" not in response.text


def test_the_api_never_echoes_a_resident_registration_number(client):
    response = client.post("/api/v1/eligibility", json={
        "person": {"id": "api-rrn", "birth_date": "900230-1234567"}, "on": "2025-03-01"})
    assert response.status_code == 422
    assert "900230" not in response.text and "1234567" not in response.text


# the CLI -----------------------------------------------------------------------------------
runner = CliRunner()


def test_the_cli_checks_a_person_with_only_id_and_birth_date(tmp_path):
    path = tmp_path / "person.json"
    path.write_text(json.dumps({"id": "cli-min", "birth_date": "1990-06-15"}), encoding="utf-8")
    result = runner.invoke(app, ["eligibility", "check", "--person", str(path), "--on", "2025-03-01",
                                 "-p", "youth_academy", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout[result.stdout.index("{"):])
    assert body["results"][0]["to_verify"] == [SEOUL]


def test_the_cli_batch_reads_blank_facts_as_absent_and_names_impossible_dates(tmp_path):
    source = tmp_path / "persons.csv"
    source.write_text("id,birth_date,sido\nc-1,1990-06-15,\nc-2,1985-01-01,서울특별시\n",
                      encoding="utf-8")
    output = tmp_path / "results.jsonl"
    result = runner.invoke(app, ["eligibility", "batch", "--input", str(source), "--output",
                                 str(output), "--on", "2025-03-01", "-p", "youth_academy"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [(r["person_id"], r["to_verify"]) for r in rows] == [("c-1", [SEOUL]), ("c-2", [])]

    source.write_text("id,birth_date\nc-1,1990-02-30\n", encoding="utf-8")
    result = runner.invoke(app, ["eligibility", "batch", "--input", str(source), "--output",
                                 str(output), "--on", "2025-03-01"])
    assert result.exit_code == 1
    assert "row 1, field birth_date: not a real date: February 1990 has 28 days" in result.output
    assert "1990-02-30" not in result.output
