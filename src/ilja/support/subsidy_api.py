"""REST API for training subsidies under /api/v1/support/subsidy: funding programs, grants,
online-course progress, the monthly payment run, and the trainee's own grants."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, PayrollReader, PayrollRunner, Principal, TrainingManager, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import subsidy_service as sub
from ilja.support.bounds import MAX_INT
from ilja.text import FreeText

router = APIRouter(prefix="/subsidy")


def program_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "code": row.code, "company": row.company, "name": row.name,
            "organisation_id": row.organisation_id, "budget_won": row.budget_won,
            "committed_won": row.committed_won, "paid_won": row.paid_won,
            "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat()}


def grant_out(row: Any, payments: list[Any] | None = None) -> dict[str, Any]:
    out = {"id": row.id, "person_id": row.person_id, "program_id": row.program_id, "course_label": row.course_label,
           "enrolment_id": row.enrolment_id, "starts_on": row.starts_on.isoformat(), "months": row.months,
           "monthly_amount_won": row.monthly_amount_won, "status": row.status}
    if payments is not None:
        out["payments"] = [{"month": p.month, "attendance_milli": p.attendance_milli, "amount_won": p.amount_won,
                            "status": p.status, "reason": p.reason} for p in payments]
    return out


class ProgramIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)
    company: FreeText = Field(max_length=200)
    name: FreeText = Field(max_length=200)
    budget_won: int = Field(ge=0, le=MAX_INT)
    starts_on: dt.date
    ends_on: dt.date
    organisation_id: int | None = None


@router.get("/programs")
def list_programs(db: DbSession, _: PayrollReader) -> list[dict[str, Any]]:
    return [program_out(p) for p in sub.programs(db)]


@router.post("/programs", status_code=201)
def add_program(body: ProgramIn, db: DbSession, principal: PayrollRunner) -> dict[str, Any]:
    return program_out(sub.add_program(db, **body.model_dump(), actor=principal.actor))


@router.get("/check/{person_id}")
def check(person_id: int, db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.TRAINING_READ))],
          on: dt.date | None = None) -> dict[str, Any]:
    """Whether the person qualifies on ``on`` and why not; a staff read of personal data, audited."""
    day = on or clock.today()
    refusals = sub.check(db, person_id, day, Scope.of(principal))
    audit.record(db, principal.actor, "support.subsidy.check", subject_person_id=person_id, object_type="person",
                 object_id=person_id)
    return {"person_id": person_id, "on": day.isoformat(), "qualifies": not refusals, "refusals": refusals}


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int
    program_id: int
    starts_on: dt.date
    course_label: FreeText = Field(max_length=200)
    enrolment_id: int | None = None
    months: int | None = Field(default=None, ge=1, le=MAX_INT)


@router.get("/grants")
def list_grants(db: DbSession, principal: PayrollReader, program_id: int | None = None) -> list[dict[str, Any]]:
    return [grant_out(g) for g in sub.grants(db, program_id=program_id, scope=Scope.of(principal))]


@router.post("/grants", status_code=201)
def add_grant(body: GrantIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    def action() -> Any:
        with db.begin_nested():
            return sub.grant(db, **body.model_dump(), actor=principal.actor, scope=Scope.of(principal))
    return grant_out(action())


class ProgressIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    progress_milli: int = Field(ge=0, le=1000)


@router.post("/grants/{grant_id}/progress")
def progress(grant_id: int, body: ProgressIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = sub.record_progress(db, grant_id=grant_id, month=body.month,
                                           progress_milli=body.progress_milli, actor=principal.actor,
                                           scope=Scope.of(principal))
    return {"grant_id": grant_id, "month": row.month, "progress_milli": row.progress_milli}


class RunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: str = Field(pattern=r"^\d{4}-\d{2}$")


@router.post("/runs")
def run(body: RunIn, db: DbSession, principal: PayrollRunner) -> dict[str, Any]:
    result = sub.run_month(db, month=body.month, run_on=clock.today(), actor=principal.actor)
    return {"month": result.month, "paid": result.paid, "withheld": result.withheld,
            "amount_won": result.amount_won, "skipped": result.skipped,
            "awaiting": result.awaiting}


@router.get("/me")
def mine(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
         ) -> list[dict[str, Any]]:
    person_id = principal.user.person_id
    return [] if person_id is None else [grant_out(g, p) for g, p in sub.grants_of(db, person_id)]
