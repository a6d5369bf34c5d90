"""``ilja support`` on a SQLite database: budget, pass rates as JSON, publishing the figures."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner

from ilja.db import engine_for, transaction
from ilja.support import certification_service as cert
from tests.support.factories import OPERATOR, trainees


def test_pass_rates_budget_and_publish(tmp_path, monkeypatch, keyring):
    from ilja.cli import app
    from ilja.config import get_settings
    from ilja.db import dispose_engines, upgrade

    url = f"sqlite:///{tmp_path / 'ilja.db'}"
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    upgrade(url)
    persons, _ = trainees(url, keyring, n=2)
    with transaction(engine_for(url)) as session:
        google = cert.add_certification(session, code="G", vendor="google", name="G", fee_won=1, actor=OPERATOR)
        for person, result in zip(persons, ("passed", "failed"), strict=True):
            cert.record_attempt(session, person_id=person, certification_id=google.id,
                                exam_on=dt.date(2025, 12, 10), fee_paid_won=1, result=result, actor=OPERATOR)
    runner = CliRunner()
    try:
        rates = runner.invoke(app, ["support", "pass-rates", "--by", "campus", "--format", "json"])
        assert rates.exit_code == 0, rates.output
        assert json.loads(rates.stdout) == [{"key": "campus.mapo", "sat": 2, "passed": 1, "percent": 50.0}]
        published = runner.invoke(app, ["support", "publish", "--year", "2025"])
        body = json.loads(published.stdout)
        assert body["certifications_passed"] == 1 and body["startups_launched"] == 0
        assert body["employer_events"] == 0 and body["alumni_active_members"] == 0
        budget = runner.invoke(app, ["support", "budget", "--kind", "certification_fee", "--year", "2025",
                                     "--amount", "5000000", "--source", "test"])
        assert budget.exit_code == 0 and json.loads(budget.stdout)["amount_won"] == 5_000_000
        bad = runner.invoke(app, ["support", "budget", "--kind", "nope", "--year", "2025", "--amount", "1",
                                  "--source", "x"])
        assert bad.exit_code == 1
        listed = runner.invoke(app, ["support", "claims", "--format", "json"])
        assert listed.exit_code == 0 and json.loads(listed.stdout) == []
        pending = runner.invoke(app, ["support", "startup-outcomes"])
        assert pending.exit_code == 0 and json.loads(pending.stdout) == {"recorded": 0}
        month = runner.invoke(app, ["support", "subsidy-run", "--month", "2026-01", "--format", "json"])
        assert month.exit_code == 0 and json.loads(month.stdout)["paid"] == 0
        assert runner.invoke(app, ["support", "subsidy-run", "--month", "nope"]).exit_code == 1
        alumni = runner.invoke(app, ["support", "alumni-publish", "--year", "2025"])
        assert alumni.exit_code == 0 and json.loads(alumni.stdout)["alumni_active_members"] == 0
    finally:
        get_settings.cache_clear()
        dispose_engines()
