"""Payroll benchmark: one month for 16,000 public-job participants (issue 6 §5).

The population follows the 2025 plan's shares (동행일자리 12,890 people at 6 h a day, the rest
매력일자리 at 8 h); every working day of July 2025 (and the last day of June that opens its first
week) has a timesheet row, about 2 % of them unpaid absences and 3 % paid leave. The pure step is
``month_rules`` + ``compute_month`` + ``compute_deductions`` over columns; the goal for the whole
run (database included) is under 10 s.

    .venv/bin/python -m bench payroll [--participants 16000] [--repeat 3] [--backends sqlite,postgresql] [--quick]

The database runs (a new SQLite file; a scratch database on ``ILJA_TEST_POSTGRES_URL``'s server,
skipped if it does not answer) store the same placements and rows (setup, not timed), then time
``payroll_service.run_payroll`` — reading the rows, computing, writing the pay lines — in one
transaction, and check that a second run of the month pays nobody twice. Then both runs' payments
go into transfer files and the bank's result file for all of them (3 % refused) is imported and
timed (issue 19 §1; goal under 5 s).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from bench import options
from bench.databases import PostgresUnreachable, scratch_postgres
from ilja import clock
from ilja.publicjobs.deductions import compute_deductions, deduction_rules
from ilja.publicjobs.payroll import Entries, Placements, compute_month, month_rules
from ilja.publicjobs.timesheet import KIND_CODES, EntryKind
from ilja.rules.parameters import default_tree

GOAL_SECONDS = 10.0
RESULT_GOAL_SECONDS = 5.0  # importing the bank's result file for every payment (issue 19 §1)
PROGRAMS = ("companion_jobs", "attractive_jobs")
YEAR, MONTH = 2025, 7


def synthetic_month(participants: int, seed: int = 7) -> tuple[Placements, Entries]:
    """Placements and a month of timesheet rows as columns."""
    rng = np.random.default_rng(seed)
    companion = participants * 12_890 // 16_000
    program = np.where(np.arange(participants) < companion, 0, 1).astype(np.int64)
    start = np.where(program == 0, dt.date(2025, 7, 1).toordinal(), dt.date(2025, 3, 1).toordinal())
    end = np.where(program == 0, dt.date(2025, 12, 20).toordinal(), dt.date(2025, 12, 31).toordinal())
    daily = np.where(program == 0, 6000, 8000).astype(np.int64)
    placements = Placements(program, start.astype(np.int64), end.astype(np.int64), daily,
                            np.full(participants, 5, dtype=np.int64))
    first = dt.date(YEAR, MONTH, 1)
    monday = first - dt.timedelta(days=first.weekday())
    days = np.array([(monday + dt.timedelta(days=i)).toordinal() for i in range(first.weekday() + 31)
                     if (monday + dt.timedelta(days=i)).weekday() < 5], dtype=np.int64)
    who = np.repeat(np.arange(participants, dtype=np.int64), len(days))
    day = np.tile(days, participants)
    inside = (day >= start[who]) & (day <= end[who])
    who, day = who[inside], day[inside]
    draw = rng.random(len(who))
    kind = np.full(len(who), KIND_CODES[EntryKind.WORKED], dtype=np.int8)
    kind[draw < 0.05] = KIND_CODES[EntryKind.PAID_LEAVE]
    kind[draw < 0.02] = KIND_CODES[EntryKind.UNPAID_ABSENCE]
    hours = np.where(kind == KIND_CODES[EntryKind.UNPAID_ABSENCE], 0, daily[who])
    return placements, Entries(who, day, kind, hours)


def pure_run(placements: Placements, entries: Entries) -> int:
    tree = default_tree()
    rules = month_rules(tree, PROGRAMS, YEAR, MONTH)
    pay = compute_month(rules, placements, entries)
    n = len(placements)
    none = np.zeros(n, dtype=bool)
    deductions = compute_deductions(deduction_rules(tree, dt.date(YEAR, MONTH, 31)), pay.gross,
                                    pension_exempt=none, employment_exempt=none)
    return int((pay.gross - deductions.total).sum())


def _setup_database(url: str, placements: Placements, entries: Entries) -> None:
    from ilja.db import engine_for, transaction, upgrade
    from ilja.people.models import Person
    from ilja.publicjobs.models import Placement, Project, TimesheetApproval, TimesheetEntryRow

    upgrade(url)
    now = dt.datetime.now(dt.UTC)
    n = len(placements)
    kinds = {code: kind.value for kind, code in KIND_CODES.items()}
    with transaction(engine_for(url)) as session:
        session.execute(Person.__table__.insert(), [{
            "id": i + 1, "name": f"참여자{i}", "birth_date": dt.date(1980, 1, 1), "sido": "서울특별시",
            "sigungu": "마포구", "employment_status": "unemployed", "able_to_work": True,
            "household_head": False, "household_size": 1, "vulnerable_groups": [],
            "veteran_service_months": 0, "nationality": "KR", "visa": "",
            "unemployment_benefit_periods": [], "training_history": [], "created_at": now,
            "updated_at": now} for i in range(n)])
        session.execute(Project.__table__.insert(), [{
            "id": p + 1, "code": f"{PROGRAMS[p % 2]}-{p}", "program_code": PROGRAMS[p % 2],
            "name": f"사업 {p}", "host_code": f"host-{p}", "host_name": "수행기관",
            "host_kind": "district", "seats": 50} for p in range(950)])
        session.execute(Placement.__table__.insert(), [{
            "id": i + 1, "project_id": 1 + (2 * (i % 475) + int(placements.program[i])),
            "program_code": PROGRAMS[int(placements.program[i])], "person_id": i + 1,
            "start_on": dt.date.fromordinal(int(placements.start[i])),
            "end_on": dt.date.fromordinal(int(placements.end[i])),
            "planned_end_on": dt.date.fromordinal(int(placements.end[i])),
            "daily_milli_hours": int(placements.daily_milli[i]), "days_per_week": 5,
            "status": "active", "pension_exempt_from": dt.date(2040, 1, 1),
            "employment_insurance_exempt": False, "created_at": now} for i in range(n)])
        rows = [{"placement_id": int(p) + 1, "day": dt.date.fromordinal(int(d)), "kind": kinds[int(k)],
                 "milli_hours": int(h)} for p, d, k, h in zip(entries.placement, entries.day, entries.kind,
                                                             entries.milli_hours, strict=True)]
        for chunk in range(0, len(rows), 50_000):
            session.execute(TimesheetEntryRow.__table__.insert(), rows[chunk:chunk + 50_000])
        session.execute(TimesheetApproval.__table__.insert(), [{
            "project_id": p + 1, "month": YEAR * 100 + MONTH, "approved_at": now} for p in range(950)])


@contextlib.contextmanager
def _database(backend: str) -> Iterator[str]:
    """A new database on ``backend``, gone afterwards."""
    from ilja.db import dispose_engines

    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="ilja-bench-payroll-") as folder:
            try:
                yield f"sqlite:///{Path(folder) / 'bench.db'}"
            finally:
                dispose_engines()
        return
    with scratch_postgres("payroll") as url:
        yield url


def database_run(backend: str, placements: Placements, entries: Entries) -> tuple[float, float] | None:
    """Seconds of the whole run and of importing its result file on a fresh ``backend`` database;
    None if it is not reachable."""
    try:
        with _database(backend) as url:
            return _whole_run(backend, url, placements, entries)
    except PostgresUnreachable as exc:
        print(f"{backend}: {exc}, skipped")
        return None


def _whole_run(backend: str, url: str, placements: Placements, entries: Entries) -> tuple[float, float]:
    from ilja.accounts.audit import SYSTEM_ACTOR
    from ilja.db import engine_for, transaction
    from ilja.publicjobs import payroll_service

    began = time.perf_counter()
    _setup_database(url, placements, entries)
    print(f"{backend}: setup (not timed) {time.perf_counter() - began:.1f} s", flush=True)
    rows = len(entries.day)
    began = time.perf_counter()
    with transaction(engine_for(url)) as session:
        result = payroll_service.run_payroll(session, "companion_jobs", YEAR, MONTH, actor=SYSTEM_ACTOR)
        other = payroll_service.run_payroll(session, "attractive_jobs", YEAR, MONTH, actor=SYSTEM_ACTOR)
    elapsed = time.perf_counter() - began
    print(f"{'whole run on ' + backend:<28} {rows:>9,} rows  {elapsed:7.3f} s  {rows / elapsed:>12,.0f} rows/s"
          f"  ({result.lines + other.lines:,} pay lines)", flush=True)
    with transaction(engine_for(url)) as session:
        again = payroll_service.run_payroll(session, "companion_jobs", YEAR, MONTH, actor=SYSTEM_ACTOR)
    assert again.lines == 0, "a second run paid someone twice"
    return elapsed, _import_results(backend, url, (result.run_id, other.run_id))


def _import_results(backend: str, url: str, runs: tuple[int, int]) -> float:
    """Send both runs' payments in transfer files (not timed), then time importing the bank's
    result file for all of them (CSV; 3 % refused): reading, checking every row, writing."""
    from sqlalchemy import func, select

    from ilja.accounts.audit import SYSTEM_ACTOR
    from ilja.db import engine_for, transaction
    from ilja.publicjobs import payment_service
    from ilja.publicjobs.bank_results import write_results
    from ilja.publicjobs.payment_models import Payment

    with transaction(engine_for(url)) as session:
        items = [item for program, run in zip(PROGRAMS, runs, strict=True)
                 for item in payment_service.transfer_items(session, payment_service.write_transfer(
                     session, program, actor=SYSTEM_ACTOR, reason="bench", run_id=run).id)]
    on = clock.today()
    rows = [(i.reference, "불능", on, i.amount, "02", "") if n % 33 == 0
            else (i.reference, "입금", on, i.amount, "", "")
            for n, i in enumerate(items)]
    data = write_results(rows)
    began = time.perf_counter()
    with transaction(engine_for(url)) as session:
        summary = payment_service.import_results(session, data, "result.csv", actor=SYSTEM_ACTOR)
    elapsed = time.perf_counter() - began
    print(f"{'result file on ' + backend:<28} {summary.rows:>9,} rows  {elapsed:7.3f} s  "
          f"{summary.rows / elapsed:>12,.0f} rows/s  ({summary.paid:,} paid, {summary.rejected:,} rejected; "
          f"goal < {RESULT_GOAL_SECONDS:g} s)", flush=True)
    with transaction(engine_for(url)) as session:
        paid = session.scalar(select(func.count()).select_from(Payment).where(Payment.status == "paid"))
    assert paid == summary.paid, "the result file was not applied whole"
    return elapsed


def _time(label: str, rows: int, repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    best = min(times)
    print(f"{label:<28} {rows:>9,} rows  best {best:7.3f} s  median {statistics.median(times):7.3f} s"
          f"  {rows / best:>12,.0f} rows/s", flush=True)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench payroll", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=16_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql",
                        help="databases for the whole run (comma-separated; empty for none)")
    args = options.parse(parser, argv, participants=200, repeat=1)
    backends = [b for b in args.backends.split(",") if b]
    if set(backends) - {"sqlite", "postgresql"}:
        parser.error(f"--backends: sqlite and/or postgresql, not {args.backends!r}")
    placements, entries = synthetic_month(args.participants)
    rows = len(entries.day)
    print(f"{args.participants:,} participants, {rows:,} timesheet rows, {YEAR}-{MONTH:02d}")
    best = _time("pure calculation", rows, args.repeat, lambda: pure_run(placements, entries))
    status = 0 if best < GOAL_SECONDS else 1
    for backend in backends:
        times = database_run(backend, placements, entries)
        if times is not None and times[0] >= GOAL_SECONDS:
            print(f"{backend}: over the {GOAL_SECONDS:g} s goal")
            status = 1
        if times is not None and times[1] >= RESULT_GOAL_SECONDS:
            print(f"{backend}: the result file is over the {RESULT_GOAL_SECONDS:g} s goal")
            status = 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
