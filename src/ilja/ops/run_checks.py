"""What the run-fault harness reads and checks (``ilja.ops.run_faults``): snapshots of a round
and of a payroll month before the fault, after the kill and after the re-run, and the checks of
the re-run's result against an uninterrupted reference run.

Checks return the rows they read and a list of problems, each a sentence; an empty list is a
pass. Call ``audit.verify`` in the same transaction first: it chains any committed audit entry
still waiting in the intake, so the checks see every one.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.applications.models import Application, ApplicationEvent, Round
from ilja.publicjobs.models import PayLine, PayrollRun, Placement, TimesheetEntryRow
from ilja.selection import service
from ilja.selection.models import RunStatus, SelectionOutcomeRow, SelectionRunRow
from ilja.selection.run import check


def audit_entries(session: Session, action: str, object_id: Any = None) -> list[AuditRecord]:
    query = select(AuditRecord).where(AuditRecord.action == action)
    if object_id is not None:
        query = query.where(AuditRecord.object_id == str(object_id))
    return list(session.scalars(query.order_by(AuditRecord.sequence)))


def audit_head(session: Session) -> tuple[int, str | None, int]:
    """The last chained entry's sequence and hash, and how many entries are stored up to it
    (sealing any waiting ones first: ``verify`` does)."""
    audit.verify(session)
    last = session.execute(select(AuditRecord.sequence, AuditRecord.entry_hash)
                           .order_by(AuditRecord.sequence.desc()).limit(1)).first()
    if last is None:
        return 0, None, 0
    return last[0], last[1], _stored_up_to(session, last[0])


def _stored_up_to(session: Session, sequence: int) -> int:
    return session.scalar(select(func.count()).select_from(AuditRecord)
                          .where(AuditRecord.sequence <= sequence)) or 0


def audit_kept(session: Session, head: tuple[int, str | None, int]) -> list[str]:
    """Entries acknowledged before the fault (``audit_head`` then) are all still there, unchanged."""
    sequence, digest, count = head
    if not sequence:
        return []
    stored = session.scalar(select(AuditRecord.entry_hash).where(AuditRecord.sequence == sequence))
    problems = []
    if _stored_up_to(session, sequence) != count:
        problems.append(f"audit entries before the fault: {_stored_up_to(session, sequence):,} "
                        f"of {count:,} left")
    if stored != digest:
        problems.append(f"audit entry {sequence} changed after the fault")
    return problems


def selection_state(session: Session, round_id: int) -> dict[str, Any]:
    """The round as stored: its status, its run, outcomes, applications and their history."""
    runs = list(session.scalars(select(SelectionRunRow).where(SelectionRunRow.round_id == round_id)))
    in_round = select(Application.id).where(Application.round_id == round_id).scalar_subquery()
    return {
        "round_status": session.scalar(select(Round.status).where(Round.id == round_id)),
        "runs": [(r.id, r.status) for r in runs],
        "outcomes": session.scalar(select(func.count()).select_from(SelectionOutcomeRow).where(
            SelectionOutcomeRow.run_id.in_([r.id for r in runs]))) if runs else 0,
        "applications": Counter(dict(session.execute(select(Application.status, func.count()).where(
            Application.round_id == round_id).group_by(Application.status)).all())),
        "events": session.scalar(select(func.count()).select_from(ApplicationEvent).where(
            ApplicationEvent.application_id.in_(in_round))),
        "audit_runs": len(audit_entries(session, "selection.run", round_id)),
    }


def payroll_state(session: Session, program: str, key: int) -> dict[str, Any]:
    """The month as stored: its runs, pay lines, timesheets and payroll audit entries."""
    runs = list(session.scalars(select(PayrollRun).where(
        PayrollRun.program_code == program, PayrollRun.month == key).order_by(PayrollRun.sequence)))
    return {
        "runs": [(r.id, r.sequence) for r in runs],
        "lines": session.scalar(select(func.count()).select_from(PayLine).join(
            Placement, Placement.id == PayLine.placement_id).where(
            Placement.program_code == program, PayLine.month == key)),
        "placements": session.scalar(select(func.count()).select_from(Placement).where(
            Placement.program_code == program)),
        "timesheet_rows": session.scalar(select(func.count()).select_from(TimesheetEntryRow)),
        "audit_runs": sum(e.details.get("month") == key and e.details.get("program") == program
                          for e in audit_entries(session, "publicjobs.payroll.run")),
    }


def pay_lines_digest(rows: Sequence[Sequence[int]]) -> str:
    """SHA-256 of (placement, month, gross, adjustment, deductions, net) rows, sorted."""
    return hashlib.sha256(json.dumps(sorted(list(r) for r in rows)).encode()).hexdigest()


def pay_rows(session: Session, program: str, key: int, run_id: int | None = None) -> list[tuple]:
    query = select(PayLine.placement_id, PayLine.month, PayLine.gross, PayLine.adjustment,
                   PayLine.deductions_total, PayLine.net).join(
        Placement, Placement.id == PayLine.placement_id).where(
        Placement.program_code == program, PayLine.month == key)
    if run_id is not None:
        query = query.where(PayLine.run_id == run_id)
    return [tuple(int(v) for v in row) for row in session.execute(query)]


def check_selection(session: Session, round_id: int, reference: dict[str, Any],
                    before: dict[str, Any]) -> tuple[int, list[str]]:
    """After the re-run: the round drawn once, exactly as the reference drew it. Returns the
    rows checked and the problems found."""
    problems: list[str] = []
    runs = list(session.scalars(select(SelectionRunRow).where(SelectionRunRow.round_id == round_id)))
    if len(runs) != 1 or runs[0].status != RunStatus.COMPLETED:
        return 0, [f"runs of the round: {[(r.id, r.status) for r in runs]}, not one completed"]
    run = runs[0]
    outcomes = list(session.scalars(select(SelectionOutcomeRow).where(
        SelectionOutcomeRow.run_id == run.id).order_by(SelectionOutcomeRow.id)))
    apps = dict(session.execute(select(Application.id, Application.status)
                                .where(Application.round_id == round_id)).all())
    drawn = [o.application_id for o in outcomes]
    if len(drawn) != reference["applicants"]:
        problems.append(f"{len(drawn):,} outcomes, the reference drew {reference['applicants']:,}")
    if len(set(drawn)) != len(drawn):
        problems.append(f"{len(drawn) - len(set(drawn)):,} applications with two outcomes")
    if run.output_hash != reference["output_hash"]:
        problems.append("the stored output hash is not the reference's")
    if run.applicants != len(drawn):
        problems.append(f"the run says {run.applicants} applicants, {len(drawn)} outcomes stored")
    proof = check(service.stored_run(run), service.stored_inputs(run, outcomes),
                  service.stored_outcomes(outcomes))
    if not proof.ok:
        problems.append("the stored draw does not verify from its stored inputs")
    moved = [o for o in outcomes if o.eligible and apps.get(o.application_id) != o.status]
    if moved:
        problems.append(f"{len(moved):,} eligible applications not in their drawn status")
    if len(apps) != sum(before["applications"].values()):
        problems.append(f"{len(apps):,} applications, {sum(before['applications'].values()):,} before")
    events = Counter(session.scalars(select(ApplicationEvent.application_id).where(
        ApplicationEvent.application_id.in_(list(apps)),
        ApplicationEvent.reason_code.like("selection.%"))))
    eligible = sum(o.eligible for o in outcomes)
    if sum(events.values()) != eligible or any(n > 1 for n in events.values()):
        problems.append(f"{sum(events.values()):,} selection history lines for {eligible:,} "
                        f"eligible applications ({sum(n > 1 for n in events.values())} twice)")
    entries = audit_entries(session, "selection.run", round_id)
    if len(entries) != 1:
        problems.append(f"{len(entries)} selection.run audit entries for the round")
    elif (entries[0].details.get("run"), entries[0].details.get("output_hash"),
          entries[0].details.get("applicants")) != (run.id, run.output_hash, run.applicants):
        problems.append("the selection.run audit entry does not match the stored run")
    prepared = audit_entries(session, "selection.prepare", round_id)
    if len(prepared) != 1:
        problems.append(f"{len(prepared)} selection.prepare audit entries for the round")
    return len(outcomes) + len(apps), problems


def check_payroll(session: Session, program: str, key: int, reference: dict[str, Any],
                  before: dict[str, Any], *, landed: bool) -> tuple[int, list[str]]:
    """After the re-run: one line per participant-month, equal line by line to the reference,
    one audit entry per run that agrees with it. Returns the rows checked and the problems."""
    problems: list[str] = []
    rows = pay_rows(session, program, key)
    placements = [r[0] for r in rows]
    if len(rows) != reference["lines"]:
        problems.append(f"{len(rows):,} pay lines, the reference paid {reference['lines']:,}")
    if len(set(placements)) != len(placements):
        problems.append(f"{len(placements) - len(set(placements)):,} participants paid twice")
    if pay_lines_digest(rows) != reference["digest"]:
        problems.append("the pay lines differ from the reference's")
    totals = {"gross": sum(r[2] for r in rows), "adjustment": sum(r[3] for r in rows),
              "deductions": sum(r[4] for r in rows), "net": sum(r[5] for r in rows)}
    if any(totals[k] != reference["totals"][k] for k in totals):
        problems.append(f"totals {totals} differ from the reference's {reference['totals']}")
    runs = list(session.scalars(select(PayrollRun).where(
        PayrollRun.program_code == program, PayrollRun.month == key).order_by(PayrollRun.sequence)))
    paying = []
    for run in runs:
        own = pay_rows(session, program, key, run.id)
        if own:
            paying.append(run.id)
        if run.totals.get("lines") != len(own) or run.totals.get("net") != sum(r[5] for r in own):
            problems.append(f"run {run.id}'s totals do not match its {len(own):,} lines")
        entries = audit_entries(session, "publicjobs.payroll.run", run.id)
        if len(entries) != 1:
            problems.append(f"{len(entries)} audit entries for payroll run {run.id}")
        elif any(entries[0].details.get(k) != run.totals.get(k) for k in ("lines", "gross", "net")):
            problems.append(f"the audit entry of payroll run {run.id} does not match it")
    if len(paying) != 1:
        problems.append(f"{len(paying)} runs paid the month, not one")
    if landed and len(runs) != 1:
        problems.append(f"{len(runs)} runs of the month after a killed run and one re-run")
    now = payroll_state(session, program, key)
    if now["audit_runs"] != len(runs):
        problems.append(f"{now['audit_runs']} payroll audit entries for {len(runs)} runs")
    for name in ("placements", "timesheet_rows"):
        if now[name] != before[name]:
            problems.append(f"{name}: {now[name]:,}, {before[name]:,} before the fault")
    return len(rows) + now["placements"], problems
