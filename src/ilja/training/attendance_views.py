"""Pages of attendance beyond the daily sheet (issue 19 §3): the operator's check-in board with
its rotating code, the trainee's check-in on their phone, excused absences with evidence, and
overrides awaiting a second staff member. Thin: ``training.checkin`` and
``training.attendance_changes`` do the work in the caller's scope; outside it, a 404 page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, TrainingManager, TrainingReader
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications.manage_views import _masked_names
from ilja.attendance import pages
from ilja.attendance.excused import ExcuseKind
from ilja.config import get_settings
from ilja.people.keys import get_keyring
from ilja.training import attendance_changes as changes
from ilja.training import checkin, service
from ilja.training.attendance import Mark
from ilja.training.errors import NotFound, TooManyAttempts, TrainingError
from ilja.training.models import EnrolmentStatus, TrainingCohort
from ilja.web.templating import translator

router = APIRouter(include_in_schema=False)


SITE = pages.Site(active="training", home="/training/me", back="attendance.checkin.back",
                  refusal=TrainingError, missing="training.cohort",
                  message=lambda error, lang: error.message(lang))


def _cohort(db: DbSession, principal: Principal, cohort_id: int) -> TrainingCohort | None:
    try:
        return service.get_cohort(db, cohort_id, Scope.of(principal))
    except NotFound:
        return None


def _number(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() else 0


# --- the operator's check-in board ---------------------------------------------------------
def _board_context(request: Request, db: DbSession, cohort: TrainingCohort) -> dict[str, Any]:
    board = checkin.open_board_of(db, cohort.id)
    context = pages.board_context(
        request, checkin.board_view(db, board) if board is not None else None, code=cohort.code,
        crumbs=[("/training", translator(request)("training.title")),
                (f"/training/cohorts/{cohort.id}", cohort.code)],
        action_base=f"/training/cohorts/{cohort.id}/checkin", subnav="training/_nav.html",
        is_session=clock.today() in service.schedule_of(cohort).sessions)
    return {"cohort": cohort, **context}


@router.get("/training/cohorts/{cohort_id}/checkin", response_class=HTMLResponse)
def board_page(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> HTMLResponse:
    """The screen shown at the site: the code and when it changes."""
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return SITE.not_found(request)
    return pages.board_page(SITE, request, _board_context(request, db, cohort))


@router.post("/training/cohorts/{cohort_id}/checkin/{action}", response_model=None)
def board_action(request: Request, cohort_id: int, action: str, db: DbSession, principal: TrainingManager) -> Response:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None or action not in ("open", "close"):
        return SITE.not_found(request)
    change = checkin.open_board if action == "open" else checkin.close_board
    return pages.board_action(
        SITE, request, lambda: change(db, cohort_id=cohort.id, actor=principal.actor, scope=Scope.of(principal)),
        lambda: _board_context(request, db, cohort), f"/training/cohorts/{cohort.id}/checkin")


# --- the trainee's check-in ------------------------------------------------------------------
pages.checkin_routes(router, SITE, lambda db, person_id, code, actor: checkin.check_in(
    db, person_id=person_id, code=code, actor=actor), TooManyAttempts)


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
def changes_page(request: Request, cohort_id: int, db: DbSession, principal: TrainingReader,
                 note: str | None = None) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return SITE.not_found(request)
    context = _changes_context(db, cohort, Scope.of(principal))
    context["note"] = note if note in ("excused", "requested", "approved", "rejected") else None
    context["can_manage"] = principal.can(Permission.TRAINING_MANAGE)
    context["me"] = principal.actor.id
    return SITE.page(request, "training/attendance_changes.html", context)


def _changes_error(request: Request, db: DbSession, principal: Principal, cohort: TrainingCohort,
                   error: TrainingError) -> HTMLResponse:
    context = _changes_context(db, cohort, Scope.of(principal))
    context.update(error=SITE.say(request, error), can_manage=True, me=principal.actor.id)
    return SITE.page(request, "training/attendance_changes.html", context,
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
async def excused_save(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return SITE.not_found(request)
    content = await pages.evidence_upload(form)
    try:
        with db.begin_nested():
            changes.record_excused(
                db, enrolment_id=_enrolment_of(form, cohort, db, principal), day=pages.day_asked(form),
                kind=str(form.get("kind", "")), evidence=content, store=get_settings().data_dir,
                keyring=get_keyring(), actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note=excused", status_code=303)


@router.get("/training/enrolments/{enrolment_id}/excused/{day}/evidence", response_model=None)
def excused_evidence(request: Request, enrolment_id: int, day: str, db: DbSession,
                     principal: TrainingManager) -> Response:
    return pages.evidence_response(SITE, request, enrolment_id, day, lambda on: changes.evidence(
        db, enrolment_id=enrolment_id, day=on, store=get_settings().data_dir, keyring=get_keyring(),
        actor=principal.actor, scope=Scope.of(principal)))


@router.post("/training/cohorts/{cohort_id}/overrides", response_model=None)
async def override_request(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return SITE.not_found(request)
    codes = {m.code: m for m in Mark}
    try:
        with db.begin_nested():
            changes.request_override(
                db, enrolment_id=_enrolment_of(form, cohort, db, principal),
                day=pages.day_asked(form),
                mark=codes.get(str(form.get("mark", "")), Mark.PRESENT), reason=str(form.get("reason", "")),
                actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note=requested", status_code=303)


@router.post("/training/cohorts/{cohort_id}/overrides/decide", response_model=None)
async def override_decide(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> Response:
    form = await request.form()
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return SITE.not_found(request)
    approve = form.get("decision") == "approve"
    try:
        with db.begin_nested():
            changes.decide_override(
                db, override_id=_override_of(form, cohort, db, principal), approve=approve,
                note=str(form.get("note", "")), actor=principal.actor, scope=Scope.of(principal))
    except TrainingError as error:
        return _changes_error(request, db, principal, cohort, error)
    note = "approved" if approve else "rejected"
    return RedirectResponse(f"/training/cohorts/{cohort.id}/attendance/changes?note={note}", status_code=303)

