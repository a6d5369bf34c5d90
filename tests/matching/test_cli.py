"""``ilja match run --round R``, confirm, verify and hires on a real database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from ilja.cli import app
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from tests.matching.test_service_db import COORDINATOR, _setup

runner = CliRunner()


@pytest.fixture
def configured(database_url, monkeypatch):
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


def test_run_confirm_verify(configured):
    with transaction(engine_for(configured)) as session:
        _setup(session)
    result = runner.invoke(app, ["match", "run", "--round", "2026-1", "--format", "json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["matched"] == 2 and summary["blocking_pairs"] == 0
    assert runner.invoke(app, ["match", "verify", str(summary["run_id"])]).exit_code == 0
    assert runner.invoke(app, ["match", "confirm", str(summary["run_id"])]).exit_code == 0
    again = runner.invoke(app, ["match", "confirm", str(summary["run_id"])])
    assert again.exit_code == 1 and "already confirmed" in again.output
    missing = runner.invoke(app, ["match", "run", "--round", "nope"])
    assert missing.exit_code == 1 and "no open seats" in missing.output
    assert COORDINATOR.role == "job_coordinator"
