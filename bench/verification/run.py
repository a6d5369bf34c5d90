"""Verification benchmark: a records-check result file of 100,000 rows imported into a round of
100,000 동행일자리 applications, the eligibility re-evaluation included (issue 21).

Goal: at least 5,000 rows/s on SQLite and on PostgreSQL (printed met / not met per database, with
the CPU-seconds this process used per 100,000 rows, the PostgreSQL server's own, and the load
average: the machine is often shared, and the wall-clock rate moves with it). The round is written in bulk first (not
timed, ``bench.verification.world``); the timed part is ``records_check.import_check`` in one
transaction: reading and checking the file, matching each RRN by its blind index, storing each
row's five verified facts (one row per applicant), judging every matched application again (the engine's columnar path),
storing the snapshots, and the three applicants over the income limit becoming not eligible with
their decisions and notices.

    .venv/bin/python -m bench verification [--rows 100000] [--no-postgres] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
from sqlalchemy import text

from bench import options
from bench.databases import PostgresUnreachable, scratch_postgres
from bench.verification import world
from ilja.db import dispose_engines, engine_for, transaction, upgrade
from ilja.people.rrn import generate_key_file
from ilja.verification import records_check

GOAL_ROWS_PER_SECOND = 5_000
OVER_LIMIT = {11, 222, 3333}


def _server_cpu(session) -> tuple[int, float] | None:
    """PostgreSQL: the backend serving this transaction and the CPU-seconds it has used so far."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    times = psutil.Process(pid).cpu_times()
    return pid, times.user + times.system


@dataclass
class Timing:
    seconds: float  # wall clock
    cpu: float  # this process
    server_cpu: float | None  # PostgreSQL's backend, None on SQLite
    load: float  # one-minute load average at the end


def run_once(url: str, rows: int, keys: Path) -> Timing:
    upgrade(url)
    keyring = generate_key_file(keys)
    engine = engine_for(url)
    started = time.perf_counter()
    with transaction(engine) as session:
        built = world.build(session, rows, keyring)
    print(f"  built a round of {rows:,} applications in {time.perf_counter() - started:.1f} s "
          f"(not timed)")
    data = world.records_file(built, over_limit={i for i in OVER_LIMIT if i < rows})
    over = len([i for i in OVER_LIMIT if i < rows])
    started, cpu = time.perf_counter(), time.process_time()
    with transaction(engine) as session:
        server = _server_cpu(session)
        result = records_check.import_check(session, data, "check.csv", built.round_id,
                                            checked_on=dt.date(2025, 6, 2), actor=world.MANAGER,
                                            keyring=keyring)
        server_cpu = None
        if server is not None:
            times = psutil.Process(server[0]).cpu_times()
            server_cpu = times.user + times.system - server[1]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    r = result.reevaluation
    assert result.rows == rows and len(r.became_ineligible) == over, r
    print(f"  {result.rows:,} rows: {r.patched:,} snapshots patched, {r.retaken:,} taken anew, "
          f"{len(r.became_ineligible)} became not eligible")
    return Timing(seconds, cpu, server_cpu, os.getloadavg()[0])


def _report(name: str, rows: int, timing: Timing) -> bool:
    rate = rows / timing.seconds
    ok = rate >= GOAL_ROWS_PER_SECOND
    per = 100_000 / rows
    server = ("" if timing.server_cpu is None
              else f" + {timing.server_cpu * per:.1f} s PostgreSQL backend")
    print(f"{name}: {rows:,} rows in {timing.seconds:.1f} s = {rate:,.0f} rows/s "
          f"(goal ≥ {GOAL_ROWS_PER_SECOND:,}: {'met' if ok else 'NOT met'}); "
          f"CPU per 100,000 rows: {timing.cpu * per:.1f} s this process{server}; "
          f"load average {timing.load:.1f} on {os.cpu_count()} cores")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench verification", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    args = options.parse(parser, argv, rows=2_000)
    with tempfile.TemporaryDirectory(prefix="ilja-bench-verification-") as scratch:
        folder = Path(scratch)
        try:
            timing = run_once(f"sqlite:///{folder / 'bench.db'}", args.rows,
                              folder / "keys-sqlite.json")
        finally:
            dispose_engines()
        _report("SQLite", args.rows, timing)
        if not args.no_postgres:
            try:
                with scratch_postgres("verification") as url:
                    timing = run_once(url, args.rows, folder / "keys-postgres.json")
                _report("PostgreSQL", args.rows, timing)
            except PostgresUnreachable as exc:
                print(f"{exc}, skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
