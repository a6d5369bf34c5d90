"""REST API for employer events under /api/v1/support/events: events, sign-ups with capacity
and waitlist (the trainee's own or by staff), attendance, follow-up, figures."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ilja.accounts.deps import Applicant, DbSession, MatchingManager, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.errors import AccountNotLinked, PersonNotFound
from ilja.people import registry
from ilja.support import event_service as ev
from ilja.support.bounds import MAX_INT
from ilja.text import FreeText, MultilineText

router = APIRouter(prefix="/events")


def event_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "title": row.title, "organisation": row.organisation_name,
            "organisation_code": row.organisation_code, "university": row.university, "campus_code": row.campus_code,
            "place": row.place, "starts_at": row.starts_at.isoformat(), "capacity": row.capacity,
            "confirmed": row.confirmed, "waitlisted": row.waitlisted, "cancelled": row.cancelled}


def signup_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "event_id": row.event_id, "person_id": row.person_id, "status": row.status,
            "attended": row.attended, "hired": row.hired,
            "hired_on": row.hired_on.isoformat() if row.hired_on else None}


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["hiring_briefing", "company_visit", "visiting_academy"]
    title: FreeText = Field(max_length=200)
    starts_at: dt.datetime
    place: FreeText = Field(max_length=200)
    capacity: int = Field(ge=1, le=MAX_INT)
    organisation_code: str | None = Field(default=None, max_length=64)
    organisation_name: FreeText | None = Field(default=None, max_length=200)
    university: FreeText | None = Field(default=None, max_length=200)
    campus_code: str | None = Field(default=None, max_length=64)


@router.get("")
def list_events(db: DbSession, _: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
                upcoming: bool = True) -> list[dict[str, Any]]:
    """Events trainees can see (upcoming by default); counts only, no names."""
    return [event_out(e) for e in ev.events(db, upcoming_from=ev.now() if upcoming else None)]


@router.get("/all")
def all_events(db: DbSession, _: MatchingManager, kind: str | None = None) -> list[dict[str, Any]]:
    return [event_out(e) for e in ev.events(db, kind=kind)]


@router.post("", status_code=201)
def create(body: EventIn, db: DbSession, principal: MatchingManager) -> dict[str, Any]:
    return event_out(ev.create_event(db, **body.model_dump(), actor=principal.actor))


@router.get("/figures")
def figures(db: DbSession, _: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
            year: Annotated[int, Query(ge=2000, le=2100)] = 2026) -> list[dict[str, Any]]:
    return [vars(f) for f in ev.figures(db, year=year)]


@router.get("/{event_id}/signups")
def list_signups(event_id: int, db: DbSession, principal: MatchingManager) -> list[dict[str, Any]]:
    ev.get_event(db, event_id)
    return [signup_out(s) for s in ev.signups(db, event_id, Scope.of(principal))]


class StaffSignupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int


@router.post("/{event_id}/signups", status_code=201)
def staff_signup(event_id: int, body: StaffSignupIn, db: DbSession, principal: MatchingManager) -> dict[str, Any]:
    if registry.get_person(db, body.person_id, Scope.of(principal)) is None:
        raise PersonNotFound(body.person_id)
    return signup_out(ev.sign_up(db, event_id=event_id, person_id=body.person_id,
                                              actor=principal.actor))


def _person(principal: Principal) -> int:
    if principal.user.person_id is None:
        raise AccountNotLinked()
    return principal.user.person_id


@router.post("/{event_id}/me", status_code=201)
def my_signup(event_id: int, db: DbSession, principal: Applicant) -> dict[str, Any]:
    person_id = _person(principal)
    return signup_out(ev.sign_up(db, event_id=event_id, person_id=person_id, actor=principal.actor))


@router.delete("/{event_id}/me")
def my_cancel(event_id: int, db: DbSession, principal: Applicant) -> dict[str, Any]:
    person_id = _person(principal)
    promoted = ev.cancel(db, event_id=event_id, person_id=person_id, actor=principal.actor)
    return {"cancelled": True, "promoted": promoted is not None}


class AttendanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attended: bool


@router.post("/signups/{signup_id}/attendance")
def attendance(signup_id: int, body: AttendanceIn, db: DbSession, principal: MatchingManager) -> dict[str, Any]:
    return signup_out(ev.mark_attendance(db, signup_id=signup_id, attended=body.attended,
                                                      actor=principal.actor, scope=Scope.of(principal)))


class FollowUpIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    hired: bool
    hired_on: dt.date | None = None
    note: MultilineText = Field(default="", max_length=2000)


@router.post("/signups/{signup_id}/follow-up")
def follow_up(signup_id: int, body: FollowUpIn, db: DbSession, principal: MatchingManager) -> dict[str, Any]:
    return signup_out(ev.follow_up(db, signup_id=signup_id, hired=body.hired, hired_on=body.hired_on,
                                                note=body.note, actor=principal.actor,
                                                scope=Scope.of(principal)))
