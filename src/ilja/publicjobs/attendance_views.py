"""Pages of public-job attendance (issue 19 §3): the host's check-in screen at the work site, the
participant's check-in on their phone, and excused days with evidence. Thin:
``publicjobs.attendance`` does the work in the caller's scope; outside it, a 404 page."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications.manage_views import _masked_names
from ilja.attendance.excused import ExcuseKind
from ilja.config import get_settings
from ilja.people.keys import get_keyring
from ilja.publicjobs import attendance, service
from ilja.publicjobs.models import PlacementStatus, Project
from ilja.publicjobs.service import NotFound, PublicJobError
from ilja.publicjobs.timesheet import EntryKind, TimesheetInvalid, parse_hours
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
Host = Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]
Own = Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]
OwnWrite = Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]
MIN_REFRESH_SECONDS = 5
TIMESHEET_PROBLEMS_KO = {
    "outside_period": "날짜: 배치 기간 밖의 날입니다.",
    "over_daily_limit": "시간: 하루 근무시간 한도를 넘습니다.",
    "not_a_public_holiday": "구분: 공휴일이 아닌 날입니다.",
    "absence_with_hours": "시간: 무급 결근은 0시간입니다.",
    "public_holiday": "구분: 공휴일입니다 (공휴일(유급)로 기록).",
    "not_a_working_day": "날짜: 이 참여자의 근무일이 아닙니다.",
}
"""The timesheet checks' reasons in Korean, by their stable code (``publicjobs.timesheet``)."""


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    response = render(request, template, {"active": "publicjobs", **context}, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("publicjobs.project")}, status_code=404)


def _message(request: Request, error: PublicJobError) -> str:
    return error.ko if translator(request).lang == "ko" else error.en


