"""Migration 0900 creates exactly the verification tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from ilja.db import engine_for
from ilja.models import metadata

MINE = ("verification_documents", "verification_records_checks", "verified_facts", "verification_at_selection")


def test_migration_matches_the_models(database_url):
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata)
                 if any(f"'{t}'" in repr(d) or f"{t}." in repr(d) for t in MINE)]
    assert diffs == []
