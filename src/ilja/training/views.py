"""Pages: the operator's cohorts (roster, attendance sheet, scores, dropout warnings, enrolment,
completion, certificates), one-day classes with conversion, the instructor's cohorts and
surveys, and the trainee's own attendance, scores and warnings. Thin: the services do the work,
and look every object up in the caller's scope (``accounts.scope``): outside it, a 404 page.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import (
    DbSession,
    OwnProfileEditor,
    OwnProfileReader,
    Principal,
    TrainingManager,
    TrainingReader,
)
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.applications.errors import ApplicationError
from ilja.applications.manage_views import _masked_names
from ilja.applications.models import Round
from ilja.selection import service as selection
from ilja.training import attendance_changes, oneday_service, progress, service
from ilja.training.attendance import Mark
from ilja.training.attendance_import import AttendanceFileError
from ilja.training.errors import InvalidInput, NotFound, TrainingError
from ilja.training.models import Enrolment, EnrolmentStatus, TrainingCohort
from ilja.web import format as fmt
from ilja.web import forms
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
MARKS = [m.code for m in Mark]


def _page(request: Request, template: str, context: dict[str, Any],
          status_code: int = 200) -> HTMLResponse:
    response = render(request, template, {"active": "training", **context},
                      status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("training.cohort")},
                  status_code=404)


def _message(request: Request, error: TrainingError | ApplicationError) -> str:
    return error.message_ko if translator(request).lang == "ko" else error.message_en


def _cohort(db: DbSession, principal: Principal, cohort_id: int) -> TrainingCohort | None:
    """The cohort if it is within the caller's scope, else None (the page answers 404)."""
    try:
        return service.get_cohort(db, cohort_id, Scope.of(principal))
    except NotFound:
        return None


def _enrolment(db: DbSession, principal: Principal, enrolment_id: int) -> Enrolment | None:
    try:
        return service.get_enrolment(db, enrolment_id, Scope.of(principal))
    except NotFound:
        return None


def _back(cohort_id: int, note: str, suffix: str = "") -> RedirectResponse:
    return RedirectResponse(f"/training/cohorts/{cohort_id}{suffix}?note={note}", status_code=303)


# --- the operator's cohorts ------------------------------------------------------------------
@router.get("/training", response_class=HTMLResponse)
def index(request: Request, db: DbSession, principal: TrainingReader) -> HTMLResponse:
    scope = Scope.of(principal)
    cohorts = service.list_cohorts(db, scope=scope)
    courses = {c.id: c for c in service.list_courses(db, scope=scope)}
    classes = [(c, oneday_service.class_conversion(db, c.id), courses.get(c.linked_course_id))
               for c in oneday_service.list_classes(db, scope)]
    return _page(request, "training/index.html", {"cohorts": cohorts, "courses": courses,
                                                  "classes": classes})


def _apply_rule(db: DbSession, cohort: TrainingCohort) -> None:
    """The dropout rule as of today, before a page shows warnings: what the roster shows is
    current without anyone pressing a button (so the rule itself is the actor)."""
    on = min(clock.today(), service.schedule_of(cohort).end)
    progress.evaluate_cohort(db, cohort_id=cohort.id, on=on, actor=audit.SYSTEM_ACTOR)


def _findings(db: DbSession, cohort: TrainingCohort, scope: Scope) -> list[tuple[Any, Enrolment]]:
    """The cohort's findings about the trainees within ``scope``."""
    visible = {e.id for e in service.roster(db, cohort.id, scope)}
    return [(f, e) for f, e in progress.cohort_findings(db, cohort.id) if e.id in visible]


def _cohort_context(db: DbSession, cohort: TrainingCohort, on: dt.date, scope: Scope) -> dict[str, Any]:
    _apply_rule(db, cohort)
    rows = []
    findings: dict[int, list[Any]] = {}
    for finding, enrolment in _findings(db, cohort, scope):
        findings.setdefault(enrolment.id, []).append(finding)
    for enrolment in service.roster(db, cohort.id, scope):
        summary, remaining = progress.summary_of(db, enrolment, cohort, on)
        rows.append({"e": enrolment, "rate": round(float(summary.rate) * 100, 1),
                     "summary": summary, "findings": findings.get(enrolment.id, [])})
    course = service.get_course(db, cohort.course_id)
    linked = db.get(Round, cohort.round_id) if cohort.round_id is not None else None
    return {"cohort": cohort, "course": course, "rows": rows, "on": on.isoformat(),
            "names": _masked_names(db, {row["e"].person_id for row in rows}),
            "round": linked, "rounds": service.linkable_rounds(db, course.program_code),
            "pending": len(service.pending_selected(db, cohort)),
            "schedule": service.schedule_of(cohort),
            "instructors": progress.satisfaction_report(db, cohort.id)}


