"""REST API for start-up incubation under /api/v1/support/startups."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, TrainingManager, TrainingReader, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import startup_service as svc
from ilja.support.bounds import MAX_INT
from ilja.text import FreeText, MultilineText

router = APIRouter()


def startup_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "idea": row.idea, "stage": row.stage, "campus_code": row.campus_code,
            "startup_center_ref": row.startup_center_ref,
            "launched_on": row.launched_on.isoformat() if row.launched_on else None}


def detail_out(view: dict[str, Any]) -> dict[str, Any]:
    return {**startup_out(view["startup"]), "raised_won": view["raised_won"],
            "members": [{"person_id": m.person_id, "role": m.role, "joined_on": m.joined_on.isoformat(),
                         "left_on": m.left_on.isoformat() if m.left_on else None, "outcome_id": m.outcome_id}
                        for m in view["members"]],
            "mentors": [{"id": m.id, "name": m.name, "organisation": m.organisation, "expertise": m.expertise}
                        for m in view["mentors"]],
            "milestones": [{"id": m.id, "title": m.title, "due_on": m.due_on.isoformat(),
                            "done_on": m.done_on.isoformat() if m.done_on else None} for m in view["milestones"]],
            "funding": [{"kind": f.kind, "funder": f.funder, "amount_won": f.amount_won,
                         "received_on": f.received_on.isoformat()} for f in view["funding"]],
            "stages": [{"stage": s.stage, "on": s.on.isoformat(), "note": s.note} for s in view["stages"]]}


class StartupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: FreeText = Field(max_length=200)
    idea: MultilineText = Field(max_length=5000)
    campus_code: str | None = Field(default=None, max_length=64)
    on: dt.date | None = None


@router.get("/startups")
def list_startups(db: DbSession, principal: TrainingReader) -> list[dict[str, Any]]:
    return [startup_out(s) for s in svc.startups(db, Scope.of(principal))]


@router.post("/startups", status_code=201)
def create(body: StartupIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    return startup_out(svc.create_startup(
        db, name=body.name, idea=body.idea, campus_code=body.campus_code, on=body.on or clock.today(),
        actor=principal.actor))


@router.get("/startups/{startup_id}")
def show(startup_id: int, db: DbSession, principal: TrainingReader) -> dict[str, Any]:
    view = svc.detail(db, startup_id, Scope.of(principal))
    audit.record(db, principal.actor, "support.startup.read", object_type="startup", object_id=startup_id)
    return detail_out(view)


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int
    role: Literal["founder", "member"] = "member"
    on: dt.date | None = None


@router.post("/startups/{startup_id}/members", status_code=201)
def add_member(startup_id: int, body: MemberIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.add_member(db, startup_id=startup_id, person_id=body.person_id, role=body.role,
                                      on=body.on or clock.today(), actor=principal.actor, scope=Scope.of(principal))
    return {"person_id": row.person_id, "role": row.role, "outcome_id": row.outcome_id}


@router.delete("/startups/{startup_id}/members/{person_id}")
def remove_member(startup_id: int, person_id: int, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.remove_member(db, startup_id=startup_id, person_id=person_id, on=clock.today(),
                                         actor=principal.actor, scope=Scope.of(principal))
    return {"person_id": row.person_id, "left_on": row.left_on.isoformat()}


class MentorIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: FreeText = Field(max_length=100)
    organisation: FreeText | None = Field(default=None, max_length=200)
    expertise: FreeText | None = Field(default=None, max_length=200)
    since: dt.date | None = None


@router.post("/startups/{startup_id}/mentors", status_code=201)
def add_mentor(startup_id: int, body: MentorIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.add_mentor(db, startup_id=startup_id, name=body.name, organisation=body.organisation,
                                      expertise=body.expertise, since=body.since or clock.today(),
                                      actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id}


class MilestoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: FreeText = Field(max_length=200)
    due_on: dt.date


@router.post("/startups/{startup_id}/milestones", status_code=201)
def add_milestone(startup_id: int, body: MilestoneIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.add_milestone(db, startup_id=startup_id, title=body.title, due_on=body.due_on,
                                         actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id}


class DoneIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: dt.date | None = None


@router.post("/startups/milestones/{milestone_id}/done")
def milestone_done(milestone_id: int, body: DoneIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.complete_milestone(db, milestone_id=milestone_id, on=body.on or clock.today(),
                                              actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id, "done_on": row.done_on.isoformat()}


class FundingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["grant", "investment", "loan", "prize"]
    funder: FreeText = Field(max_length=200)
    amount_won: int = Field(gt=0, le=MAX_INT)
    received_on: dt.date


@router.post("/startups/{startup_id}/funding", status_code=201)
def add_funding(startup_id: int, body: FundingIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = svc.add_funding(db, startup_id=startup_id, **body.model_dump(), actor=principal.actor,
                          scope=Scope.of(principal))
    return {"id": row.id}


class StageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stage: Literal["idea", "prototype", "market_research", "launch", "investment", "closed"]
    on: dt.date | None = None
    note: MultilineText = Field(default="", max_length=2000)


@router.post("/startups/{startup_id}/stage")
def move_stage(startup_id: int, body: StageIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    result = svc.move_stage(db, startup_id=startup_id, stage=body.stage, on=body.on or clock.today(),
                                         note=body.note, actor=principal.actor, scope=Scope.of(principal))
    return {**startup_out(result.startup), "outcomes_recorded": result.outcomes_recorded,
            "without_participation": result.without_participation}


class CenterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reference: FreeText = Field(max_length=200)
    on: dt.date | None = None


@router.put("/startups/{startup_id}/startup-center")
def link_center(startup_id: int, body: CenterIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    return startup_out(svc.link_startup_center(db, startup_id=startup_id, reference=body.reference,
                                               on=body.on or clock.today(), actor=principal.actor,
                                               scope=Scope.of(principal)))


@router.get("/me/startups")
def my_startups(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
                ) -> list[dict[str, Any]]:
    person_id = principal.user.person_id
    if person_id is None:
        return []
    return [startup_out(s) for s in svc.startups_of_person(db, person_id)]


