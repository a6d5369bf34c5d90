"""Selection API under ``/api/v1``: prepare and run a round's draw (once), its results and
statistics, the auditor's verification, withdrawals with promotion, the results export (with a
reason, audited), and (issue 18 §3) why an application was (not) selected, its offer (accept,
withdraw, no-show) and a round's public figures. Thin routes over ``selection.service``,
``offer_service`` and ``standing``."""

from __future__ import annotations

import datetime as dt
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from ilja import clock, paging
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, public, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications import rounds
from ilja.applications import service as applications
from ilja.applications.errors import RoundNotFound
from ilja.applications.models import ApplicationStatus, Round, RoundStatus
from ilja.selection import offer_service, service
from ilja.selection.models import SelectionRunRow
from ilja.selection.standing import public_round as figures_of
from ilja.selection.standing import standing
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
        prepared_at=rounds.aware(row.prepared_at),
        finished_at=rounds.aware(row.finished_at) if row.finished_at else None,
        stats=row.stats)


@router.post("/rounds/{round_id}/selection/prepare", response_model=RunOut)
def prepare(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]) -> Any:
    """Close the round and record the draw with its published seed commitment."""
    row = service.prepare_draw(session, round_id, actor=principal.actor)
    return run_out(row)


@router.post("/rounds/{round_id}/selection/run", response_model=RunOut,
             responses={200: {"description": "Drawn (``drawn_now``) or drawn before"}})
def run(round_id: int, session: DbSession,
        principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]) -> Any:
    """Draw the round. Running it again returns the same run; it never selects twice."""
    result = service.run_selection(session, round_id, actor=principal.actor)
    return run_out(result.run, result.drawn)


@router.get("/rounds/{round_id}/selection", response_model=RunOut)
def get_run(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))]) -> Any:
    """The round's run: commitment, seed (after the draw), hashes, statistics."""
    rounds.get_round(session, round_id)
    row = service.get_run(session, round_id)
    if row is None:
        raise service.NotDrawn(round_id)
    return run_out(row)


@router.get("/rounds/{round_id}/selection/results", response_model=ResultPage)
def results(round_id: int, session: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))],
            status: Annotated[ApplicationStatus | None, Query()] = None,
            limit: Annotated[int, Query(ge=1, le=paging.cap())] = 100,
            offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> Any:
    """Each application's score, rank, outcome and reason, in order of merit (audited)."""
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
    row = rounds.get_round(session, round_id)
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
    service.export_results(session, round_id, buffer, reason=body.reason,
                           actor=principal.actor, scope=Scope.of(principal))
    return Response(buffer.getvalue(), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="round-{round_id}-results.xlsx"',
        "Cache-Control": "no-store"})


# --------------------------------------------------------------------------------------------
# Why (not) selected, offers, withdrawal (issue 18 §3)
# --------------------------------------------------------------------------------------------
class CutoffOut(BaseModel):
    """The last seat of a unit and kind filled: its score and rank in the order of merit."""

    unit: str
    seat: Literal["reserved", "open"]
    seats: int
    filled: int
    score: float | None
    rank: int | None


class OfferOut(BaseModel):
    application_id: int
    unit: str
    seat: str | None
    state: Literal["open", "accepted", "declined", "lapsed", "no_show", "withdrawn", "superseded"]
    made_at: dt.datetime
    deadline_at: dt.datetime
    decided_at: dt.datetime | None
    promoted_from_waitlist_place: int | None


class StandingOut(BaseModel):
    """Why an application was (not) selected: its figures beside its units' cut-offs."""

    application_id: int
    drawn: bool
    score: float | None
    priority: bool
    rank: int | None
    eligible_applicants: int
    lottery_number: str | None = Field(None, description="First 16 hex digits of "
                                       "sha256(seed ‖ 0x00 ‖ application id)")
    drawn_status: str | None
    reason: str | None
    status: str | None
    unit: str | None
    seat: str | None
    waitlist_at_draw: list[list[Any]]
    waitlist_now: list[list[Any]]
    cutoffs_at_draw: list[CutoffOut]
    cutoffs_now: list[CutoffOut]
    offer: OfferOut | None
    can_withdraw: bool


class PublicRoundOut(BaseModel):
    """A round for anyone: seats, the commitment, the seed after the draw, cut-offs, offer
    counts — no person."""

    round_id: int
    drawn: bool
    commitment: str | None
    seed: str | None
    seats: list[dict[str, Any]]
    cutoffs_at_draw: list[CutoffOut]
    cutoffs_now: list[CutoffOut]
    offers: dict[str, int]
    withdrawals: int


class NoShowIn(BaseModel):
    note: FreeText | None = Field(None, max_length=500)


class WithdrawOwnIn(BaseModel):
    note: FreeText | None = Field(None, max_length=500, description="Why (optional)")


def _cutoff(c: Any) -> CutoffOut:
    return CutoffOut(unit=c.unit, seat=c.seat, seats=c.seats, filled=c.filled, score=c.score,
                     rank=c.rank)