@router.get("/training/cohorts/{cohort_id}", response_class=HTMLResponse)
def cohort_page(request: Request, cohort_id: int, db: DbSession, principal: TrainingReader,
                on: str | None = None, note: str | None = None) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    context = _cohort_context(db, cohort, forms.day(on) or clock.today(), Scope.of(principal))
    audit.record(db, principal.actor, "training.roster.read", object_type="training_cohort",
                 object_id=cohort.id, details={"enrolments": [r["e"].id for r in context["rows"]]})
    return _page(request, "training/cohort.html", {
        **context, "note": note if note in ("linked", "enrolled", "completed", "quit", "saved") else None,
        "can_manage": principal.can(Permission.TRAINING_MANAGE), "error": None})


async def _form(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _cohort_error(request: Request, db: DbSession, principal: Principal, cohort: TrainingCohort,
                  error: TrainingError | ApplicationError) -> HTMLResponse:
    context = _cohort_context(db, cohort, clock.today(), Scope.of(principal))
    return _page(request, "training/cohort.html", {
        **context, "note": None, "can_manage": principal.can(Permission.TRAINING_MANAGE),
        "error": _message(request, error)}, status_code=error.status_code)


def _cohort_change(request: Request, db: DbSession, principal: Principal, cohort_id: int,
                   change: Callable[[], object], note: str) -> Response:
    """A change made from the cohort's page: outside the caller's scope a 404 page, a refusal
    said on the cohort's page, else back to it with ``note``."""
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    try:
        change()
    except (TrainingError, ApplicationError) as error:
        return _cohort_error(request, db, principal, cohort, error)
    return _back(cohort_id, note)


@router.post("/training/cohorts/{cohort_id}/round", response_model=None)
async def round_link(request: Request, cohort_id: int, db: DbSession,
                     principal: TrainingManager) -> Response:
    """Link the cohort to the round (and unit) that recruited it: ``"<round>:<unit>"``."""
    round_id, _, unit_code = (await _form(request)).get("round", "").partition(":")

    def link() -> None:
        if not round_id.isdigit():
            raise InvalidInput("모집 공고를 고르십시오.", "Choose a round.")
        service.link_round(db, cohort_id=cohort_id, round_id=int(round_id), unit_code=unit_code,
                           actor=principal.actor, scope=Scope.of(principal))

    return _cohort_change(request, db, principal, cohort_id, link, "linked")


@router.get("/training/cohorts/{cohort_id}/enrol", response_class=HTMLResponse)
def enrol_confirm(request: Request, cohort_id: int, db: DbSession,
                  principal: TrainingManager) -> HTMLResponse:
    """Enrolment cannot be undone: the page first says whom, and how many, it will enrol."""
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    pending = service.pending_selected(db, cohort)
    if cohort.round_id is not None:
        selection.audit_results_read(db, cohort.round_id, pending, actor=principal.actor)
    return _page(request, "training/enrol.html", {
        "cohort": cohort, "round": db.get(Round, cohort.round_id) if cohort.round_id else None,
        "pending": pending, "names": _masked_names(db, {r.person_id for r in pending}),
        "seats": cohort.capacity - cohort.enrolled,
        "count": min(len(pending), cohort.capacity - cohort.enrolled)})


@router.post("/training/cohorts/{cohort_id}/enrol", response_model=None)
def enrol_page(request: Request, cohort_id: int, db: DbSession,
               principal: TrainingManager) -> Response:
    """Enrol the selected applicants not yet enrolled; sent twice, it enrols nobody twice."""
    return _cohort_change(request, db, principal, cohort_id, lambda: service.enrol_all_selected(
        db, cohort_id=cohort_id, actor=principal.actor, scope=Scope.of(principal)), "enrolled")


@router.post("/training/cohorts/{cohort_id}/complete", response_model=None)
async def complete_page(request: Request, cohort_id: int, db: DbSession,
                        principal: TrainingManager) -> Response:
    on = forms.day((await _form(request)).get("on")) or clock.today()
    return _cohort_change(request, db, principal, cohort_id, lambda: progress.complete_cohort(
        db, cohort_id=cohort_id, on=on, actor=principal.actor), "completed")


@router.post("/training/enrolments/{enrolment_id}/quit", response_model=None)
async def quit_page(request: Request, enrolment_id: int, db: DbSession,
                    principal: TrainingManager) -> Response:
    return _quit(request, db, principal, enrolment_id, await _form(request))


@router.post("/training/cohorts/{cohort_id}/quit", response_model=None)
async def cohort_quit(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> Response:
    """The roster's one 포기 form (the trainee chosen in it), usable on a phone, unlike a form in
    every row of a wide table; a trainee of another cohort is not found."""
    form = await _form(request)
    enrolment_id = int(form["enrolment"]) if form.get("enrolment", "").isdigit() else 0
    enrolment = _enrolment(db, principal, enrolment_id)
    if enrolment is None or enrolment.cohort_id != cohort_id:
        return _not_found(request)
    return _quit(request, db, principal, enrolment_id, form)


def _quit(request: Request, db: DbSession, principal: Principal, enrolment_id: int,
          form: dict[str, str]) -> Response:
    enrolment = _enrolment(db, principal, enrolment_id)
    if enrolment is None:
        return _not_found(request)
    cohort = service.get_cohort(db, enrolment.cohort_id)
    if form.get("confirm") != "1":
        return _confirm_quit(request, db, cohort, enrolment, form)
    try:
        service.quit_course(db, enrolment_id=enrolment_id,
                            with_notice=form.get("notice") == "with",
                            on=forms.day(form.get("on")) or clock.today(),
                            reason=form.get("reason"), actor=principal.actor)
    except (TrainingError, ApplicationError) as error:
        return _cohort_error(request, db, principal, cohort, error)
    return _back(cohort.id, "quit")


def _confirm_quit(request: Request, db: DbSession, cohort: TrainingCohort, enrolment: Enrolment,
                  form: dict[str, str]) -> HTMLResponse:
    """A quit ends the enrolment and frees the seat for good: say so, and who and when, and ask."""
    t = translator(request)
    on = forms.day(form.get("on")) or clock.today()
    with_notice = form.get("notice") != "without"
    name = _masked_names(db, {enrolment.person_id}).get(enrolment.person_id, enrolment.trainee_no)
    back = f"/training/cohorts/{cohort.id}"
    consequences = [t("training.quit.confirm_final"),
                    t("training.quit.confirm_with_notice" if with_notice else "training.quit.confirm_without_notice")]
    return _page(request, "confirm.html", {
        "title": t("training.quit.confirm_title", code=cohort.code),
        "what": t("training.quit.confirm_what", name=name, number=enrolment.trainee_no,
                  date=fmt.date(on)),
        "consequences": consequences,
        "action": f"/training/enrolments/{enrolment.id}/quit",
        "hidden": {"notice": "with" if with_notice else "without", "on": on.isoformat(),
                   "reason": form.get("reason", "")},
        "submit": t("training.quit.confirm_submit"), "cancel": t("training.enrol.cancel"),
        "back": back, "back_label": cohort.code})


@router.get("/training/enrolments/{enrolment_id}/certificate.pdf", response_model=None)
def certificate_page(request: Request, enrolment_id: int, db: DbSession,
                     principal: TrainingReader) -> Response:
    if _enrolment(db, principal, enrolment_id) is None:
        return _not_found(request)
    try:
        pdf = progress.certificate(db, enrolment_id=enrolment_id, actor=principal.actor)
    except TrainingError:
        return _not_found(request)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{enrolment_id}.pdf"',
        "Cache-Control": "no-store"})


