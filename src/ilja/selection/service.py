"""The selection of a round, stored: prepare the draw, run it once, verify it, promote from the
waitlist, statistics and the results export.

The pure package does the selecting (``selection.run.run_selection``, ``withdraw``, ``check``);
this module
loads a round into it and stores what it returns, in the caller's one transaction:

* ``prepare_draw`` closes the round and records the run with the seed commitment published when
  the round opened;
* ``run_selection`` locks the round's row (``SELECT … FOR UPDATE``; SQLite serialises writers), and either
  draws — inputs from the applications, scores from their eligibility snapshots, seats from the
  round's units, the policy from the parameters — or, if the round was drawn already, returns
  that run unchanged: a second click, or a second member of staff at the same moment, never
  selects twice and never books a seat twice (``UNIQUE(round_id)`` backs the lock);
* ``verify`` recomputes the draw from the stored inputs and proves the stored outcomes bit for bit,
  then replays every stored withdrawal and proves the allocation in force as well;
* ``withdraw`` takes selected or waitlisted applications out (declined, dropped before the start,
  found ineligible) and promotes the next in line with the same choice rule; the history says who
  moved and why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications import rounds
from ilja.applications import statuses as application_statuses
from ilja.applications.adverse import Wording
from ilja.applications.errors import (
    ApplicationNotFound,
    InvalidTransition,
    RoundStateError,
)
from ilja.applications.models import (
    Application,
    ApplicationStatus,
    Round,
    RoundSeed,
    RoundStatus,
    table_of,
)
from ilja.rules.parameters import default_tree
from ilja.selection import offers_made, verification_gate
from ilja.selection.errors import NotDrawn, NothingToDraw, SelectionError
from ilja.selection.model import (
    Applicant,
    Outcome,
    Reason,
    Seat,
    SelectionInputs,
    SelectionPolicy,
    Status,
    Unit,
    UnitGroup,
)
from ilja.selection.models import (
    RunStatus,
    SelectionOutcomeRow,
    SelectionRunRow,
    SelectionWithdrawal,
)
from ilja.selection.results import (  # re-exported: callers use service.X
    Competition,
    ResultRow,
    audit_results_read,
    competition,
    export_results,
    results,
)
from ilja.selection.round_run import completed_run, get_run, units_of
from ilja.selection.run import (
    SelectionRun,
    Verification,
    check,
    output_hash,
    reproduce,
)
from ilja.selection.run import run_selection as draw
from ilja.selection.stats import selection_stats
from ilja.selection.waitlist import ChangeKind, replay
from ilja.selection.waitlist import withdraw as withdraw_pure
from ilja.selection.wording import selection_wording

S = ApplicationStatus
DRAWN = (S.ELIGIBLE.value, S.INELIGIBLE.value)
"""The applications a draw takes in: screened either way. Withdrawn ones are left out."""
WITHDRAWAL_KINDS = ("declined", "dropped", "ineligible", "lapsed", "no_show", "household")
"""Why a seat or a waitlist place is given up: declined (포기), dropped before the start, found
ineligible after the draw, an offer's deadline passed (``offer_service``), a no-show, or another
member of the household holds a seat (``verification_gate.passed_over``)."""
NOT_ELIGIBLE_KINDS = ("ineligible", "household")



# --------------------------------------------------------------------------------------------
# Prepare and run
# --------------------------------------------------------------------------------------------
def prepare_draw(session: Session, round_id: int, *, actor: audit.Actor,
                 now: dt.datetime | None = None) -> SelectionRunRow:
    """Close the round and record the run with its published seed commitment.

    The commitment was published when the round opened (``applications.service.open_round``),
    before anyone applied; a round that somehow has none gets its seed drawn and sealed now.
    Preparing again returns the run already prepared (or completed).
    """
    now = now or clock.now()
    row = rounds.lock_round(session, round_id)
    existing = get_run(session, round_id)
    if existing is not None:
        return existing
    if row.status not in (RoundStatus.OPEN, RoundStatus.CLOSED):
        raise RoundStateError(round_id, row.status, "open or closed")
    if row.status == RoundStatus.OPEN:
        rounds.close_round(session, round_id, actor=actor, now=now)
    commitment = rounds.ensure_commitment(session, row, now=now)
    run_row = SelectionRunRow(round_id=round_id, status=RunStatus.PREPARED.value,
                              commitment=commitment, prepared_at=now, prepared_by=actor.id)
    row.draw_prepared_at = now
    session.add(run_row)
    session.flush()
    audit.record(session, actor, "selection.prepare", object_type="round", object_id=round_id,
                 details={"run": run_row.id, "commitment": commitment})
    return run_row


@dataclass(frozen=True)
class RunResult:
    """The round's run and whether this call drew it (False: it had been drawn already)."""

    run: SelectionRunRow
    drawn: bool


