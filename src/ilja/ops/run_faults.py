"""Kill a selection run and a payroll run half-way, run them again, and check what is stored.

For each run the harness prepares a realistic case (a 동행일자리 round with thousands of imported
applications and about one seat for five of them; a month of 동행일자리 with thousands of
placements whose timesheets are entered and approved through the services), then starts the run
as a child process, three times:

1. the reference: the whole run, timed, then rolled back — what an uninterrupted run stores;
2. the fault: SIGKILL half-way — at ``fraction`` of the reference's duration, or, with
   ``after_writes``, right after the run's bulk insert (outcomes, pay lines) has reached the
   database, before the commit — then the state is read: either nothing of the run or all of it;
3. the re-run, to completion, as an operator would after a crash.

Then: one outcome per drawn application and one pay line per participant-month, nothing twice,
the stored result equal to the reference (output hash, per-line pay and totals), the draw proven
from its stored inputs, one audit entry per completed run agreeing with it, nothing written
before the fault lost (applications, timesheets, the audit log up to the fault), and
``audit.verify`` ok. On PostgreSQL the report also says whether the child's transaction was
open with its writes done at the moment of the kill (``pg_stat_activity.backend_xid``).

    report = run_faults(url, data_dir)           # an empty migrated database; about a minute
    print(report.summary())

The child is ``python -m ilja.ops.run_faults selection ROUND`` or ``payroll PROGRAM YYYY-MM``:
the service in one ``transaction()``, as ``ilja select run`` and ``ilja payroll run`` call it.
The snapshots and checks are in ``ilja.ops.run_checks``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from ilja import access, clock
from ilja.accounts import audit
from ilja.applications.demo_data import fill_demo_round
from ilja.applications.models import RoundUnit
from ilja.db import engine_for, get_engine, transaction
from ilja.ops.run_checks import (
    audit_head,
    audit_kept,
    check_payroll,
    check_selection,
    pay_lines_digest,
    pay_rows,
    payroll_state,
    selection_state,
)
from ilja.ops.site import environment
from ilja.people.models import Person
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.models import PayrollRun
from ilja.publicjobs.payroll_service import run_payroll
from ilja.publicjobs.timesheet import EntryKind, prefill_month
from ilja.selection import service as selection

ACTOR = audit.Actor("cli:run-faults", "program_manager", "cli")
PAYROLL_PROGRAM = "companion_jobs"
PAY_YEAR, PAY_MONTH = 2025, 7
CHILD_TIMEOUT = 600.0
_BULK_INSERT = {"selection": "selection_outcomes", "payroll": "pj_pay_lines"}


# --------------------------------------------------------------------------------------------
# The report
# --------------------------------------------------------------------------------------------
@dataclass
class RunFault:
    """One run killed half-way and run again: its figures and what was found wrong."""

    kind: str
    rows: int = 0
    reference_seconds: float = 0.0
    killed_at: float | None = None
    landed: bool = False
    open_writes: bool | None = None
    rerun_seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        killed = "—" if self.killed_at is None else f"{self.killed_at:.2f} s"
        moment = ("before the commit" if self.landed else "AFTER the commit (nothing interrupted)")
        writes = {None: "", True: ", transaction open with its writes",
                  False: ", transaction without writes yet"}[self.open_writes]
        return (f"{self.kind}: killed at {killed} of {self.reference_seconds:.2f} s, {moment}{writes}; "
                f"re-run {self.rerun_seconds:.2f} s; {self.rows:,} rows checked; "
                f"{len(self.problems)} problems")


@dataclass
class FaultReport:
    """Both runs, the audit chain after them, and how long the whole harness took."""

    selection: RunFault
    payroll: RunFault
    chain_ok: bool
    audit_entries: int
    seconds: float

    @property
    def rows(self) -> int:
        return self.selection.rows + self.payroll.rows

    @property
    def landed(self) -> bool:
        return self.selection.landed and self.payroll.landed

    @property
    def problems(self) -> list[str]:
        found = [f"{run.kind}: {p}" for run in (self.selection, self.payroll) for p in run.problems]
        if not self.chain_ok:
            found.append("the audit chain does not verify")
        return found

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        return (f"{self.selection.summary()}; {self.payroll.summary()}; audit chain "
                f"{'verifies' if self.chain_ok else 'BROKEN'} ({self.audit_entries:,} entries); "
                f"{self.seconds:.0f} s")


# --------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------
def prepare_selection(url: str, applicants: int, *, seed: int = 2025) -> int:
    """The demo's open 동행일자리 round with ``applicants`` imported applications, its seats cut
    to about one for every five applicants so that the draw fills a waitlist. Returns its id."""
    with transaction(engine_for(url)) as session:
        report = fill_demo_round(session, seed=seed, applicants=applicants, citizen_login="")
        if report is None:
            raise RuntimeError("the database has the demo round already: give the harness an empty one")
        units = list(session.scalars(select(RoundUnit).where(RoundUnit.round_id == report.round_id)))
        total = sum(u.seats or 0 for u in units)
        for unit in units:
            if unit.seats:
                unit.seats = max(1, unit.seats * applicants // (5 * total))
        return report.round_id


def prepare_payroll(url: str, participants: int, *, per_project: int = 50, seed: int = 7) -> None:
    """``participants`` people placed in 동행일자리 projects from July 2025, the month entered
    (about 2 % unpaid absences and 3 % paid leave) and approved by each host."""
    rng = np.random.default_rng(seed)
    now = clock.now()
    with transaction(engine_for(url)) as session:
        if session.scalar(select(PayrollRun.id).where(
                PayrollRun.program_code == PAYROLL_PROGRAM,
                PayrollRun.month == publicjobs.month_key(PAY_YEAR, PAY_MONTH)).limit(1)):
            raise RuntimeError("the month is paid already: give the harness an empty database")
        first = (session.scalar(select(func.max(Person.id))) or 0) + 1
        session.execute(Person.__table__.insert(), [{
            "name": f"참여자{n}", "birth_date": dt.date(1961 + n % 38, 1 + n % 12, 1 + n % 28),
            "sido": "서울특별시", "sigungu": "마포구", "employment_status": "unemployed",
            "able_to_work": True, "household_head": n % 3 == 0, "household_size": 1 + n % 4,
            "vulnerable_groups": [], "veteran_service_months": 0, "nationality": "KR", "visa": "",
            "unemployment_benefit_periods": [], "training_history": [], "created_at": now,
            "updated_at": now} for n in range(participants)])
        people = list(session.scalars(select(Person.id).where(Person.id >= first).order_by(Person.id)))
        projects = [publicjobs.create_project(session, publicjobs.ProjectInput(
            code=f"run-faults-{first}-{p}", program_code=PAYROLL_PROGRAM, name=f"장애 주입 사업 {p}",
            host_code=f"run-faults-{p}", host_name="마포구청", host_kind="district",
            seats=per_project), actor=ACTOR).id for p in range(-(-participants // per_project))]
        for n, person_id in enumerate(people):
            publicjobs.place(session, project_id=projects[n // per_project], person_id=person_id,
                             actor=ACTOR, start_on=dt.date(PAY_YEAR, PAY_MONTH, 1))
    for project_id in projects:
        with transaction(engine_for(url)) as session:
            entries = []
            for placement in publicjobs.project_placements(session, project_id, PAY_YEAR, PAY_MONTH):
                for entry in prefill_month(publicjobs.terms_of(placement), PAY_YEAR, PAY_MONTH):
                    draw = rng.random()
                    if entry.kind == EntryKind.WORKED and draw < 0.02:
                        entry = dataclasses.replace(entry, kind=EntryKind.UNPAID_ABSENCE, milli_hours=0)
                    elif entry.kind == EntryKind.WORKED and draw < 0.05:
                        entry = dataclasses.replace(entry, kind=EntryKind.PAID_LEAVE)
                    entries.append(entry)
            publicjobs.enter_month(session, project_id, PAY_YEAR, PAY_MONTH, entries, actor=ACTOR)
            publicjobs.approve_month(session, project_id, PAY_YEAR, PAY_MONTH, actor=ACTOR)


# --------------------------------------------------------------------------------------------
# The child process and the kill
# --------------------------------------------------------------------------------------------
class _Child:
    """A run in a child process; its stdout is a stream of JSON events read by a thread."""

    def __init__(self, url: str, data_dir: Path, arguments: list[str]) -> None:
        env = {**os.environ, "ILJA_DATABASE_URL": url, "ILJA_DATA_DIR": str(data_dir),
               "ILJA_ENVIRONMENT": "test"}
        with (data_dir / "run-faults-child.log").open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "ilja.ops.run_faults", *arguments], env=env, text=True,
                stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.seen: dict[str, dict[str, Any]] = {}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{"):
                self.events.put(json.loads(line))
        self.events.put({"event": "exit"})

    def wait_for(self, name: str, timeout: float = CHILD_TIMEOUT) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while name not in self.seen:
            try:
                event = self.events.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                raise RuntimeError(f"the child sent no {name!r} in {timeout:.0f} s") from None
            self.seen[event["event"]] = event
            if event["event"] == "exit" and name not in self.seen:
                self.process.wait()
                raise RuntimeError(f"the child exited ({self.process.returncode}) before {name!r}; "
                                   "see run-faults-child.log")
        return self.seen[name]

    def kill(self) -> None:
        """SIGKILL the child (by its pid), then take in what it had said before it died."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        while True:
            try:
                event = self.events.get(timeout=5)
            except queue.Empty:
                return
            self.seen.setdefault(event["event"], event)
            if event["event"] == "exit":
                return


