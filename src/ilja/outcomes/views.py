"""Pages: the outcomes dashboard (rates, every target with its gap, where we stand against 2030,
breakdowns and trends, each chart beside its table), the drill-down from a rate to its people
(staff who may read people; every view audited) and the report downloads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import DbSession, OutcomeRecorder, Principal, ReportReader, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.outcomes import dashboard, figures, queries, registers, reports, service
from ilja.outcomes.kpi import scope_of
from ilja.outcomes.queries import Filters
from ilja.outcomes.rates import DIMENSIONS, DefinitionName, cohort_for, definition
from ilja.paging import Page
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.programs.loader import load_plan
from ilja.web import forms
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
YEARS = range(2021, 2031)
STATUSES = ("counted", "not_counted", "excluded")


def _year(value: int | None) -> int:
    return value if value is not None and value in YEARS else min(max(clock.today().year, YEARS.start), YEARS.stop - 1)


def _filters(program: str, campus: str) -> Filters:
    plan = load_plan()
    programs = {p.code for p in plan.programs}
    campuses = {c.code for c in plan.campuses} | {i.code for i in plan.institutes}
    return Filters(program=program if program in programs else None,
                   campus=campus if campus in campuses else None)


def _options(request: Request, db: DbSession) -> dict[str, Any]:
    t = translator(request)
    plan = load_plan()
    names = dashboard.names(plan, t.lang)
    campuses = sorted(set(dashboard.campuses_in_use(db)) | {c.code for c in plan.campuses})
    return {
        "year_options": [(str(y), str(y)) for y in YEARS],
        "program_options": [("", t("outcomes.all_programs"))]
        + [(p.code, names[p.code]) for p in plan.programs if p.parent is None],
        "campus_options": [("", t("outcomes.all_campuses"))] + [(c, names.get(c, c)) for c in campuses],
        "dimension_options": [(d, t("outcomes.dim." + d)) for d in DIMENSIONS if d not in ("month", "year")],
    }


@router.get("/outcomes", response_class=HTMLResponse)
def dashboard_page(request: Request, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
                   year: int | None = None, program: str = "", campus: str = "",
                   dimension: str = "campus") -> HTMLResponse:
    t = translator(request)
    chosen = _year(year)
    filters = _filters(program, campus)
    dim = dimension if dimension in dashboard.BREAKDOWNS else "campus"
    view = dashboard.cached_build(db, year=chosen, filters=filters, dimension=dim, lang=t.lang)  # type: ignore[arg-type]
    values = {"year": str(chosen), "program": filters.program or "", "campus": filters.campus or "",
              "dimension": dim}
    query = f"year={chosen}&program={values['program']}&campus={values['campus']}"
    return render(request, "outcomes/dashboard.html", {
        "view": view, "figures": figures.all_figures(view, t), "cell": figures.cell,
        "whole_units": figures.WHOLE_UNITS, "values": values, "query": query,
        "can_drill": principal.can(Permission.PEOPLE_READ),
        "can_export": principal.can(Permission.REPORT_EXPORT), **_options(request, db)})


@router.get("/outcomes/members", response_class=HTMLResponse)
def members_page(request: Request, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))],
                 definition_name: Annotated[str, Query(alias="definition")] = "cumulative_rate",
                 year: int | None = None, program: str = "", campus: str = "", status: str = "",
                 dimension: str = "", key: str = "", page: int = 1) -> HTMLResponse:
    """The completers behind a rate or one of its groups; the view is written to the audit log."""
    t = translator(request)
    name = definition_name if definition_name in {d.value for d in DefinitionName} else "cumulative_rate"
    chosen = _year(year)
    filters = _filters(program, campus)
    on = min(clock.today(), dt.date(chosen, 12, 31))
    rule = definition(name, on)
    cohort = cohort_for(rule, year=chosen, as_of=on)
    dim = dimension if dimension in DIMENSIONS else None
    state = status if status in STATUSES else None
    pager = Page.at(page, PAGE_SIZE, query={
        "definition": name, "year": chosen, "program": program, "campus": campus,
        "status": state, "dimension": dim, "key": key if dim else None})
    rows, total = queries.rate_members(db, rule, cohort, filters, status=state, dimension=dim,  # type: ignore[arg-type]
                                       key=(key or None) if dim else None, limit=pager.size,
                                       offset=pager.offset, scope=Scope.of(principal))
    audit.record(db, principal.actor, "outcome.drilldown", object_type="rate", object_id=name,
                 details={"year": chosen, "status": state, "dimension": dim, "key": key or None,
                          "program": filters.program, "campus": filters.campus, "page": pager.number,
                          "shown": len(rows), "participation_ids": [r.participation_id for r in rows]})
    response = render(request, "outcomes/members.html", {
        "names": _person_names(db, {r.person_id for r in rows if r.person_id},
                               principal.can(Permission.PEOPLE_READ_PERSONAL)),
        "rows": rows, "total": total, "pager": pager.of(total),
        "name": name, "year": chosen, "status": state, "dimension": dim, "key": key,
        "labels": dashboard.names(load_plan(), t.lang), "filters": filters,
        "can_open_person": principal.can(Permission.PEOPLE_READ)})
    response.headers["Cache-Control"] = "no-store"
    return response


def _person_names(db: DbSession, person_ids: set[int], personal: bool) -> dict[int, str]:
    """Names by person (one query), masked unless the viewer may read personal details: staff
    see whom a number stands for (the view is already in the audit log with its participations)."""
    if not person_ids:
        return {}
    rows = db.execute(select(Person.id, Person.name).where(Person.id.in_(person_ids))).all()
    return {person_id: name if personal else mask_name(name) for person_id, name in rows}


@router.get("/outcomes/report.{fmt}")
def report_download(request: Request, fmt: str, db: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.REPORT_EXPORT))],
                    year: int | None = None, program: str = "", campus: str = "") -> Response:
    if fmt not in reports.MEDIA_TYPES:
        return Response(status_code=404)
    t = translator(request)
    chosen = _year(year)
    content = reports.render_report(db, fmt, year=chosen, filters=_filters(program, campus), lang=t.lang)
    audit.record(db, principal.actor, "outcome.report.generated", object_type="report",
                 object_id=f"{chosen}.{fmt}", details={"program": program or None, "campus": campus or None})
    return Response(content, media_type=reports.MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="ilja-outcomes-{chosen}.{fmt}"'})


# --- recording: follow-ups and outcomes, registers, staff-entered figures ---------------------
KINDS = ("employed", "startup", "further_study", "looking")
CONTRACTS = ("permanent", "fixed_term", "part_time", "dispatch", "internship", "freelance")
SOURCES = ("self_report", "coordinator_verified", "employment_insurance")
NOTES = ("recorded", "added", "saved")


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    errors = context.get("errors") or []
    response = render(request, template, {"active": "outcomes", "values": {}, "note": None, "errors": errors,
                                          "field_errors": dict(errors), **context},
                      status_code=422 if errors and status_code == 200 else status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v.strip() for k, v in form.items() if isinstance(v, str)}


def _error(request: Request, field: str) -> tuple[str, str]:
    return field, translator(request)("outcomes.form.errors." + field)


def _choices(request: Request, prefix: str, values: tuple[str, ...], blank: bool = False) -> list[tuple[str, str]]:
    t = translator(request)
    return ([("", t("outcomes.form.choose"))] if blank else []) + [(v, t(f"{prefix}.{v}")) for v in values]


def _participation(db: DbSession, principal: Principal, participation_id: int) -> Any:
    """The participation if it is within the caller's scope, else None (a 404 page)."""
    try:
        return service.get_participation(db, participation_id, Scope.of(principal))
    except service.NotFound:
        return None


