"""Training API under ``/api/v1/training``: thin routes over ``service``, ``progress`` and
``oneday_service``, each with its permission. Responses are explicit models with ids, codes and
figures; a trainee's name appears only on the certificate. Staff reads of a roster or of a
trainee's records are audited; a citizen reads only their own, through their account's person.
Every object is looked up in the caller's scope (``accounts.scope``): outside it, 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

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
from ilja.accounts.scope import Scope
from ilja.training import checkin, oneday_service, progress, service
from ilja.training.attendance import Mark
from ilja.training.errors import InvalidInput
from ilja.training.schemas import (
    AssessmentIn,
    AssignIn,
    AttendanceIn,
    CheckinIn,
    CheckinOut,
    CohortIn,
    CohortOut,
    ConversionOut,
    CourseIn,
    CourseOut,
    DecisionIn,
    DecisionOut,
    DepartmentIn,
    DepartmentOut,
    EnrolIn,
    EnrolmentOut,
    EnrolOut,
    FindingOut,
    InstructorIn,
    InstructorOut,
    OneDayIn,
    ParticipantIn,
    QuitIn,
    SatisfactionOut,
    SurveyIn,
)
from ilja.training.service import CohortInput
from ilja.web.errors import api_answer

router = APIRouter(prefix="/training", tags=["training"])


def _cohort(db: DbSession, principal: Principal, cohort_id: int) -> Any:
    """The cohort, if it is within the caller's scope; else 404 as if it did not exist."""
    return service.get_cohort(db, cohort_id, Scope.of(principal))


def _department(db: DbSession, principal: Principal, department_id: int) -> Any:
    return service.get_department(db, department_id, Scope.of(principal))


def _enrolment(db: DbSession, principal: Principal, enrolment_id: int) -> Any:
    return service.get_enrolment(db, enrolment_id, Scope.of(principal))


def _cohort_out(row: Any) -> CohortOut:
    return CohortOut(id=row.id, code=row.code, course_id=row.course_id, number=row.number,
                     capacity=row.capacity, enrolled=row.enrolled, starts_on=row.starts_on,
                     ends_on=row.ends_on, round_id=row.round_id, unit_code=row.unit_code,
                     session_days=len(service.schedule_of(row)))


def _enrolment_out(row: Any) -> EnrolmentOut:
    return EnrolmentOut.model_validate(row, from_attributes=True)


def _finding_out(row: Any) -> FindingOut:
    return FindingOut.model_validate(row, from_attributes=True)


# --- departments, courses, committee ----------------------------------------------------------
@router.get("/departments")
def departments(db: DbSession, principal: TrainingReader) -> list[DepartmentOut]:
    return [DepartmentOut.model_validate(d, from_attributes=True)
            for d in service.list_departments(db, Scope.of(principal))]


@router.post("/departments", status_code=201)
def create_department(body: DepartmentIn, db: DbSession, principal: TrainingManager) -> DepartmentOut:
    row = service.create_department(db, **body.model_dump(), actor=principal.actor,
                scope=Scope.of(principal))
    return DepartmentOut.model_validate(row, from_attributes=True)


@router.post("/departments/{department_id}/decisions", status_code=201)
def decide(department_id: int, body: DecisionIn, db: DbSession,
           principal: TrainingManager) -> DecisionOut:
    row = service.decide(db, department_id=department_id, **body.model_dump(),
                actor=principal.actor, scope=Scope.of(principal))
    return DecisionOut.model_validate(row, from_attributes=True)


@router.get("/departments/{department_id}/decisions")
def decisions(department_id: int, db: DbSession, principal: TrainingReader) -> list[DecisionOut]:
    _department(db, principal, department_id)
    return [DecisionOut.model_validate(d, from_attributes=True)
            for d in service.decisions(db, department_id)]


