"""Payroll runs: a month of a program in one transaction, never paying a participant twice.

A run pays every placement of the program active in the month whose project's month is approved
and that has no pay line for the month yet (``UNIQUE(placement_id, month)``), so running a month
again pays only late approvals. Corrections of already paid months are recomputed and their
difference is carried into this run's line (or a line of its own for someone who has left).

A run is all or nothing: the run row, its lines, the carried corrections and its audit entry
commit together, so a run killed half-way leaves nothing and running the month again pays it
whole. Runs of one program's month take turns (``_take_turn``): one started while another is
still open, or while a killed one's transaction is being committed, waits for it and then pays
only what is still due, instead of colliding on the run's sequence number.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, bindparam, func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.people.models import Person
from ilja.programs.loader import load_plan
from ilja.publicjobs.budget import BudgetStatus, expected_by_month
from ilja.publicjobs.deductions import compute_deductions, deduction_rules
from ilja.publicjobs.models import (
    PayLine,
    PayrollRun,
    Placement,
    TimesheetApproval,
    TimesheetCorrection,
    TimesheetEntryRow,
)
from ilja.publicjobs.payment_service import schedule_run
from ilja.publicjobs.payroll import Entries, MonthPay, Placements, compute_month, month_rules
from ilja.publicjobs.service import NotFound, PublicJobError, month_key
from ilja.publicjobs.timesheet import KIND_CODES, month_range
from ilja.rules.parameters import ParameterTree, default_tree

PROGRAMS = ("companion_jobs", "attractive_jobs")
_CODES = {kind.value: code for kind, code in KIND_CODES.items()}
_COLUMNS = (Placement.id, Placement.person_id, Placement.start_on, Placement.end_on,
            Placement.daily_milli_hours, Placement.days_per_week, Placement.pension_exempt_from,
            Placement.employment_insurance_exempt)


@dataclass(frozen=True)
class RunResult:
    run_id: int
    sequence: int
    lines: int
    totals: dict[str, int]


def _month_pay(session: Session, tree: ParameterTree, program: str, year: int, month: int,
               placement_filter: Any) -> tuple[list[tuple], MonthPay | None]:
    """Placements chosen by ``placement_filter`` and their month's pay, from the stored rows."""
    rules = month_rules(tree, PROGRAMS, year, month)
    first, last = month_range(year, month)
    placements = session.execute(select(*_COLUMNS).where(placement_filter).order_by(Placement.id)).all()
    if not placements:
        return [], None
    ids = np.array([p[0] for p in placements], dtype=np.int64)
    ids_query = select(Placement.id).where(placement_filter).scalar_subquery()
    rows = session.execute(select(
        TimesheetEntryRow.placement_id, TimesheetEntryRow.day, TimesheetEntryRow.kind,
        TimesheetEntryRow.milli_hours).where(
        TimesheetEntryRow.placement_id.in_(ids_query),
        TimesheetEntryRow.day >= rules.first_day, TimesheetEntryRow.day <= last)).all()
    program_index = rules.program_index(program)
    columns = Placements(
        program=np.full(len(placements), program_index, dtype=np.int64),
        start=np.array([p[2].toordinal() for p in placements], dtype=np.int64),
        end=np.array([p[3].toordinal() for p in placements], dtype=np.int64),
        daily_milli=np.array([p[4] for p in placements], dtype=np.int64),
        days_per_week=np.array([p[5] for p in placements], dtype=np.int64))
    entries = Entries(
        placement=np.searchsorted(ids, np.array([r[0] for r in rows], dtype=np.int64)),
        day=np.array([r[1].toordinal() for r in rows], dtype=np.int64),
        kind=np.array([_CODES[r[2]] for r in rows], dtype=np.int8),
        milli_hours=np.array([r[3] for r in rows], dtype=np.int64))
    return placements, compute_month(rules, columns, entries)


def _paid_for(session: Session, placement_ids: list[int], key: int) -> dict[int, int]:
    """What each placement has been paid for month ``key`` so far: its line and carried changes."""
    paid: dict[int, int] = {}
    for pid, gross in session.execute(select(PayLine.placement_id, PayLine.gross).where(
            PayLine.placement_id.in_(placement_ids), PayLine.month == key)):
        paid[pid] = gross
    for pid, adjustments in session.execute(select(PayLine.placement_id, PayLine.adjustments).where(
            PayLine.placement_id.in_(placement_ids), PayLine.adjustments.is_not(None))):
        for item in adjustments or []:
            if item["month"] == key:
                paid[pid] = paid.get(pid, 0) + item["amount"]
    return paid


