"""Set-up pages for operators and managers with ``TRAINING_MANAGE``: departments and the course
committee's decisions (open or close a course, with reasons), courses, cohorts (sessions computed
by ``schedule`` and shown before saving), instructor profiles and assignments (the qualification
rule's refusal shown with its reason) and one-day classes (cap from the dated parameters).

Every object is looked up in the caller's scope (``accounts.scope``): an operator sees and creates
only for their own site, and everything else answers 404 as if it did not exist. The services do
the work and the auditing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, TrainingManager
from ilja.accounts.scope import Scope
from ilja.programs.loader import load_plan
from ilja.rules.parameters import default_tree
from ilja.training import bounds, oneday_service, service
from ilja.training.errors import NotFound, TrainingError
from ilja.training.models import CourseKind, TrainingCohort, TrainingCourse, TrainingDepartment
from ilja.training.schedule import ScheduleError, session_days
from ilja.training.service import CohortInput
from ilja.web import forms
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
PROGRAMS = ("youth_academy", "tech_institute")
DECISIONS = ("open_course", "close_course")
WEEKDAYS = tuple(range(7))


def _department(db: DbSession, principal: Principal, department_id: int) -> TrainingDepartment | None:
    try:
        return service.get_department(db, department_id, Scope.of(principal))
    except NotFound:
        return None


def _courses(db: DbSession, principal: Principal) -> list[TrainingCourse]:
    return service.list_courses(db, scope=Scope.of(principal))


def _cohort(db: DbSession, principal: Principal, cohort_id: int) -> TrainingCohort | None:
    try:
        return service.get_cohort(db, cohort_id, Scope.of(principal))
    except NotFound:
        return None


def _sites(principal: Principal) -> list[tuple[str, str]]:
    """The sites the caller may create for: the plan's campuses and institutes they own (an
    operator's own site, shown by its code if the plan does not name it)."""
    plan = load_plan()
    every = [(c.code, c.name.ko) for c in plan.campuses] + [(i.code, i.name.ko) for i in plan.institutes]
    scope = Scope.of(principal)
    mine = [(code, name) for code, name in every if scope.owns_site(code)]
    if not mine and scope.site_code and scope.owns_site(scope.site_code):
        mine = [(scope.site_code, scope.site_code)]
    return mine


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    errors = context.get("errors") or []
    response = render(request, template, {"active": "training", "values": {}, "note": None,
                                          **context, "errors": errors, "field_errors": dict(errors)},
                      status_code=status_code if status_code != 200 or not errors else 422)
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("training.setup.title")},
                  status_code=404)


async def _form(request: Request) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {k: v.strip() for k, v in form.items() if isinstance(v, str)}
    values["weekdays"] = [v for v in form.getlist("weekdays") if isinstance(v, str)]
    return values


def _need(request: Request, field: str, key: str | None = None) -> tuple[str, str]:
    """A missing or wrong field: its id (the summary links to it) and the message."""
    return field, translator(request)("training.setup.errors." + (key or field))


def _failed(request: Request, field: str, error: TrainingError) -> tuple[str, str]:
    return field, error.message_ko if translator(request).lang == "ko" else error.message_en


def _refused(request: Request, problem: bounds.Problem) -> tuple[str, str]:
    """A value out of its bounds (``training.bounds``), on its field."""
    return _failed(request, problem.field, problem.error())