@router.get("/departments/{department_id}/flags")
def committee_flags(department_id: int, db: DbSession,
                    principal: TrainingReader) -> list[SatisfactionOut]:
    _department(db, principal, department_id)
    return [SatisfactionOut(assignment_id=r.assignment_id, instructor_id=r.instructor_id,
                            instructor_name=r.instructor_name, cohort_code=r.cohort_code,
                            result=r.result.as_dict())
            for r in progress.committee_flags(db, department_id)]


@router.get("/courses")
def courses(db: DbSession, principal: TrainingReader) -> list[CourseOut]:
    return [CourseOut.model_validate(c, from_attributes=True)
            for c in service.list_courses(db, scope=Scope.of(principal))]


@router.post("/courses", status_code=201)
def create_course(body: CourseIn, db: DbSession, principal: TrainingManager) -> CourseOut:
    row = service.create_course(db, **body.model_dump(), actor=principal.actor,
                scope=Scope.of(principal))
    return CourseOut.model_validate(row, from_attributes=True)


# --- cohorts ------------------------------------------------------------------------------
@router.get("/cohorts")
def cohorts(db: DbSession, principal: TrainingReader) -> list[CohortOut]:
    return [_cohort_out(c) for c in service.list_cohorts(db, scope=Scope.of(principal))]


@router.post("/cohorts", status_code=201)
def create_cohort(body: CohortIn, db: DbSession, principal: TrainingManager) -> CohortOut:
    row = service.create_cohort(db, CohortInput(**body.model_dump()), actor=principal.actor,
                scope=Scope.of(principal))
    return _cohort_out(row)


@router.get("/cohorts/{cohort_id}")
def cohort(cohort_id: int, db: DbSession, principal: TrainingReader) -> CohortOut:
    return _cohort_out(_cohort(db, principal, cohort_id))


@router.get("/cohorts/{cohort_id}/roster")
def roster(cohort_id: int, db: DbSession, principal: TrainingReader) -> list[EnrolmentOut]:
    _cohort(db, principal, cohort_id)
    rows = service.roster(db, cohort_id, Scope.of(principal))
    audit.record(db, principal.actor, "training.roster.read", object_type="training_cohort",
                 object_id=cohort_id, details={"enrolments": [e.id for e in rows]})
    return [_enrolment_out(e) for e in rows]


@router.post("/cohorts/{cohort_id}/enrol")
def enrol(cohort_id: int, body: EnrolIn, db: DbSession, principal: TrainingManager) -> EnrolOut:
    scope = Scope.of(principal)
    if body.application_id is not None:
        row = service.enrol_selected(db, cohort_id=cohort_id,
                    application_id=body.application_id, actor=principal.actor, scope=scope)
        return EnrolOut(enrolled=[_enrolment_out(row)], refused=[])
    result = service.enrol_all_selected(db, cohort_id=cohort_id, actor=principal.actor,
                   scope=scope)
    return EnrolOut(enrolled=[_enrolment_out(e) for e in result.enrolled],
                    refused=[{"application_id": a, "reason": r} for a, r in result.refused])


@router.put("/cohorts/{cohort_id}/attendance/{day}")
def record_attendance(cohort_id: int, day: dt.date, body: AttendanceIn, db: DbSession,
                      principal: TrainingManager) -> dict[str, int]:
    _cohort(db, principal, cohort_id)
    marks = {e: Mark[m.upper()] for e, m in body.marks.items()}
    count = progress.record_day(db, cohort_id=cohort_id, day=day, marks=marks,
                  actor=principal.actor)
    return {"recorded": count}


@router.get("/cohorts/{cohort_id}/attendance/{day}")
def attendance_sheet(cohort_id: int, day: dt.date, db: DbSession,
                     principal: TrainingReader) -> dict[int, str]:
    _cohort(db, principal, cohort_id)
    visible = {e.id for e in service.roster(db, cohort_id, Scope.of(principal))}
    return {e: m.code for e, m in progress.sheet(db, cohort_id, day).items() if e in visible}