def offer_out(offer: Any) -> OfferOut:
    return OfferOut(
        application_id=offer.application_id, unit=offer.unit_code, seat=offer.seat,
        state=offer.state, made_at=rounds.aware(offer.made_at),
        deadline_at=rounds.aware(offer.deadline_at),
        decided_at=rounds.aware(offer.decided_at) if offer.decided_at else None,
        promoted_from_waitlist_place=offer.waitlist_place)


def _standing(session: Any, application_id: int, scope: Scope) -> StandingOut:
    application = applications.get_application(session, application_id, scope)
    offer_service.lapse_offers(session, round_id=application.round_id)
    session.refresh(application)
    s = standing(session, application)
    row = session.get_one(Round, application.round_id)
    return StandingOut(
        application_id=application.id, drawn=s.drawn, score=s.score, priority=s.priority,
        rank=s.rank, eligible_applicants=s.ranked, lottery_number=s.lottery_number,
        drawn_status=s.drawn_status, reason=s.reason, status=s.status, unit=s.unit, seat=s.seat,
        waitlist_at_draw=s.waitlist_drawn, waitlist_now=s.waitlist_now,
        cutoffs_at_draw=[_cutoff(c["drawn"]) for c in s.cutoffs if c["drawn"]],
        cutoffs_now=[_cutoff(c["now"]) for c in s.cutoffs if c["now"]],
        offer=offer_out(s.offer) if s.offer else None,
        can_withdraw=offer_service.can_withdraw(row, application, clock.today()))


@router.get("/me/applications/{application_id}/selection", response_model=StandingOut)
def my_standing(application_id: int, session: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_READ_OWN))]
                ) -> Any:
    """Why my application was (not) selected: score, priority, rank, lottery number, my units'
    cut-offs at the draw and now, my waitlist place, and my offer with its deadline."""
    return _standing(session, application_id, Scope.of(principal))


@router.get("/applications/{application_id}/selection", response_model=StandingOut)
def application_standing(
        application_id: int, session: DbSession,
        principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))]) -> Any:
    """The same for staff, within their scope (audited as a read of the applicant's result)."""
    out = _standing(session, application_id, Scope.of(principal))
    application = applications.get_application(session, application_id, Scope.of(principal))
    audit.record(session, principal.actor, "selection.read", subject_person_id=application.person_id,
                 object_type="application", object_id=application_id)
    return out


@router.post("/me/applications/{application_id}/offer/accept", response_model=OfferOut)
def accept_offer(application_id: int, session: DbSession,
                 principal: Annotated[Principal,
                                      Depends(requires(Permission.APPLICATION_SUBMIT_OWN))]) -> Any:
    """Accept the seat offered, before its deadline (409 after it: the seat has gone on)."""
    offer = offer_service.accept(session, application_id, scope=Scope.of(principal),
                                 actor=principal.actor)
    return offer_out(offer)


@router.post("/me/applications/{application_id}/withdraw", response_model=StandingOut)
def withdraw_own(application_id: int, body: WithdrawOwnIn, session: DbSession,
                 principal: Annotated[Principal,
                                      Depends(requires(Permission.APPLICATION_SUBMIT_OWN))]) -> Any:
    """Withdraw before the round starts: decline the seat (the next on the waitlist is
    promoted), leave the waitlist, or withdraw the application before the draw."""
    offer_service.withdraw(session, application_id, scope=Scope.of(principal),
                           actor=principal.actor, note=body.note)
    return _standing(session, application_id, Scope.of(principal))


@router.get("/rounds/{round_id}/offers", response_model=list[OfferOut])
def round_offers(round_id: int, session: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.SELECTION_READ))]
                 ) -> Any:
    """The round's offers within the caller's scope, with deadlines and state, oldest first."""
    rounds.get_round(session, round_id)
    offer_service.lapse_offers(session, round_id=round_id)
    rows = offer_service.round_offers(session, round_id, scope=Scope.of(principal))
    return [offer_out(o) for o, _ in rows]


@router.post("/applications/{application_id}/no-show", response_model=StandingOut)
def record_no_show(application_id: int, body: NoShowIn, session: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.SELECTION_RUN))]
                   ) -> Any:
    """A selected applicant did not show up: the seat goes to the next on the waitlist."""
    offer_service.no_show(session, application_id, scope=Scope.of(principal),
                          actor=principal.actor, note=body.note)
    return _standing(session, application_id, Scope.of(principal))


@router.get("/rounds/{round_id}/selection/public", response_model=PublicRoundOut,
            dependencies=[Depends(public())])
def public_round(round_id: int, session: DbSession) -> Any:
    """A published round for anyone: seats, the seed's commitment, the seed after the draw,
    cut-offs per unit and seat type, offer counts (no one's data)."""
    row = rounds.get_round(session, round_id)
    if row.status == RoundStatus.DRAFT:
        raise RoundNotFound(round_id)
    offer_service.lapse_offers(session, round_id=round_id)
    figures = figures_of(session, row)
    return PublicRoundOut(
        round_id=round_id, drawn=figures.drawn, commitment=figures.commitment, seed=figures.seed,
        seats=figures.seats, cutoffs_at_draw=[_cutoff(c) for c, _ in figures.cutoffs],
        cutoffs_now=[_cutoff(n) for _, n in figures.cutoffs if n],
        offers=figures.offers, withdrawals=figures.withdrawals)