def _outcome_context(request: Request, db: DbSession, participation: Any) -> dict[str, Any]:
    return {"participation": participation, "outcomes": service.outcomes_of(db, participation.id),
            "kind_options": _choices(request, "outcomes.outcome", KINDS),
            "contract_options": _choices(request, "outcomes.contract", CONTRACTS, blank=True),
            "source_options": _choices(request, "outcomes.form.sources", SOURCES)}


@router.get("/outcomes/follow-ups", response_class=HTMLResponse)
def follow_ups_page(request: Request, db: DbSession, principal: OutcomeRecorder, on: str | None = None,
                    note: str | None = None) -> HTMLResponse:
    """Follow-ups due by a day (today by default), each with a link to answer it."""
    day = forms.day(on) or clock.today()
    rows = registers.due_with_participation(db, day, scope=Scope.of(principal))
    audit.record(db, principal.actor, "outcome.follow_ups.read", object_type="follow_up",
                 details={"follow_up_ids": [f.id for f, _ in rows]})
    return _page(request, "outcomes/follow_ups.html", {
        "rows": rows, "on": day.isoformat(), "note": note if note in NOTES else None})


@router.get("/outcomes/participations", response_model=None)
def participation_lookup(request: Request, db: DbSession, principal: OutcomeRecorder,
                         participation: str = "") -> Response:
    """The outcome form of a participation by its number (a completer calling in between points)."""
    number = forms.whole(participation)
    if number is None or _participation(db, principal, number) is None:
        return render(request, "not_found.html", {"what": translator(request)("outcomes.form.participation")},
                      status_code=404)
    return RedirectResponse(f"/outcomes/participations/{number}/outcome", status_code=303)


