"""Pages: the host's projects and month timesheet (enter, approve), the manager's payroll runs
and budget, the participant's hours and statements. Thin: the service does the work."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, PlacementManager, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications.manage_views import _masked_names
from ilja.publicjobs import payment_views, payroll_service, project_views, service
from ilja.publicjobs.api import statement_response, transfer_response
from ilja.publicjobs.models import Project
from ilja.publicjobs.service import NotFound, PublicJobError
from ilja.publicjobs.timesheet import (
    EntryKind,
    TimesheetEntry,
    TimesheetInvalid,
    days_of_month,
    parse_hours,
    prefill_month,
)
from ilja.web import format as fmt
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)
router.include_router(project_views.router)
router.include_router(payment_views.router)


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"active": "publicjobs", **context}, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("publicjobs.project")},
                  status_code=404)


def _message(request: Request, exc: PublicJobError) -> str:
    return exc.ko if translator(request).lang == "ko" else exc.en


def _month(text: str) -> tuple[int, int] | None:
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return day.year, day.month


def _project(db, project_id: int, principal: Principal) -> Project | None:
    try:
        return service.get_project(db, project_id, Scope.of(principal))
    except NotFound:
        return None


@router.get("/publicjobs/host", response_class=HTMLResponse)
def host_home(request: Request, db: DbSession, principal: PlacementManager) -> HTMLResponse:
    month = clock.today().strftime("%Y-%m")
    return _page(request, "publicjobs/host.html", {
        "projects": service.projects(db, scope=Scope.of(principal)), "month": month})


def _sheet(db, project: Project, year: int, month: int) -> dict[str, Any]:
    placements = service.project_placements(db, project.id, year, month)
    stored = {(e.placement_id, e.day): e for e in service.month_entries(db, [p.id for p in placements], year, month)}
    sheets = []
    for p in placements:
        terms = service.terms_of(p)
        planned = {e.day: e for e in prefill_month(terms, year, month)}
        days = [d for d in days_of_month(terms, year, month) if terms.pattern.works_on(d)]
        sheets.append((p, [(d, stored.get((p.id, d)) or planned.get(d)) for d in days]))
    return {"project": project, "sheets": sheets, "kinds": [k.value for k in EntryKind],
            "names": _masked_names(db, {p.person_id for p in placements}),
            "approved": service.is_approved(db, project.id, year, month),
            "month": f"{year}-{month:02d}", "errors": []}


@router.get("/publicjobs/host/{project_id}/{month}", response_class=HTMLResponse)
def timesheet_page(request: Request, project_id: int, month: str, db: DbSession,
                   principal: PlacementManager) -> HTMLResponse:
    project, ym = _project(db, project_id, principal), _month(month)
    if project is None or ym is None:
        return _not_found(request)
    return _page(request, "publicjobs/timesheet.html", _sheet(db, project, *ym))


@router.post("/publicjobs/host/{project_id}/{month}", response_model=None)
async def timesheet_save(request: Request, project_id: int, month: str, db: DbSession,
                         principal: PlacementManager) -> Response:
    project, ym = _project(db, project_id, principal), _month(month)
    if project is None or ym is None:
        return _not_found(request)
    form = await request.form()
    entries, errors = [], []
    for key, kind in form.multi_items():
        if not key.startswith("k-") or not isinstance(kind, str):
            continue
        _, pid, day = key.split("-", 2)
        try:
            hours = parse_hours(form.get(f"h-{pid}-{day}") or 0)
            entries.append(TimesheetEntry(int(pid), dt.date.fromisoformat(day), EntryKind(kind), hours))
        except ValueError as exc:
            errors.append(f"{pid} {day}: {exc}")
    if not errors:
        try:
            with db.begin_nested():
                service.enter_month(db, project.id, *ym, entries, actor=principal.actor)
        except TimesheetInvalid as exc:
            errors = [f"{entries[p.row - 1].placement_id} {entries[p.row - 1].day}: {p.reason}" for p in exc.problems]
        except PublicJobError as exc:
            errors = [_message(request, exc)]
    if errors:
        return _page(request, "publicjobs/timesheet.html", {**_sheet(db, project, *ym), "errors": errors},
                     status_code=422)
    return RedirectResponse(f"/publicjobs/host/{project.id}/{month}?saved=1", status_code=303)


@router.post("/publicjobs/host/{project_id}/{month}/approve", response_model=None)
def timesheet_approve(request: Request, project_id: int, month: str, db: DbSession, principal: PlacementManager,
                      confirm: Annotated[str, Form(max_length=1)] = "") -> Response:
    """Approving fixes the month's timesheet for pay: a page says so and asks first."""
    project, ym = _project(db, project_id, principal), _month(month)
    if project is None or ym is None:
        return _not_found(request)
    if confirm != "1":
        t = translator(request)
        back = f"/publicjobs/host/{project.id}/{month}"
        return _page(request, "confirm.html", {"cancel": t("publicjobs.confirm.cancel"),
            "title": t("publicjobs.confirm.approve_title", name=project.name, month=fmt.month(t, month)),
            "what": t("publicjobs.confirm.approve_what", name=project.name, month=fmt.month(t, month)),
            "consequences": [t("publicjobs.confirm.approve_final"), t("publicjobs.confirm.approve_pay")],
            "action": f"{back}/approve", "hidden": {}, "submit": t("publicjobs.confirm.approve_submit"),
            "back": back, "back_label": project.name})
    try:
        with db.begin_nested():
            service.approve_month(db, project.id, *ym, actor=principal.actor)
    except PublicJobError as exc:
        return _page(request, "publicjobs/timesheet.html",
                     {**_sheet(db, project, *ym), "errors": [_message(request, exc)]}, status_code=409)
    return RedirectResponse(f"/publicjobs/host/{project.id}/{month}", status_code=303)