def _complete(url: str, data_dir: Path, arguments: list[str]) -> dict[str, Any]:
    child = _Child(url, data_dir, arguments)
    done = child.wait_for("done")
    child.process.wait()
    return done


def _backend(url: str, pid: int | None) -> tuple[bool, bool | None]:
    """Whether PostgreSQL backend ``pid`` is still there, and if so whether its transaction has
    written (a transaction id is assigned at the first write)."""
    if pid is None:
        return False, None
    with engine_for(url).connect() as connection:
        row = connection.execute(text("SELECT backend_xid IS NOT NULL FROM pg_stat_activity "
                                      "WHERE pid = :pid"), {"pid": pid}).first()
    return (row is not None, bool(row[0]) if row is not None else None)


def _kill_half_way(url: str, data_dir: Path, arguments: list[str], fault: RunFault,
                   fraction: float, after_writes: bool) -> None:
    """Start the run, SIGKILL it half-way, and wait until its database session is gone."""
    extra = ["--hold-after-insert", _BULK_INSERT[arguments[0]]] if after_writes else []
    child = _Child(url, data_dir, [*arguments, *extra])
    started = child.wait_for("started")
    began = time.monotonic()
    if after_writes:
        child.wait_for("wrote")
    else:
        time.sleep(max(0.0, fraction * fault.reference_seconds - (time.monotonic() - began)))
    _, fault.open_writes = _backend(url, started.get("backend"))
    child.kill()
    fault.killed_at = time.monotonic() - began
    if "done" in child.seen:
        fault.open_writes = None
    deadline = time.monotonic() + 60
    while _backend(url, started.get("backend"))[0] and time.monotonic() < deadline:
        time.sleep(0.05)


