"""Scratch PostgreSQL databases for the benchmarks: made empty, dropped afterwards."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

ADMIN_URL = os.environ.get("ILJA_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@contextlib.contextmanager
def scratch_postgres(prefix: str = "ilja_bench") -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty database on the local server, dropped on exit (with
    whatever connections a killed child left behind)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    plain = ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(plain, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
