"""The rules CLI end to end: check, batch (JSONL/CSV/XLSX), reform compare, params, db upgrade."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ilja.cli import app
from ilja.people.person_format import write_persons
from ilja.people.synthetic import generate_population

runner = CliRunner()

PERSON = {
    "id": "cli-1", "birth_date": "1957-03-01", "sido": "서울특별시", "sigungu": "종로구",
    "employment_status": "unemployed", "able_to_work": True, "household_head": True,
    "household_size": 1, "vulnerable_groups": ["disabled"], "nationality": "KR", "favourite_colour": "blue",
}


@pytest.fixture
def person_file(tmp_path) -> Path:
    path = tmp_path / "person.json"
    path.write_text(json.dumps(PERSON, ensure_ascii=False), encoding="utf-8")
    return path


def test_check_explains_in_korean_and_warns_about_unknown_fields(person_file):
    result = runner.invoke(app, ["eligibility", "check", "--person", str(person_file), "--on", "2024-12-31",
                                 "-p", "attractive_jobs.middle_aged"])
    assert result.exit_code == 0, result.output
    assert "신청 불가" in result.output and "중장년 사업 상한 연령" in result.output
    assert "favourite_colour" in result.output


def test_check_json_in_english_on_the_other_side_of_the_date(person_file):
    result = runner.invoke(app, ["eligibility", "check", "--person", str(person_file), "--on", "2025-01-01",
                                 "--format", "json"])
    assert result.exit_code == 0
    body = json.loads(result.stdout[result.stdout.index("{"):])
    middle = next(r for r in body["results"] if r["program"] == "attractive_jobs.middle_aged")
    assert middle["eligible"] is True


def test_check_rejects_a_bad_date_and_an_invalid_person(tmp_path, person_file):
    assert runner.invoke(app, ["eligibility", "check", "--person", str(person_file),
                               "--on", "2025-13-01"]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**PERSON, "birth_date": "yesterday"}), encoding="utf-8")
    result = runner.invoke(app, ["eligibility", "check", "--person", str(bad), "--on", "2025-01-01"])
    assert result.exit_code == 1 and "birth_date" in result.output


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".xlsx"])
def test_batch_writes_one_row_per_person_and_program(tmp_path, suffix):
    source = tmp_path / f"persons{suffix}"
    write_persons(generate_population(200, seed=7), source)
    output = tmp_path / "results.csv"
    result = runner.invoke(app, ["eligibility", "batch", "--input", str(source), "--output", str(output),
                                 "--on", "2025-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("{"):])
    assert summary["persons"] == 200 and summary["rows"] == 200 * 7
    with output.open(encoding="utf-8-sig") as handle:  # a BOM, so Excel reads Korean right
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1400
    assert set(rows[0]) >= {"person_id", "program", "eligible", "failed", "to_verify", "priority_group",
                            "bonus_points", "monthly_pay_krw"}
    eligible = sum(1 for r in rows if r["program"] == "youth_academy" and r["eligible"] == "true")
    assert eligible == summary["eligible"]["youth_academy"]


def test_batch_with_bad_rows_lists_them_and_writes_nothing(tmp_path):
    source = tmp_path / "persons.jsonl"
    good = dict(PERSON)
    good.pop("favourite_colour")
    source.write_text("\n".join([json.dumps(good), json.dumps({**good, "id": "x2", "household_size": 0}),
                                 json.dumps({**good, "id": "x3", "employment_status": "retired"})]) + "\n",
                      encoding="utf-8")
    output = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["eligibility", "batch", "--input", str(source), "--output", str(output),
                                 "--on", "2025-03-01"])
    assert result.exit_code == 1
    assert "row 2" in result.output and "household_size" in result.output
    assert "row 3" in result.output and "employment_status" in result.output
    assert not output.exists()


def test_reform_compare_says_who_changes_and_why(tmp_path):
    source = tmp_path / "persons.jsonl"
    write_persons(generate_population(3000, seed=11), source)
    reform = tmp_path / "reform.yaml"
    reform.write_text(
        "name: income 50%\nparameters:\n  companion_jobs.eligibility.income_limit_share_of_median:\n"
        "    - from: 2025-01-01\n      value: \"0.50\"\n", encoding="utf-8")
    result = runner.invoke(app, ["reform", "compare", "--reform", str(reform), "--input", str(source),
                                 "--on", "2025-03-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout[result.stdout.index("{"):])
    change = next(c for c in body["programs"] if c["program"] == "companion_jobs")
    assert change["lost"] > 0 and change["gained"] == 0
    assert set(change["newly_failed"]) == {"income_limit"}


def test_params_show_history_and_an_unknown_name():
    result = runner.invoke(app, ["params", "show", "attractive_jobs.middle_aged.max_age_exclusive", "--history"])
    assert result.exit_code == 0 and "2025-01-01" in result.output and "2020-01-01" in result.output
    missing = runner.invoke(app, ["params", "show", "max_age"])
    assert missing.exit_code == 1 and "Did you mean" in missing.output


def test_db_upgrade_on_both_databases(database_url):
    result = runner.invoke(app, ["db", "upgrade", "--url", database_url])
    assert result.exit_code == 0, result.output
    from ilja.db import current_revision
    from ilja.db import upgrade as _  # noqa: F401

    assert current_revision(database_url) is not None
