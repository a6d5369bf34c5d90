"""REST API under /api/v1/outcomes: the dashboard's figures, the people behind a rate (audited),
and recording an outcome."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from ilja import clock, paging
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, OutcomeRecorder, Principal, ReportReader, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.errors import NotFound, PersonNotFound
from ilja.outcomes import dashboard, queries, registers, service
from ilja.outcomes.kpi import scope_of
from ilja.outcomes.queries import Filters
from ilja.outcomes.rates import DefinitionName, cohort_for, definition

router = APIRouter(prefix="/outcomes", tags=["outcomes"])


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


@router.get("/dashboard")
def dashboard_figures(db: DbSession, _: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
                      year: Annotated[int, Query(ge=2021, le=2100)] = 2025,
                      program: str | None = None, campus: str | None = None,
                      ) -> dict[str, Any]:
    """The three rates with numerator and denominator, every target with its gap, the 2030 view."""
    d = dashboard.build(db, year=year, filters=Filters(program or None, campus or None))
    return {
        "year": d.year, "as_of": d.as_of.isoformat(),
        "rates": [{"definition": r.rule.name, "numerator": r.group.numerator,
                   "denominator": r.group.denominator, "excluded": r.group.excluded,
                   "percent": _num(r.group.percent), "cohort": [r.cohort.start.isoformat(), r.cohort.end.isoformat()],
                   "parameters": [u.as_dict() for u in r.rule.uses]} for r in d.rates],
        "kpis": [{"key": k.target.key, "scope": scope_of(k.target), "metric": k.target.metric,
                  "year": k.target.year, "kind": k.target.kind, "target": k.target.value,
                  "target_max": k.target.value_max, "actual": _num(k.actual.value) if k.actual else None,
                  "actual_year": k.actual.year if k.actual else None,
                  "actual_source": k.actual.source if k.actual else None,
                  "gap": _num(k.gap), "status": k.status} for k in d.kpis],
        "goals_2030": [{"key": g.target.key, "base": _num(g.base.value) if g.base else None,
                        "base_year": g.base.year if g.base else None, "model": g.model,
                        "projected": g.projected, "gap": g.gap, "on_course": g.on_course,
                        "needed_per_year": g.needed_per_year, "needed_growth": g.needed_growth}
                       for g in d.goals],
    }


@router.get("/rates/{definition_name}/members")
def rate_members(definition_name: str, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))],
                 year: Annotated[int, Query(ge=2021, le=2100)] = 2025,
                 status: Literal["counted", "not_counted", "excluded"] | None = None,
                 limit: Annotated[int, Query(ge=1, le=paging.cap())] = 100,
                 offset: Annotated[int, Query(ge=0, le=10**7)] = 0) -> dict[str, Any]:
    """The completers behind a rate (ids only); the request is written to the audit log."""
    if definition_name not in {d.value for d in DefinitionName}:
        raise NotFound(f"성과 지표 {definition_name!r}이(가) 없습니다.",
                       f"no rate definition {definition_name!r}", code="rate_unknown")
    on = min(clock.today(), dt.date(year, 12, 31))
    rule = definition(definition_name, on)
    rows, total = queries.rate_members(db, rule, cohort_for(rule, year=year, as_of=on), status=status,
                                       limit=limit, offset=max(0, offset), scope=Scope.of(principal))
    audit.record(db, principal.actor, "outcome.drilldown", object_type="rate", object_id=definition_name,
                 details={"year": year, "status": status, "shown": len(rows),
                          "participation_ids": [r.participation_id for r in rows]})
    return {"total": total, "members": [
        {"participation_id": r.participation_id, "person_id": r.person_id, "program": r.program,
         "campus": r.campus, "completed_on": r.completed_on.isoformat(), "status": r.status} for r in rows]}


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["employed", "startup", "further_study", "looking"]
    effective_on: dt.date
    recorded_on: dt.date | None = None
    source: Literal["self_report", "coordinator_verified", "employment_insurance"] = "self_report"
    employer: str | None = None
    job_title: str | None = None
    contract_type: str | None = None
    follow_up_point: int | None = None


@router.post("/participations/{participation_id}/outcomes", status_code=201)
def record_outcome(participation_id: int, body: OutcomeIn, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.OUTCOME_RECORD))],
                   ) -> dict[str, Any]:
    row = service.record_outcome(db, service.OutcomeInput(
        participation_id=participation_id, kind=body.kind, effective_on=body.effective_on,
        recorded_on=body.recorded_on or clock.today(), source=body.source, employer=body.employer,
        job_title=body.job_title, contract_type=body.contract_type,
        follow_up_point=body.follow_up_point), actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id, "participation_id": participation_id, "months_after": row.months_after}


# --- follow-ups, registers and staff-entered figures -------------------------------------------


@router.get("/follow-ups")
def follow_ups(db: DbSession, principal: OutcomeRecorder, on: dt.date | None = None,
               limit: int = 100) -> list[dict[str, Any]]:
    """Open follow-ups due by ``on`` (today by default), oldest first; ids only, the read audited."""
    rows = service.due_follow_ups(db, on or clock.today(), limit=max(1, min(limit, 1000)),
                                  scope=Scope.of(principal))
    audit.record(db, principal.actor, "outcome.follow_ups.read", object_type="follow_up",
                 details={"follow_up_ids": [r.id for r in rows]})
    return [{"id": r.id, "participation_id": r.participation_id, "point_months": r.point_months,
             "due_on": r.due_on.isoformat()} for r in rows]


class AlumniIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    person_id: int | None = None
    joined_on: dt.date
    campus_code: str | None = Field(default=None, max_length=64)


class ActivityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["mentoring", "talent_donation", "scholarship_given", "scholarship_received"]
    on: dt.date
    amount_won: int | None = Field(default=None, ge=0)


class AllianceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: Literal["company", "university", "association", "public"]
    joined_on: dt.date


class KpiIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scope: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_.]+$")
    metric: str = Field(min_length=1, max_length=64, pattern=r"^[a-z_]+$")
    year: int = Field(ge=2000, le=2100)
    value: Decimal = Field(ge=0, max_digits=18, decimal_places=2)
    source: str = Field(min_length=1, max_length=300)


@router.get("/alumni")
def alumni(db: DbSession, principal: ReportReader) -> list[dict[str, Any]]:
    return [{"id": m.id, "person_id": m.person_id, "campus_code": m.campus_code,
             "joined_on": m.joined_on.isoformat(), "activities": n}
            for m, n in registers.alumni(db)]


@router.post("/alumni", status_code=201)
def add_alumni(body: AlumniIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    if body.person_id is not None and registers.person_missing(db, body.person_id):
        raise PersonNotFound(body.person_id)
    row = service.add_alumni_member(db, person_id=body.person_id, joined_on=body.joined_on,
                                    campus_code=body.campus_code or None, actor=principal.actor)
    return {"id": row.id}


@router.post("/alumni/{member_id}/activities", status_code=201)
def add_activity(member_id: int, body: ActivityIn, db: DbSession,
                 principal: OutcomeRecorder) -> dict[str, Any]:
    row = service.add_alumni_activity(db, member_id=member_id, kind=body.kind, on=body.on,
                                      amount_won=body.amount_won, actor=principal.actor,
                                      scope=Scope.of(principal))
    return {"id": row.id, "member_id": member_id}


@router.get("/alliance")
def alliance(db: DbSession, principal: ReportReader) -> list[dict[str, Any]]:
    return [{"id": m.id, "name": m.name, "kind": m.kind, "joined_on": m.joined_on.isoformat(),
             "left_on": m.left_on.isoformat() if m.left_on else None}
            for m in registers.alliance(db)]


@router.post("/alliance", status_code=201)
def add_alliance(body: AllianceIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    row = service.add_alliance_member(db, name=body.name, kind=body.kind,
                                      joined_on=body.joined_on, actor=principal.actor)
    return {"id": row.id}


@router.get("/kpi-actuals")
def kpi_actuals(db: DbSession, principal: ReportReader) -> list[dict[str, Any]]:
    return [{"id": k.id, "scope": k.scope, "metric": k.metric, "year": k.year,
             "value": float(k.value), "source": k.source} for k in registers.kpi_actuals(db)]


@router.put("/kpi-actuals")
def set_kpi(body: KpiIn, db: DbSession, principal: OutcomeRecorder) -> dict[str, Any]:
    """Enter or correct a figure no domain records (budget executed, floor area…), with its source."""
    row = service.set_kpi_actual(db, scope=body.scope, metric=body.metric, year=body.year,
                                 value=body.value, source=body.source, actor=principal.actor)
    return {"id": row.id, "scope": row.scope, "metric": row.metric, "year": row.year,
            "value": float(row.value)}