def policy_for(row: Round) -> SelectionPolicy:
    """The written policy of the round: the program's parameters on the start date, with the
    round's own options (fill order, rounding, waitlist length) on top."""
    return SelectionPolicy.from_parameters(default_tree(), row.starts_on, program=row.program_code,
                                           **(row.policy_options or {}))


def _units_record(units: Sequence[Unit], groups: Sequence[UnitGroup]) -> dict[str, Any]:
    return {"units": [[u.id, u.capacity, u.group] for u in units],
            "groups": [[g.id, g.capacity] for g in groups]}


def _units_from_record(record: Mapping[str, Any]) -> tuple[list[Unit], list[UnitGroup]]:
    return ([Unit(u[0], int(u[1]), u[2]) for u in record["units"]],
            [UnitGroup(g[0], g[1]) for g in record["groups"]])


def to_draw(session: Session, round_id: int) -> int:
    """How many applications a run would draw: none means the run is refused."""
    return session.execute(select(func.count()).select_from(Application).where(
        Application.round_id == round_id, Application.status.in_(DRAWN))).scalar_one()


def run_selection(session: Session, round_id: int, *, actor: audit.Actor,
                  now: dt.datetime | None = None) -> RunResult:
    """Draw the round once (see the module docstring); a drawn round's run is returned as is."""
    now = now or clock.now()
    row = rounds.lock_round(session, round_id)
    run_row = get_run(session, round_id)
    if run_row is not None and run_row.status == RunStatus.COMPLETED:
        return RunResult(run_row, False)
    if run_row is None:
        run_row = prepare_draw(session, round_id, actor=actor, now=now)
    apps = list(session.execute(select(Application.id, Application.status, Application.score,
                                       Application.priority, Application.preferences)
                                .where(Application.round_id == round_id,
                                       Application.status.in_(DRAWN))
                                .order_by(Application.id)).all())
    if not apps:
        raise NothingToDraw(round_id)
    verification = verification_gate.before_draw(session, row, [a.id for a in apps if a.status == S.ELIGIBLE])
    eligible = {a.id: a.status == S.ELIGIBLE and a.id not in verification.excluded for a in apps}
    units, groups = units_of(session, round_id)
    inputs = SelectionInputs(
        round_id=str(round_id),
        applicants=[Applicant(str(a.id), eligible[a.id], float(a.score), bool(a.priority),
                              tuple(a.preferences)) for a in apps],
        units=units, groups=groups)
    policy = policy_for(row)
    seed = bytes.fromhex(session.get_one(RoundSeed, round_id).seed)
    result = draw(inputs, policy, seed, published_commitment=run_row.commitment)
    allocation = result.allocation
    assert allocation is not None
    outcomes = allocation.outcomes()
    session.execute(table_of(SelectionOutcomeRow).insert(), [
        _outcome_values(run_row.id, a, o, eligible[a.id]) for a, o in zip(apps, outcomes, strict=True)])
    verification_gate.record(session, row, verification, [a.id for a in apps], now=now)
    moves = [application_statuses.BulkMove(a.id, a.status, S(o.status.value), f"selection.{o.reason.value}",
                                   _draw_details(run_row.id, o))
             for a, o in zip(apps, outcomes, strict=True)
             if a.status == S.ELIGIBLE]
    application_statuses.record_moves(session, moves, actor=actor,
                                      program_kind=rounds.program_kind(row.program_code), now=now,
                                      wording=selection_wording)
    offers_made.after_draw(session, run_row, row, [
        (a.id, o.unit, o.seat.value if o.seat else None)
        for a, o in zip(apps, outcomes, strict=True) if o.status == Status.SELECTED], now=now)
    stats = selection_stats(allocation).as_dict()
    record = result.as_record()
    run_row.status = RunStatus.COMPLETED.value
    run_row.seed = record["seed"]
    run_row.code_version = record["code_version"]
    run_row.lottery_scheme = record["lottery_scheme"]
    run_row.policy = record["policy"]
    run_row.units = _units_record(units, groups)
    run_row.input_hash = record["input_hash"]
    run_row.output_hash = run_row.current_output_hash = record["output_hash"]
    run_row.applicants = len(apps)
    run_row.stats = stats
    run_row.started_at, run_row.finished_at, run_row.run_by = now, clock.now(), actor.id
    row.status = RoundStatus.SELECTED.value
    row.seed_revealed = record["seed"]
    row.updated_at = now
    session.flush()
    audit.record(session, actor, "selection.run", object_type="round", object_id=round_id,
                 details={"run": run_row.id, "applicants": len(apps),
                          "selected": stats["selected"], "waitlisted": stats["waitlisted"],
                          "input_hash": record["input_hash"],
                          "output_hash": record["output_hash"]})
    _one_per_household(session, row, run_row, actor=actor, now=now)
    return RunResult(run_row, True)


