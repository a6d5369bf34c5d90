"""Selection API under ``/api/v1``: prepare and run a round's draw (once), its results and
statistics, the auditor's verification, withdrawals with promotion, and the results export
(with a reason, audited). Thin routes over ``selection.service``."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import service as applications
from ilja.applications.api import api_errors
from ilja.applications.errors import RoundNotFound
from ilja.applications.models import ApplicationStatus, RoundStatus
from ilja.selection import service
from ilja.selection.models import SelectionRunRow
from ilja.text import FreeText, MultilineText

router = APIRouter(tags=["selection"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RunOut(BaseModel):
    """A round's selection run: what was published before the draw and what it recorded."""

    round_id: int
    status: str
    drawn_now: bool | None = Field(None, description="True when this request drew the round; "
                                                     "False when it had been drawn already")
    commitment: str
    seed: str | None
    code_version: str | None
    lottery_scheme: str | None
    policy: dict[str, Any] | None
    input_hash: str | None
    output_hash: str | None
    current_output_hash: str | None
    applicants: int | None
    prepared_at: dt.datetime
    finished_at: dt.datetime | None
    stats: dict[str, Any] | None


class ResultOut(BaseModel):
    application_id: int
    person_id: int
    rank: int | None
    score: float
    priority: bool
    preferences: list[str]
    drawn_status: str
    reason: str
    status: str
    unit: str | None
    seat: str | None
    waitlist: list[list[Any]]
    failed_conditions: list[str]


class ResultPage(BaseModel):
    total: int
    items: list[ResultOut]


class CompetitionOut(BaseModel):
    """경쟁률: applications per seat at their first choice, for the round, each unit and field."""

    seats: int
    applicants: int
    competition_rate: str | None
    units: list[dict[str, Any]]
    groups: list[dict[str, Any]]


class VerifyOut(BaseModel):
    round_id: int
    ok: bool
    commitment: str
    seed: str
    lottery_scheme: str
    code_version: str
    same_code_version: bool
    policy: dict[str, Any]
    input_hash: str
    output_hash: str
    rerun_output_hash: str
    applicants: int
    commitment_matches: bool
    inputs_match: bool
    recorded_outputs_match: bool
    rerun_matches: bool
    withdrawals: int
    withdrawals_replayed: bool
    current_matches: bool
    problems: list[str]


class WithdrawIn(BaseModel):
    applications: dict[int, Literal["declined", "dropped", "ineligible"]] = Field(
        min_length=1, max_length=10_000,
        description="Application id → why it leaves (declined 포기, dropped before the start, "
                    "found ineligible after the draw)")
    note: MultilineText = Field(min_length=1, max_length=1000)


class WithdrawOut(BaseModel):
    sequence: int
    withdrawn: list[int]
    promoted: list[int]
    changes: list[dict[str, Any]]


class ExportIn(BaseModel):
    reason: FreeText = Field(min_length=4, max_length=500,
                             description="Why the results are downloaded (다운로드 사유, audited)")


def run_out(row: SelectionRunRow, drawn: bool | None = None) -> RunOut:
    return RunOut(
        round_id=row.round_id, status=row.status, drawn_now=drawn, commitment=row.commitment,
        seed=row.seed, code_version=row.code_version, lottery_scheme=row.lottery_scheme,
        policy=row.policy, input_hash=row.input_hash, output_hash=row.output_hash,
        current_output_hash=row.current_output_hash, applicants=row.applicants,
        prepared_at=applications.aware(row.prepared_at),
        finished_at=applications.aware(row.finished_at) if row.finished_at else None,
        stats=row.stats)


@router.post("/rounds/{round_id}/selection/prepare", response_model=RunOut)
def prepare(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]) -> Any:
    """Close the round and record the draw with its published seed commitment."""
    with api_errors():
        row = service.prepare_draw(session, round_id, actor=principal.actor)
    return run_out(row)


@router.post("/rounds/{round_id}/selection/run", response_model=RunOut,
             responses={200: {"description": "Drawn (``drawn_now``) or drawn before"}})
def run(round_id: int, session: DbSession,
        principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]) -> Any:
    """Draw the round. Running it again returns the same run; it never selects twice."""
    with api_errors():
        result = service.run(session, round_id, actor=principal.actor)
    return run_out(result.run, result.drawn)


