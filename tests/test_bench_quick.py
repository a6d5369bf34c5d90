"""``python -m bench --quick`` runs every benchmark on small sizes, so that none rots between real
runs, and leaves no scratch database or temporary file behind (``bench`` itself fails a benchmark
that leaves a thread or a child process running)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.__main__ import QUICK_SKIPPED, benchmarks

from tests.conftest import DATABASE_PREFIXES

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get("ILJA_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _databases_named(prefix: str) -> list[str] | None:
    """The databases whose name starts with ``prefix_``; None if PostgreSQL does not answer."""
    import psycopg

    try:
        with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"),
                             connect_timeout=3, autocommit=True) as connection:
            rows = connection.execute("SELECT datname FROM pg_database WHERE starts_with(datname, %s)",
                                      (f"{prefix}_",)).fetchall()
    except psycopg.OperationalError:
        return None
    return [name for (name,) in rows]


def _drop(names: list[str]) -> None:
    """Drop what a failed run left, so that the next run starts clean."""
    import psycopg

    with psycopg.connect(POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://"),
                         autocommit=True) as connection:
        for name in names:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def short_temp() -> Iterator[Path]:
    """A temporary folder with a short path: Chromium's socket path (bench/pages) must fit in the
    108 bytes a Unix socket address allows, which a pytest tmp_path can exceed."""
    folder = Path(tempfile.mkdtemp(prefix="bq-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_every_benchmark_runs_quick(short_temp):
    prefix = DATABASE_PREFIXES[1].rstrip("_")  # this run's and worker's own
    postgres = _databases_named(prefix) is not None
    if not postgres and os.environ.get("ILJA_TEST_REQUIRE_POSTGRES") == "1":
        pytest.fail("PostgreSQL is required (CI) but not reachable on 127.0.0.1:5432")
    temp = short_temp
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("ILJA_") or key == "ILJA_TEST_POSTGRES_URL"}
    env.update(ILJA_SCRATCH_DB_PREFIX=prefix, TMPDIR=str(temp))
    try:
        # subprocess.run kills the child when the timeout expires
        result = subprocess.run([sys.executable, "-m", "bench", "--quick"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300)
    finally:
        left = _databases_named(prefix) or []
        if left:
            _drop(left)
    failed = [block for block in result.stdout.split("== bench/")
              if ": FAILED in " in block]  # each failed benchmark's whole output, first
    output = "\n".join(f"== bench/{block[-6000:]}" for block in failed) + (
        f"\n--- stdout's end ---\n{result.stdout[-3000:]}\n--- stderr ---\n{result.stderr[-6000:]}")
    assert result.returncode == 0, output
    for name in benchmarks():
        assert f"== bench/{name}\n" in result.stdout, output
    for name in QUICK_SKIPPED:
        assert f"== bench/{name}\nskipped in --quick: " in result.stdout, output
    if postgres:
        assert "PostgreSQL not reachable" not in result.stdout, output
    assert not left, f"scratch databases left behind: {left}"
    assert not list(temp.iterdir()), f"temporary files left behind: {list(temp.iterdir())}"
