"""The migrations present build the same schema, to the byte, on SQLite and PostgreSQL, and take it down.

A migration, once applied somewhere, is history: rewriting one (to share helpers with the others, or
by a slip) must not change what it creates. Each database is upgraded to the heads below — not
``heads``, so a new migration changes nothing here — and its schema compared with the dump kept
beside this file; then every migration is downgraded and the database must be empty again.

A dump is rewritten (after a change meant to alter these migrations' schema, which should not be)
with ``.venv/bin/python -m tests.migrations.test_schema_unchanged``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from ilja.db import alembic_config, dispose_engines, engine_for
from tests.conftest import POSTGRES_ADMIN_URL, create_postgres_database, drop_postgres_database

# The branches' newest revisions when this dump was made (issue 22).
HEADS = ("0010", "0051", "0101", "0201", "0302", "0350", "0400", "0504", "0600", "0700", "0800", "0900")
DUMPS = Path(__file__).parent

SQLITE_SCHEMA = {
    "sqlite_master": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
    "revisions": "SELECT version_num FROM alembic_version ORDER BY 1",
}
POSTGRES_SCHEMA = {
    "columns": """
        SELECT c.relname, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
               pg_get_expr(d.adbin, d.adrelid), a.attidentity
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY c.relname, a.attnum""",
    "constraints": """
        SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c WHERE c.connamespace = 'public'::regnamespace
        ORDER BY 1, 2""",
    "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2",
    "sequences": """
        SELECT sequencename, data_type::text, start_value, increment_by, max_value
        FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1""",
    "types": """
        SELECT t.typname, t.typtype, e.enumsortorder, e.enumlabel
        FROM pg_type t LEFT JOIN pg_enum e ON e.enumtypid = t.oid
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd')
        ORDER BY 1, 3""",
    "triggers": """
        SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid)
        FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1, 2""",
    "revisions": SQLITE_SCHEMA["revisions"],
}


def dump(url: str) -> str:
    """The schema of ``url``, one line a row of the catalogue, sorted."""
    with engine_for(url).connect() as connection:
        parts = SQLITE_SCHEMA if url.startswith("sqlite") else POSTGRES_SCHEMA
        lines = []
        for part, query in parts.items():
            lines.append(f"-- {part}")
            lines += [" | ".join(str(value) for value in row) for row in connection.execute(text(query))]
    dispose_engines()
    return "\n".join(lines) + "\n"


def upgraded(url: str) -> str:
    config = alembic_config(url)
    for head in HEADS:
        command.upgrade(config, head)
    return dump(url)


def downgraded(url: str) -> tuple[list[str], list[str]]:
    """The tables and the revisions left once every migration is downgraded."""
    command.downgrade(alembic_config(url), "base")
    with engine_for(url).connect() as connection:
        left = inspect(connection).get_table_names(), list(connection.scalars(text(SQLITE_SCHEMA["revisions"])))
    dispose_engines()
    return left


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    """An empty database (no migrations), on each engine: ``(dialect, url)``."""
    if request.param == "sqlite":
        yield "sqlite", f"sqlite:///{tmp_path / 'ilja.db'}"
        dispose_engines()
        return
    admin = request.getfixturevalue("postgres_server")
    url, name = create_postgres_database(admin)
    try:
        yield "postgresql", url
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)


def test_migrations_build_the_kept_schema_and_take_it_down(empty_database):
    dialect, url = empty_database
    assert upgraded(url) == (DUMPS / f"schema_{dialect}.txt").read_text(encoding="utf-8")
    assert downgraded(url) == (["alembic_version"], [])


def _write_dumps(tmp: Path) -> None:
    sqlite_url = f"sqlite:///{tmp / 'ilja.db'}"
    (DUMPS / "schema_sqlite.txt").write_text(upgraded(sqlite_url), encoding="utf-8")
    url, name = create_postgres_database(POSTGRES_ADMIN_URL)
    try:
        (DUMPS / "schema_postgresql.txt").write_text(upgraded(url), encoding="utf-8")
    finally:
        dispose_engines()
        drop_postgres_database(POSTGRES_ADMIN_URL, name)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        _write_dumps(Path(directory))
    sys.exit(0)
