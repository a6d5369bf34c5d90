"""Shared fixtures.

Database tests take the ``database_url`` fixture, which runs each test on SQLite and on
PostgreSQL (a fresh database per test session and worker, with the real migrations). Where
PostgreSQL is unreachable its cases are skipped, except in CI (ILJA_TEST_REQUIRE_POSTGRES=1),
where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

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


def create_postgres_database(admin_url: str, template: str | None = None) -> tuple[str, str]:
    import psycopg

    name = f"ilja_test_{uuid.uuid4().hex[:12]}"
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        clause = f' TEMPLATE "{template}"' if template else ""
        connection.execute(f'CREATE DATABASE "{name}"{clause}')
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg

    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite file with every migration applied; each test gets a copy (fast)."""
    from ilja.db import dispose_engines, upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    dispose_engines()
    return path


@pytest.fixture(scope="session")
def migrated_postgres(request) -> Iterator[str]:
    """One PostgreSQL database with every migration applied, cloned per test (CREATE DATABASE …
    TEMPLATE), so the migrations run once per test process instead of once per test."""
    from ilja.db import dispose_engines, upgrade

    admin = request.getfixturevalue("postgres_server")
    url, name = create_postgres_database(admin)
    try:
        upgrade(url)
        dispose_engines()
        yield name
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty, migrated database: once on SQLite, once on PostgreSQL."""
    from ilja.db import dispose_engines

    if request.param == "sqlite":
        path = tmp_path / "ilja.db"
        shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        yield f"sqlite:///{path}"
        dispose_engines()
        return
    admin = request.getfixturevalue("postgres_server")
    template = request.getfixturevalue("migrated_postgres")
    url, name = create_postgres_database(admin, template=template)
    try:
        yield url
    finally:
        dispose_engines()
        drop_postgres_database(admin, name)