# --- attendance sheet ----------------------------------------------------------------------
def _attendance_context(db: DbSession, cohort: TrainingCohort, day: dt.date, scope: Scope) -> dict[str, Any]:
    schedule = service.schedule_of(cohort)
    marks = progress.sheet(db, cohort.id, day)
    active = [e for e in service.roster(db, cohort.id, scope) if e.status == EnrolmentStatus.ENROLLED]
    return {"cohort": cohort, "day": day.isoformat(), "is_session": day in schedule.sessions,
            "sessions": [d.isoformat() for d in schedule.sessions], "trainees": active,
            "names": _masked_names(db, {e.person_id for e in active}),
            "values": {f"mark-{e.id}": marks[e.id].code if e.id in marks else "present"
                       for e in active}, "marks": MARKS, "error": None, "problems": [],
            "methods": attendance_changes.methods_of_day(db, cohort.id, day),
            "problem_total": 0, "imported": None}


def _nearest_session(cohort: TrainingCohort, today: dt.date) -> dt.date:
    sessions = service.schedule_of(cohort).sessions
    past = [d for d in sessions if d <= today]
    return past[-1] if past else sessions[0]


@router.get("/training/cohorts/{cohort_id}/attendance", response_class=HTMLResponse)
def attendance_page(request: Request, cohort_id: int, db: DbSession, principal: TrainingReader,
                    day: str | None = None, note: str | None = None,
                    rows: int | None = None) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    chosen = forms.day(day) or _nearest_session(cohort, clock.today())
    return _page(request, "training/attendance.html", {
        **_attendance_context(db, cohort, chosen, Scope.of(principal)), "saved": note == "saved",
        "imported": rows if note == "imported" else None,
        "can_manage": principal.can(Permission.TRAINING_MANAGE)})