# --- departments and the course committee --------------------------------------------------
def _index_context(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    departments = service.list_departments(db, Scope.of(principal))
    courses: dict[int, list[TrainingCourse]] = {}
    for course in _courses(db, principal):
        courses.setdefault(course.department_id, []).append(course)
    return {"departments": departments, "courses": courses, "site_options": _sites(principal),
            "bound_site": Scope.of(principal).site_code}


@router.get("/training/setup", response_class=HTMLResponse)
def setup_page(request: Request, db: DbSession, principal: TrainingManager,
               note: str | None = None) -> HTMLResponse:
    return _page(request, "training/setup.html", {
        **_index_context(request, db, principal), "note": "saved" if note == "saved" else None})


@router.post("/training/setup/departments", response_model=None)
async def department_create(request: Request, db: DbSession, principal: TrainingManager) -> Response:
    form = await _form(request)
    sites = {code for code, _ in _sites(principal)}
    errors = [_need(request, f) for f in ("dept_code", "dept_name") if not form.get(f)]
    bad_code = form.get("dept_code") and bounds.code_problem("dept_code", "코드", "Code", form["dept_code"])
    if bad_code:
        errors.append(_refused(request, bad_code))
    if form.get("dept_site") not in sites:
        errors.append(_need(request, "dept_site"))
    if not errors:
        try:
            row = service.create_department(db, code=form["dept_code"], site_code=form["dept_site"],
                                            name=form["dept_name"], partner=form.get("dept_partner"),
                                            actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/training/setup/departments/{row.id}?note=saved", status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "dept_code", error))
    return _page(request, "training/setup.html", {**_index_context(request, db, principal),
                                                  "values": form, "errors": errors})


def _department_context(request: Request, db: DbSession, department: TrainingDepartment) -> dict[str, Any]:
    t = translator(request)
    courses = service.list_courses(db, department.id)
    return {"department": department, "courses": courses,
            "decisions": service.decisions(db, department.id),
            "cohorts": [(c, k) for c in courses for k in service.list_cohorts(db, c.id)],
            "course_names": {c.id: c.name for c in courses},
            "kind_options": [(k.value, t("training.setup.kinds." + k.value)) for k in CourseKind],
            "program_options": [(p, t("training.setup.programs." + p)) for p in PROGRAMS],
            "decision_options": [(d, t("training.setup.decisions." + d)) for d in DECISIONS],
            "course_options": [("", t("training.setup.choose"))]
            + [(str(c.id), f"{c.code} {c.name}") for c in courses]}


@router.get("/training/setup/departments/{department_id}", response_class=HTMLResponse)
def department_page(request: Request, department_id: int, db: DbSession, principal: TrainingManager,
                    note: str | None = None) -> HTMLResponse:
    department = _department(db, principal, department_id)
    if department is None:
        return _not_found(request)
    return _page(request, "training/department.html", {
        **_department_context(request, db, department), "note": "saved" if note == "saved" else None,
        "values": {"decided_on": clock.today().isoformat(), "program_code": "youth_academy"}})


@router.post("/training/setup/departments/{department_id}/courses", response_model=None)
async def course_create(request: Request, department_id: int, db: DbSession,
                        principal: TrainingManager) -> Response:
    form = await _form(request)
    department = _department(db, principal, department_id)
    if department is None:
        return _not_found(request)
    errors = [_need(request, f) for f in ("course_code", "course_name") if not form.get(f)]
    bad_code = form.get("course_code") and bounds.code_problem("course_code", "코드", "Code", form["course_code"])
    if bad_code:
        errors.append(_refused(request, bad_code))
    if form.get("kind") not in {k.value for k in CourseKind}:
        errors.append(_need(request, "kind"))
    if form.get("program_code") not in PROGRAMS:
        errors.append(_need(request, "program_code"))
    if not errors:
        try:
            service.create_course(db, code=form["course_code"], department_id=department.id,
                                  name=form["course_name"], kind=form["kind"],
                                  program_code=form["program_code"],
                                  specialisation=form.get("specialisation") or None,
                                  actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/training/setup/departments/{department.id}?note=saved",
                                    status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "course_code", error))
    return _page(request, "training/department.html", {
        **_department_context(request, db, department), "values": form, "errors": errors})


@router.post("/training/setup/departments/{department_id}/decisions", response_model=None)
async def decision_create(request: Request, department_id: int, db: DbSession,
                          principal: TrainingManager) -> Response:
    """The course committee opens or closes a course; the reason is required and kept."""
    form = await _form(request)
    department = _department(db, principal, department_id)
    if department is None:
        return _not_found(request)
    decided_on, course_id = forms.day(form.get("decided_on")), forms.whole(form.get("course_id"))
    errors = []
    if form.get("decision") not in DECISIONS:
        errors.append(_need(request, "decision-open_course", "decision"))
    if course_id is None:
        errors.append(_need(request, "course_id"))
    if decided_on is None:
        errors.append(_need(request, "decided_on"))
    elif problem := bounds.day_problem("decided_on", "결정일", "Decided on", decided_on):
        errors.append(_refused(request, problem))
    if not form.get("reason"):
        errors.append(_need(request, "reason"))
    if not errors:
        try:
            service.decide(db, department_id=department.id, decision=form["decision"],
                           reason=form["reason"], decided_on=decided_on,  # type: ignore[arg-type]
                           course_id=course_id, actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/training/setup/departments/{department.id}?note=saved",
                                    status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "course_id", error))
    return _page(request, "training/department.html", {
        **_department_context(request, db, department), "values": form, "errors": errors})


