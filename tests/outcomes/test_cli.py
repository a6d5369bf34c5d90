"""``ilja report`` and ``ilja outcomes`` on a SQLite database with demo outcomes."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from ilja.cli import app
from ilja.db import engine_for, transaction
from ilja.outcomes.demo_data import fill_demo_outcomes


def test_report_writes_xlsx_and_pdf_and_kpis_as_json(app_sqlite, tmp_path):
    with transaction(engine_for(app_sqlite)) as session:
        fill_demo_outcomes(session, seed=3, scale=0.03, as_of=dt.date(2025, 12, 15))
    runner = CliRunner()
    for fmt, magic in (("xlsx", b"PK"), ("pdf", b"%PDF-")):
        out = tmp_path / f"report.{fmt}"
        result = runner.invoke(app, ["report", "--year", "2025", "--format", fmt, "--output", str(out),
                                     "--as-of", "2025-12-15"])
        assert result.exit_code == 0, result.output
        assert out.read_bytes()[:len(magic)] == magic
    bad = runner.invoke(app, ["report", "--year", "2025", "--format", "docx"])
    assert bad.exit_code == 2
    kpis = runner.invoke(app, ["outcomes", "kpis", "--year", "2025", "--format", "json"])
    assert kpis.exit_code == 0, kpis.output
    body = json.loads(kpis.stdout)
    assert {r["definition"] for r in body["rates"]} == {"cumulative_rate", "midterm_rate", "target_rate"}
    again = runner.invoke(app, ["outcomes", "fill-demo", "--seed", "3"])
    assert again.exit_code == 0 and "there already: nothing added" in again.output
