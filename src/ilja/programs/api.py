"""REST endpoints for the 2025 plan: programs, districts, sites, targets, warnings, holidays.

They read the plan files (``load_plan``), so the API works before ``ilja plan load``; every
figure goes out with its source. Response models are explicit, so a new internal field is not
exposed by accident.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from ilja.errors import NotFound
from ilja.programs.holidays import holiday_calendar
from ilja.programs.loader import load_plan
from ilja.programs.plan import Campus, Institute, Plan

router = APIRouter(tags=["plan"])

Number = int | float


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class TextOut(_Out):
    ko: str
    en: str


class SourcedTextOut(TextOut):
    source: str


class FigureOut(_Out):
    value: Number
    unit: str
    approximate: bool
    per_year: bool
    source: str


class NamedFigureOut(FigureOut):
    label: TextOut | None


class PeriodOut(_Out):
    label: TextOut | None
    start: dt.date
    end: dt.date | None
    precision: Literal["day", "month"]
    source: str


class PayOut(SourcedTextOut):
    hourly_wage: FigureOut
    daily_hours: FigureOut
    days_per_week: FigureOut
    monthly: FigureOut


class ProgramTypeOut(_Out):
    code: str
    name: TextOut
    description: SourcedTextOut


class TrackOut(_Out):
    code: str
    name: TextOut
    kind: str
    type: str | None
    projects: FigureOut | None
    people: FigureOut | None
    examples: list[TextOut]
    description: SourcedTextOut | None
    linked_course: TextOut | None
    institutes: list[str]
    source: str


class ProgramSummaryOut(_Out):
    code: str
    parent: str | None
    name: TextOut
    kind: str
    budget: FigureOut | None
    projects: FigureOut | None
    people: FigureOut | None
    source: str


class PlanWarningOut(_Out):
    code: str
    subject: str
    message_ko: str
    message_en: str
    stated: Number | str | None
    computed: Number | str | None
    sources: list[str]


class PlanCheckOut(PlanWarningOut):
    ok: bool


class ProgramOut(ProgramSummaryOut):
    legal_basis: SourcedTextOut | None
    target_group: SourcedTextOut | None
    summary: SourcedTextOut | None
    pay: PayOut | None
    periods: list[PeriodOut]
    schedule: list[PeriodOut]
    types: list[ProgramTypeOut]
    rule_changes: list[SourcedTextOut]
    figures: dict[str, NamedFigureOut]
    tracks: list[TrackOut]
    children: list[str]
    warnings: list[PlanWarningOut]


class PlanWarningsOut(_Out):
    plan_id: str
    version: str
    content_hash: str
    warnings: list[PlanWarningOut]
    checks: list[PlanCheckOut]


class DistrictOut(_Out):
    code: str
    name: TextOut
    source: str


class OpeningOut(_Out):
    year: int
    month: int | None
    status: Literal["planned", "reported"]
    first: bool
    source: str


class SpecialisationOut(_Out):
    kind: str
    status: str
    label: TextOut
    partner: str | None
    industry: TextOut | None
    source: str


class SiteOut(_Out):
    code: str
    kind: Literal["campus", "institute"]
    name: TextOut
    district: str | None
    district_name: TextOut | None
    source: str
    opening: OpeningOut | None = None
    openings: list[OpeningOut] = []
    opened_by_year: int | None = None
    location: SourcedTextOut | None = None
    floor_area: FigureOut | None = None
    specialisations: list[SpecialisationOut] = []
    address: SourcedTextOut | None = None
    founded: FigureOut | None = None
    trainees: FigureOut | None = None
    note: TextOut | None = None


class TargetOut(_Out):
    key: str
    program: str | None
    track: str | None
    metric: str
    label: TextOut
    year: int | None
    kind: Literal["actual", "plan", "target"]
    value: Number
    value_max: Number | None
    comparison: Literal["eq", "at_least", "range"]
    unit: str
    approximate: bool
    cumulative: bool
    per_year: bool
    as_of: str | None
    period: PeriodOut | None
    note: TextOut | None
    source: str


class HolidayOut(_Out):
    date: dt.date
    name_ko: str
    name_en: str


def _plan() -> Plan:
    return load_plan()


def _related(plan: Plan, code: str) -> list[PlanWarningOut]:
    return [
        PlanWarningOut.model_validate(w)
        for w in plan.warnings
        if w.subject == code or w.subject.startswith(code + ":")
    ]


def _site(site: Campus | Institute) -> SiteOut:
    if isinstance(site, Campus):
        return SiteOut.model_validate(
            {
                **dict(site),
                "kind": "campus",
                "opening": site.opening,
                "opened_by_year": site.opened_by.year if site.opened_by else None,
            }
        )
    return SiteOut.model_validate({**dict(site), "kind": "institute"})


@router.get("/programs", response_model=list[ProgramSummaryOut])
def list_programs() -> list[ProgramSummaryOut]:
    """The programs of the 2025 plan (sub-programs name their parent), with budgets and headcounts."""
    return [ProgramSummaryOut.model_validate(p) for p in _plan().programs]


@router.get(
    "/programs/{code}",
    response_model=ProgramOut,
    responses={404: {"description": "Unknown program code"}},
)
def get_program(code: str) -> ProgramOut:
    """One program: legal basis, target group, pay, periods, tracks, figures, and its warnings."""
    plan = _plan()
    try:
        program = plan.program(code)
    except KeyError:
        known = ", ".join(p.code for p in plan.programs)
        raise NotFound(f"사업 {code!r}이(가) 계획에 없습니다. 있는 사업: {known}",
                       f"unknown program {code!r}; known programs: {known}",
                       code="program_unknown") from None
    return ProgramOut.model_validate(
        {
            **dict(program),
            "children": [c.code for c in plan.children(code)],
            "warnings": _related(plan, code),
        }
    )


@router.get("/plan/warnings", response_model=PlanWarningsOut)
def plan_warnings() -> PlanWarningsOut:
    """Where the plan's own figures disagree (both numbers), and every check that was run."""
    plan = _plan()
    return PlanWarningsOut.model_validate(
        {
            "plan_id": plan.id,
            "version": plan.version,
            "content_hash": plan.content_hash,
            "warnings": plan.warnings,
            "checks": plan.checks,
        }
    )