def _project(db: DbSession, principal: Principal, project_id: int) -> Project | None:
    try:
        return service.get_project(db, project_id, Scope.of(principal))
    except NotFound:
        return None


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# --- the host's check-in screen --------------------------------------------------------------
def _board_context(request: Request, db: DbSession, project: Project) -> dict[str, Any]:
    board = attendance.open_board_of(db, project.id)
    view = attendance.board_view(db, board) if board is not None else None
    return {"view": view, "error": None, "code": project.name, "subnav": None,
            "crumbs": [("/publicjobs/projects", translator(request)("publicjobs.projects_title")),
                       (f"/publicjobs/projects/{project.id}", project.name)],
            "action_base": f"/publicjobs/projects/{project.id}/checkin", "is_session": True,
            "changes_at": view.shown.changes_at.astimezone(clock.SEOUL).strftime("%H:%M:%S") if view else None,
            "valid_minutes": int(view.rules.validity.total_seconds() // 60) if view else None}


@router.get("/publicjobs/projects/{project_id}/checkin", response_class=HTMLResponse)
def board_page(request: Request, project_id: int, db: DbSession, principal: Host) -> HTMLResponse:
    project = _project(db, principal, project_id)
    if project is None:
        return _not_found(request)
    context = _board_context(request, db, project)
    response = _page(request, "attendance/board.html", context)
    if context["view"] is not None:
        wait = (context["view"].shown.changes_at - clock.now()).total_seconds()
        response.headers["Refresh"] = str(max(MIN_REFRESH_SECONDS, int(wait) + 1))
    return response


@router.post("/publicjobs/projects/{project_id}/checkin/{action}", response_model=None)
def board_action(request: Request, project_id: int, action: str, db: DbSession, principal: Host) -> Response:
    project = _project(db, principal, project_id)
    if project is None or action not in ("open", "close"):
        return _not_found(request)
    try:
        if action == "open":
            attendance.open_board(db, project_id=project.id, actor=principal.actor, scope=Scope.of(principal))
        else:
            attendance.close_board(db, project_id=project.id, actor=principal.actor, scope=Scope.of(principal))
    except PublicJobError as error:
        context = _board_context(request, db, project)
        context["error"] = _message(request, error)
        return _page(request, "attendance/board.html", context, status_code=422)
    return RedirectResponse(f"/publicjobs/projects/{project.id}/checkin", status_code=303)


# --- the participant's check-in --------------------------------------------------------------
def _checkin_context(request: Request) -> dict[str, Any]:
    return {"error": None, "done": False, "today": clock.today().isoformat(), "form_action": "/publicjobs/me/checkin",
            "back": ("/publicjobs/me", translator(request)("attendance.checkin.back_work"))}


@router.get("/publicjobs/me/checkin", response_class=HTMLResponse)
def my_checkin(request: Request, principal: Own, note: str | None = None) -> HTMLResponse:
    return _page(request, "attendance/checkin.html", {**_checkin_context(request), "done": note == "done"})


@router.post("/publicjobs/me/checkin", response_model=None)
async def my_checkin_submit(request: Request, db: DbSession, principal: OwnWrite) -> Response:
    form = await request.form()
    person_id = principal.user.person_id if principal.user else None
    context = _checkin_context(request)
    if person_id is None:
        context["error"] = translator(request)("attendance.checkin.no_person")
        return _page(request, "attendance/checkin.html", context, status_code=422)
    try:
        outcome = attendance.check_in(db, person_id=person_id, code=str(form.get("code", ""))[:32],
                                      actor=principal.actor)
    except attendance.TooManyAttempts as error:
        context["error"] = _message(request, error)
        return _page(request, "attendance/checkin.html", context, status_code=429)
    if outcome.refused is not None:  # the attempt is committed with the page (the limit counts it)
        context["error"] = _message(request, outcome.refused)
        return _page(request, "attendance/checkin.html", context, status_code=422)
    return RedirectResponse("/publicjobs/me/checkin?note=done", status_code=303)


# --- excused days ----------------------------------------------------------------------------
def _excused_context(db: DbSession, project: Project, principal: Principal) -> dict[str, Any]:
    placements = [p for p in service.placements_of(db, project.id) if p.status == PlacementStatus.ACTIVE.value]
    listed = attendance.excused_of(db, project.id, Scope.of(principal))
    people = {p.person_id for p in placements} | {p.person_id for _, p in listed}
    every = service.placements_of(db, project.id)
    return {"project": project, "placements": placements, "excused": listed, "names": _masked_names(db, people | {
                p.person_id for p in every}), "by_id": {p.id: p for p in every},
            "pending": attendance.pending_overrides(db, [p.id for p in every]), "me": principal.actor.id,
            "entry_kinds": [k.value for k in EntryKind],
            "kinds": [k.value for k in ExcuseKind], "today": clock.today().isoformat(), "error": None, "note": None}


@router.get("/publicjobs/projects/{project_id}/excused", response_class=HTMLResponse)
def excused_page(request: Request, project_id: int, db: DbSession, principal: Host,
                 note: str | None = None) -> HTMLResponse:
    project = _project(db, principal, project_id)
    if project is None:
        return _not_found(request)
    context = _excused_context(db, project, principal)
    context["note"] = note if note in ("saved", "requested", "approved", "rejected") else None
    return _page(request, "publicjobs/excused.html", context)


@router.post("/publicjobs/projects/{project_id}/excused", response_model=None)
async def excused_save(request: Request, project_id: int, db: DbSession, principal: Host) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return _not_found(request)
    upload = form.get("evidence")
    content = await upload.read() if upload is not None and not isinstance(upload, str) else None
    text = str(form.get("placement_id", ""))
    try:
        placement = service.get_placement(db, int(text) if text.isdigit() else 0, Scope.of(principal))
        if placement.project_id != project.id:
            raise NotFound("배치를 찾을 수 없습니다.", "no such placement in this project")
        with db.begin_nested():
            attendance.record_excused(db, placement_id=placement.id, day=_day(str(form.get("day", ""))) or dt.date.min,
                                      kind=str(form.get("kind", "")), evidence=content, store=get_settings().data_dir,
                                      keyring=get_keyring(), actor=principal.actor, scope=Scope.of(principal))
    except PublicJobError as error:
        context = _excused_context(db, project, principal)
        context["error"] = _message(request, error)
        return _page(request, "publicjobs/excused.html", context, status_code=404 if isinstance(error, NotFound) else 422)
    return RedirectResponse(f"/publicjobs/projects/{project.id}/excused?note=saved", status_code=303)


def _refused(request: Request, db: DbSession, project: Project, principal: Principal,
             error: PublicJobError) -> HTMLResponse:
    context = _excused_context(db, project, principal)
    context["error"] = _message(request, error)
    return _page(request, "publicjobs/excused.html", context, status_code=404 if isinstance(error, NotFound) else 422)


@router.post("/publicjobs/projects/{project_id}/overrides", response_model=None)
async def override_request(request: Request, project_id: int, db: DbSession, principal: Host) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return _not_found(request)
    text = str(form.get("placement_id", ""))
    try:
        placement = service.get_placement(db, int(text) if text.isdigit() else 0, Scope.of(principal))
        if placement.project_id != project.id:
            raise NotFound("배치를 찾을 수 없습니다.", "no such placement in this project")
        hours = parse_hours(form.get("hours") or 0)
        with db.begin_nested():
            attendance.request_override(db, placement_id=placement.id, day=_day(str(form.get("day", ""))) or dt.date.min,
                                        kind=str(form.get("kind", "")), milli_hours=hours,
                                        reason=str(form.get("reason", "")), actor=principal.actor,
                                        scope=Scope.of(principal))
    except TimesheetInvalid as error:
        first = error.problems[0]
        ko = TIMESHEET_PROBLEMS_KO.get(first.code, "근무기록 기준에 맞지 않습니다.")
        return _refused(request, db, project, principal, PublicJobError(ko, f"{first.column}: {first.reason}"))
    except ValueError:
        return _refused(request, db, project, principal,
                        PublicJobError("시간: 숫자로 입력하십시오 (예: 6).", "Hours: enter a number (e.g. 6)."))
    except PublicJobError as error:
        return _refused(request, db, project, principal, error)
    return RedirectResponse(f"/publicjobs/projects/{project.id}/excused?note=requested", status_code=303)


@router.post("/publicjobs/projects/{project_id}/overrides/decide", response_model=None)
async def override_decide(request: Request, project_id: int, db: DbSession, principal: Host) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return _not_found(request)
    text = str(form.get("override_id", ""))
    approve = form.get("decision") == "approve"
    try:
        override_id = int(text) if text.isdigit() else 0
        mine = {o.id for o in attendance.pending_overrides(db, [p.id for p in service.placements_of(db, project.id)])}
        if override_id not in mine:
            raise NotFound("정정 요청을 찾을 수 없습니다.", f"no override {override_id} in this project")
        with db.begin_nested():
            attendance.decide_override(db, override_id=override_id, approve=approve, note=str(form.get("note", "")),
                                       actor=principal.actor, scope=Scope.of(principal))
    except PublicJobError as error:
        return _refused(request, db, project, principal, error)
    note = "approved" if approve else "rejected"
    return RedirectResponse(f"/publicjobs/projects/{project.id}/excused?note={note}", status_code=303)


@router.get("/publicjobs/placements/{placement_id}/excused/{day}/evidence", response_model=None)
def excused_evidence(request: Request, placement_id: int, day: str, db: DbSession, principal: Host) -> Response:
    on = _day(day)
    try:
        if on is None:
            raise NotFound("증빙을 찾을 수 없습니다.", "no evidence")
        content, media = attendance.evidence(db, placement_id=placement_id, day=on, store=get_settings().data_dir,
                                             keyring=get_keyring(), actor=principal.actor, scope=Scope.of(principal))
    except PublicJobError:
        return _not_found(request)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'inline; filename="evidence-{placement_id}-{on.isoformat()}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