@router.post("/cohorts/{cohort_id}/assessments", status_code=201)
def add_assessment(cohort_id: int, body: AssessmentIn, db: DbSession,
                   principal: TrainingManager) -> dict[str, int]:
    _cohort(db, principal, cohort_id)
    row = progress.add_assessment(db, cohort_id=cohort_id, title=body.title,
                held_on=body.held_on, scores=body.scores, actor=principal.actor)
    return {"id": row.id}


@router.post("/cohorts/{cohort_id}/evaluate")
def evaluate(cohort_id: int, on: dt.date, db: DbSession, principal: TrainingManager) -> list[FindingOut]:
    _cohort(db, principal, cohort_id)
    rows = progress.evaluate_cohort(db, cohort_id=cohort_id, on=on, actor=principal.actor)
    return [_finding_out(f) for f in rows]


@router.get("/cohorts/{cohort_id}/findings")
def findings(cohort_id: int, db: DbSession, principal: TrainingReader) -> list[FindingOut]:
    _cohort(db, principal, cohort_id)
    visible = {e.id for e in service.roster(db, cohort_id, Scope.of(principal))}
    return [_finding_out(f) for f, e in progress.cohort_findings(db, cohort_id) if e.id in visible]


@router.post("/cohorts/{cohort_id}/complete")
def complete(cohort_id: int, on: dt.date, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    _cohort(db, principal, cohort_id)
    result = progress.complete_cohort(db, cohort_id=cohort_id, on=on,
                   actor=principal.actor)
    return {"completed": [e.id for e in result.completed],
            "not_completed": [{"enrolment_id": e.id, "reason": f.reason_ko}
                              for e, f in result.not_completed]}


@router.post("/cohorts/{cohort_id}/instructors", status_code=201)
def assign(cohort_id: int, body: AssignIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    row = service.assign_instructor(db, cohort_id=cohort_id,
                instructor_id=body.instructor_id, actor=principal.actor, scope=Scope.of(principal))
    return {"assignment_id": row.id, "qualification": row.qualification}


@router.get("/cohorts/{cohort_id}/satisfaction")
def satisfaction(cohort_id: int, db: DbSession, principal: TrainingReader) -> list[SatisfactionOut]:
    _cohort(db, principal, cohort_id)
    rows = progress.satisfaction_report(db, cohort_id)
    return [SatisfactionOut(assignment_id=r.assignment_id, instructor_id=r.instructor_id,
                            instructor_name=r.instructor_name, cohort_code=r.cohort_code,
                            result=r.result.as_dict()) for r in rows]


# --- enrolments ---------------------------------------------------------------------------
@router.post("/enrolments/{enrolment_id}/quit")
def quit_course(enrolment_id: int, body: QuitIn, db: DbSession,
                principal: TrainingManager) -> EnrolmentOut:
    row = service.quit_course(db, enrolment_id=enrolment_id, **body.model_dump(),
                actor=principal.actor, scope=Scope.of(principal))
    return _enrolment_out(row)


@router.get("/enrolments/{enrolment_id}/certificate.pdf")
def certificate(enrolment_id: int, db: DbSession, principal: TrainingReader) -> Response:
    _enrolment(db, principal, enrolment_id)
    pdf = progress.certificate(db, enrolment_id=enrolment_id, actor=principal.actor)
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="certificate-{enrolment_id}.pdf"',
        "Cache-Control": "no-store"})


# --- instructors --------------------------------------------------------------------------
@router.get("/instructors")
def instructors(db: DbSession, principal: TrainingReader) -> list[InstructorOut]:
    return [InstructorOut.model_validate(i, from_attributes=True)
            for i in service.list_instructors(db, Scope.of(principal))]


@router.post("/instructors", status_code=201)
def create_instructor(body: InstructorIn, db: DbSession, principal: TrainingManager) -> InstructorOut:
    row = service.create_instructor(db, **body.model_dump(), actor=principal.actor)
    return InstructorOut.model_validate(row, from_attributes=True)


