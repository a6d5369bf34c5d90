"""REST API for alumni participation under /api/v1/support/alumni: mentoring pairs and
meetings, talent-donation sessions, scholarships, the year's figures and publishing them."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ilja.accounts.deps import DbSession, OutcomeRecorder, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import alumni_service as alumni
from ilja.support.bounds import MAX_INT
from ilja.text import FreeText

router = APIRouter(prefix="/alumni")
YearQuery = Annotated[int, Query(ge=2000, le=2100)]


class PairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    mentor_member_id: int = Field(ge=1, le=MAX_INT)
    mentee_person_id: int = Field(ge=1, le=MAX_INT)
    started_on: dt.date


class DayIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    on: dt.date


class TalentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    member_id: int = Field(ge=1, le=MAX_INT)
    topic: FreeText = Field(max_length=200)
    held_on: dt.date
    minutes: int = Field(ge=1, le=MAX_INT)
    attendees: int = Field(ge=0, le=MAX_INT)
    campus_code: str | None = Field(default=None, max_length=64)


class ScholarshipIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    donor_member_id: int = Field(ge=1, le=MAX_INT)
    recipient_person_id: int = Field(ge=1, le=MAX_INT)
    amount_won: int = Field(gt=0, le=MAX_INT)
    awarded_on: dt.date


class YearIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    year: int = Field(ge=2000, le=2100)


@router.post("/pairs", status_code=201)
def add_pair(body: PairIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = alumni.pair(db, **body.model_dump(), actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id, "activity_id": row.activity_id}


@router.post("/pairs/{pair_id}/meetings")
def meeting(pair_id: int, body: DayIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = alumni.record_meeting(db, pair_id=pair_id, on=body.on, actor=principal.actor,
                                                scope=Scope.of(principal))
    return {"id": row.id, "meetings": row.meetings}


@router.post("/pairs/{pair_id}/end")
def end(pair_id: int, body: DayIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = alumni.end_pair(db, pair_id=pair_id, on=body.on, actor=principal.actor,
                                          scope=Scope.of(principal))
    return {"id": row.id, "ended_on": row.ended_on.isoformat()}


@router.post("/talent-sessions", status_code=201)
def talent(body: TalentIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = alumni.talent_session(db, **body.model_dump(), actor=principal.actor)
    return {"id": row.id, "counted": row.counted}


@router.post("/scholarships", status_code=201)
def scholarship(body: ScholarshipIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = alumni.scholarship(db, **body.model_dump(), actor=principal.actor)
    return {"id": row.id, "activity_id": row.activity_id}


@router.get("/figures")
def figures(db: DbSession, _: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
            year: YearQuery = 2026) -> dict[str, int]:
    return alumni.figures(db, year=year)


@router.post("/publish")
def publish(body: YearIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, int]:
    return alumni.publish(db, year=body.year, actor=principal.actor)