def _outcome_values(run_id: int, app: Any, outcome: Outcome, eligible: bool) -> dict[str, Any]:
    seat = outcome.seat.value if outcome.seat else None
    return {"run_id": run_id, "application_id": app.id, "applicant_key": outcome.applicant_id,
            "eligible": eligible, "score": float(app.score),
            "priority": bool(app.priority), "preferences": list(app.preferences),
            "status": outcome.status.value, "reason": outcome.reason.value,
            "unit_code": outcome.unit, "seat": seat, "choice": outcome.choice,
            "rank": outcome.rank, "waitlist": [list(w) for w in outcome.waitlist],
            "current_status": outcome.status.value, "current_unit_code": outcome.unit,
            "current_seat": seat, "current_waitlist": [list(w) for w in outcome.waitlist]}


def _draw_details(run_id: int, outcome: Outcome) -> dict[str, Any]:
    details: dict[str, Any] = {"run": run_id, "rank": outcome.rank}
    if outcome.unit:
        details.update(unit=outcome.unit, seat=outcome.seat.value if outcome.seat else None,
                       choice=outcome.choice)
    if outcome.waitlist:
        details["waitlist"] = [list(w) for w in outcome.waitlist]
    return details


# --------------------------------------------------------------------------------------------
# Reading stored runs
# --------------------------------------------------------------------------------------------
def _outcome_rows(session: Session, run_id: int) -> list[SelectionOutcomeRow]:
    return list(session.execute(select(SelectionOutcomeRow)
                                .where(SelectionOutcomeRow.run_id == run_id)
                                .order_by(SelectionOutcomeRow.id)).scalars())


def stored_inputs(run_row: SelectionRunRow, rows: Sequence[SelectionOutcomeRow]) -> SelectionInputs:
    """The draw's inputs exactly as stored with its outcomes."""
    assert run_row.units is not None
    units, groups = _units_from_record(run_row.units)
    return SelectionInputs(
        round_id=str(run_row.round_id),
        applicants=[Applicant(r.applicant_key, bool(r.eligible), float(r.score), bool(r.priority),
                              tuple(r.preferences)) for r in rows],
        units=units, groups=groups)


def stored_outcomes(rows: Sequence[SelectionOutcomeRow]) -> list[Outcome]:
    """The draw's outcomes exactly as stored."""
    return [Outcome(applicant_id=r.applicant_key, status=Status(r.status), reason=Reason(r.reason),
                    unit=r.unit_code, seat=Seat(r.seat) if r.seat else None, choice=r.choice,
                    rank=r.rank, waitlist=tuple((w[0], int(w[1])) for w in r.waitlist))
            for r in rows]


def stored_run(run_row: SelectionRunRow) -> SelectionRun:
    return SelectionRun.from_record({
        "round_id": str(run_row.round_id), "seed": run_row.seed,
        "commitment": run_row.commitment, "code_version": run_row.code_version,
        "lottery_scheme": run_row.lottery_scheme, "policy": run_row.policy,
        "input_hash": run_row.input_hash, "output_hash": run_row.output_hash})