def _carried(session: Session, tree: ParameterTree, program: str, key: int
             ) -> dict[int, tuple[int, list[dict[str, Any]], list[int]]]:
    """Pending corrections of months already paid: per placement (amount, details, ids)."""
    pending = session.execute(select(TimesheetCorrection.id, TimesheetCorrection.placement_id,
                                     TimesheetCorrection.month).join(
        Placement, Placement.id == TimesheetCorrection.placement_id).where(
        Placement.program_code == program, TimesheetCorrection.carried_line_id.is_(None),
        TimesheetCorrection.month < key)).all()
    by_month: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for cid, pid, month in pending:
        by_month[month][pid].append(cid)
    result: dict[int, tuple[int, list[dict[str, Any]], list[int]]] = {}
    for month, placements in sorted(by_month.items()):
        paid = _paid_for(session, list(placements), month)
        ids = [pid for pid in placements if pid in paid]  # an unpaid month is paid in its own run
        if not ids:
            continue
        rows, pay = _month_pay(session, tree, program, month // 100, month % 100, Placement.id.in_(ids))
        assert pay is not None
        for i, row in enumerate(rows):
            delta = int(pay.gross[i]) - paid[row[0]]
            amount, details, cids = result.get(row[0], (0, [], []))
            result[row[0]] = (amount + delta, [*details, {"month": month, "amount": delta}],
                              [*cids, *placements[row[0]]])
    return result


def _take_turn(session: Session, program: str, key: int) -> None:
    """Wait for any other open run of ``program``'s month ``key``, until this transaction ends.

    PostgreSQL: a transaction-scoped advisory lock named after the program and month. SQLite
    needs none: a transaction takes the database's write lock when it begins (``ilja.db``).
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"ilja.payroll:{program}:{key}".encode()).digest()
    name = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(bindparam("name", name, type_=BigInteger))))


class NothingToPay(PublicJobError):
    """No approved timesheet and no correction due for the month: the page records no run."""

    def __init__(self) -> None:
        super().__init__("이 달에 계산할 급여가 없습니다 (승인된 근무기록도, 넘어온 정정분도 없음). "
                         "급여 계산 기록은 남기지 않았습니다.",
                         "Nothing to pay for this month (no approved timesheet, no correction carried "
                         "over); no payroll run was recorded.")


class MonthOutOfRange(PublicJobError):
    """A month no run can pay: before the program began, or too far ahead to have been worked."""

    status_code = 422

    def __init__(self, program: str, first: int, last: int) -> None:
        super().__init__(
            f"급여는 {first // 100}년 {first % 100}월부터 {last // 100}년 {last % 100}월까지의 달만 "
            f"계산할 수 있습니다.",
            f"{program} can be paid only for months from {first // 100}-{first % 100:02d} "
            f"to {last // 100}-{last % 100:02d}.", loc=("body", "month"))
        self.first, self.last = first, last


def payable_months(program: str) -> tuple[int, int]:
    """The first and last month (``YYYYMM``) a run of ``program`` may pay.

    From January of the first year the plan runs the program (no participant worked before it,
    and the pay parameters start there) to December of next year in Seoul (a run for a month not
    yet over is allowed: corrections carry into the next run). A month outside is a typing slip
    (``1406-11``, ``9999-12``), refused before anything is read or written.
    """
    plan = load_plan()
    periods = plan.program(program).periods
    first_year = min((p.start.year for p in periods), default=plan.year)
    return month_key(first_year, 1), month_key(clock.today().year + 1, 12)


def check_month(program: str, year: int, month: int) -> None:
    """Refuse a program without payroll or a month outside ``payable_months``."""
    if program not in PROGRAMS:
        raise PublicJobError("급여 계산 대상 사업이 아닙니다.", f"{program} has no payroll")
    first, last = payable_months(program)
    if not (1 <= month <= 12 and first <= month_key(year, month) <= last):
        raise MonthOutOfRange(program, first, last)


def _due(program: str, year: int, month: int) -> Any:
    """The placements a run of the month pays: of the program, working in the month, in a project
    whose timesheet of the month is approved, and not paid for the month yet."""
    key, (first, last) = month_key(year, month), month_range(year, month)
    approved = select(TimesheetApproval.project_id).where(TimesheetApproval.month == key)
    already = select(PayLine.placement_id).where(PayLine.month == key)
    return (Placement.program_code == program) & (Placement.start_on <= last) & (
        Placement.end_on >= first) & Placement.project_id.in_(approved) & Placement.id.not_in(already)


def anything_to_pay(session: Session, program: str, year: int, month: int,
                    tree: ParameterTree | None = None) -> bool:
    """Whether a run of the month would pay anyone (someone due, or a correction carried over):
    the page says so instead of recording an empty run. A run itself stays safe to repeat."""
    if session.scalar(select(Placement.id).where(_due(program, year, month)).limit(1)) is not None:
        return True
    key = month_key(year, month)
    paid = set(session.scalars(select(PayLine.placement_id).where(PayLine.month == key)))
    return any(pid not in paid for pid in _carried(session, tree or default_tree(), program, key))


def run_payroll(session: Session, program: str, year: int, month: int, *, actor: audit.Actor,
                tree: ParameterTree | None = None) -> RunResult:
    """Pay the month of ``program`` (see the module docstring); one transaction, the caller's."""
    check_month(program, year, month)
    tree = tree or default_tree()
    key = month_key(year, month)
    _take_turn(session, program, key)
    first, last = month_range(year, month)
    sequence = (session.scalar(select(func.max(PayrollRun.sequence)).where(
        PayrollRun.program_code == program, PayrollRun.month == key)) or 0) + 1
    run = PayrollRun(program_code=program, month=key, sequence=sequence,
                     parameter_version=tree.version(), totals={}, actor_id=actor.id,
                     at=clock.now())
    session.add(run)
    session.flush()
    already = select(PayLine.placement_id).where(PayLine.month == key)
    due = _due(program, year, month)
    rows, pay = _month_pay(session, tree, program, year, month, due)
    carried = _carried(session, tree, program, key)
    paid_now = set(session.scalars(already))
    leavers = [pid for pid in carried if pid not in paid_now and pid not in {r[0] for r in rows}]
    extra = session.execute(select(*_COLUMNS).where(Placement.id.in_(leavers)).order_by(Placement.id)).all()
    everyone = list(rows) + list(extra)
    n = len(everyone)
    gross = np.zeros(n, dtype=np.int64)
    if pay is not None:
        gross[: len(rows)] = pay.gross
    adjustment = np.array([carried.get(r[0], (0, [], []))[0] for r in everyone], dtype=np.int64)
    drules = deduction_rules(tree, last)
    deductions = compute_deductions(
        drules, gross + adjustment,
        pension_exempt=np.array([last >= r[6] for r in everyone], dtype=bool),
        employment_exempt=np.array([bool(r[7]) for r in everyone], dtype=bool))
    total_deductions = deductions.total
    net = np.maximum(gross + adjustment, 0) - total_deductions
    lines = []
    for i, r in enumerate(everyone):
        lines.append({
            "run_id": run.id, "placement_id": r[0], "person_id": r[1], "month": key,
            "gross": int(gross[i]), "adjustment": int(adjustment[i]),
            "deductions_total": int(total_deductions[i]), "net": int(net[i]),
            "components": pay.row(i) if pay is not None and i < len(rows) else {},
            "deductions": deductions.row(i),
            "adjustments": carried[r[0]][1] if r[0] in carried else None})
    if lines:
        session.execute(PayLine.__table__.insert(), lines)
    if carried:
        line_ids = dict(session.execute(select(PayLine.placement_id, PayLine.id).where(
            PayLine.run_id == run.id, PayLine.placement_id.in_(list(carried)))).all())
        for pid, (_, _, cids) in carried.items():
            if pid in line_ids:
                for correction in session.scalars(select(TimesheetCorrection).where(
                        TimesheetCorrection.id.in_(cids))):
                    correction.carried_line_id = line_ids[pid]
    run.totals = {"lines": n, "gross": int(gross.sum()), "adjustment": int(adjustment.sum()),
                  "deductions": int(total_deductions.sum()), "net": int(net.sum())}
    session.flush()
    schedule_run(session, run.id, tree)
    audit.record(session, actor, "publicjobs.payroll.run", object_type="publicjob_payroll_run",
                 object_id=run.id, details={"program": program, "month": key, **run.totals})
    return RunResult(run.id, sequence, n, dict(run.totals))


def get_run(session: Session, run_id: int, scope: Scope = SYSTEM) -> PayrollRun:
    """The run, if ``scope`` sees one of its lines (a host: a line of their site)."""
    run = scope.get(session, Kind.PAYROLL_RUN, run_id)
    if run is None:
        raise NotFound("급여 계산 내역을 찾을 수 없습니다.", f"no payroll run {run_id}")
    return run


def runs(session: Session, program: str | None = None, scope: Scope = SYSTEM) -> list[PayrollRun]:
    """Payroll runs, newest first; a host sees only the runs that paid their site."""
    query = select(PayrollRun).where(scope.where(Kind.PAYROLL_RUN)).order_by(PayrollRun.month.desc(),
                                                                             PayrollRun.sequence.desc())
    if program:
        query = query.where(PayrollRun.program_code == program)
    return list(session.scalars(query))


def run_lines(session: Session, run_id: int, scope: Scope = SYSTEM) -> list[PayLine]:
    """A run's lines within ``scope``: a host sees only the lines of their own projects."""
    return list(session.scalars(select(PayLine).where(PayLine.run_id == run_id, scope.where(Kind.PAY_LINE))
                                .order_by(PayLine.id)))


def get_line(session: Session, line_id: int, scope: Scope = SYSTEM) -> PayLine:
    line = scope.get(session, Kind.PAY_LINE, line_id)
    if line is None:
        raise NotFound("급여 내역을 찾을 수 없습니다.", f"no pay line {line_id}")
    return line


def lines_of_person(session: Session, person_id: int) -> list[PayLine]:
    return list(session.scalars(select(PayLine).where(PayLine.person_id == person_id)
                                .order_by(PayLine.month.desc())))


def budget_status(session: Session, program: str, year: int) -> BudgetStatus:
    """Where ``program`` stands against its budget for ``year`` (see ``budget.py``)."""
    plan = load_plan().program(program)
    budget = int(plan.budget.value) * 1_000_000 if plan.budget else 0
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    groups = session.execute(select(
        Placement.daily_milli_hours, Placement.days_per_week, Placement.start_on, Placement.end_on,
        func.count()).where(Placement.program_code == program, Placement.start_on <= last,
                            Placement.end_on >= first).group_by(
        Placement.daily_milli_hours, Placement.days_per_week, Placement.start_on, Placement.end_on)).all()
    paid_rows = session.execute(select(PayLine.month, func.sum(PayLine.gross + PayLine.adjustment)).join(
        PayrollRun, PayrollRun.id == PayLine.run_id).where(
        PayrollRun.program_code == program, PayLine.month >= year * 100, PayLine.month <= year * 100 + 12,
    ).group_by(PayLine.month)).all()
    paid = int(sum(int(total or 0) for _, total in paid_rows))
    last_paid = max((m for m, _ in paid_rows), default=None)
    committed = forecast = 0
    count = 0
    for daily, dpw, start, end, n in groups:
        expected = expected_by_month(program, daily, dpw, start, end, year)
        committed += n * sum(expected.values())
        forecast += n * sum(v for m, v in expected.items() if last_paid is None or m > last_paid)
        count += n
    return BudgetStatus(program, year, budget, committed, paid, paid + forecast, count, last_paid)


def participant_names(session: Session, lines: list[PayLine], *, actor: audit.Actor, reason: str,
                      run_id: int) -> dict[int, str]:
    """Names for statements and transfer files: a download of personal data, audited with why."""
    if not reason.strip():
        raise PublicJobError("내려받는 사유를 입력하십시오.", "Say why you download the file")
    ids = sorted({line.person_id for line in lines})
    names = dict(session.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all()) if ids else {}
    audit.record(session, actor, "publicjobs.payroll.download", object_type="publicjob_payroll_run",
                 object_id=run_id, reason=reason.strip(), details={"people": len(ids)})
    return names
