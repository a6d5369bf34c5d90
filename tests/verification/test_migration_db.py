"""Migrations 0900 and 0901 create exactly the verification tables the models describe, and 0901
carries the verified facts over."""

from __future__ import annotations

import datetime as dt

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from bench.verification import world
from sqlalchemy import text

from ilja.db import alembic_config, dispose_engines, engine_for, transaction
from ilja.models import metadata
from ilja.people.rrn import generate_key_file
from ilja.verification import records_check, service
from tests.verification.households import with_households

MINE = ("verification_documents", "verification_records_checks", "verified_facts", "verification_at_selection")


def test_migration_matches_the_models(database_url):
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata)
                 if any(f"'{t}'" in repr(d) or f"{t}." in repr(d) for t in MINE)]
    assert diffs == []


def _facts(engine, ids):
    """Each application's verified facts with how they were verified."""
    with transaction(engine) as session:
        return {app: {f: (v.value, v.declared, v.method, v.check_id, v.reason) for f, v in
                      service.verified_facts(session, app).items()} for app in ids}


def test_0901_gathers_a_checks_facts_and_takes_them_apart_again(database_url, tmp_path):
    """0901 carries the rows over both ways: a check's facts of one application into one row,
    each of staff's into its own; its downgrade back to one row per fact."""
    engine = engine_for(database_url)
    keyring = generate_key_file(tmp_path / "keys.json")
    with transaction(engine) as session:
        built = world.build(session, 6, keyring, seats=2)
        records_check.import_check(session, with_households(built, world.records_file(built)), "check.csv",
                                   built.round_id, checked_on=dt.date(2025, 6, 2), actor=world.MANAGER,
                                   keyring=keyring)
        first, second = built.application_ids[:2]
        service.correct_fact(session, first, "household_income_krw", "1,300,000", reason="소득 금액 확인",
                             actor=world.MANAGER)
        service.accept_fact(session, second, "sido", actor=world.MANAGER)
    before = _facts(engine, built.application_ids)
    assert before[first]["household_income_krw"][2:] == ("corrected", None, "소득 금액 확인")
    assert before[first]["household_assets_krw"][2] == "records_check" and len(before[first]) == 7
    config = alembic_config(database_url)
    dispose_engines()
    command.downgrade(config, "0900")
    with engine_for(database_url).connect() as connection:
        rows = connection.execute(text("SELECT application_id, fact FROM verified_facts")).all()
    assert len(rows) == 6 * 7 + 1 and len(set(rows)) == len(rows)
    dispose_engines()
    command.upgrade(config, "heads")
    engine = engine_for(database_url)
    assert _facts(engine, built.application_ids) == before
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM verified_facts")).scalar_one() == 6 + 2
