"""Pages: the outcomes dashboard (rates, every target with its gap, where we stand against 2030,
breakdowns and trends, each chart beside its table), the drill-down from a rate to its people
(staff who may read people; every view audited) and the report downloads."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from ilja.accounts import audit
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.outcomes import dashboard, figures, queries, reports
from ilja.outcomes.queries import Filters
from ilja.outcomes.rates import DIMENSIONS, DefinitionName, cohort_for, definition
from ilja.programs.plan import load_plan
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 100
YEARS = range(2021, 2031)
STATUSES = ("counted", "not_counted", "excluded")


def _year(value: int | None) -> int:
    return value if value in YEARS else min(max(dt.date.today().year, YEARS.start), YEARS.stop - 1)


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
    view = dashboard.build(db, year=chosen, filters=filters, dimension=dim, lang=t.lang)  # type: ignore[arg-type]
    shown = [(f, "data:image/svg+xml;base64," + base64.b64encode(f.image).decode())
             for f in figures.all_figures(view, t)]
    values = {"year": str(chosen), "program": filters.program or "", "campus": filters.campus or "",
              "dimension": dim}
    query = f"year={chosen}&program={values['program']}&campus={values['campus']}"
    return render(request, "outcomes/dashboard.html", {
        "view": view, "figures": shown, "cell": figures.cell, "values": values, "query": query,
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
    on = min(dt.date.today(), dt.date(chosen, 12, 31))
    rule = definition(name, on)
    cohort = cohort_for(rule, year=chosen, as_of=on)
    dim = dimension if dimension in DIMENSIONS else None
    state = status if status in STATUSES else None
    page = max(1, page)
    rows, total = queries.rate_members(db, rule, cohort, filters, status=state, dimension=dim,  # type: ignore[arg-type]
                                       key=(key or None) if dim else None, limit=PAGE_SIZE,
                                       offset=(page - 1) * PAGE_SIZE)
    audit.record(db, principal.actor, "outcome.drilldown", object_type="rate", object_id=name,
                 details={"year": chosen, "status": state, "dimension": dim, "key": key or None,
                          "program": filters.program, "campus": filters.campus, "page": page,
                          "shown": len(rows), "participation_ids": [r.participation_id for r in rows]})
    response = render(request, "outcomes/members.html", {
        "rows": rows, "total": total, "page": page, "pages": max(1, -(-total // PAGE_SIZE)),
        "name": name, "year": chosen, "status": state, "dimension": dim, "key": key,
        "labels": dashboard.names(load_plan(), t.lang), "filters": filters,
        "can_open_person": principal.can(Permission.PEOPLE_READ)})
    response.headers["Cache-Control"] = "no-store"
    return response


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