def _withdrawals(session: Session, run_id: int) -> list[SelectionWithdrawal]:
    return list(session.execute(select(SelectionWithdrawal)
                                .where(SelectionWithdrawal.run_id == run_id)
                                .order_by(SelectionWithdrawal.sequence)).scalars())


# --------------------------------------------------------------------------------------------
# Verify
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class VerificationReport:
    """Everything the auditor's page shows, each check on its own line."""

    round_id: int
    commitment: str
    seed: str
    lottery_scheme: str
    code_version: str
    policy: dict[str, Any]
    input_hash: str
    output_hash: str
    rerun_output_hash: str
    applicants: int
    check: Verification
    withdrawals: int
    withdrawals_replayed: bool
    current_matches: bool
    current_output_hash: str | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.check.ok and self.withdrawals_replayed and self.current_matches


def verify(session: Session, round_id: int, *, actor: audit.Actor) -> VerificationReport:
    """Re-run the round's draw from its stored inputs and prove it, then the withdrawals."""
    run_row = completed_run(session, round_id)
    rows = _outcome_rows(session, run_row.id)
    inputs = stored_inputs(run_row, rows)
    recorded = stored_outcomes(rows)
    stored = stored_run(run_row)
    result = check(stored, inputs, recorded)
    problems = []
    for name, ok in (("commitment", result.commitment_matches), ("inputs", result.inputs_match),
                     ("recorded_outputs", result.recorded_outputs_match),
                     ("rerun", result.rerun_matches)):
        if not ok:
            problems.append(name)
    withdrawals = _withdrawals(session, run_row.id)
    replayed = True
    current_ok = True
    if result.rerun_matches:
        drawn = reproduce(stored, inputs)
        promotions = replay(drawn, [w.leavers for w in withdrawals])
        for stored_step, promotion in zip(withdrawals, promotions, strict=True):
            if output_hash(promotion.allocation.canonical_rows()) != stored_step.output_hash:
                replayed = False
                problems.append(f"withdrawal {stored_step.sequence}")
        current = promotions[-1].allocation if promotions else drawn
        final_hash = output_hash(current.canonical_rows())
        if final_hash != run_row.current_output_hash:
            current_ok = False
            problems.append("current_output_hash")
        if not _current_columns_match(rows, current):
            current_ok = False
            problems.append("current_outcomes")
    else:
        replayed = current_ok = False
    report = VerificationReport(
        round_id=round_id, commitment=run_row.commitment, seed=run_row.seed or "",
        lottery_scheme=run_row.lottery_scheme or "", code_version=run_row.code_version or "",
        policy=dict(run_row.policy or {}), input_hash=run_row.input_hash or "",
        output_hash=run_row.output_hash or "", rerun_output_hash=result.rerun_output_hash,
        applicants=len(rows), check=result, withdrawals=len(withdrawals),
        withdrawals_replayed=replayed, current_matches=current_ok,
        current_output_hash=run_row.current_output_hash, problems=problems)
    audit.record(session, actor, "selection.verify", object_type="round", object_id=round_id,
                 details={"run": run_row.id, "ok": report.ok, "problems": problems})
    return report


def _current_columns_match(rows: Sequence[SelectionOutcomeRow], current: Any) -> bool:
    for row in rows:
        outcome = current.outcome_of(row.applicant_key)
        seat = outcome.seat.value if outcome.seat else None
        if (row.current_status, row.current_unit_code, row.current_seat) != (
                outcome.status.value, outcome.unit, seat):
            return False
        if row.current_waitlist is not None and row.current_waitlist != [
                list(w) for w in outcome.waitlist]:
            return False
    return True


def current_allocation(session: Session, run_row: SelectionRunRow) -> Any:
    """The allocation in force: the draw reproduced from its stored inputs and every stored
    withdrawal replayed on it (the same steps ``verify`` and ``withdraw`` take)."""
    rows = _outcome_rows(session, run_row.id)
    stored = stored_run(run_row)
    drawn = reproduce(stored, stored_inputs(run_row, rows))
    promotions = replay(drawn, [w.leavers for w in _withdrawals(session, run_row.id)])
    return promotions[-1].allocation if promotions else drawn