@router.get("/outcomes/participations/{participation_id}/outcome", response_class=HTMLResponse)
def outcome_form(request: Request, participation_id: int, db: DbSession, principal: OutcomeRecorder,
                 follow_up: int | None = None) -> HTMLResponse:
    participation = _participation(db, principal, participation_id)
    if participation is None:
        return render(request, "not_found.html", {"what": translator(request)("outcomes.form.participation")},
                      status_code=404)
    audit.record(db, principal.actor, "outcome.participation.read", subject_person_id=participation.person_id,
                 object_type="participation", object_id=participation.id)
    found = registers.follow_up(db, follow_up) if follow_up else None
    point = found[0].point_months if found and found[1].id == participation.id else None
    values = {"kind": "employed", "source": "self_report", "recorded_on": clock.today().isoformat(),
              "follow_up_point": str(point) if point is not None else ""}
    return _page(request, "outcomes/outcome_form.html", {
        **_outcome_context(request, db, participation), "values": values})


@router.post("/outcomes/participations/{participation_id}/outcome", response_model=None)
async def outcome_save(request: Request, participation_id: int, db: DbSession,
                       principal: OutcomeRecorder) -> Response:
    form = await _form(request)
    participation = _participation(db, principal, participation_id)
    if participation is None:
        return render(request, "not_found.html", {"what": translator(request)("outcomes.form.participation")},
                      status_code=404)
    errors = []
    effective = forms.day(form.get("effective_on"))
    recorded = forms.day(form.get("recorded_on")) or clock.today()
    if effective is None:
        errors.append(_error(request, "effective_on"))
    data = None
    if not errors:
        data = service.OutcomeInput(
            participation_id=participation_id, kind=form.get("kind", ""), effective_on=effective,  # type: ignore[arg-type]
            recorded_on=recorded, source=form.get("source", ""), employer=form.get("employer") or None,
            job_title=form.get("job_title") or None,
            contract_type=(form.get("contract_type") or None) if form.get("kind") == "employed" else None,
            follow_up_point=forms.whole(form.get("follow_up_point")))
        errors += [_error(request, field) for field, _ in service.check_outcome(data)]
        if participation.completed_on is None:
            errors.append(_error(request, "participation_id"))
    if errors or data is None:
        return _page(request, "outcomes/outcome_form.html", {
            **_outcome_context(request, db, participation), "values": form, "errors": errors})
    service.record_outcome(db, data, actor=principal.actor)
    return RedirectResponse("/outcomes/follow-ups?note=recorded", status_code=303)


ACTIVITIES = ("mentoring", "talent_donation", "scholarship_given", "scholarship_received")
ALLIANCE = ("company", "university", "association", "public")


