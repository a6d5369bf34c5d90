"""Training set-up and the trainee's path: departments, courses and the course committee,
cohorts and instructors, enrolment from the selection, quitting, completion, history.

Attendance, scores, the dropout rule and surveys are in ``training.progress``; one-day classes
in ``training.oneday_service``. Every write is audited (ids only) in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import User
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds, statuses
from ilja.applications import service as applications
from ilja.applications.models import ApplicationStatus as S
from ilja.applications.models import RoundStatus
from ilja.people import registry, training_history
from ilja.selection import service as selection
from ilja.selection.errors import NotDrawn
from ilja.selection.models import SelectionOutcomeRow, SelectionRunRow
from ilja.training import bounds
from ilja.training.decisions import propose_exclusion
from ilja.training.errors import (
    CohortFull,
    Conflict,
    InvalidInput,
    NotEnrollable,
    NotFound,
    NotQualified,
    OtherSite,
)
from ilja.training.instructors import qualification
from ilja.training.models import (
    AI_KINDS,
    CohortInstructor,
    CommitteeDecision,
    CourseKind,
    Enrolment,
    EnrolmentStatus,
    Instructor,
    TrainingCohort,
    TrainingCourse,
    TrainingDepartment,
)
from ilja.training.schedule import Schedule, ScheduleError, session_days

PROGRAMS = ("youth_academy", "tech_institute")
DECISIONS = ("open_course", "close_course", "instructor_review", "instructor_standard")



def _text(value: str | None, what: str) -> str:
    if not (value and value.strip()):
        raise InvalidInput(f"{what}을(를) 입력하십시오.", f"Enter the {what}.")
    return value.strip()


# --------------------------------------------------------------------------------------------
# Departments, courses, the course committee
# --------------------------------------------------------------------------------------------
def _get(session: Session, kind: Kind, key: int, what: str, scope: Scope) -> Any:
    """The object ``key`` of ``kind`` if it is within ``scope``; else "not found" (404), as for
    an id that does not exist."""
    row = scope.get(session, kind, key)
    if row is None:
        raise NotFound(what, key)
    return row


def _in_scope(statement: Any, scope: Scope, kind: Kind) -> Any:
    return statement.where(scope.where(kind))


def _stored(session: Session, row: Any, actor: audit.Actor, action: str, object_type: str) -> Any:
    """Store a new row (it gets its id) and audit its creation."""
    audit.created(session, actor, row, action, object_type=object_type)
    return row


def create_department(session: Session, *, code: str, site_code: str, name: str,
                      partner: str | None = None, actor: audit.Actor,
                      scope: Scope = SYSTEM) -> TrainingDepartment:
    if not scope.owns_site(site_code):
        raise OtherSite("캠퍼스·교육원", "Campus or institute", scope.site_code)
    code = bounds.check_code("dept_code", "코드", "Code", code)
    if session.execute(select(TrainingDepartment).where(TrainingDepartment.code == code)).first():
        raise Conflict(f"학과 코드 {code}가 이미 있습니다.", f"Department {code} exists already.")
    row = TrainingDepartment(code=_text(code, "code"), site_code=_text(site_code, "site"),
                             name=_text(name, "name"), partner=partner or None, created_at=clock.now())
    return _stored(session, row, actor, "training.department.create", "training_department")


def get_department(session: Session, department_id: int, scope: Scope = SYSTEM) -> TrainingDepartment:
    return _get(session, Kind.TRAINING_DEPARTMENT, department_id, "department", scope)


def list_departments(session: Session, scope: Scope = SYSTEM) -> list[TrainingDepartment]:
    return list(session.scalars(_in_scope(select(TrainingDepartment), scope, Kind.TRAINING_DEPARTMENT)
                                .order_by(TrainingDepartment.code)))


def create_course(session: Session, *, code: str, department_id: int, name: str, kind: str,
                  program_code: str, specialisation: str | None = None,
                  actor: audit.Actor, scope: Scope = SYSTEM) -> TrainingCourse:
    """A course starts closed: the course committee opens it (``decide``)."""
    get_department(session, department_id, scope)
    code = bounds.check_code("course_code", "코드", "Code", code)
    if kind not in set(CourseKind):
        raise InvalidInput(f"과정 종류 {kind}를 알 수 없습니다.", f"Unknown course kind {kind}.")
    if program_code not in PROGRAMS:
        raise InvalidInput(f"사업 {program_code}를 알 수 없습니다.", f"Unknown program {program_code}.")
    if session.execute(select(TrainingCourse).where(TrainingCourse.code == code)).first():
        raise Conflict(f"과정 코드 {code}가 이미 있습니다.", f"Course {code} exists already.")
    row = TrainingCourse(code=_text(code, "code"), department_id=department_id,
                         program_code=program_code, name=_text(name, "name"), kind=kind,
                         specialisation=specialisation or None, is_open=False, created_at=clock.now())
    return _stored(session, row, actor, "training.course.create", "training_course")


def get_course(session: Session, course_id: int, scope: Scope = SYSTEM) -> TrainingCourse:
    return _get(session, Kind.TRAINING_COURSE, course_id, "course", scope)


def list_courses(session: Session, department_id: int | None = None,
                 scope: Scope = SYSTEM) -> list[TrainingCourse]:
    statement = _in_scope(select(TrainingCourse), scope, Kind.TRAINING_COURSE).order_by(TrainingCourse.code)
    if department_id is not None:
        statement = statement.where(TrainingCourse.department_id == department_id)
    return list(session.scalars(statement))


def decide(session: Session, *, department_id: int, decision: str, reason: str,
           decided_on: dt.date, course_id: int | None = None, instructor_id: int | None = None,
           actor: audit.Actor, scope: Scope = SYSTEM) -> CommitteeDecision:
    """Record a course-committee (학과 운영위원회) decision; opening or closing a course takes
    effect at once (seoul-2025-academy-2-0-release: the committee opens and closes courses)."""
    get_department(session, department_id, scope)
    if decision not in DECISIONS:
        raise InvalidInput(f"결정 {decision}을 알 수 없습니다.", f"Unknown decision {decision}.")
    reason = _text(reason, "reason")
    bounds.check_day("decided_on", "결정일", "Decided on", decided_on)
    if decision in ("open_course", "close_course"):
        if course_id is None:
            raise InvalidInput("과정을 선택하십시오.", "Choose the course.")
        course = get_course(session, course_id, scope)
        if course.department_id != department_id:
            raise InvalidInput("다른 학과의 과정입니다.", "The course belongs to another department.")
        course.is_open = decision == "open_course"
    if instructor_id is not None:
        get_instructor(session, instructor_id, scope)
    row = CommitteeDecision(department_id=department_id, course_id=course_id,
                            instructor_id=instructor_id, decision=decision, reason=reason,
                            decided_on=decided_on, decided_by=actor.id, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "training.committee.decide", object_type="training_department",
                 object_id=department_id, details={"decision": decision, "course": course_id,
                                                  "instructor": instructor_id, "id": row.id})
    return row


def decisions(session: Session, department_id: int) -> list[CommitteeDecision]:
    return list(session.scalars(select(CommitteeDecision)
                                .where(CommitteeDecision.department_id == department_id)
                                .order_by(CommitteeDecision.decided_on, CommitteeDecision.id)))


# --------------------------------------------------------------------------------------------
# Cohorts and instructors
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CohortInput:
    course_id: int
    number: int
    capacity: int
    starts_on: dt.date
    ends_on: dt.date
    weekdays: Sequence[int] = (0, 1, 2, 3, 4)
    closures: Sequence[dt.date] = ()
    round_id: int | None = None
    unit_code: str | None = None


def create_cohort(session: Session, data: CohortInput, *, actor: audit.Actor,
                  scope: Scope = SYSTEM) -> TrainingCohort:
    course = get_course(session, data.course_id, scope)
    if not course.is_open:
        raise NotEnrollable("운영위원회가 개설하지 않은 과정입니다.",
                            "The course committee has not opened this course.")
    if data.capacity < 1:
        raise InvalidInput("정원은 1명 이상이어야 합니다.", "The capacity must be at least 1.")
    bounds.check_cohort(data.starts_on, data.ends_on, data.closures)
    try:
        session_days(data.starts_on, data.ends_on, weekdays=data.weekdays, closures=data.closures)
    except ScheduleError as exc:
        raise InvalidInput(f"일정이 올바르지 않습니다: {exc}", f"Invalid schedule: {exc}") from exc
    if data.round_id is not None:
        rounds.get_round(session, data.round_id)
    code = f"{course.code}-{data.number:02d}"
    if session.execute(select(TrainingCohort).where(TrainingCohort.code == code)).first():
        raise Conflict(f"{code} 기수가 이미 있습니다.", f"Cohort {code} exists already.")
    row = TrainingCohort(code=code, course_id=course.id, number=data.number,
                         capacity=data.capacity, enrolled=0, starts_on=data.starts_on,
                         ends_on=data.ends_on, weekdays=sorted(set(data.weekdays)),
                         closures=sorted(d.isoformat() for d in data.closures),
                         round_id=data.round_id, unit_code=data.unit_code, created_at=clock.now())
    return _stored(session, row, actor, "training.cohort.create", "training_cohort")


def get_cohort(session: Session, cohort_id: int, scope: Scope = SYSTEM) -> TrainingCohort:
    return _get(session, Kind.TRAINING_COHORT, cohort_id, "cohort", scope)


def cohort_by_code(session: Session, code: str) -> TrainingCohort:
    row = session.execute(select(TrainingCohort).where(TrainingCohort.code == code)).scalar()
    if row is None:
        raise NotFound("cohort", code)
    return row


def list_cohorts(session: Session, course_id: int | None = None,
                 scope: Scope = SYSTEM) -> list[TrainingCohort]:
    statement = (_in_scope(select(TrainingCohort), scope, Kind.TRAINING_COHORT)
                 .order_by(TrainingCohort.starts_on, TrainingCohort.code))
    if course_id is not None:
        statement = statement.where(TrainingCohort.course_id == course_id)
    return list(session.scalars(statement))


def schedule_of(cohort: TrainingCohort) -> Schedule:
    return session_days(cohort.starts_on, cohort.ends_on, weekdays=cohort.weekdays,
                        closures=[dt.date.fromisoformat(d) for d in cohort.closures])


def create_instructor(session: Session, *, name: str, industry_months: int,
                      expertise: str | None = None, user_id: int | None = None,
                      actor: audit.Actor) -> Instructor:
    if not 0 <= industry_months <= bounds.MAX_INDUSTRY_MONTHS:
        raise InvalidInput(f"AI·SW 실무경력 (개월): 0~{bounds.MAX_INDUSTRY_MONTHS}개월로 입력하십시오.",
                           f"AI/SW industry experience (months): enter 0 to {bounds.MAX_INDUSTRY_MONTHS}.")
    if user_id is not None and session.get(User, user_id) is None:  # else a foreign-key 500
        raise InvalidInput("사용자 계정: 연결할 계정이 없습니다.", "User account: no such account to link.")
    if user_id is not None and instructor_for_user(session, user_id) is not None:  # else a unique-index 500
        raise InvalidInput("사용자 계정: 이미 다른 강사에 연결된 계정입니다.",
                           "User account: the account is linked to another instructor already.")
    row = Instructor(name=_text(name, "name"), industry_months=industry_months,
                     expertise=expertise or None, user_id=user_id, created_at=clock.now())
    return _stored(session, row, actor, "training.instructor.create", "training_instructor")


def get_instructor(session: Session, instructor_id: int, scope: Scope = SYSTEM) -> Instructor:
    return _get(session, Kind.INSTRUCTOR, instructor_id, "instructor", scope)


def instructor_for_user(session: Session, user_id: int) -> Instructor | None:
    return session.execute(select(Instructor).where(Instructor.user_id == user_id)).scalar()


def list_instructors(session: Session, scope: Scope = SYSTEM) -> list[Instructor]:
    return list(session.scalars(_in_scope(select(Instructor), scope, Kind.INSTRUCTOR)
                                .order_by(Instructor.name, Instructor.id)))


def assign_instructor(session: Session, *, cohort_id: int, instructor_id: int,
                      actor: audit.Actor, scope: Scope = SYSTEM) -> CohortInstructor:
    """Assign an instructor, checking the qualification in force on the cohort's start date
    (≥ 2 years of AI/SW industry experience for AI courses from Academy 2.0 on)."""
    cohort = get_cohort(session, cohort_id, scope)
    course = get_course(session, cohort.course_id)
    instructor = get_instructor(session, instructor_id, scope)
    check = qualification(ai_course=course.kind in AI_KINDS,
                          industry_months=instructor.industry_months, on=cohort.starts_on)
    if not check.qualified:
        raise NotQualified(check.reason_ko, check.reason_en)
    existing = session.execute(select(CohortInstructor).where(
        CohortInstructor.cohort_id == cohort_id,
        CohortInstructor.instructor_id == instructor_id)).scalar()
    if existing is not None:
        return existing
    row = CohortInstructor(cohort_id=cohort_id, instructor_id=instructor_id,
                           qualification={"ko": check.reason_ko, "en": check.reason_en,
                                          "parameters": [p.as_dict() for p in check.parameters]},
                           assigned_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "training.instructor.assign", object_type="training_cohort",
                 object_id=cohort_id, details={"instructor": instructor_id})
    return row


def cohort_instructors(session: Session, cohort_id: int) -> list[tuple[CohortInstructor, Instructor]]:
    return [(a, i) for a, i in session.execute(
        select(CohortInstructor, Instructor).join(Instructor)
        .where(CohortInstructor.cohort_id == cohort_id).order_by(Instructor.name)).all()]


def cohorts_of_instructor(session: Session, instructor_id: int) -> list[TrainingCohort]:
    return list(session.scalars(select(TrainingCohort).join(
        CohortInstructor, CohortInstructor.cohort_id == TrainingCohort.id)
        .where(CohortInstructor.instructor_id == instructor_id)
        .order_by(TrainingCohort.starts_on)))


# --------------------------------------------------------------------------------------------
# Enrolment from the selection (capacity never exceeded)
# --------------------------------------------------------------------------------------------
def _take_seat(session: Session, cohort: TrainingCohort) -> None:
    """One conditional UPDATE: the database refuses the seat past the capacity, whoever else is
    enrolling at the same moment."""
    taken = session.execute(
        update(TrainingCohort)
        .where(TrainingCohort.id == cohort.id, TrainingCohort.enrolled < TrainingCohort.capacity)
        .values(enrolled=TrainingCohort.enrolled + 1)
        .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise CohortFull(cohort.code, cohort.capacity)
    session.refresh(cohort, ["enrolled"])


def _selected_unit(session: Session, application: Any) -> str | None:
    return session.execute(
        select(SelectionOutcomeRow.current_unit_code)
        .join(SelectionRunRow, SelectionRunRow.id == SelectionOutcomeRow.run_id)
        .where(SelectionRunRow.round_id == application.round_id,
               SelectionOutcomeRow.application_id == application.id)).scalar()


def enrol_selected(session: Session, *, cohort_id: int, application_id: int,
                   actor: audit.Actor, scope: Scope = SYSTEM) -> Enrolment:
    """Enrol (입교) a selected application in the cohort its round and unit recruited for."""
    cohort = get_cohort(session, cohort_id, scope)
    application = applications.get_application(session, application_id)
    if application.status != S.SELECTED:
        raise NotEnrollable(f"선발된 신청만 입교할 수 있습니다 (현재: {application.status}).",
                            f"Only a selected application can enrol (now {application.status}).")
    if cohort.round_id != application.round_id:
        raise NotEnrollable("이 기수를 모집한 공고의 신청이 아닙니다.",
                            "The application is not from the round that recruited this cohort.")
    if cohort.unit_code and _selected_unit(session, application) != cohort.unit_code:
        raise NotEnrollable("다른 기수(모집 단위)에 선발된 신청입니다.",
                            "The application was selected for another unit.")
    _take_seat(session, cohort)
    serial = session.execute(select(func.count()).select_from(Enrolment)
                             .where(Enrolment.cohort_id == cohort.id)).scalar_one() + 1
    row = Enrolment(cohort_id=cohort.id, person_id=application.person_id,
                    application_id=application.id, trainee_no=f"{cohort.code}-{serial:03d}",
                    status=EnrolmentStatus.ENROLLED.value, enrolled_at=clock.now())
    session.add(row)
    session.flush()
    statuses.change_status(session, application.id, S.ENROLLED, actor=actor,
                           note=f"입교: {cohort.code}")
    audit.record(session, actor, "training.enrol", subject_person_id=row.person_id,
                 object_type="training_enrolment", object_id=row.id,
                 details={"cohort": cohort.id, "application": application.id})
    return row


def linkable_rounds(session: Session, program_code: str) -> list[tuple[Any, list[Any]]]:
    """The program's rounds whose selection is done, each with the units applicants chose:
    what a cohort of that program can enrol from."""
    return [(row, rounds.choosable(rounds.round_units(session, row.id)))
            for row in rounds.list_rounds(session, [RoundStatus.SELECTED],
                                          program_code=program_code)]


def link_round(session: Session, *, cohort_id: int, round_id: int, unit_code: str,
               actor: audit.Actor, scope: Scope = SYSTEM) -> TrainingCohort:
    """Say which round (and unit) recruited the cohort, so its selected applicants can enrol;
    fixed once someone enrolled from it."""
    cohort = get_cohort(session, cohort_id, scope)
    if cohort.enrolled:
        raise Conflict("입교한 훈련생이 있어 모집 공고를 바꿀 수 없습니다.",
                       "Trainees have enrolled: the cohort's round is fixed.")
    course = get_course(session, cohort.course_id)
    for row, units in linkable_rounds(session, course.program_code):
        if row.id == round_id and unit_code in {u.code for u in units}:
            break
    else:
        raise InvalidInput("이 과정 사업의 선발을 마친 모집 공고와 모집 단위를 고르십시오.",
                           "Choose a round of this course's program whose selection is done, "
                           "and one of its units.")
    cohort.round_id, cohort.unit_code = round_id, unit_code
    session.flush()
    audit.record(session, actor, "training.cohort.round", object_type="training_cohort",
                 object_id=cohort.id, details={"round": round_id, "unit": unit_code})
    return cohort


def pending_selected(session: Session, cohort: TrainingCohort) -> list[Any]:
    """The selected applications of the cohort's round and unit not enrolled yet (an enrolled
    one is no longer 'selected'), in order of merit."""
    if cohort.round_id is None:
        return []
    try:
        rows, _ = selection.results(session, cohort.round_id, status=S.SELECTED.value, limit=None)
    except NotDrawn:  # a cohort created with a round still taking applications: nobody selected yet
        return []
    return [r for r in rows if not cohort.unit_code or r.unit == cohort.unit_code]


@dataclass(frozen=True)
class BulkEnrolment:
    enrolled: list[Enrolment]
    refused: list[tuple[int, str]]  # application id, reason (English, ids only)


def enrol_all_selected(session: Session, *, cohort_id: int, actor: audit.Actor,
                       scope: Scope = SYSTEM) -> BulkEnrolment:
    """Enrol every selected application of the cohort's round and unit, in order of merit,
    until the cohort is full; again, it enrols nobody twice."""
    cohort = get_cohort(session, cohort_id, scope)
    if cohort.round_id is None:
        raise NotEnrollable("모집 공고가 연결되지 않은 기수입니다.", "No round recruits this cohort.")
    enrolled: list[Enrolment] = []
    refused: list[tuple[int, str]] = []
    for result in pending_selected(session, cohort):
        try:
            with session.begin_nested():
                enrolled.append(enrol_selected(session, cohort_id=cohort_id,
                                               application_id=result.application_id, actor=actor))
        except (NotEnrollable, CohortFull) as exc:
            refused.append((result.application_id, exc.message_en))
    return BulkEnrolment(enrolled, refused)


def get_enrolment(session: Session, enrolment_id: int, scope: Scope = SYSTEM) -> Enrolment:
    return _get(session, Kind.ENROLMENT, enrolment_id, "enrolment", scope)


def roster(session: Session, cohort_id: int, scope: Scope = SYSTEM) -> list[Enrolment]:
    """The cohort's enrolments within ``scope`` (a coordinator sees only their caseload's)."""
    return list(session.scalars(_in_scope(select(Enrolment), scope, Kind.ENROLMENT)
                                .where(Enrolment.cohort_id == cohort_id).order_by(Enrolment.trainee_no)))


def enrolments_of_person(session: Session, person_id: int) -> list[Enrolment]:
    return list(session.scalars(select(Enrolment).where(Enrolment.person_id == person_id)
                                .order_by(Enrolment.enrolled_at)))


# --------------------------------------------------------------------------------------------
# Endings: quitting, dropping out, completion
# --------------------------------------------------------------------------------------------
def _end(session: Session, enrolment: Enrolment, status: EnrolmentStatus, on: dt.date,
         reason: str, actor: audit.Actor, application_status: S) -> None:
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(f"이미 종료된 입교입니다 ({enrolment.status}).",
                       f"The enrolment has ended already ({enrolment.status}).")
    enrolment.status = status.value
    enrolment.ended_on = on
    enrolment.end_reason = reason
    write_history(session, enrolment)
    if status is not EnrolmentStatus.COMPLETED:  # a trainee who leaves frees the seat
        session.execute(update(TrainingCohort).where(TrainingCohort.id == enrolment.cohort_id)
                        .values(enrolled=TrainingCohort.enrolled - 1)
                        .execution_options(synchronize_session=False))
    if enrolment.application_id is not None:
        statuses.change_status(session, enrolment.application_id, application_status,
                               actor=actor, note=reason)
    session.flush()


def quit_course(session: Session, *, enrolment_id: int, with_notice: bool, on: dt.date,
                reason: str | None, actor: audit.Actor, scope: Scope = SYSTEM) -> Enrolment:
    """Quitting (포기): with notice, or without (무단 포기) — the latter bars re-participation
    for ``youth_academy.reparticipation.quit_without_notice_restriction_months`` (checked at
    application time by the rules engine through the person's training history). A quit frees the
    seat."""
    enrolment = get_enrolment(session, enrolment_id, scope)
    text = (reason or "").strip() or ("포기 (사전 통보)" if with_notice else "무단 포기")
    # 무단 포기 bars re-participation only once its prior notice has run (``ilja.rights``)
    enrolment.quit_with_notice = True
    _end(session, enrolment, EnrolmentStatus.QUIT, on, text, actor, S.QUIT)
    if not with_notice:
        propose_exclusion(session, actor, enrolment=enrolment, on=on)
    audit.record(session, actor, "training.quit", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id,
                 details={"with_notice": with_notice})
    return enrolment


def drop(session: Session, *, enrolment: Enrolment, on: dt.date, reason: str,
         actor: audit.Actor) -> None:
    """Drop a trainee (중도 탈락) for the reason a finding gave."""
    _end(session, enrolment, EnrolmentStatus.DROPPED, on, reason, actor, S.DROPPED)
    audit.record(session, actor, "training.drop", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id)


def complete(session: Session, *, enrolment: Enrolment, on: dt.date, actor: audit.Actor) -> None:
    """Completion (수료) with a certificate number."""
    cohort = get_cohort(session, enrolment.cohort_id)
    enrolment.certificate_no = f"{on.year}-{cohort.code}-{enrolment.trainee_no.rsplit('-', 1)[-1]}"
    _end(session, enrolment, EnrolmentStatus.COMPLETED, on, "수료", actor, S.COMPLETED)
    audit.record(session, actor, "training.complete", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id)


# --------------------------------------------------------------------------------------------
# History for the rules engine
# --------------------------------------------------------------------------------------------
def write_history(session: Session, enrolment: Enrolment) -> None:
    """Write how ``enrolment`` ended into the person's training history (``people``), in the
    caller's transaction: at its end, and again whenever a remedy changes how it ended (a quit
    found to be without notice, or that finding lifted) or reinstates it (the row goes). A quit
    without notice is ``quit_without_notice``; a quit with notice counts as ``dropped``."""
    if enrolment.ended_on is None:
        training_history.forget_ended_course(session, enrolment.id)
        return
    status = EnrolmentStatus(enrolment.status)
    if status is EnrolmentStatus.QUIT:
        result = "dropped" if enrolment.quit_with_notice else "quit_without_notice"
    else:
        result = status.value  # completed | dropped
    cohort = get_cohort(session, enrolment.cohort_id)
    program = session.scalars(select(TrainingCourse.program_code)
                              .where(TrainingCourse.id == cohort.course_id)).one()
    training_history.record_ended_course(session, enrolment_id=enrolment.id, person_id=enrolment.person_id,
                                         program=program, started_on=cohort.starts_on,
                                         ended_on=enrolment.ended_on, result=result)


def training_history_for(session: Session, person_id: int) -> list[dict[str, str]]:
    """The person's whole training history in the person format (``people.training_history``)."""
    person = registry.get_person(session, person_id)
    if person is None:
        raise NotFound("person", person_id)
    return training_history.histories(session, {person_id: person.training_history or []})[person_id]


def person_with_history(session: Session, person_id: int) -> Any:
    """The person format of ``person_id`` as an application judges it (with the training
    history of ``training_history_for``)."""
    person = registry.get_person(session, person_id)
    if person is None:
        raise NotFound("person", person_id)
    return applications.applicant(session, person)


