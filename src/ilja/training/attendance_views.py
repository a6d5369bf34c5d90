"""Pages of attendance beyond the daily sheet (issue 19 §3): the operator's check-in board with
its rotating code, the trainee's check-in on their phone, excused absences with evidence, and
overrides awaiting a second staff member. Thin: ``training.checkin`` and
``training.attendance_changes`` do the work in the caller's scope; outside it, a 404 page.
"""

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
from ilja.training import attendance_changes as changes
from ilja.training import checkin, service
from ilja.training.attendance import Mark
from ilja.training.errors import NotFound, TooManyAttempts, TrainingError
from ilja.training.models import EnrolmentStatus, TrainingCohort
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
Reader = Annotated[Principal, Depends(requires(Permission.TRAINING_READ))]
Manager = Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))]
Own = Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]
OwnWrite = Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]
MIN_REFRESH_SECONDS = 5


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    response = render(request, template, {"active": "training", **context}, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("training.cohort")}, status_code=404)


def _message(request: Request, error: TrainingError) -> str:
    return error.message(translator(request).lang)


def _cohort(db: DbSession, principal: Principal, cohort_id: int) -> TrainingCohort | None:
    try:
        return service.get_cohort(db, cohort_id, Scope.of(principal))
    except NotFound:
        return None


def _number(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() else 0


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


# --- the operator's check-in board ---------------------------------------------------------
def _board_context(request: Request, db: DbSession, cohort: TrainingCohort) -> dict[str, Any]:
    board = checkin.open_board_of(db, cohort.id)
    view = checkin.board_view(db, board) if board is not None else None
    return {"cohort": cohort, "view": view, "error": None, "code": cohort.code,
            "crumbs": [("/training", translator(request)("training.title")), (f"/training/cohorts/{cohort.id}", cohort.code)],
            "action_base": f"/training/cohorts/{cohort.id}/checkin", "subnav": "training/_nav.html",
            "is_session": clock.today() in service.schedule_of(cohort).sessions,
            "changes_at": view.shown.changes_at.astimezone(clock.SEOUL).strftime("%H:%M:%S") if view else None,
            "valid_minutes": int(view.rules.validity.total_seconds() // 60) if view else None}


@router.get("/training/cohorts/{cohort_id}/checkin", response_class=HTMLResponse)
def board_page(request: Request, cohort_id: int, db: DbSession, principal: Manager) -> HTMLResponse:
    """The screen shown at the site: the code and when it changes; it reloads itself when it
    does (a ``Refresh`` header, no script)."""
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    context = _board_context(request, db, cohort)
    response = _page(request, "attendance/board.html", context)
    if context["view"] is not None:
        wait = (context["view"].shown.changes_at - clock.now()).total_seconds()
        response.headers["Refresh"] = str(max(MIN_REFRESH_SECONDS, int(wait) + 1))
    return response


@router.post("/training/cohorts/{cohort_id}/checkin/{action}", response_model=None)
def board_action(request: Request, cohort_id: int, action: str, db: DbSession, principal: Manager) -> Response:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None or action not in ("open", "close"):
        return _not_found(request)
    try:
        if action == "open":
            checkin.open_board(db, cohort_id=cohort.id, actor=principal.actor, scope=Scope.of(principal))
        else:
            checkin.close_board(db, cohort_id=cohort.id, actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        context = _board_context(request, db, cohort)
        context["error"] = _message(request, error)
        return _page(request, "attendance/board.html", context, status_code=422)
    return RedirectResponse(f"/training/cohorts/{cohort.id}/checkin", status_code=303)


# --- the trainee's check-in ------------------------------------------------------------------
def _checkin_context(request: Request) -> dict[str, Any]:
    return {"error": None, "done": False, "today": clock.today().isoformat(), "form_action": "/training/me/checkin",
            "back": ("/training/me", translator(request)("attendance.checkin.back"))}


@router.get("/training/me/checkin", response_class=HTMLResponse)
def my_checkin(request: Request, principal: Own, note: str | None = None) -> HTMLResponse:
    return _page(request, "attendance/checkin.html", {**_checkin_context(request), "done": note == "done"})


@router.post("/training/me/checkin", response_model=None)
async def my_checkin_submit(request: Request, db: DbSession, principal: OwnWrite) -> Response:
    form = await request.form()
    person_id = principal.user.person_id if principal.user else None
    context = _checkin_context(request)
    if person_id is None:
        context["error"] = translator(request)("attendance.checkin.no_person")
        return _page(request, "attendance/checkin.html", context, status_code=422)
    try:
        outcome = checkin.check_in(db, person_id=person_id, code=str(form.get("code", ""))[:32],
                                   actor=principal.actor)
    except TooManyAttempts as error:
        context["error"] = _message(request, error)
        return _page(request, "attendance/checkin.html", context, status_code=429)
    if outcome.refused is not None:  # the attempt is committed with the page (the limit counts it)
        context["error"] = _message(request, outcome.refused)
        return _page(request, "attendance/checkin.html", context, status_code=422)
    return RedirectResponse("/training/me/checkin?note=done", status_code=303)


# --- excused absences and overrides on the cohort's attendance page --------------------------
def _changes_context(db: DbSession, cohort: TrainingCohort, scope: Scope) -> dict[str, Any]:
    roster = service.roster(db, cohort.id, scope)
    ids = [e.id for e in roster]
    return {"cohort": cohort, "trainees": [e for e in roster if e.status == EnrolmentStatus.ENROLLED],
            "by_id": {e.id: e for e in roster}, "names": _masked_names(db, {e.person_id for e in roster}),
            "excused": changes.excused_of(db, ids), "pending": changes.pending(db, ids),
            "kinds": [k.value for k in ExcuseKind], "marks": [m.code for m in Mark],
            "sessions": [d.isoformat() for d in service.schedule_of(cohort).sessions],
            "today": clock.today().isoformat(), "error": None, "note": None}


@router.get("/training/cohorts/{cohort_id}/attendance/changes", response_class=HTMLResponse)
def changes_page(request: Request, cohort_id: int, db: DbSession, principal: Reader,
                 note: str | None = None) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    context = _changes_context(db, cohort, Scope.of(principal))
    context["note"] = note if note in ("excused", "requested", "approved", "rejected") else None
    context["can_manage"] = principal.can(Permission.TRAINING_MANAGE)
    context["me"] = principal.actor.id
    return _page(request, "training/attendance_changes.html", context)


def _changes_error(request: Request, db: DbSession, principal: Principal, cohort: TrainingCohort,
                   error: TrainingError) -> HTMLResponse:
    context = _changes_context(db, cohort, Scope.of(principal))
    context.update(error=_message(request, error), can_manage=True, me=principal.actor.id)
    return _page(request, "training/attendance_changes.html", context,
                 status_code=404 if isinstance(error, NotFound) else 422)


def _enrolment_of(form: Any, cohort: TrainingCohort, db: DbSession, principal: Principal) -> int:
    """The form's trainee, who must be of this cohort and within the caller's scope."""
    enrolment = service.get_enrolment(db, _number(form.get("enrolment_id")), Scope.of(principal))
    if enrolment.cohort_id != cohort.id:
        raise NotFound("enrolment", enrolment.id)
    return enrolment.id


def _override_of(form: Any, cohort: TrainingCohort, db: DbSession, principal: Principal) -> int:
    """The form's override, which must be about a trainee of this cohort."""
    override_id = _number(form.get("override_id"))
    if not any(o.id == override_id for o in changes.pending(db, [e.id for e in service.roster(
            db, cohort.id, Scope.of(principal))])):
        raise NotFound("override", override_id)
    return override_id


@router.post("/training/cohorts/{cohort_id}/excused", response_model=None)
async def excused_save(request: Request, cohort_id: int, db: DbSession, principal: Manager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    upload = form.get("evidence")
    content = await upload.read() if upload is not None and not isinstance(upload, str) else None
    try:
        with db.begin_nested():
            changes.record_excused(
                db, enrolment_id=_enrolment_of(form, cohort, db, principal), day=_day(str(form.get("day", "")))
                or dt.date.min, kind=str(form.get("kind", "")), evidence=content, store=get_settings().data_dir,
                keyring=get_keyring(), actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note=excused", status_code=303)


@router.get("/training/enrolments/{enrolment_id}/excused/{day}/evidence", response_model=None)
def excused_evidence(request: Request, enrolment_id: int, day: str, db: DbSession, principal: Manager) -> Response:
    on = _day(day)
    try:
        if on is None:
            raise NotFound("evidence", day)
        content, media = changes.evidence(db, enrolment_id=enrolment_id, day=on, store=get_settings().data_dir,
                                          keyring=get_keyring(), actor=principal.actor, scope=Scope.of(principal))
    except TrainingError:
        return _not_found(request)
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'inline; filename="evidence-{enrolment_id}-{on.isoformat()}"',
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})


@router.post("/training/cohorts/{cohort_id}/overrides", response_model=None)
async def override_request(request: Request, cohort_id: int, db: DbSession, principal: Manager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    codes = {m.code: m for m in Mark}
    try:
        with db.begin_nested():
            changes.request_override(
                db, enrolment_id=_enrolment_of(form, cohort, db, principal),
                day=_day(str(form.get("day", ""))) or dt.date.min,
                mark=codes.get(str(form.get("mark", "")), Mark.PRESENT), reason=str(form.get("reason", "")),
                actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note=requested", status_code=303)


@router.post("/training/cohorts/{cohort_id}/overrides/decide", response_model=None)
async def override_decide(request: Request, cohort_id: int, db: DbSession, principal: Manager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    approve = form.get("decision") == "approve"
    try:
        with db.begin_nested():
            changes.decide_override(
                db, override_id=_override_of(form, cohort, db, principal), approve=approve, note=str(form.get("note", "")), actor=principal.actor,
                scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    note = "approved" if approve else "rejected"
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note={note}", status_code=303)