def _alumni_context(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    return {"members": registers.alumni(db), "activities": registers.alumni_activities(db),
            "activity_options": _choices(request, "outcomes.form.activities", ACTIVITIES),
            "can_record": principal.can(Permission.OUTCOME_RECORD)}


@router.get("/outcomes/alumni", response_class=HTMLResponse)
def alumni_page(request: Request, db: DbSession, principal: ReportReader,
                note: str | None = None) -> HTMLResponse:
    return _page(request, "outcomes/alumni.html", {
        **_alumni_context(request, db, principal), "note": note if note in NOTES else None,
        "values": {"joined_on": clock.today().isoformat(), "activity_on": clock.today().isoformat()}})


@router.post("/outcomes/alumni", response_model=None)
async def alumni_add(request: Request, db: DbSession, principal: OutcomeRecorder) -> Response:
    form = await _form(request)
    joined, person = forms.day(form.get("joined_on")), forms.whole(form.get("person_id"))
    errors = []
    if joined is None:
        errors.append(_error(request, "joined_on"))
    if form.get("person_id") and (person is None or registers.person_missing(db, person)):
        errors.append(_error(request, "person_id"))
    if errors or joined is None:
        return _page(request, "outcomes/alumni.html", {
            **_alumni_context(request, db, principal), "values": form, "errors": errors})
    service.add_alumni_member(db, person_id=person, joined_on=joined,
                              campus_code=form.get("campus_code") or None, actor=principal.actor)
    return RedirectResponse("/outcomes/alumni?note=added", status_code=303)


@router.post("/outcomes/alumni/activities", response_model=None)
async def alumni_activity(request: Request, db: DbSession, principal: OutcomeRecorder) -> Response:
    form = await _form(request)
    on = forms.day(form.get("activity_on"))
    member, amount = forms.whole(form.get("member_id")), forms.whole(form.get("amount_won"))
    errors = []
    if member is None:
        errors.append(_error(request, "member_id"))
    if on is None:
        errors.append(_error(request, "activity_on"))
    if form.get("amount_won") and (amount is None or amount < 0):
        errors.append(_error(request, "amount_won"))
    if not errors:
        try:
            service.add_alumni_activity(db, member_id=member, kind=form.get("kind", ""), on=on,  # type: ignore[arg-type]
                                        amount_won=amount, actor=principal.actor)
        except service.OutcomeError as error:
            errors.append(_error(request, error.field))
    if errors:
        return _page(request, "outcomes/alumni.html", {
            **_alumni_context(request, db, principal), "values": form, "errors": errors})
    return RedirectResponse("/outcomes/alumni?note=recorded", status_code=303)


def _alliance_context(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    return {"members": registers.alliance(db),
            "kind_options": _choices(request, "outcomes.form.alliance_kinds", ALLIANCE),
            "can_record": principal.can(Permission.OUTCOME_RECORD)}


@router.get("/outcomes/alliance", response_class=HTMLResponse)
def alliance_page(request: Request, db: DbSession, principal: ReportReader,
                  note: str | None = None) -> HTMLResponse:
    return _page(request, "outcomes/alliance.html", {
        **_alliance_context(request, db, principal), "note": note if note in NOTES else None,
        "values": {"joined_on": clock.today().isoformat(), "kind": "company"}})


@router.post("/outcomes/alliance", response_model=None)
async def alliance_add(request: Request, db: DbSession, principal: OutcomeRecorder) -> Response:
    form = await _form(request)
    joined = forms.day(form.get("joined_on"))
    errors = []
    if not form.get("name"):
        errors.append(_error(request, "name"))
    if form.get("kind") not in ALLIANCE:
        errors.append(_error(request, "kind"))
    if joined is None:
        errors.append(_error(request, "joined_on"))
    if errors or joined is None:
        return _page(request, "outcomes/alliance.html", {
            **_alliance_context(request, db, principal), "values": form, "errors": errors})
    service.add_alliance_member(db, name=form["name"], kind=form["kind"], joined_on=joined,
                                actor=principal.actor)
    return RedirectResponse("/outcomes/alliance?note=added", status_code=303)


def _kpi_context(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    pairs = sorted({(scope_of(t), t.metric) for t in load_plan().targets}
                   | {(p, "budget_executed") for p in ("youth_academy", "tech_institute",
                                                        "companion_jobs", "attractive_jobs")})
    return {"actuals": registers.kpi_actuals(db), "can_record": principal.can(Permission.OUTCOME_RECORD),
            "metric_options": [("", translator(request)("outcomes.form.choose"))]
            + [(f"{s}:{m}", f"{s} · {m}") for s, m in pairs], "known": {f"{s}:{m}" for s, m in pairs}}


@router.get("/outcomes/kpi-actuals", response_class=HTMLResponse)
def kpi_page(request: Request, db: DbSession, principal: ReportReader,
             note: str | None = None) -> HTMLResponse:
    return _page(request, "outcomes/kpi_actuals.html", {
        **_kpi_context(request, db, principal), "note": note if note in NOTES else None,
        "values": {"year": str(clock.today().year)}})


@router.post("/outcomes/kpi-actuals", response_model=None)
async def kpi_save(request: Request, db: DbSession, principal: OutcomeRecorder) -> Response:
    form = await _form(request)
    context = _kpi_context(request, db, principal)
    errors = []
    if form.get("metric") not in context["known"]:
        errors.append(_error(request, "metric"))
    year = forms.whole(form.get("year"))
    if year is None or year not in YEARS:
        errors.append(_error(request, "year"))
    try:
        value = Decimal(form.get("value", "").replace(",", ""))
        if not value.is_finite() or value < 0 or value >= Decimal(10) ** 16:
            raise InvalidOperation
    except InvalidOperation:
        errors.append(_error(request, "value"))
    if not form.get("source"):
        errors.append(_error(request, "source"))
    if errors:
        return _page(request, "outcomes/kpi_actuals.html", {**context, "values": form, "errors": errors})
    scope, metric = form["metric"].split(":", 1)
    service.set_kpi_actual(db, scope=scope, metric=metric, year=year, value=value,  # type: ignore[arg-type]
                           source=form["source"], actor=principal.actor)
    return RedirectResponse("/outcomes/kpi-actuals?note=saved", status_code=303)