@router.post("/training/cohorts/{cohort_id}/attendance", response_model=None)
async def attendance_save(request: Request, cohort_id: int, db: DbSession,
                          principal: TrainingManager) -> Response:
    form = await _form(request)
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    day = forms.day(form.get("day")) or clock.today()
    marks = {int(k.split("-", 1)[1]): Mark[v.upper()] for k, v in form.items()
             if k.startswith("mark-") and k[5:].isdigit() and v in MARKS}
    try:
        progress.record_day(db, cohort_id=cohort_id, day=day, marks=marks, actor=principal.actor)
    except TrainingError as error:
        context = _attendance_context(db, cohort, day, Scope.of(principal))
        context.update(error=_message(request, error), saved=False, can_manage=True)
        return _page(request, "training/attendance.html", context, status_code=422)
    return RedirectResponse(f"/training/cohorts/{cohort_id}/attendance?day={day.isoformat()}"
                            "&note=saved", status_code=303)


@router.post("/training/cohorts/{cohort_id}/attendance/import", response_model=None)
async def attendance_import(request: Request, cohort_id: int, db: DbSession,
                            principal: TrainingManager) -> Response:
    """An attendance file uploaded as operators keep it (XLSX or CSV): every row is checked
    first; a bad row writes nothing and the page lists row, column and reason."""
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    form = await request.form()
    upload = form.get("file")
    name = getattr(upload, "filename", "") or ""
    suffix = Path(name).suffix.lower()
    context = _attendance_context(db, cohort, _nearest_session(cohort, clock.today()), Scope.of(principal))
    context.update(saved=False, can_manage=True)
    if upload is None or isinstance(upload, str) or suffix not in (".xlsx", ".csv"):
        context["error"] = translator(request)("training.attendance.file_needed")
        return _page(request, "training/attendance.html", context, status_code=422)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"attendance{suffix}"
        path.write_bytes(await upload.read())
        try:
            with db.begin_nested():
                result = progress.import_attendance(db, path, actor=principal.actor,
                                                    only_cohorts={cohort.code})
        except AttendanceFileError as error:
            context.update(problems=error.problems, problem_total=error.total)
            return _page(request, "training/attendance.html", context, status_code=422)
        except TrainingError as error:
            context["error"] = _message(request, error)
            return _page(request, "training/attendance.html", context, status_code=422)
    return RedirectResponse(f"/training/cohorts/{cohort_id}/attendance?note=imported&rows="
                            f"{result.rows}", status_code=303)


# --- scores --------------------------------------------------------------------------------
def _scores_context(db: DbSession, cohort: TrainingCohort, scope: Scope) -> dict[str, Any]:
    trainees = service.roster(db, cohort.id, scope)
    return {"cohort": cohort, "assessments": progress.assessments(db, cohort.id),
            "table": progress.score_table(db, cohort.id), "trainees": trainees,
            "names": _masked_names(db, {e.person_id for e in trainees}), "error": None, "values": {}}