# --- one-day classes ----------------------------------------------------------------------
@router.post("/oneday", status_code=201)
def create_oneday(body: OneDayIn, db: DbSession, principal: TrainingManager) -> dict[str, int]:
    row = oneday_service.create_class(db, **body.model_dump(), actor=principal.actor,
                scope=Scope.of(principal))
    return {"id": row.id}


@router.post("/oneday/{class_id}/participants", status_code=201)
def register_participant(class_id: int, body: ParticipantIn, db: DbSession,
                         principal: TrainingManager) -> dict[str, int]:
    row = oneday_service.register(db, class_id=class_id, **body.model_dump(),
                actor=principal.actor, scope=Scope.of(principal))
    return {"id": row.id}


@router.get("/oneday/{class_id}/conversion")
def conversion(class_id: int, db: DbSession, principal: TrainingReader) -> ConversionOut:
    result = oneday_service.class_conversion(db, class_id, Scope.of(principal))
    return ConversionOut(class_id=class_id, participants=result.participants,
                         applied=result.applied, enrolled=result.enrolled,
                         applied_percent=result.percent("applied"),
                         enrolled_percent=result.percent("enrolled"))


# --- the trainee's own records ------------------------------------------------------------
@router.get("/me")
def my_training(db: DbSession, principal: OwnProfileReader) -> list[dict[str, Any]]:
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        return []
    out = []
    for enrolment in service.enrolments_of_person(db, person_id):
        cohort = service.get_cohort(db, enrolment.cohort_id)
        summary, remaining = progress.summary_of(db, enrolment, cohort, clock.today())
        out.append({
            "enrolment": _enrolment_out(enrolment).model_dump(mode="json"),
            "cohort": cohort.code,
            "attendance": {"present": summary.present, "late": summary.late,
                           "absent": summary.absent, "excused": summary.excused,
                           "rate_percent": round(float(summary.rate) * 100, 1),
                           "remaining_sessions": remaining},
            "scores": [{"title": a.title, "held_on": a.held_on.isoformat(), "score": float(s)}
                       for a, s in progress.scores_of(db, enrolment.id)],
            "findings": [_finding_out(f).model_dump(mode="json")
                         for f in progress.findings_of(db, enrolment.id)],
        })
    return out


@router.post("/me/enrolments/{enrolment_id}/surveys", status_code=201)
def my_survey(enrolment_id: int, body: SurveyIn, db: DbSession,
              principal: OwnProfileEditor) -> dict[str, int]:
    _enrolment(db, principal, enrolment_id)  # a citizen's scope: their own enrolments
    row = progress.submit_survey(db, assignment_id=body.assignment_id,
                enrolment_id=enrolment_id, score=body.score, actor=principal.actor)
    return {"id": row.id}


@router.post("/me/checkin", status_code=201, response_model=CheckinOut,
             responses={422: {"description": "A wrong or expired code, no check-in open, or the day "
                                             "already recorded (``detail.reason``)"},
                        429: {"description": "Too many wrong codes: wait (``detail.msg``)"}})
def my_checkin(body: CheckinIn, db: DbSession, principal: OwnProfileEditor) -> CheckinOut | JSONResponse:
    """The trainee's check-in with the code shown at the site (issue 19 §3). A refusal is
    answered, not raised, so the attempt is kept and counts towards the failure limit."""
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        raise InvalidInput("계정에 연결된 참여자 정보가 없습니다.", "The account is not linked to a person.")
    outcome = checkin.check_in(db, person_id=person_id, code=body.code, actor=principal.actor)
    if outcome.refused is not None:
        refused = outcome.refused
        return api_answer(refused)
    done = outcome.checked_in
    return CheckinOut(enrolment_id=done.enrolment.id, cohort=done.cohort.code, day=done.day, method="checkin")