def _payroll_context(db, year: int, principal: Principal) -> dict[str, Any]:
    return {"runs": payroll_service.runs(db, scope=Scope.of(principal))[:50], "programs": payroll_service.PROGRAMS,
            "year": year, "budgets": [payroll_service.budget_status(db, p, year) for p in payroll_service.PROGRAMS],
            "month": clock.today().strftime("%Y-%m"), "errors": []}


@router.get("/publicjobs/payroll", response_class=HTMLResponse)
def payroll_page(request: Request, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))],
                 year: int = 2025) -> HTMLResponse:
    return _page(request, "publicjobs/payroll.html", _payroll_context(db, max(2020, min(year, 2100)), principal))


@router.post("/publicjobs/payroll", response_model=None)
def payroll_run(request: Request, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
                program: Annotated[str, Form(max_length=64)] = "",
                month: Annotated[str, Form(max_length=7)] = "",
                confirm: Annotated[str, Form(max_length=1)] = "") -> Response:
    ym = _month(month)
    error = None if ym else translator(request)("publicjobs.bad_month")
    if ym and program in payroll_service.PROGRAMS:
        try:
            payroll_service.check_month(program, *ym)
            if not payroll_service.anything_to_pay(db, program, *ym):
                raise payroll_service.NothingToPay()  # said on the page; no empty run recorded
        except PublicJobError as exc:
            error, ym = _message(request, exc), None
    if ym and confirm != "1" and program in payroll_service.PROGRAMS:
        t = translator(request)
        what = {"program": t("publicjobs.program." + program), "month": fmt.month(t, month)}
        return _page(request, "confirm.html", {"cancel": t("publicjobs.confirm.cancel"),
            "title": t("publicjobs.confirm.run_title", **what), "what": t("publicjobs.confirm.run_what", **what),
            "consequences": [t("publicjobs.confirm.run_final"), t("publicjobs.confirm.run_nothing")],
            "action": "/publicjobs/payroll", "hidden": {"program": program, "month": month},
            "submit": t("publicjobs.confirm.run_submit"), "back": "/publicjobs/payroll",
            "back_label": t("publicjobs.payroll_title")})
    if ym:
        try:
            with db.begin_nested():
                result = payroll_service.run_payroll(db, program, *ym, actor=principal.actor)
            return RedirectResponse(f"/publicjobs/payroll/runs/{result.run_id}", status_code=303)
        except PublicJobError as exc:
            error = _message(request, exc)
    return _page(request, "publicjobs/payroll.html", {**_payroll_context(db, 2025, principal), "errors": [error]},
                 status_code=422)


def _run_page(request: Request, db, run_id: int, principal: Principal, errors: list[str],
              status_code: int = 200) -> HTMLResponse:
    scope = Scope.of(principal)
    try:
        run = payroll_service.get_run(db, run_id, scope)
    except PublicJobError:
        return _not_found(request)
    lines = payroll_service.run_lines(db, run_id, scope)[:500]
    return _page(request, "publicjobs/run.html", {
        "run": run, "lines": lines, "names": _masked_names(db, {line.person_id for line in lines}),
        "errors": errors}, status_code=status_code)


@router.get("/publicjobs/payroll/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, db: DbSession,
             principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> HTMLResponse:
    return _run_page(request, db, run_id, principal, [])


@router.post("/publicjobs/payroll/runs/{run_id}/transfer", response_model=None)
def run_transfer(request: Request, run_id: int, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
                 reason: Annotated[str, Form(max_length=500)] = "",
                 format: Annotated[str, Form(max_length=4)] = "xlsx") -> Response:
    """The transfer file from the run page (a POST: writing it marks the payments sent); a missing
    reason is said on the page, not as JSON."""
    try:
        return transfer_response(db, run_id, principal, reason, "csv" if format == "csv" else "xlsx")
    except NotFound:
        return _not_found(request)
    except PublicJobError as exc:
        return _run_page(request, db, run_id, principal, [_message(request, exc)], status_code=422)


@router.get("/publicjobs/payroll/lines/{line_id}/statement", response_model=None)
def run_statement(request: Request, line_id: int, db: DbSession,
                  principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> Response:
    """A participant's statement from the run page: the PDF the API serves, in the same scope and
    audited the same way; a line outside the caller's scope is a page saying not found."""
    try:
        line = payroll_service.get_line(db, line_id, Scope.of(principal))
    except NotFound:
        return _not_found(request)
    return statement_response(db, line, principal, "급여명세서 발급")


@router.get("/publicjobs/me", response_class=HTMLResponse)
def my_pay(request: Request, db: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    person_id = principal.user.person_id
    lines = payroll_service.lines_of_person(db, person_id) if person_id is not None else []
    return _page(request, "publicjobs/me.html", {"lines": lines})


@router.get("/publicjobs/me/statements/{line_id}", response_model=None)
def my_statement(request: Request, line_id: int, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> Response:
    try:
        line = payroll_service.get_line(db, line_id, Scope.of(principal))
    except NotFound:
        return _not_found(request)
    return statement_response(db, line, principal, "본인 급여명세서")
