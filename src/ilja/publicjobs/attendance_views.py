"""Pages of public-job attendance (issue 19 §3): the host's check-in screen at the work site, the
participant's check-in on their phone, and excused days with evidence. Thin:
``publicjobs.attendance`` does the work in the caller's scope; outside it, a 404 page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, PlacementManager, Principal
from ilja.accounts.scope import Scope
from ilja.applications.manage_views import _masked_names
from ilja.attendance import pages
from ilja.attendance.excused import ExcuseKind
from ilja.config import get_settings
from ilja.people.keys import get_keyring
from ilja.publicjobs import attendance, service
from ilja.publicjobs.models import PlacementStatus, Project
from ilja.publicjobs.service import NotFound, PublicJobError
from ilja.publicjobs.timesheet import EntryKind, TimesheetInvalid, parse_hours
from ilja.web.templating import translator

router = APIRouter(include_in_schema=False)
TIMESHEET_PROBLEMS_KO = {
    "outside_period": "날짜: 배치 기간 밖의 날입니다.",
    "over_daily_limit": "시간: 하루 근무시간 한도를 넘습니다.",
    "not_a_public_holiday": "구분: 공휴일이 아닌 날입니다.",
    "absence_with_hours": "시간: 무급 결근은 0시간입니다.",
    "public_holiday": "구분: 공휴일입니다 (공휴일(유급)로 기록).",
    "not_a_working_day": "날짜: 이 참여자의 근무일이 아닙니다.",
}
"""The timesheet checks' reasons in Korean, by their stable code (``publicjobs.timesheet``)."""


SITE = pages.Site(active="publicjobs", home="/publicjobs/me", back="attendance.checkin.back_work",
                  refusal=PublicJobError, missing="publicjobs.project",
                  message=lambda error, lang: error.ko if lang == "ko" else error.en)


def _project(db: DbSession, principal: Principal, project_id: int) -> Project | None:
    try:
        return service.get_project(db, project_id, Scope.of(principal))
    except NotFound:
        return None


# --- the host's check-in screen --------------------------------------------------------------
def _board_context(request: Request, db: DbSession, project: Project) -> dict[str, Any]:
    board = attendance.open_board_of(db, project.id)
    return pages.board_context(
        request, attendance.board_view(db, board) if board is not None else None, code=project.name,
        crumbs=[("/publicjobs/projects", translator(request)("publicjobs.projects_title")),
                (f"/publicjobs/projects/{project.id}", project.name)],
        action_base=f"/publicjobs/projects/{project.id}/checkin", subnav=None, is_session=True)


@router.get("/publicjobs/projects/{project_id}/checkin", response_class=HTMLResponse)
def board_page(request: Request, project_id: int, db: DbSession, principal: PlacementManager) -> HTMLResponse:
    project = _project(db, principal, project_id)
    if project is None:
        return SITE.not_found(request)
    return pages.board_page(SITE, request, _board_context(request, db, project))


@router.post("/publicjobs/projects/{project_id}/checkin/{action}", response_model=None)
def board_action(request: Request, project_id: int, action: str, db: DbSession,
                 principal: PlacementManager) -> Response:
    project = _project(db, principal, project_id)
    if project is None or action not in ("open", "close"):
        return SITE.not_found(request)
    change = attendance.open_board if action == "open" else attendance.close_board
    return pages.board_action(
        SITE, request, lambda: change(db, project_id=project.id, actor=principal.actor, scope=Scope.of(principal)),
        lambda: _board_context(request, db, project), f"/publicjobs/projects/{project.id}/checkin")


# --- the participant's check-in --------------------------------------------------------------
pages.checkin_routes(router, SITE, lambda db, person_id, code, actor: attendance.check_in(
    db, person_id=person_id, code=code, actor=actor), attendance.TooManyAttempts)


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
def excused_page(request: Request, project_id: int, db: DbSession, principal: PlacementManager,
                 note: str | None = None) -> HTMLResponse:
    project = _project(db, principal, project_id)
    if project is None:
        return SITE.not_found(request)
    context = _excused_context(db, project, principal)
    context["note"] = note if note in ("saved", "requested", "approved", "rejected") else None
    return SITE.page(request, "publicjobs/excused.html", context)


def _refused(request: Request, db: DbSession, project: Project, principal: Principal,
             error: PublicJobError) -> HTMLResponse:
    context = _excused_context(db, project, principal)
    context["error"] = SITE.say(request, error)
    return SITE.page(request, "publicjobs/excused.html", context,
                     status_code=404 if isinstance(error, NotFound) else 422)


def _placement_of(form: Any, project: Project, db: DbSession, principal: Principal) -> int:
    """The form's placement, which must be of this project and within the caller's scope."""
    text = str(form.get("placement_id", ""))
    placement = service.get_placement(db, int(text) if text.isdigit() else 0, Scope.of(principal))
    if placement.project_id != project.id:
        raise NotFound("배치를 찾을 수 없습니다.", "no such placement in this project")
    return placement.id


@router.post("/publicjobs/projects/{project_id}/excused", response_model=None)
async def excused_save(request: Request, project_id: int, db: DbSession, principal: PlacementManager) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return SITE.not_found(request)
    content = await pages.evidence_upload(form)
    try:
        with db.begin_nested():
            attendance.record_excused(
                db, placement_id=_placement_of(form, project, db, principal),
                day=pages.day_asked(form), kind=str(form.get("kind", "")),
                evidence=content, store=get_settings().data_dir, keyring=get_keyring(),
                actor=principal.actor, scope=Scope.of(principal))
    except PublicJobError as error:
        return _refused(request, db, project, principal, error)
    return RedirectResponse(f"/publicjobs/projects/{project.id}/excused?note=saved", status_code=303)


@router.post("/publicjobs/projects/{project_id}/overrides", response_model=None)
async def override_request(request: Request, project_id: int, db: DbSession, principal: PlacementManager) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return SITE.not_found(request)
    try:
        placement_id = _placement_of(form, project, db, principal)
        hours = parse_hours(form.get("hours") or 0)
        with db.begin_nested():
            attendance.request_override(
                db, placement_id=placement_id, day=pages.day_asked(form),
                kind=str(form.get("kind", "")), milli_hours=hours, reason=str(form.get("reason", "")),
                actor=principal.actor, scope=Scope.of(principal))
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
async def override_decide(request: Request, project_id: int, db: DbSession, principal: PlacementManager) -> Response:
    form = await request.form()
    project = _project(db, principal, project_id)
    if project is None:
        return SITE.not_found(request)
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
def excused_evidence(request: Request, placement_id: int, day: str, db: DbSession,
                     principal: PlacementManager) -> Response:
    return pages.evidence_response(SITE, request, placement_id, day, lambda on: attendance.evidence(
        db, placement_id=placement_id, day=on, store=get_settings().data_dir, keyring=get_keyring(),
        actor=principal.actor, scope=Scope.of(principal)))
