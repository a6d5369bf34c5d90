"""`ilja demo --no-serve` sets up a world to click through: plan, population, accounts, a round."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from typer.testing import CliRunner

from ilja.cli import app


def test_demo_prepares_everything_and_is_idempotent(tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.db import dispose_engines, engine_for, transaction
    from ilja.people import service as people_service

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    people_service.load_population.cache_clear()
    people_service.eligibility_summary.cache_clear()
    try:
        runner = CliRunner()
        outputs = []
        for _ in range(2):
            result = runner.invoke(app, ["demo", "--no-serve", "--size", "3000"])
            assert result.exit_code == 0, result.output
            outputs.append(" ".join(result.output.split()))
        first, second = outputs
        assert "kept from an earlier run" not in first
        assert "applications, " in first and "participations" in first
        # A second run says what it kept, instead of counting zeros as if data were lost.
        assert "3,000 Seoul residents (seed 2025, kept from an earlier run" in second
        assert "outcomes for the dashboard: kept from an earlier run" in second
        assert "600 applications: kept from an earlier run" in second
        accounts = json.loads((tmp_path / "demo-accounts.json").read_text())
        assert set(accounts) == {"admin", "manager", "operator", "coordinator", "auditor", "citizen"}
        from ilja.accounts.models import User
        from ilja.applications.models import Application, Round

        with transaction(engine_for(url)) as session:
            assert session.scalar(select(func.count()).select_from(Round)) == 1
            assert session.scalar(select(func.count()).select_from(Application)) == 600
            citizen = session.scalar(select(User).where(User.login == "citizen"))
            assert citizen.person_id is not None
    finally:
        dispose_engines()
        get_settings.cache_clear()
        people_service.load_population.cache_clear()
        people_service.eligibility_summary.cache_clear()