def _reference(url: str, data_dir: Path, arguments: list[str], fault: RunFault) -> dict[str, Any]:
    """The uninterrupted run, twice, each rolled back: the first warms the caches (on SQLite it
    can take twice as long), so the kill is timed on the faster one; both must agree."""
    first, second = (_complete(url, data_dir, [*arguments, "--dry-run"]) for _ in range(2))
    if first["summary"] != second["summary"]:
        fault.problems.append("two uninterrupted runs on the same data disagree")
    fault.reference_seconds = min(first["seconds"], second["seconds"])
    return second


def _rerun(url: str, data_dir: Path, arguments: list[str], fault: RunFault) -> dict[str, Any] | None:
    """Run it again to the end, as an operator would; a refusal or a crash is a problem found."""
    try:
        done = _complete(url, data_dir, arguments)
    except RuntimeError as error:
        fault.problems.append(f"the re-run failed: {error}")
        return None
    fault.rerun_seconds = done["seconds"]
    return done


def selection_fault(url: str, data_dir: Path, round_id: int, *, fraction: float = 0.5,
                    after_writes: bool = False) -> RunFault:
    """Draw ``round_id`` (rolled back, timed), kill a draw half-way, draw again, check."""
    fault = RunFault("selection")
    arguments = ["selection", str(round_id)]
    reference = _reference(url, data_dir, arguments, fault)
    with transaction(engine_for(url)) as session:
        head = audit_head(session)
        before = selection_state(session, round_id)
    _kill_half_way(url, data_dir, arguments, fault, fraction, after_writes)
    with transaction(engine_for(url)) as session:
        audit.verify(session)
        after = selection_state(session, round_id)
    fault.landed = not any(status == "completed" for _, status in after["runs"])
    if fault.landed and after != before:
        fault.problems.append(f"half-done after the kill: {after} (before: {before})")
    rerun = _rerun(url, data_dir, arguments, fault)
    if rerun is None:
        return fault
    if rerun["summary"]["drawn"] != fault.landed:
        fault.problems.append("the re-run drew again a round that was drawn" if rerun["summary"]["drawn"]
                              else "the re-run did not draw a round left undrawn")
    with transaction(engine_for(url)) as session:
        audit.verify(session)
        fault.rows, found = check_selection(session, round_id, reference["summary"], before)
        fault.problems += found + audit_kept(session, head)
    if not fault.landed:
        fault.problems.append("the kill came after the commit: nothing was interrupted")
    return fault


