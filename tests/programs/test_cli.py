"""``ilja plan``: the plan and its warnings on screen and as JSON; storing it in the database."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from ilja.cli import app
from ilja.db import engine_for, transaction
from ilja.programs import models as m

runner = CliRunner()


def test_plan_show_prints_tables_and_warnings_with_both_numbers():
    result = runner.invoke(app, ["plan", "show"], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    for text in ("Programs", "Tracks", "Sites", "Targets", "campus.mapo", "12,890", "~3,500"):
        assert text in result.output
    assert "stated 12,890 / computed 12,980" in result.output
    assert "stated 3,500 / computed 3,208" in result.output
    assert "6 warnings" in result.output


def test_plan_show_as_json():
    result = runner.invoke(app, ["plan", "show", "--format", "json"])
    assert result.exit_code == 0
    plan = json.loads(result.output)
    assert len(plan["districts"]) == 25
    assert {(w["code"], w["stated"], w["computed"]) for w in plan["warnings"]} >= {
        ("tracks_people_sum", 12890, 12980)
    }


def test_plan_show_reports_a_malformed_file(tmp_path):
    import shutil

    from ilja.programs.plan import DATA_DIR

    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / "sites.yaml"
    path.write_text(path.read_text().replace("value: 310", "value: big", 1))
    result = runner.invoke(app, ["plan", "show", "--data", str(tmp_path / "data")])
    assert result.exit_code == 2
    assert "sites.yaml" in result.output and "floor_area.value" in result.output


def test_plan_load_stores_once(database_url):
    first = runner.invoke(app, ["plan", "load", "--url", database_url])
    assert first.exit_code == 0, first.output
    assert "new version" in first.output
    again = runner.invoke(app, ["plan", "load", "--url", database_url])
    assert again.exit_code == 0
    assert "already stored" in again.output and "0 rows added, 0 updated, 0 removed" in again.output
    with transaction(engine_for(database_url)) as session:
        assert session.scalar(select(func.count()).select_from(m.District)) == 25
        assert session.scalar(select(func.count()).select_from(m.PlanVersion)) == 1


def test_plan_load_on_an_empty_database_says_to_migrate(tmp_path):
    result = runner.invoke(app, ["plan", "load", "--url", f"sqlite:///{tmp_path / 'empty.db'}"])
    assert result.exit_code == 1
    assert "ilja db upgrade" in result.output


def test_plan_holidays():
    result = runner.invoke(app, ["plan", "holidays", "2025", "--format", "json"])
    assert result.exit_code == 0
    assert {
        "date": "2025-03-03",
        "name_ko": "삼일절 대체 휴일",
        "name_en": "Alternative holiday for Independence Movement Day",
    } in json.loads(result.output)