# --- cohorts -------------------------------------------------------------------------------
def _cohort_options(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    t = translator(request)
    return {"course_options": [("", t("training.setup.choose"))]
            + [(str(c.id), f"{c.code} {c.name}") for c in _courses(db, principal) if c.is_open],
            "weekday_options": [(str(d), t(f"training.setup.weekdays.d{d}")) for d in WEEKDAYS]}


@router.get("/training/setup/cohorts/new", response_class=HTMLResponse)
def cohort_new(request: Request, db: DbSession, principal: TrainingManager) -> HTMLResponse:
    return _page(request, "training/cohort_new.html", {
        **_cohort_options(request, db, principal), "preview": None,
        "values": {"weekdays": [str(d) for d in range(5)], "number": "1"}})


def _closures(text: str) -> list[dt.date] | None:
    days = []
    for part in text.replace(",", "\n").split():
        day = forms.day(part.strip())
        if day is None:
            return None
        days.append(day)
    return days


@router.post("/training/setup/cohorts/new", response_model=None)
async def cohort_create(request: Request, db: DbSession, principal: TrainingManager) -> Response:
    """First the sessions computed from the dates, weekdays and closures; saving stores them."""
    form = await _form(request)
    visible = {c.id for c in _courses(db, principal)}
    course_id, number, capacity = (forms.whole(form.get(k))
                                   for k in ("course_id", "number", "capacity"))
    starts_on, ends_on = forms.day(form.get("starts_on")), forms.day(form.get("ends_on"))
    closures = _closures(form.get("closures", ""))
    weekdays = sorted({int(d) for d in form["weekdays"] if d.isdigit() and int(d) in WEEKDAYS})
    errors = []
    if course_id not in visible:
        errors.append(_need(request, "course_id"))
    if number is None or not 1 <= number <= 999:
        errors.append(_need(request, "number"))
    if capacity is None or not 1 <= capacity <= 10_000:
        errors.append(_need(request, "capacity"))
    if starts_on is None:
        errors.append(_need(request, "starts_on"))
    if ends_on is None:
        errors.append(_need(request, "ends_on"))
    if not weekdays:
        errors.append(_need(request, "weekdays-0", "weekdays"))
    if closures is None:
        errors.append(_need(request, "closures"))
    preview = None
    problems = bounds.cohort_problems(starts_on, ends_on, closures or ()) if starts_on and ends_on else []
    errors += [_refused(request, p) for p in problems]  # bounded before any session day is computed
    if not problems and starts_on and ends_on and weekdays and closures is not None:
        try:
            preview = session_days(starts_on, ends_on, weekdays=weekdays, closures=closures)
        except ScheduleError:
            errors.append(_need(request, "ends_on"))
    if not errors and form.get("action") == "save":
        try:
            row = service.create_cohort(db, CohortInput(
                course_id, number, capacity, starts_on, ends_on, weekdays=weekdays,  # type: ignore[arg-type]
                closures=closures or ()), actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/training/setup/cohorts/{row.id}/instructors?note=saved",
                                    status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "course_id", error))
    return _page(request, "training/cohort_new.html", {
        **_cohort_options(request, db, principal), "values": form, "errors": errors,
        "preview": preview})


# --- instructors ---------------------------------------------------------------------------
@router.get("/training/setup/instructors", response_class=HTMLResponse)
def instructors_page(request: Request, db: DbSession, principal: TrainingManager,
                     note: str | None = None) -> HTMLResponse:
    return _page(request, "training/instructors.html", {
        "instructors": service.list_instructors(db, Scope.of(principal)), "note": "saved" if note == "saved" else None,
        "min_years": default_tree().value("youth_academy.academic.instructor_min_industry_years",
                                          clock.today())})


@router.post("/training/setup/instructors", response_model=None)
async def instructor_create(request: Request, db: DbSession, principal: TrainingManager) -> Response:
    form = await _form(request)
    months = forms.whole(form.get("industry_months"))
    errors = []
    if not form.get("name"):
        errors.append(_need(request, "name"))
    if months is None or not 0 <= months <= 720:
        errors.append(_need(request, "industry_months"))
    if not errors:
        service.create_instructor(db, name=form["name"], industry_months=months,  # type: ignore[arg-type]
                                  expertise=form.get("expertise") or None, actor=principal.actor)
        return RedirectResponse("/training/setup/instructors?note=saved", status_code=303)
    return _page(request, "training/instructors.html", {
        "instructors": service.list_instructors(db, Scope.of(principal)), "values": form, "errors": errors,
        "min_years": default_tree().value("youth_academy.academic.instructor_min_industry_years",
                                          clock.today())})