@router.get("/rounds/{round_id}/selection", response_model=RunOut)
def get_run(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))]) -> Any:
    """The round's run: commitment, seed (after the draw), hashes, statistics."""
    with api_errors():
        applications.get_round(session, round_id)
        row = service.get_run(session, round_id)
        if row is None:
            raise service.NotDrawn(round_id)
    return run_out(row)


@router.get("/rounds/{round_id}/selection/results", response_model=ResultPage)
def results(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))],
            status: Annotated[ApplicationStatus | None, Query()] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100,
            offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Any:
    """Each application's score, rank, outcome and reason, in order of merit (audited)."""
    with api_errors():
        rows, total = service.results(session, round_id, status=status, limit=limit,
                                      offset=offset, scope=Scope.of(principal))
    service.audit_results_read(session, round_id, rows, actor=principal.actor)
    return ResultPage(total=total, items=[ResultOut(
        application_id=r.application_id, person_id=r.person_id, rank=r.rank, score=r.score,
        priority=r.priority, preferences=r.preferences, drawn_status=r.drawn_status,
        reason=r.reason, status=r.status, unit=r.unit, seat=r.seat, waitlist=r.waitlist,
        failed_conditions=r.failed) for r in rows])


@router.get("/rounds/{round_id}/competition", response_model=CompetitionOut,
            dependencies=[Depends(public())])
def competition(round_id: int, session: DbSession) -> Any:
    """경쟁률 of a published round, per unit and field (counts only, no one's data)."""
    with api_errors():
        row = applications.get_round(session, round_id)
        if row.status == RoundStatus.DRAFT:
            raise RoundNotFound(round_id)
        figures = service.competition(session, round_id)
    return CompetitionOut(seats=figures.seats, applicants=figures.applicants,
                          competition_rate=figures.rate, units=figures.units,
                          groups=figures.groups)


@router.get("/rounds/{round_id}/selection/verify", response_model=VerifyOut)
def verify(round_id: int, session: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.SELECTION_VERIFY))]
           ) -> Any:
    """Re-run the draw from the stored inputs and prove the stored result bit for bit."""
    with api_errors():
        report = service.verify(session, round_id, actor=principal.actor)
    check = report.check
    return VerifyOut(
        round_id=round_id, ok=report.ok, commitment=report.commitment, seed=report.seed,
        lottery_scheme=report.lottery_scheme, code_version=report.code_version,
        same_code_version=check.same_code_version, policy=report.policy,
        input_hash=report.input_hash, output_hash=report.output_hash,
        rerun_output_hash=report.rerun_output_hash, applicants=report.applicants,
        commitment_matches=check.commitment_matches, inputs_match=check.inputs_match,
        recorded_outputs_match=check.recorded_outputs_match, rerun_matches=check.rerun_matches,
        withdrawals=report.withdrawals, withdrawals_replayed=report.withdrawals_replayed,
        current_matches=report.current_matches, problems=report.problems)


@router.post("/rounds/{round_id}/selection/withdrawals", response_model=WithdrawOut)
def withdraw(round_id: int, body: WithdrawIn, session: DbSession,
             principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]
             ) -> Any:
    """Selected or waitlisted applications leave; the next on the waitlist are promoted."""
    with api_errors():
        result = service.withdraw(session, round_id, dict(body.applications),
                                  actor=principal.actor, note=body.note)
    return WithdrawOut(sequence=result.sequence, withdrawn=result.withdrawn,
                       promoted=result.promoted, changes=result.changes)


@router.post("/rounds/{round_id}/selection/export",
             responses={200: {"content": {XLSX: {}}, "description": "The results as XLSX"}})
def export(round_id: int, body: ExportIn, session: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.SELECTION_EXPORT))]
           ) -> Response:
    """Download the results (score, rank, outcome, reasons, statistics, verification record);
    the reason is recorded in the audit log."""
    buffer = io.BytesIO()
    with api_errors():
        service.export_results(session, round_id, buffer, reason=body.reason,
                               actor=principal.actor, scope=Scope.of(principal))
    return Response(buffer.getvalue(), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="round-{round_id}-results.xlsx"',
        "Cache-Control": "no-store"})
