"""Pages: public-job projects (사업) and their placements, for a program manager (any host) and a
host's operator (their own site): list, set up and edit a project, place a round's selected
applicants after a confirmation page, end a placement (중도 포기) after another. Thin: the
services check, scope and audit everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import (
    CurrentPrincipal,
    DbSession,
    NotAuthenticated,
    Principal,
    check_csrf,
    requires,
)
from ilja.accounts.roles import Permission, PermissionDenied, Role
from ilja.accounts.scope import Scope
from ilja.applications import rounds as application_rounds
from ilja.applications.errors import ApplicationError
from ilja.applications.manage_views import _masked_names
from ilja.i18n import Translator
from ilja.programs.loader import load_plan
from ilja.publicjobs import placing, service
from ilja.publicjobs.models import HostKind, Placement, Project
from ilja.publicjobs.project_input import ProjectInput
from ilja.publicjobs.service import InvalidProject, NotFound, PublicJobError
from ilja.selection import service as selection
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)
FIELDS = ("code", "name", "program_code", "track_code", "host_name", "host_kind", "host_code",
          "district_code", "seats", "starts_on", "ends_on")


class requires_one_of(requires):  # noqa: N801 - used like a function in route declarations
    """Dependency: the caller holds one of ``permissions`` — a project is the manager's (who
    plans: ``plan.edit``) and its host's (who places: ``placement.manage``)."""

    def __init__(self, *permissions: Permission):
        super().__init__(permissions[0])
        self.permissions = permissions

    async def __call__(self, request: Request, principal: CurrentPrincipal) -> Principal:
        if not principal.authenticated:
            raise NotAuthenticated()
        if not any(principal.can(p) for p in self.permissions):
            raise PermissionDenied(self.permission)
        await check_csrf(request, principal)
        return principal


Staff = Annotated[Principal, Depends(requires_one_of(Permission.PLACEMENT_MANAGE, Permission.PLAN_EDIT))]


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"active": "publicjobs", **context}, status_code=status_code)


def _not_found(request: Request, what: str = "publicjobs.project") -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)(what)}, status_code=404)


def _message(t: Translator, error: PublicJobError | ApplicationError) -> str:
    if isinstance(error, ApplicationError):
        return error.message(t.lang)
    return error.ko if t.lang == "ko" else error.en


def _project(db, project_id: int, principal: Principal) -> Project | None:
    try:
        return service.get_project(db, project_id, Scope.of(principal))
    except NotFound:
        return None


def _own_site(principal: Principal) -> str | None:
    """An operator sets up projects of their own site only: the form fixes the host's code."""
    return principal.user.site_code if principal.role == Role.OPERATOR and principal.user else None


def _program_label(t: Translator, code: str) -> str:
    try:
        program = load_plan().program(code)
    except KeyError:
        return code
    return t.pick(program.name.ko, program.name.en)


def _options(t: Translator, program_code: str) -> dict[str, list[tuple[str, str]]]:
    plan = load_plan()
    tracks = [("", t("publicjobs.pf.no_track"))]
    for code in service.project_tracks(program_code or "companion_jobs"):
        root = code.split(".")[0]
        track = next((x for x in plan.program(root).tracks if x.code == code), None)
        tracks.append((code, t.pick(track.name.ko, track.name.en) if track else _program_label(t, code)))
    return {
        "programs": [(c, _program_label(t, c)) for c in service.project_programs()],
        "tracks": tracks,
        "kinds": [(k.value, t(f"publicjobs.host_kind.{k.value}")) for k in HostKind],
        "districts": [("", t("publicjobs.pf.no_district"))] + [
            (d.code, t.pick(d.name.ko, d.name.en)) for d in plan.districts],
    }


def _form_page(request: Request, db, principal: Principal, values: dict[str, str],
               problems: list[tuple[str, str]], project: Project | None = None,
               status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    errors = [(field, f"{t('publicjobs.pf.' + field)}: {message}") for field, message in problems]
    return _page(request, "publicjobs/project_form.html", {
        "project": project, "values": values, "errors": errors, "field_errors": dict(problems),
        "has_errors": bool(errors), "own_site": _own_site(principal),
        "options": _options(t, values.get("program_code", "")),
        "placed": project is not None and bool(service.placements_of(db, project.id))},
        status_code=status_code)


def _values(project: Project) -> dict[str, str]:
    return {f: "" if getattr(project, f) is None else str(getattr(project, f)) for f in FIELDS}


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: str(v).strip()[:300] for k, v in form.items() if isinstance(v, str) and k in FIELDS}


