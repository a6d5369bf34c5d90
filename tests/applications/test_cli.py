"""The commands on SQLite and PostgreSQL: set up and open a round, import applications, prepare,
run (twice), verify (exit 1 after tampering), export with a reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, text
from tests.applications.test_import import row, write_csv
from typer.testing import CliRunner

from ilja import clock
from ilja.accounts.models import AuditRecord
from ilja.cli import app
from ilja.db import engine_for, transaction


@pytest.fixture
def cli(database_url, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    for variable in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ILJA_ENVIRONMENT", "test")  # a key file is made in the data directory
    get_settings.cache_clear()
    reset_keyring()
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(app, list(args))
        assert result.exit_code == code, result.output
        return result

    yield invoke
    reset_keyring()
    get_settings.cache_clear()


def test_rounds_import_select_verify_export(cli, database_url, tmp_path):
    today = clock.today()
    created = cli("rounds", "create", "--program", "companion_jobs", "--title", "동행일자리 은평구",
                  "--announced", today.isoformat(), "--opens", f"{today.isoformat()}T00:00",
                  "--closes", f"{(today + dt.timedelta(days=3)).isoformat()}T18:00",
                  "--starts", (today + dt.timedelta(days=30)).isoformat(),
                  "--unit", "care:돌봄:2", "--unit", "safety:안전:1", "--open", "--format", "json")
    record = json.loads(created.output)
    round_id = str(record["id"])
    assert record["status"] == "open" and len(record["seed_commitment"]) == 64
    bad = write_csv(tmp_path / "bad.csv", [row(1), row(2, household_size="셋")])
    refused = cli("applications", "import", str(bad), "--round", round_id, code=1)
    assert "household_size" in refused.output
    good = write_csv(tmp_path / "good.csv", [row(n) for n in range(1, 7)])
    imported = json.loads(cli("applications", "import", str(good), "--round", round_id,
                              "--format", "json").output)
    assert imported["applications"] == 6
    cli("select", "prepare", "--round", round_id)
    first = json.loads(cli("select", "run", "--round", round_id, "--format", "json").output)
    again = json.loads(cli("select", "run", "--round", round_id, "--format", "json").output)
    assert first["drawn_now"] and not again["drawn_now"]
    assert first["output_hash"] == again["output_hash"]
    verified = cli("select", "verify", "--round", round_id)
    assert "검증됨" in verified.output
    target = tmp_path / "out" / "results.xlsx"
    cli("select", "export", "--round", round_id, "--output", str(target), "--reason", " ",
        code=1)
    cli("select", "export", "--round", round_id, "--output", str(target), "--reason",
        "결과 통보 문자 발송")
    assert load_workbook(target, read_only=True).sheetnames == [
        "결과 Results", "통계 Statistics", "검증 Verification"]
    stats = json.loads(cli("select", "stats", "--round", round_id, "--format", "json").output)
    assert stats["applicants"] == 6 and stats["seats"] == 3
    with transaction(engine_for(database_url)) as session:
        session.execute(text("UPDATE selection_outcomes SET rank = rank + 1 WHERE rank = 1"))
    failed = cli("select", "verify", "--round", round_id, "--format", "json", code=1)
    assert json.loads(failed.output)["checks"]["recorded_outputs"] is False
    with transaction(engine_for(database_url)) as session:
        reasons = session.execute(select(AuditRecord.reason).where(
            AuditRecord.action == "selection.export")).scalars().all()
    assert reasons == ["결과 통보 문자 발송"]


def test_unknown_rounds_and_bad_set_ups_are_clear(cli):
    missing = cli("select", "run", "--round", "999", code=1)
    assert "999" in missing.output
    bad = cli("rounds", "create", "--program", "nope", "--title", "x", "--announced",
              "2025-05-01", "--opens", "2025-05-02T09:00", "--closes", "2025-05-01T09:00",
              "--starts", "2025-06-01", "--unit", "a:A:1", code=1)
    assert "program_code" in bad.output and "closes_at" in bad.output