def payroll_fault(url: str, data_dir: Path, *, program: str = PAYROLL_PROGRAM,
                  year: int = PAY_YEAR, month: int = PAY_MONTH, fraction: float = 0.5,
                  after_writes: bool = False) -> RunFault:
    """Pay the month (rolled back, timed), kill a run half-way, run it again, check."""
    fault = RunFault("payroll")
    key = publicjobs.month_key(year, month)
    arguments = ["payroll", program, f"{year}-{month:02d}"]
    reference = _reference(url, data_dir, arguments, fault)
    with transaction(engine_for(url)) as session:
        head = audit_head(session)
        before = payroll_state(session, program, key)
    _kill_half_way(url, data_dir, arguments, fault, fraction, after_writes)
    with transaction(engine_for(url)) as session:
        audit.verify(session)
        after = payroll_state(session, program, key)
    fault.landed = not after["runs"]
    if fault.landed and after != before:
        fault.problems.append(f"half-done after the kill: {after} (before: {before})")
    if _rerun(url, data_dir, arguments, fault) is None:
        return fault
    with transaction(engine_for(url)) as session:
        audit.verify(session)
        fault.rows, found = check_payroll(session, program, key, reference["summary"], before,
                                          landed=fault.landed)
        fault.problems += found + audit_kept(session, head)
    if not fault.landed:
        fault.problems.append("the kill came after the commit: nothing was interrupted")
    return fault


def run_faults(url: str, data_dir: Path, *, applicants: int = 8000, participants: int = 4000,
               fraction: float = 0.5, after_writes: bool = False) -> FaultReport:
    """Prepare both cases on ``url`` (an empty migrated database, SQLite or PostgreSQL), kill a
    selection run and a payroll run half-way, run them again and check (module docstring).

    ``fraction``: when to kill, as a share of the uninterrupted run's measured duration;
    ``after_writes``: instead, kill right after the run's bulk insert reached the database.
    """
    began = time.monotonic()
    data_dir.mkdir(parents=True, exist_ok=True)
    with environment(url, data_dir):
        round_id = prepare_selection(url, applicants)
        prepare_payroll(url, participants)
        selection = selection_fault(url, data_dir, round_id, fraction=fraction,
                                    after_writes=after_writes)
        payroll = payroll_fault(url, data_dir, fraction=fraction, after_writes=after_writes)
        with transaction(engine_for(url)) as session:
            chain = audit.verify(session)
    return FaultReport(selection, payroll, chain.ok, chain.checked, time.monotonic() - began)