def _parse(t: Translator, values: dict[str, str]) -> tuple[ProjectInput | None, list[tuple[str, str]]]:
    """The form's text as a project, or each field that is not a number or a date."""
    problems: list[tuple[str, str]] = []
    seats, days = 0, {}
    try:
        seats = int(values.get("seats", "").replace(",", ""))
    except ValueError:
        problems.append(("seats", t("publicjobs.pf.whole_number")))
    for field in ("starts_on", "ends_on"):
        try:
            days[field] = dt.date.fromisoformat(values.get(field, ""))
        except ValueError:
            problems.append((field, t("publicjobs.pf.date_format")))
    if problems:
        return None, problems
    return ProjectInput(
        code=values.get("code", ""), program_code=values.get("program_code", ""),
        name=values.get("name", ""), host_code=values.get("host_code", ""),
        host_name=values.get("host_name", ""), host_kind=values.get("host_kind", ""), seats=seats,
        track_code=values.get("track_code") or None, district_code=values.get("district_code") or None,
        **days), []


def _invalid(t: Translator, error: InvalidProject) -> list[tuple[str, str]]:
    return [(p.field, p.ko if t.lang == "ko" else p.en) for p in error.problems]


# --- projects ----------------------------------------------------------------------------------
@router.get("/publicjobs/projects", response_class=HTMLResponse)
def project_list(request: Request, db: DbSession, principal: Staff) -> HTMLResponse:
    t = translator(request)
    rows = [(p, service.free_seats(db, p)) for p in service.projects(db, scope=Scope.of(principal))]
    return _page(request, "publicjobs/projects.html", {
        "rows": rows, "labels": {p.program_code: _program_label(t, p.program_code) for p, _ in rows},
        "month": clock.today().strftime("%Y-%m")})


@router.get("/publicjobs/projects/new", response_class=HTMLResponse)
def project_new(request: Request, db: DbSession, principal: Staff) -> HTMLResponse:
    year = clock.today().year
    values = {"program_code": "companion_jobs", "host_kind": HostKind.DISTRICT.value,
              "host_code": _own_site(principal) or "", "starts_on": f"{year + 1}-01-10",
              "ends_on": f"{year + 1}-06-30"}
    return _form_page(request, db, principal, values, [])