# --------------------------------------------------------------------------------------------
# Withdrawals and promotion from the waitlist
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WithdrawalResult:
    sequence: int
    withdrawn: list[int]
    promoted: list[int]
    changes: list[dict[str, Any]]


def withdraw(session: Session, round_id: int, leavers: Mapping[int, str], *,
             actor: audit.Actor, note: str, now: dt.datetime | None = None,
             wording: Wording = selection_wording) -> WithdrawalResult:
    """Take selected or waitlisted applications out and promote the next in line.

    ``leavers`` maps application ids to why they leave: ``declined`` (포기), ``dropped``
    (dropped before the start) or ``ineligible`` (found ineligible after the draw). The same
    choice rule fills each freed seat — a reserved seat goes to the next priority applicant and
    reverts to the open pool if there is none — and nobody holding a seat loses it. Each moved
    application gets a history line naming the leavers whose seats opened the chain. A leaver
    found not eligible gets a decision worded by ``wording`` (the selection's own, unless the
    caller knows the reasons better: a household passed over).
    """
    if not leavers:
        raise SelectionError("물러날 신청을 하나 이상 고르십시오.", "Name at least one application.")
    if not (note and note.strip()):
        raise SelectionError("사유를 입력하십시오.", "Say why (a note is required).")
    for kind in leavers.values():
        if kind not in WITHDRAWAL_KINDS:
            raise SelectionError(f"알 수 없는 사유입니다: {kind}",
                                 f"Unknown reason {kind!r}; use one of {', '.join(WITHDRAWAL_KINDS)}.")
    now = now or clock.now()
    row = rounds.lock_round(session, round_id)
    run_row = completed_run(session, round_id)
    rows = _outcome_rows(session, run_row.id)
    by_app = {r.application_id: r for r in rows}
    statuses = dict(session.execute(select(Application.id, Application.status).where(
        Application.id.in_(list(leavers)))).all())
    for app_id in leavers:
        if app_id not in by_app or app_id not in statuses:
            raise ApplicationNotFound(app_id)
        if statuses[app_id] not in (S.SELECTED, S.WAITLISTED):
            raise InvalidTransition(statuses[app_id], S.WITHDRAWN,
                                    "선발 또는 예비 상태인 신청만 포기·탈락 처리할 수 있습니다.",
                                    "Only a selected or waitlisted application can leave.")
    previous = _withdrawals(session, run_row.id)
    current = current_allocation(session, run_row)
    keyed = {by_app[a].applicant_key: kind for a, kind in leavers.items()}
    promotion = withdraw_pure(current, keyed)
    key_to_app = {r.applicant_key: r.application_id for r in rows}
    caused_by = sorted(leavers)
    changes: list[dict[str, Any]] = [{"application_id": key_to_app[c.applicant_id], "kind": c.kind.value,
                "status_before": c.status_before.value, "status_after": c.status_after.value,
                "unit_before": c.unit_before, "unit_after": c.unit_after,
                "seat_before": c.seat_before.value if c.seat_before else None,
                "seat_after": c.seat_after.value if c.seat_after else None,
                "waitlist_place": c.waitlist_place} for c in promotion.changes]
    new_hash = output_hash(promotion.allocation.canonical_rows())
    sequence = len(previous) + 1
    session.add(SelectionWithdrawal(run_id=run_row.id, sequence=sequence, leavers=keyed,
                                    changes=changes, output_hash=new_hash, note=note.strip(),
                                    at=now, actor_id=actor.id, actor_role=actor.role))
    now_status = dict(session.execute(select(Application.id, Application.status).where(
        Application.id.in_([c["application_id"] for c in changes]))).all())
    moves = []
    outcome_updates = []
    for change in changes:
        app_id = change["application_id"]
        before = now_status[app_id]
        if change["kind"] == ChangeKind.WITHDRAWN:
            kind = leavers[app_id]
            target = S.INELIGIBLE if kind in NOT_ELIGIBLE_KINDS else S.WITHDRAWN
            reason = f"withdrawal.{kind}"
        else:
            target = S.SELECTED if change["status_after"] == Status.SELECTED else S(
                change["status_after"])
            reason = f"promotion.{change['kind']}"
        details = {"run": run_row.id, "sequence": sequence, "caused_by": caused_by,
                   **{k: change[k] for k in ("unit_before", "unit_after", "seat_after",
                                             "waitlist_place") if change[k] is not None}}
        moves.append(application_statuses.BulkMove(app_id, before, target, reason, details))
        outcome_updates.append({"b_id": by_app[app_id].id, "b_status": change["status_after"],
                                "b_unit": change["unit_after"], "b_seat": change["seat_after"]})
    application_statuses.record_moves(session, moves, actor=actor, note=note.strip(),
                                      program_kind=rounds.program_kind(row.program_code), now=now,
                                      wording=wording)
    if outcome_updates:
        table = table_of(SelectionOutcomeRow)
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            current_status=bindparam("b_status"), current_unit_code=bindparam("b_unit"),
            current_seat=bindparam("b_seat")), outcome_updates)
    _store_waitlists(session, rows, current, promotion.allocation)
    run_row.current_output_hash = new_hash
    run_row.stats = selection_stats(promotion.allocation).as_dict()
    session.flush()
    offers_made.after_withdrawal(session, run_row, row, leavers, changes, sequence=sequence,
                                   actor=actor, now=now)
    promoted = [c["application_id"] for c in changes
                if c["kind"] in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP)]
    audit.record(session, actor, "selection.withdraw", object_type="round", object_id=round_id,
                 details={"run": run_row.id, "sequence": sequence,
                          "withdrawn": sorted(leavers), "promoted": promoted})
    if promoted:  # a promotion may seat a second member of a household
        _one_per_household(session, row, run_row, actor=actor, now=now)
    return WithdrawalResult(sequence, sorted(leavers), promoted, changes)