@router.get("/districts", response_model=list[DistrictOut])
def list_districts() -> list[DistrictOut]:
    """Seoul's 25 districts (자치구) with their administrative codes."""
    return [DistrictOut.model_validate(d) for d in _plan().districts]


@router.get("/sites", response_model=list[SiteOut])
def list_sites(
    kind: Literal["campus", "institute"] | None = None,
    district: str | None = Query(None, description="District code, e.g. 11440"),
) -> list[SiteOut]:
    """Academy campuses and technical education institutes, optionally by kind or district."""
    plan = _plan()
    everything: list[Campus | Institute] = [*plan.campuses, *plan.institutes]
    sites = [_site(s) for s in everything]
    return [
        s
        for s in sites
        if (kind is None or s.kind == kind) and (district is None or s.district == district)
    ]


@router.get("/targets", response_model=list[TargetOut])
def list_targets(
    metric: str | None = None,
    year: int | None = None,
    program: str | None = None,
) -> list[TargetOut]:
    """Figures by year — achieved, planned and targeted — each with its source."""
    return [
        TargetOut.model_validate({**dict(t), "key": t.key})
        for t in _plan().targets
        if (metric is None or t.metric == metric)
        and (year is None or t.year == year)
        and (program is None or t.program == program)
    ]


@router.get("/holidays", response_model=list[HolidayOut])
def list_holidays(year: int = Query(..., ge=1950, le=2100)) -> list[HolidayOut]:
    """Korean public holidays of a year, substitute and election days included."""
    return [HolidayOut.model_validate(h) for h in holiday_calendar(year)]