def _assign_context(request: Request, db: DbSession, principal: Principal,
                    cohort: TrainingCohort) -> dict[str, Any]:
    t = translator(request)
    return {"cohort": cohort, "course": service.get_course(db, cohort.course_id),
            "assigned": service.cohort_instructors(db, cohort.id),
            "sessions": len(service.schedule_of(cohort)),
            "instructor_options": [("", t("training.setup.choose"))] + [
                (str(i.id), t("training.setup.instructor_option", name=i.name, months=i.industry_months))
                for i in service.list_instructors(db, Scope.of(principal))]}


@router.get("/training/setup/cohorts/{cohort_id}/instructors", response_class=HTMLResponse)
def assign_page(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager,
                note: str | None = None) -> HTMLResponse:
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    return _page(request, "training/assign.html", {
        **_assign_context(request, db, principal, cohort), "note": "saved" if note == "saved" else None})


@router.post("/training/setup/cohorts/{cohort_id}/instructors", response_model=None)
async def assign_save(request: Request, cohort_id: int, db: DbSession, principal: TrainingManager) -> Response:
    """Assign an instructor; the qualification rule in force on the cohort's start runs and its
    refusal is shown with the reason (409)."""
    form = await _form(request)
    cohort = _cohort(db, principal, cohort_id)
    if cohort is None:
        return _not_found(request)
    instructor_id = forms.whole(form.get("instructor_id"))
    errors, status = [], 422
    if instructor_id is None:
        errors.append(_need(request, "instructor_id"))
    else:
        try:
            service.assign_instructor(db, cohort_id=cohort.id, instructor_id=instructor_id,
                                      actor=principal.actor, scope=Scope.of(principal))
            return RedirectResponse(f"/training/setup/cohorts/{cohort.id}/instructors?note=saved",
                                    status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "instructor_id", error))
            status = error.status_code
    return _page(request, "training/assign.html", {
        **_assign_context(request, db, principal, cohort), "values": form, "errors": errors}, status_code=status)


# --- one-day classes -----------------------------------------------------------------------
def _oneday_context(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    t = translator(request)
    return {"site_options": _sites(principal),
            "course_options": [("", t("training.setup.choose"))]
            + [(str(c.id), f"{c.code} {c.name}") for c in _courses(db, principal)],
            "cap": int(default_tree().value(oneday_service.CAP, clock.today()))}


@router.get("/training/setup/oneday/new", response_class=HTMLResponse)
def oneday_new(request: Request, db: DbSession, principal: TrainingManager) -> HTMLResponse:
    return _page(request, "training/oneday_new.html", _oneday_context(request, db, principal))


@router.post("/training/setup/oneday/new", response_model=None)
async def oneday_create(request: Request, db: DbSession, principal: TrainingManager) -> Response:
    form = await _form(request)
    context = _oneday_context(request, db, principal)
    held_on, course_id = forms.day(form.get("held_on")), forms.whole(form.get("linked_course_id"))
    errors = [_need(request, f) for f in ("class_code", "title") if not form.get(f)]
    if form.get("site_code") not in {code for code, _ in context["site_options"]}:
        errors.append(_need(request, "site_code"))
    if held_on is None:
        errors.append(_need(request, "held_on"))
    elif problem := bounds.day_problem("held_on", "일자", "Held on", held_on):
        errors.append(_refused(request, problem))
    bad_code = form.get("class_code") and bounds.code_problem("class_code", "코드", "Code", form["class_code"])
    if bad_code:
        errors.append(_refused(request, bad_code))
    if course_id is None or course_id not in {c.id for c in _courses(db, principal)}:
        errors.append(_need(request, "linked_course_id"))
    if not errors:
        try:
            oneday_service.create_class(db, code=form["class_code"], title=form["title"],
                                        site_code=form["site_code"], held_on=held_on,  # type: ignore[arg-type]
                                        linked_course_id=course_id, actor=principal.actor,  # type: ignore[arg-type]
                                        scope=Scope.of(principal))
            return RedirectResponse("/training", status_code=303)
        except TrainingError as error:
            errors.append(_failed(request, "class_code", error))
    return _page(request, "training/oneday_new.html", {**context, "values": form, "errors": errors})
