"""Shared fixtures.

Database tests take the ``database_url`` fixture, which runs each test on SQLite and on
PostgreSQL (a fresh database per test session and worker, with the real migrations). Where
PostgreSQL is unreachable its cases are skipped, except in CI (ILJA_TEST_REQUIRE_POSTGRES=1),
where that is a failure.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ADMIN_URL = os.environ.get(
    "ILJA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def _postgres_available() -> bool:
    import psycopg

    try:
        url = POSTGRES_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> str:
    if not _postgres_available():
        if os.environ.get("ILJA_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (CI) but not reachable on 127.0.0.1:5432")
        pytest.skip("PostgreSQL not reachable on 127.0.0.1:5432")
    return POSTGRES_ADMIN_URL


def create_postgres_database(admin_url: str) -> tuple[str, str]:
    import psycopg

    name = f"ilja_test_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty, migrated database: once on SQLite, once on PostgreSQL."""
    from ilja.db import dispose_engines, upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ilja.db'}"
        upgrade(url)
        yield url
        dispose_engines()
        return
    admin = request.getfixturevalue("postgres_server")
    url, name = create_postgres_database(admin)
    try:
        upgrade(url)
        yield url
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)