@router.get("/training/cohorts/{cohort_id}/scores", response_class=HTMLResponse)
def scores_page(request: Request, cohort_id: int, db: DbSession,
                principal: TrainingReader) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    return _page(request, "training/scores.html", {
        **_scores_context(db, cohort, Scope.of(principal)), "can_manage": principal.can(Permission.TRAINING_MANAGE)})


@router.post("/training/cohorts/{cohort_id}/scores", response_model=None)
async def scores_save(request: Request, cohort_id: int, db: DbSession,
                      principal: TrainingManager) -> Response:
    form = await _form(request)
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    scores = {int(k[6:]): v for k, v in form.items()
              if k.startswith("score-") and k[6:].isdigit() and v.strip()}
    try:
        progress.add_assessment(db, cohort_id=cohort_id, title=form.get("title", ""),
                                held_on=forms.day(form.get("held_on")) or dt.date.min,
                                scores=scores, actor=principal.actor)
    except TrainingError as error:
        context = _scores_context(db, cohort, Scope.of(principal))
        context.update(error=_message(request, error), values=form, can_manage=True)
        return _page(request, "training/scores.html", context, status_code=422)
    return RedirectResponse(f"/training/cohorts/{cohort_id}/scores", status_code=303)


@router.get("/training/cohorts/{cohort_id}/findings", response_class=HTMLResponse)
def findings_page(request: Request, cohort_id: int, db: DbSession,
                  principal: TrainingReader) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    _apply_rule(db, cohort)
    findings = _findings(db, cohort, Scope.of(principal))
    return _page(request, "training/findings.html", {
        "cohort": cohort, "findings": findings, "names": _masked_names(db, {e.person_id for _, e in findings})})


# --- instructors and trainees --------------------------------------------------------------
@router.get("/training/instructor", response_class=HTMLResponse)
def instructor_page(request: Request, db: DbSession, principal: TrainingReader) -> HTMLResponse:
    instructor = service.instructor_for_user(db, principal.user.id) if principal.user else None
    reports = []
    if instructor is not None:
        for cohort in service.cohorts_of_instructor(db, instructor.id):
            reports += [(cohort, r) for r in progress.satisfaction_report(db, cohort.id)
                        if r.instructor_id == instructor.id]
    return _page(request, "training/instructor.html", {"instructor": instructor,
                                                       "reports": reports})


def _my_context(db: DbSession, person_id: int | None) -> dict[str, Any]:
    items = []
    for enrolment in service.enrolments_of_person(db, person_id) if person_id else []:
        cohort = service.get_cohort(db, enrolment.cohort_id)
        _apply_rule(db, cohort)
        summary, remaining = progress.summary_of(db, enrolment, cohort, clock.today())
        items.append({"e": enrolment, "cohort": cohort,
                      "course": service.get_course(db, cohort.course_id),
                      "summary": summary, "rate": round(float(summary.rate) * 100, 1),
                      "remaining": remaining, "scores": progress.scores_of(db, enrolment.id),
                      "findings": progress.findings_of(db, enrolment.id),
                      "instructors": service.cohort_instructors(db, cohort.id)})
    return {"items": items}


@router.get("/training/me", response_class=HTMLResponse)
def my_page(request: Request, db: DbSession, principal: OwnProfileReader,
            note: str | None = None) -> HTMLResponse:
    person_id = principal.user.person_id if principal.user else None
    return _page(request, "training/me.html", {**_my_context(db, person_id),
                                               "thanks": note == "thanks"})


@router.post("/training/me/surveys", response_model=None)
async def my_survey(request: Request, db: DbSession, principal: OwnProfileEditor) -> Response:
    form = await _form(request)
    try:
        enrolment = service.get_enrolment(db, int(form.get("enrolment", "0")), Scope.of(principal))
        progress.submit_survey(db, assignment_id=int(form.get("assignment", "0")),
                               enrolment_id=enrolment.id, score=int(form.get("score", "-1")),
                               actor=principal.actor)
    except (TrainingError, ValueError):
        return _not_found(request)
    return RedirectResponse("/training/me?note=thanks", status_code=303)