# --------------------------------------------------------------------------------------------
# The child's side
# --------------------------------------------------------------------------------------------
def _emit(event: str, **values: Any) -> None:
    print(json.dumps({"event": event, **values}), flush=True)


Summary = Callable[[], dict[str, Any]]


def _run_selection(session: Session, arguments: argparse.Namespace) -> Summary:
    """Draw the round as ``ilja select run`` does; returns what to report, read afterwards."""
    result = selection.run_selection(session, int(arguments.target), actor=ACTOR)
    stats = result.run.stats or {}
    return lambda: {"drawn": result.drawn, "output_hash": result.run.output_hash,
                    "applicants": result.run.applicants, "selected": stats.get("selected"),
                    "waitlisted": stats.get("waitlisted")}


def _run_payroll(session: Session, arguments: argparse.Namespace) -> Summary:
    """Pay the month as ``ilja payroll run`` does; returns what to report, read afterwards."""
    year, month = (int(part) for part in arguments.month.split("-"))
    result = run_payroll(session, arguments.target, year, month, actor=ACTOR)

    def summary() -> dict[str, Any]:
        rows = pay_rows(session, arguments.target, publicjobs.month_key(year, month))
        return {"sequence": result.sequence, "lines": len(rows),
                "digest": pay_lines_digest(rows), "totals": dict(result.totals)}

    return summary


_RUNS: dict[str, Callable[[Session, argparse.Namespace], Summary]] = {
    "selection": _run_selection, "payroll": _run_payroll}


class _RolledBack(Exception):
    """Ends a reference run's transaction without committing it."""


def _hold_after_insert(engine: Any, table: str) -> None:
    """Stop for good right after the first INSERT INTO ``table``, and say so: the parent kills
    the process then, with the run's bulk writes in the database and not committed."""
    def after(connection, cursor, statement, parameters, context, executemany) -> None:
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            _emit("wrote", table=table)
            time.sleep(CHILD_TIMEOUT)
            os._exit(3)  # never commit a held run, even if nobody came to kill it

    event.listen(engine, "after_cursor_execute", after)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ilja.ops.run_faults",
                                     description="One selection or payroll run, for the harness.")
    parser.add_argument("kind", choices=sorted(_RUNS))
    parser.add_argument("target", help="the round id, or the payroll's program")
    parser.add_argument("month", nargs="?", help="the payroll's month (YYYY-MM)")
    parser.add_argument("--dry-run", action="store_true", help="run to the end, then roll back")
    parser.add_argument("--hold-after-insert", metavar="TABLE")
    arguments = parser.parse_args(argv)
    access.load()

    engine = get_engine()
    if arguments.hold_after_insert:
        _hold_after_insert(engine, arguments.hold_after_insert)
    summary: dict[str, Any] = {}
    began = seconds = 0.0
    try:
        with transaction(engine) as session:
            backend = (session.scalar(text("SELECT pg_backend_pid()"))
                       if engine.dialect.name == "postgresql" else None)
            _emit("started", backend=backend)
            began = time.perf_counter()
            summarise = _RUNS[arguments.kind](session, arguments)
            seconds = time.perf_counter() - began
            summary = summarise()
            if arguments.dry_run:
                raise _RolledBack
            began = time.perf_counter() - seconds
    except _RolledBack:
        pass
    else:
        seconds = time.perf_counter() - began  # the commit included
    _emit("done", seconds=seconds, summary=summary, committed=not arguments.dry_run)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
