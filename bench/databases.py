"""Scratch PostgreSQL databases for the benchmarks: made new, dropped afterwards.

Every name starts with ``ILJA_SCRATCH_DB_PREFIX`` (default ``ilja_bench``), so that runs side by
side (the test suite's workers) each own theirs and can check that none was left behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ADMIN_URL = os.environ.get("ILJA_TEST_POSTGRES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_template_wanted = False  # inside ``migrated_template``
_template: str | None = None  # made there on first use


class PostgresUnreachable(RuntimeError):
    """The server did not answer: the benchmarks that need it say so and skip."""


def _admin(statement: str) -> None:
    import psycopg

    try:
        connection = psycopg.connect(ADMIN_URL.replace("postgresql+psycopg://", "postgresql://"),
                                     autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        raise PostgresUnreachable(f"PostgreSQL not reachable ({ADMIN_URL.split('@')[-1]})") from exc
    with connection:
        connection.execute(statement)


def scratch_name(label: str) -> str:
    """A new database name: the prefix, what it is for, a random part."""
    name = f"{os.environ.get('ILJA_SCRATCH_DB_PREFIX', 'ilja_bench')}_{label}_{uuid.uuid4().hex[:10]}"
    if not re.fullmatch(r"\w{1,63}", name, re.ASCII):  # quoted in SQL, and PostgreSQL cuts at 63
        raise ValueError(f"not a usable database name: {name!r}")
    return name


def create_database(name: str, template: str | None = None) -> str:
    """Create the database ``name`` on the local server, empty or a copy of ``template``; its
    SQLAlchemy URL."""
    _admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_database(name: str) -> None:
    """Drop ``name`` if it exists, with whatever connections a killed child left behind."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def migrated_template() -> Iterator[None]:
    """Within it, ``scratch_postgres`` clones one database migrated on first use instead of making
    an empty one for the benchmark to migrate (a clone takes a second, the migrations several:
    most of a quick run's database time). The template is dropped on exit."""
    global _template_wanted, _template
    _template_wanted = True
    try:
        yield
    finally:
        name, _template_wanted, _template = _template, False, None
        if name:
            drop_database(name)


def _migrated_template() -> str | None:
    """The template's name inside ``migrated_template`` (made now if need be), else None."""
    global _template
    if _template_wanted and _template is None:
        from ilja.db import upgrade

        name = scratch_name("template")
        url = create_database(name)
        try:
            upgrade(url)  # its connections are closed after: a template must have none
        except BaseException:
            drop_database(name)
            raise
        _template = name
    return _template


@contextlib.contextmanager
def scratch_postgres(label: str) -> Iterator[str]:
    """The URL of a new database (empty, or migrated inside ``migrated_template``: benchmarks
    migrate it either way), dropped on exit however the block ends, the pooled connections to it
    closed first. Raises ``PostgresUnreachable`` when there is no server."""
    from ilja.db import dispose_engines

    name = scratch_name(label)
    url = create_database(name, template=_migrated_template())
    try:
        yield url
    finally:
        dispose_engines()
        drop_database(name)


def server_cpu(session: Any) -> Callable[[], float | None]:
    """The CPU seconds PostgreSQL's process for this session has used so far, read from /proc
    when the server runs on this machine (None otherwise): under a shared machine's load the
    wall time swings several times over, the CPU a view costs much less. Parallel workers, if a
    plan starts any, are not counted."""
    from sqlalchemy import text

    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    stat, tick = Path(f"/proc/{pid}/stat"), os.sysconf("SC_CLK_TCK")

    def used() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return used
