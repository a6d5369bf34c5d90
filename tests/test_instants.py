"""Instants are stored in UTC on every database and read back aware in UTC (issue 16)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import DateTime, select, text
from sqlalchemy.exc import StatementError

from ilja import models  # noqa: F401  (every domain's tables)
from ilja.db import Base, UTCDateTime, engine_for, transaction
from ilja.programs.models import PlanVersion

SIX_PM_SEOUL = dt.datetime(2025, 5, 20, 18, 0, tzinfo=ZoneInfo("Asia/Seoul"))


def _plan(loaded_at: dt.datetime) -> PlanVersion:
    return PlanVersion(plan_id="test", version="1", year=2025, content_hash="instant-test",
                       loaded_at=loaded_at, warning_count=0, title={}, sources=[],
                       standards={}, district_count={}, checks=[])


def test_every_instant_column_is_utc():
    plain = [f"{table.name}.{column.name}" for mapper in Base.registry.mappers
             for table in mapper.tables for column in table.columns
             if isinstance(column.type, DateTime) and not isinstance(column.type, UTCDateTime)]
    assert plain == []


def test_an_instant_is_stored_in_utc_and_read_back_aware(database_url):
    with transaction(engine_for(database_url)) as session:
        session.add(_plan(SIX_PM_SEOUL))
    with transaction(engine_for(database_url)) as session:
        loaded_at = session.execute(select(PlanVersion.loaded_at)).scalar_one()
        assert loaded_at == SIX_PM_SEOUL and loaded_at.tzinfo == dt.UTC
        assert loaded_at.hour == 9
        found = session.execute(select(PlanVersion.id).where(
            PlanVersion.loaded_at < SIX_PM_SEOUL + dt.timedelta(minutes=1))).all()
        assert len(found) == 1
        if session.bind.dialect.name == "sqlite":
            stored = session.execute(text("SELECT loaded_at FROM plan_versions")).scalar_one()
            assert stored.startswith("2025-05-20 09:00:00")


def test_a_naive_datetime_is_refused(database_url):
    with (pytest.raises(StatementError, match="needs a time zone"),
          transaction(engine_for(database_url)) as session):
        session.add(_plan(dt.datetime(2025, 5, 20, 18, 0)))
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(PlanVersion.id)).all() == []


def test_a_backup_from_before_zoned_instants_restores_them_as_utc():
    from ilja.ops.backup import _decode

    restored = _decode({"$t": "2025-05-20T09:00:00", "k": "datetime"})
    assert restored == SIX_PM_SEOUL and restored.tzinfo == dt.UTC
    assert _decode({"$t": "2025-05-20", "k": "date"}) == dt.date(2025, 5, 20)
