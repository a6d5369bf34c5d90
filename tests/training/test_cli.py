"""``ilja training``: import-attendance writes nothing on a bad row; evaluate, cohorts."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ilja.cli import app
from tests.conftest import configured
from tests.training.factories import course_with_cohort

runner = CliRunner()


@pytest.fixture
def cli_db(database_url, tmp_path):
    with configured(database_url, tmp_path):
        yield database_url


def test_import_attendance_from_the_command_line(cli_db, keyring, tmp_path):
    from ilja.db import engine_for, transaction
    from ilja.training import service
    from tests.training.factories import OPERATOR

    setup = course_with_cohort(cli_db, keyring, applicants=2, seats=2)
    with transaction(engine_for(cli_db)) as session:
        service.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR)
    bad = tmp_path / "bad.csv"
    bad.write_text("기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-001,2025-12-01,출석\n"
                   "MAPO-AI-01,MAPO-AI-01-002,2025-12-06,출석\n", encoding="utf-8")
    result = runner.invoke(app, ["training", "import-attendance", str(bad), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        {"row": 3, "column": "date", "reason": "not a session day of this cohort"}]
    good = tmp_path / "good.csv"
    good.write_text("기수,훈련생번호,날짜,출결\nMAPO-AI-01,MAPO-AI-01-001,2025-12-01,출석\n"
                    "MAPO-AI-01,MAPO-AI-01-002,2025-12-01,결석\n", encoding="utf-8")
    result = runner.invoke(app, ["training", "import-attendance", str(good), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"rows": 2, "cohorts": ["MAPO-AI-01"]}
    result = runner.invoke(app, ["training", "cohorts", "--format", "json"])
    assert json.loads(result.stdout)[0]["enrolled"] == 2
    result = runner.invoke(app, ["training", "evaluate", "MAPO-AI-01", "--on", "2025-12-01",
                                 "--format", "json"])
    found = json.loads(result.stdout)
    assert result.exit_code == 0
    assert [(f["kind"], f["rule"]) for f in found] == [("warning", "attendance_below_warning")]
    assert runner.invoke(app, ["training", "evaluate", "NOPE", "--on", "2025-12-01"]).exit_code == 1
