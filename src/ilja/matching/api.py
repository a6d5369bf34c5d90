"""Matching API under ``/api/v1/matching``: postings, a candidate's fit list, runs (start,
review, confirm), offer decisions, hires, and the trainee's own matches, interviews and offers."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from ilja import clock
from ilja.accounts.deps import DbSession, MatchingManager, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.matching import api_catalogue, coordination, runs, service
from ilja.matching.errors import NoProfile

router = APIRouter(prefix="/matching", tags=["matching"])


class PostingOut(BaseModel):
    id: int
    code: str
    organisation_id: int
    round_code: str
    kind: str
    title: str
    seats: int
    required_skills: list[str]
    preferred_skills: list[str]
    ncs_codes: list[str]
    district: str | None
    starts_on: dt.date | None
    ends_on: dt.date | None
    monthly_pay: int | None
    status: str


def _posting(p: Any) -> PostingOut:
    return PostingOut(**{name: getattr(p, name) for name in PostingOut.model_fields})


@router.get("/postings", response_model=list[PostingOut])
def postings(db: DbSession, principal: MatchingManager, round_code: str | None = None) -> list[PostingOut]:
    return [_posting(p) for p in service.list_postings(db, round_code=round_code)]


class FitOut(BaseModel):
    posting: PostingOut
    fit: float
    explanation: dict[str, Any]


@router.get("/candidates/{candidate_id}/fit", response_model=list[FitOut])
def candidate_fit(candidate_id: int, db: DbSession, principal: MatchingManager) -> list[FitOut]:
    rows = service.fit_list(db, candidate_id, on=clock.today(), actor=principal.actor,
                            scope=Scope.of(principal))
    return [FitOut(posting=_posting(r["posting"]), fit=r["fit"], explanation=r["explanation"])
            for r in rows]


class RunIn(BaseModel):
    round_code: str = Field(min_length=1, max_length=64)
    method: Literal["stable", "max_fit"] = "stable"


class ProposalOut(BaseModel):
    id: int
    candidate_id: int
    posting_id: int
    fit: float
    candidate_choice: int
    status: str


class RunOut(BaseModel):
    id: int
    round_code: str
    method: str
    status: str
    candidates: int
    postings: int
    matched: int
    total_fit: float
    blocking_pairs: int
    inputs_hash: str
    seed_commitment: str
    alternative: dict[str, Any]
    proposals: list[ProposalOut]


def _run(db: Any, row: Any, scope: Scope) -> RunOut:
    """The run with the proposals of the caller's candidates."""
    return RunOut(
        id=row.id, round_code=row.round_code, method=row.method, status=row.status,
        candidates=row.candidates, postings=row.postings, matched=row.matched,
        total_fit=row.total_fit / 100, blocking_pairs=row.blocking_pairs,
        inputs_hash=row.inputs_hash, seed_commitment=row.seed_commitment,
        alternative=row.parameters.get("alternative", {}),
        proposals=[ProposalOut(id=p.id, candidate_id=p.candidate_id, posting_id=p.posting_id,
                               fit=p.fit / 100, candidate_choice=p.candidate_choice,
                               status=p.status) for p in service.run_proposals(db, row.id, scope)])


@router.post("/runs", response_model=RunOut, status_code=201)
def start_run(body: RunIn, db: DbSession, principal: MatchingManager) -> RunOut:
    row = runs.run_matching(db, round_code=body.round_code, method=body.method,
                            actor=principal.actor)
    return _run(db, row, Scope.of(principal))


@router.get("/runs/{matching_run_id}", response_model=RunOut)
def get_run(matching_run_id: int, db: DbSession, principal: MatchingManager) -> RunOut:
    scope = Scope.of(principal)
    return _run(db, service.get_run(db, matching_run_id, scope), scope)


class ConfirmIn(BaseModel):
    proposal_ids: list[int] | None = None
    offered_on: dt.date | None = None


@router.post("/runs/{matching_run_id}/confirm")
def confirm(matching_run_id: int, body: ConfirmIn, db: DbSession, principal: MatchingManager) -> dict[str, Any]:
    scope = Scope.of(principal)
    service.get_run(db, matching_run_id, scope)
    mine = {p.id for p in service.run_proposals(db, matching_run_id, scope)}  # only the caller's candidates
    offers = runs.confirm_run(db, matching_run_id, on=body.offered_on, actor=principal.actor,
                              accepted=mine & set(body.proposal_ids) if body.proposal_ids else mine)
    return {"offers": [o.id for o in offers]}


class DecisionIn(BaseModel):
    decision: Literal["hired", "declined"]
    on: dt.date
    reason: str | None = Field(default=None, max_length=500)


@router.post("/offers/{offer_id}/decision")
def decide(offer_id: int, body: DecisionIn, db: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.OUTCOME_RECORD))],
           ) -> dict[str, Any]:
    service.get_offer(db, offer_id, Scope.of(principal))
    outcome = runs.decide_offer(db, offer_id, decision=body.decision, on=body.on,
                                reason=body.reason, actor=principal.actor)
    return {"offer_id": offer_id, "status": body.decision,
            "outcome_id": outcome.id if outcome else None}


class HireOut(BaseModel):
    id: int
    person_id: int
    organisation_id: int
    posting_id: int
    employer: str
    kind: str
    job_title: str
    hired_on: dt.date
    monthly_pay: int | None


@router.get("/outcomes", response_model=list[HireOut])
def hires(db: DbSession, principal: MatchingManager, since: dt.date | None = None) -> list[HireOut]:
    return [HireOut(**{n: getattr(o, n) for n in HireOut.model_fields})
            for o in service.hires(db, since=since, scope=Scope.of(principal))]


@router.get("/me")
def my_matching(db: DbSession, principal: Annotated[
        Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> dict[str, Any]:
    """The trainee's own proposals, interviews and offers."""
    person_id = principal.user.person_id
    candidate = service.candidate_of_person(db, person_id) if person_id else None
    if candidate is None:
        raise NoProfile()
    return {
        "candidate_id": candidate.id,
        "interviews": [{"day_id": i.day_id, "organisation_id": i.organisation_id,
                        "slot": i.slot, "result": i.result}
                       for i in coordination.interviews(db, candidate_id=candidate.id)],
        "offers": [{"id": o.id, "posting_id": o.posting_id, "status": o.status,
                    "offered_on": o.offered_on, "decided_on": o.decided_on}
                   for o in runs.offers_of_candidate(db, candidate.id)],
    }


# Organisations, postings and the trainee's own profile (api_catalogue.py), same prefix.
router.include_router(api_catalogue.router)