def _one_per_household(session: Session, row: Round, run_row: SelectionRunRow, *, actor: audit.Actor,
                       now: dt.datetime) -> None:
    """Withdraw every seated member of a household after the one ranked first (where the program
    takes one participant per household); the withdrawal's own promotions come back here."""
    over = verification_gate.passed_over(session, row, run_row)
    if over:
        withdraw(session, row.id, dict.fromkeys(over, "household"), actor=actor,
                 note=verification_gate.HOUSEHOLD_NOTE, now=now, wording=verification_gate.household_wording)


def lapse_conditional(session: Session, round_id: int, *, actor: audit.Actor,
                      on: dt.date | None = None) -> list[int]:
    """Past the deadline, a conditional seat or waitlist place whose facts are still unverified
    goes to the next in line (withdrawn as found ineligible); the lapsed application ids."""
    lapsed = verification_gate.lapsed(session, rounds.get_round(session, round_id), on or clock.today())
    if lapsed:
        withdraw(session, round_id, dict.fromkeys(lapsed, "ineligible"), actor=actor,
                 note=verification_gate.LAPSE_NOTE)
    return lapsed


def _store_waitlists(session: Session, rows: Sequence[SelectionOutcomeRow], before: Any,
                     after: Any) -> None:
    """Write the waitlist places that the promotions moved (everyone behind a promoted person
    moves up), so a page reads the place in force without replaying the draw."""
    moved = np.flatnonzero((before.waitlist != after.waitlist).any(axis=1)).tolist()
    by_key = {r.applicant_key: r.id for r in rows}
    values = [{"b_id": by_key[after.problem.applicant_ids[i]],
               "b_waitlist": [list(w) for w in after.outcome(i).waitlist]} for i in moved]
    if values:
        table = table_of(SelectionOutcomeRow)
        session.execute(update(table).where(table.c.id == bindparam("b_id")).values(
            current_waitlist=bindparam("b_waitlist")), values)


__all__ = [
    "Competition", "NotDrawn", "NothingToDraw", "ResultRow", "RunResult", "SelectionError",
    "VerificationReport", "WithdrawalResult", "audit_results_read", "competition",
    "completed_run", "current_allocation", "export_results", "get_run", "lapse_conditional", "policy_for",
    "prepare_draw", "results",
    "run_selection",
    "stored_inputs", "stored_outcomes", "stored_run", "units_of", "verify", "withdraw",
]