@router.post("/publicjobs/projects", response_model=None)
async def project_create(request: Request, db: DbSession, principal: Staff) -> Response:
    t, values = translator(request), await _form(request)
    if _own_site(principal):
        values["host_code"] = _own_site(principal) or ""
    data, problems = _parse(t, values)
    if data is not None:
        try:
            with db.begin_nested():
                project = service.create_project(db, data, actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/publicjobs/projects/{project.id}?note=created", status_code=303)
        except InvalidProject as error:
            problems = _invalid(t, error)
    return _form_page(request, db, principal, values, problems, status_code=422)


def _project_page(request: Request, db, principal: Principal, project: Project,
                  note: str | None = None, status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    rows = service.placements_of(db, project.id)
    audit.record(db, principal.actor, "publicjobs.placements.read", object_type="publicjob_project",
                 object_id=project.id, details={"placements": [p.id for p in rows]})
    return _page(request, "publicjobs/project.html", {
        "project": project, "program": _program_label(t, project.program_code),
        "track": _program_label(t, project.track_code) if project.track_code else "",
        "district": _district(t, project.district_code), "placements": rows,
        "names": _masked_names(db, {p.person_id for p in rows}),
        "free": service.free_seats(db, project), "active": service.active_count(db, project.id),
        "period": _period(db, project), "note": note, "month": clock.today().strftime("%Y-%m"),
        "rounds": placing.rounds_for(db, project)}, status_code=status_code)


def _period(db, project: Project) -> tuple[dt.date, dt.date] | None:
    try:
        return service.project_period(project, clock.today())
    except PublicJobError:
        return None


def _district(t: Translator, code: str | None) -> str:
    if not code:
        return ""
    try:
        district = load_plan().district(code)
    except KeyError:
        return code
    return t.pick(district.name.ko, district.name.en)


NOTES = ("created", "saved", "placed", "left")


@router.get("/publicjobs/projects/{project_id}", response_class=HTMLResponse)
def project_page(request: Request, project_id: int, db: DbSession, principal: Staff,
                 note: str = "") -> HTMLResponse:
    project = _project(db, project_id, principal)
    if project is None:
        return _not_found(request)
    return _project_page(request, db, principal, project, note if note in NOTES else None)


@router.get("/publicjobs/projects/{project_id}/edit", response_class=HTMLResponse)
def project_edit(request: Request, project_id: int, db: DbSession, principal: Staff) -> HTMLResponse:
    project = _project(db, project_id, principal)
    if project is None:
        return _not_found(request)
    return _form_page(request, db, principal, _values(project), [], project)


@router.post("/publicjobs/projects/{project_id}/edit", response_model=None)
async def project_save(request: Request, project_id: int, db: DbSession, principal: Staff) -> Response:
    t, values = translator(request), await _form(request)
    project = _project(db, project_id, principal)
    if project is None:
        return _not_found(request)
    if _own_site(principal):
        values["host_code"] = _own_site(principal) or ""
    data, problems = _parse(t, values)
    if data is not None:
        try:
            with db.begin_nested():
                service.update_project(db, project.id, data, actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/publicjobs/projects/{project.id}?note=saved", status_code=303)
        except InvalidProject as error:
            problems = _invalid(t, error)
        db.refresh(project)
    return _form_page(request, db, principal, values, problems, project, status_code=422)


# --- placing a round's selected applicants -----------------------------------------------------
def _place_page(request: Request, db, principal: Principal, project: Project, round_id: int | None,
                chosen: list[int], start_on: str, error: str | None = None, field: str = "choose",
                confirm: bool = False, status_code: int = 200) -> HTMLResponse:
    rounds = placing.rounds_for(db, project)
    round_row = next((r for r in rounds if r.id == round_id), None)
    rows = placing.waiting(db, project, round_row.id) if round_row else []
    if confirm:
        rows = [r for r in rows if r.application_id in chosen]
    if round_row is not None:
        selection.audit_results_read(db, round_row.id, rows, actor=principal.actor)
    units = {u.code: u.name for u in application_rounds.round_units(db, round_row.id)} if round_row else {}
    return _page(request, "publicjobs/place_confirm.html" if confirm else "publicjobs/place.html", {
        "project": project, "rounds": rounds, "round": round_row, "rows": rows, "units": units,
        "own_unit": round_row is not None and placing.recruits_for(db, project, round_row.id),
        "names": _masked_names(db, {r.person_id for r in rows}), "chosen": chosen,
        "free": service.free_seats(db, project), "start_on": start_on, "period": _period(db, project),
        "errors": [(field, error)] if error else [], "has_errors": bool(error),
        "field_errors": {field: error} if error else {}},
        status_code=status_code)


@router.get("/publicjobs/projects/{project_id}/place", response_class=HTMLResponse)
def place_choose(request: Request, project_id: int, db: DbSession, principal: Staff,
                 round: int | None = None) -> HTMLResponse:  # noqa: A002 - the form's name
    """Step 1: choose the round, then the people (at most the free seats)."""
    project = _project(db, project_id, principal)
    if project is None:
        return _not_found(request)
    rounds = placing.rounds_for(db, project)
    round_id = round if round is not None else (rounds[0].id if len(rounds) == 1 else None)
    start = project.starts_on.isoformat() if project.starts_on else ""
    return _place_page(request, db, principal, project, round_id, [], start)


@router.post("/publicjobs/projects/{project_id}/place", response_model=None)
async def place_submit(request: Request, project_id: int, db: DbSession, principal: Staff) -> Response:
    """Step 2 shows whom the placement will place and asks; step 3 (``confirm``) places them."""
    t = translator(request)
    form = await request.form()
    project = _project(db, project_id, principal)
    if project is None:
        return _not_found(request)
    try:
        round_id = int(str(form.get("round", "")))
        chosen = [int(str(v)) for v in form.getlist("application")][:1000]
    except ValueError:
        return _place_page(request, db, principal, project, None, [], "", t("publicjobs.place.choose_round"),
                           status_code=422)
    start_text = str(form.get("start_on", ""))[:20]
    start_on = None
    if start_text:
        try:
            start_on = dt.date.fromisoformat(start_text)
        except ValueError:
            return _place_page(request, db, principal, project, round_id, chosen, start_text,
                               f"{t('publicjobs.place.start_on')}: {t('publicjobs.pf.date_format')}",
                               field="start_on", status_code=422)
    if round_id not in {r.id for r in placing.rounds_for(db, project)}:
        return _place_page(request, db, principal, project, None, [], start_text,
                           t("publicjobs.place.choose_round"), status_code=422)
    problem = None
    if not chosen:
        problem = t("publicjobs.place.choose_people")
    elif len(chosen) > service.free_seats(db, project):
        problem = t("publicjobs.place.too_many", count=len(chosen), free=service.free_seats(db, project))
    if problem:
        return _place_page(request, db, principal, project, round_id, chosen, start_text, problem, status_code=422)
    if form.get("confirm") != "1":
        return _place_page(request, db, principal, project, round_id, chosen, start_text, confirm=True)
    try:
        with db.begin_nested():
            placing.place_selected(db, project.id, round_id, chosen, actor=principal.actor,
                                   start_on=start_on, scope=Scope.of(principal))
    except (PublicJobError, ApplicationError) as error:
        return _place_page(request, db, principal, project, round_id, chosen, start_text,
                           _message(t, error), status_code=409)
    return RedirectResponse(f"/publicjobs/projects/{project.id}?note=placed", status_code=303)


# --- ending a placement (중도 포기) -------------------------------------------------------------
def _placement(db, placement_id: int, principal: Principal) -> Placement | None:
    try:
        return service.get_placement(db, placement_id, Scope.of(principal))
    except NotFound:
        return None


def _leave_page(request: Request, db, principal: Principal, placement: Placement,
                values: dict[str, str], problems: list[tuple[str, str]],
                status_code: int = 200) -> HTMLResponse:
    t = translator(request)
    errors = [(f, f"{t('publicjobs.leave.' + f)}: {m}") if f in ("left_on", "reason") else (f, m)
              for f, m in problems]
    return _page(request, "publicjobs/leave.html", {
        "placement": placement, "project": service.get_project(db, placement.project_id),
        "name": _masked_names(db, {placement.person_id}).get(placement.person_id, ""),
        "values": values, "errors": errors, "field_errors": dict(problems),
        "has_errors": bool(problems)}, status_code=status_code)


@router.get("/publicjobs/placements/{placement_id}/leave", response_class=HTMLResponse)
def leave_form(request: Request, placement_id: int, db: DbSession, principal: Staff) -> HTMLResponse:
    """Ending a placement cannot be undone: the page says so and asks for the day and why."""
    placement = _placement(db, placement_id, principal)
    if placement is None:
        return _not_found(request, "publicjobs.placement")
    today = min(max(clock.today(), placement.start_on), placement.end_on)
    return _leave_page(request, db, principal, placement, {"left_on": today.isoformat()}, [])


@router.post("/publicjobs/placements/{placement_id}/leave", response_model=None)
async def leave_submit(request: Request, placement_id: int, db: DbSession, principal: Staff) -> Response:
    t = translator(request)
    form = await request.form()
    placement = _placement(db, placement_id, principal)
    if placement is None:
        return _not_found(request, "publicjobs.placement")
    values = {"left_on": str(form.get("left_on", ""))[:20], "reason": str(form.get("reason", ""))[:1000]}
    problems = []
    try:
        left_on = dt.date.fromisoformat(values["left_on"])
    except ValueError:
        problems.append(("left_on", t("publicjobs.pf.date_format")))
    if not values["reason"].strip():
        problems.append(("reason", t("publicjobs.leave.reason_required")))
    if not problems:
        try:
            with db.begin_nested():
                service.leave(db, placement.id, left_on=left_on, reason=values["reason"],
                              actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/publicjobs/projects/{placement.project_id}?note=left", status_code=303)
        except (PublicJobError, ApplicationError) as error:
            problems.append(("left_on", _message(t, error)))
        db.refresh(placement)
    return _leave_page(request, db, principal, placement, values, problems, status_code=422)
