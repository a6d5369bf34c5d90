"""Migration 0010 gives rounds the column the model describes (draw_prepared_at, issue 22)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from ilja.db import engine_for
from ilja.models import metadata


def test_migration_matches_the_rounds_model(database_url):
    with engine_for(database_url).connect() as connection:
        assert "draw_prepared_at" in {c["name"] for c in inspect(connection).get_columns("rounds")}
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "'rounds'" in repr(d)]
    assert diffs == []
