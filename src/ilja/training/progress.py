"""A cohort under way: daily attendance (web sheet and file import), assessment scores, the
dropout rule applied with its reasons, lecture-satisfaction surveys, and completion.

The rules themselves are pure (``attendance``, ``dropout``, ``instructors``); this module loads
a cohort's records, asks them, and stores what they found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.attendance.records import Method
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.service import proposed
from ilja.people import registry
from ilja.programs.loader import load_plan
from ilja.rules.parameters import default_tree
from ilja.training import service
from ilja.training.attendance import Mark, TraineeAttendance, summarise_one
from ilja.training.attendance_changes import protected_records
from ilja.training.attendance_import import (
    AttendanceFileError,
    InvalidRow,
    Roster,
    check,
    read_frame,
)
from ilja.training.certificate import CertificateData, certificate_pdf
from ilja.training.decisions import propose_dropout
from ilja.training.dropout import DropoutRules, Kind, Rule, attendance_finding, score_findings
from ilja.training.dropout import Finding as Found
from ilja.training.errors import InvalidInput, NotEnrollable, NotFound
from ilja.training.instructors import SatisfactionResult, satisfaction
from ilja.training.models import (
    Assessment,
    AttendanceRecord,
    CohortInstructor,
    Enrolment,
    EnrolmentStatus,
    Finding,
    Score,
    SurveyResponse,
    TrainingCohort,
    TrainingCourse,
)


def _program(session: Session, cohort: TrainingCohort) -> str:
    """The cohort's program, whose own dropout bar applies (youth_academy | tech_institute)."""
    return session.get(TrainingCourse, cohort.course_id).program_code



def _ymd(day: dt.date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _ymd_date(value: int) -> dt.date:
    return dt.date(value // 10000, value // 100 % 100, value % 100)


# --------------------------------------------------------------------------------------------
# Attendance
# --------------------------------------------------------------------------------------------
def record_day(session: Session, *, cohort_id: int, day: dt.date, marks: Mapping[int, Mark],
               actor: audit.Actor) -> int:
    """The attendance sheet of one session day (출석부), entered on the web: every mark is
    checked (a session day, trainees of this cohort still enrolled) before any is written; a
    day entered again replaces its marks."""
    cohort = service.get_cohort(session, cohort_id)
    if day not in service.schedule_of(cohort).sessions:
        raise InvalidInput(f"{day.isoformat()}은(는) 이 기수의 교육일이 아닙니다.",
                           f"{day.isoformat()} is not a session day of this cohort.")
    active = {e.id for e in service.roster(session, cohort_id)
              if e.status == EnrolmentStatus.ENROLLED}
    strangers = sorted(set(marks) - active)
    if strangers:
        raise InvalidInput("이 기수에 재학 중이 아닌 훈련생이 있습니다.",
                           f"Not enrolled in this cohort: enrolments {strangers}.")
    protected = protected_records(session, [(e, day) for e in marks])
    changed = sorted(e for (e, _), m in protected.items() if marks[e] != m)
    if changed:
        raise InvalidInput("본인 출석 확인·공결·승인된 정정으로 기록된 출결은 출석부로 바꿀 수 없습니다. "
                           "정정을 요청하십시오.",
                           "Marks recorded by check-in, an excused absence or an approved override "
                           f"change only through an override: enrolments {changed}.")
    marks = {e: m for e, m in marks.items() if (e, day) not in protected}
    if marks:
        session.execute(delete(AttendanceRecord).where(
            AttendanceRecord.enrolment_id.in_(list(marks)), AttendanceRecord.day == day))
        now = clock.now()
        session.execute(insert(AttendanceRecord), [
            {"enrolment_id": e, "day": day, "mark": int(m), "recorded_by": actor.id,
             "recorded_at": now, "method": Method.ROLL_CALL.value} for e, m in marks.items()])
    audit.record(session, actor, "training.attendance.record", object_type="training_cohort",
                 object_id=cohort_id, details={"day": day.isoformat(), "marks": len(marks)})
    return len(marks)


def _roster_for(session: Session, cohort_codes: list[str]) -> Roster:
    cohorts = list(session.scalars(select(TrainingCohort).where(
        TrainingCohort.code.in_(cohort_codes))))
    enrolments: dict[tuple[str, str], int] = {}
    days: dict[str, list[int]] = {}
    for cohort in cohorts:
        days[cohort.code] = [_ymd(d) for d in service.schedule_of(cohort).sessions]
        for e in service.roster(session, cohort.id):
            if e.status == EnrolmentStatus.ENROLLED:
                enrolments[(cohort.code, e.trainee_no)] = e.id
    return Roster(enrolments, days)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    cohorts: list[str]


def import_attendance(session: Session, path: Path, *, actor: audit.Actor,
                      only_cohorts: set[str] | None = None) -> ImportResult:
    """Import an attendance file (XLSX or CSV): every row checked first (``AttendanceFileError``
    lists row, column and reason, and nothing is written); then each (trainee, day) in the file
    replaces what was recorded for it. ``only_cohorts`` limits the cohorts a file may touch
    (an upload on one cohort's page): rows of any other cohort are "unknown cohort"."""
    frame = read_frame(path)
    codes = sorted(c for c in frame["cohort"].drop_nulls().unique().to_list()
                   if only_cohorts is None or c in only_cohorts)
    rows = check(frame, _roster_for(session, codes))
    keyed = [(e, _ymd_date(d), m, r) for e, d, m, r in zip(
        rows.enrolment.tolist(), rows.day.tolist(), rows.mark.tolist(), rows.row.tolist(), strict=True)]
    protected = protected_records(session, [(e, d) for e, d, _, _ in keyed])
    changed = [InvalidRow(r, "mark", "recorded by check-in, an excused absence or an approved "
                                     "override: ask for an override (정정 요청)")
               for e, d, m, r in keyed if (e, d) in protected and protected[(e, d)] != m]
    if changed:
        raise AttendanceFileError(changed)
    now = clock.now()
    by_enrolment: dict[int, list[dt.date]] = {}
    values = []
    for e, day, m, _ in keyed:
        if (e, day) in protected:  # the same mark: the person's own record stays
            continue
        by_enrolment.setdefault(e, []).append(day)
        values.append({"enrolment_id": e, "day": day, "mark": m, "recorded_by": actor.id,
                       "recorded_at": now, "method": Method.IMPORT.value})
    for enrolment_id, days in by_enrolment.items():
        session.execute(delete(AttendanceRecord).where(
            AttendanceRecord.enrolment_id == enrolment_id, AttendanceRecord.day.in_(days)))
    for start in range(0, len(values), 5000):
        session.execute(insert(AttendanceRecord), values[start:start + 5000])
    audit.record(session, actor, "training.attendance.import", object_type="training_cohort",
                 details={"rows": len(values), "cohorts": codes, "file": path.name})
    return ImportResult(len(values), codes)


def attendance_of(session: Session, enrolment_id: int) -> list[tuple[dt.date, Mark]]:
    return [(d, Mark(m)) for d, m in session.execute(
        select(AttendanceRecord.day, AttendanceRecord.mark)
        .where(AttendanceRecord.enrolment_id == enrolment_id).order_by(AttendanceRecord.day))]


def sheet(session: Session, cohort_id: int, day: dt.date) -> dict[int, Mark]:
    """The marks recorded for one day of a cohort, by enrolment."""
    return {e: Mark(m) for e, m in session.execute(
        select(AttendanceRecord.enrolment_id, AttendanceRecord.mark)
        .join(Enrolment, Enrolment.id == AttendanceRecord.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id, AttendanceRecord.day == day))}


def summary_of(session: Session, enrolment: Enrolment, cohort: TrainingCohort,
               on: dt.date | None = None) -> tuple[TraineeAttendance, int]:
    """The trainee's attendance up to ``on`` and the session days left after it."""
    rules = DropoutRules.at(cohort.starts_on, _program(session, cohort)).attendance
    marks = [m for d, m in attendance_of(session, enrolment.id) if on is None or d <= on]
    sessions = service.schedule_of(cohort).sessions
    remaining = sum(1 for d in sessions if on is not None and d > on)
    return summarise_one(marks, rules), remaining


# --------------------------------------------------------------------------------------------
# Assessments and scores
# --------------------------------------------------------------------------------------------
def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("점수는 0~100 사이의 숫자입니다.", "A score is a number 0–100.") from exc
    if not (0 <= score <= 100) or score != score.quantize(Decimal("0.01")):
        raise InvalidInput("점수는 0~100 사이, 소수 둘째 자리까지입니다.",
                           "A score is 0–100 with at most two decimals.")
    return score


def add_assessment(session: Session, *, cohort_id: int, title: str, held_on: dt.date,
                   scores: Mapping[int, Any], actor: audit.Actor) -> Assessment:
    """An assessment (평가) and its scores; every score checked before any is written."""
    cohort = service.get_cohort(session, cohort_id)
    members = {e.id for e in service.roster(session, cohort_id)}
    checked = {e: _score(v) for e, v in scores.items()}
    if set(checked) - members:
        raise InvalidInput("이 기수의 훈련생이 아닌 점수가 있습니다.",
                           "Some scores are for trainees of another cohort.")
    if not (cohort.starts_on <= held_on <= cohort.ends_on):
        raise InvalidInput("평가일이 교육 기간 밖입니다.", "The assessment date is outside the cohort.")
    row = Assessment(cohort_id=cohort_id, title=service._text(title, "title"), held_on=held_on,
                     created_at=clock.now())
    session.add(row)
    session.flush()
    session.add_all(Score(assessment_id=row.id, enrolment_id=e, score=s)
                    for e, s in checked.items())
    session.flush()
    audit.record(session, actor, "training.assessment.add", object_type="training_cohort",
                 object_id=cohort_id, details={"assessment": row.id, "scores": len(checked)})
    return row


def assessments(session: Session, cohort_id: int) -> list[Assessment]:
    return list(session.scalars(select(Assessment).where(Assessment.cohort_id == cohort_id)
                                .order_by(Assessment.held_on, Assessment.id)))


def scores_of(session: Session, enrolment_id: int) -> list[tuple[Assessment, Decimal]]:
    return [(a, s) for a, s in session.execute(
        select(Assessment, Score.score).join(Score, Score.assessment_id == Assessment.id)
        .where(Score.enrolment_id == enrolment_id).order_by(Assessment.held_on))]


def score_table(session: Session, cohort_id: int) -> dict[tuple[int, int], Decimal]:
    """Scores by (enrolment id, assessment id)."""
    return {(e, a): s for e, a, s in session.execute(
        select(Score.enrolment_id, Score.assessment_id, Score.score)
        .join(Assessment, Assessment.id == Score.assessment_id)
        .where(Assessment.cohort_id == cohort_id))}


# --------------------------------------------------------------------------------------------
# The dropout rule, applied
# --------------------------------------------------------------------------------------------
def findings_of(session: Session, enrolment_id: int) -> list[Finding]:
    return list(session.scalars(select(Finding).where(Finding.enrolment_id == enrolment_id)
                                .order_by(Finding.on, Finding.id)))


def cohort_findings(session: Session, cohort_id: int) -> list[tuple[Finding, Enrolment]]:
    return [(f, e) for f, e in session.execute(
        select(Finding, Enrolment).join(Enrolment, Enrolment.id == Finding.enrolment_id)
        .where(Enrolment.cohort_id == cohort_id).order_by(Finding.on.desc(), Finding.id.desc()))]


_ATTENDANCE_RULES = {Rule.ATTENDANCE_BELOW_WARNING.value, Rule.ATTENDANCE_UNREACHABLE.value,
                     Rule.CONSECUTIVE_ABSENCES.value}


def _store(session: Session, enrolment: Enrolment, found: Found, actor: audit.Actor) -> Finding:
    row = Finding(enrolment_id=enrolment.id, kind=found.kind.value, rule=found.rule.value,
                  on=found.on, figures=found.figures, reason_ko=found.reason("ko"),
                  reason_en=found.reason("en"), parameters=[p.as_dict() for p in found.parameters],
                  parameter_version=default_tree().version(), created_at=clock.now(),
                  created_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, f"training.{found.kind.value}",
                 subject_person_id=enrolment.person_id, object_type="training_enrolment",
                 object_id=enrolment.id, details={"rule": found.rule.value, "finding": row.id})
    if found.kind is Kind.DROPOUT:  # prior notice first: the dropout takes effect later (rights)
        propose_dropout(session, actor, enrolment=enrolment, finding=row)
    return row


def _dropout_proposed(session: Session, enrolment: Enrolment) -> Any:
    """The trainee's dropout still in its prior notice (``ilja.rights``): while it runs, no other
    attendance finding is made (a shortfall is proposed once, not once a day)."""
    return proposed(session, f"enrolment:{enrolment.id}", DecisionKind.DROPOUT)


def evaluate_cohort(session: Session, *, cohort_id: int, on: dt.date,
                    actor: audit.Actor) -> list[Finding]:
    """Apply the dropout rule in force on the cohort's start date to every enrolled trainee as
    of ``on``; store the new warnings and dropouts (a finding already on record is not
    repeated) and drop whom the rule drops."""
    cohort = service.get_cohort(session, cohort_id)
    rules = DropoutRules.at(cohort.starts_on, _program(session, cohort))
    stored: list[Finding] = []
    for enrolment in service.roster(session, cohort_id):
        if enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        known = findings_of(session, enrolment.id)
        seen = {(f.kind, f.rule, f.on) for f in known}
        scores = [(a.held_on, float(s)) for a, s in scores_of(session, enrolment.id)
                  if a.held_on <= on]
        new: list[Found] = [f for f in score_findings(scores, rules)
                            if (f.kind.value, f.rule.value, f.on) not in seen]
        if _dropout_proposed(session, enrolment) is None and not any(f.kind is Kind.DROPOUT for f in new):
            summary, remaining = summary_of(session, enrolment, cohort, on)
            prior = sum(1 for f in known if f.kind == Kind.WARNING and f.rule in _ATTENDANCE_RULES)
            found = attendance_finding(summary, remaining, rules, on, prior_warnings=prior)
            if found is not None and (found.kind.value, found.rule.value, found.on) not in seen:
                new.append(found)
        for found in new:
            stored.append(_store(session, enrolment, found, actor))
            if found.kind is Kind.DROPOUT:
                break
    return stored


# --------------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------------
def submit_survey(session: Session, *, assignment_id: int, enrolment_id: int, score: int,
                  actor: audit.Actor) -> SurveyResponse:
    """A trainee's lecture-satisfaction answer (0–100) for an instructor of their cohort."""
    link = session.get(CohortInstructor, assignment_id)
    if link is None:
        raise NotFound("cohort instructor", assignment_id)
    enrolment = service.get_enrolment(session, enrolment_id)
    if enrolment.cohort_id != link.cohort_id:
        raise InvalidInput("다른 기수의 강사입니다.", "The instructor teaches another cohort.")
    if not 0 <= score <= 100:
        raise InvalidInput("만족도는 0~100점입니다.", "Satisfaction is 0–100 points.")
    existing = session.execute(select(SurveyResponse).where(
        SurveyResponse.assignment_id == assignment_id,
        SurveyResponse.enrolment_id == enrolment_id)).scalar()
    if existing is not None:
        existing.score, existing.submitted_at = score, clock.now()
        row = existing
    else:
        row = SurveyResponse(assignment_id=assignment_id, enrolment_id=enrolment_id,
                             score=score, submitted_at=clock.now())
        session.add(row)
    session.flush()
    audit.record(session, actor, "training.survey.submit", object_type="training_cohort",
                 object_id=link.cohort_id, details={"cohort_instructor": assignment_id})
    return row


@dataclass(frozen=True)
class InstructorSatisfaction:
    assignment_id: int
    instructor_id: int
    instructor_name: str
    cohort_id: int
    cohort_code: str
    result: SatisfactionResult


def satisfaction_report(session: Session, cohort_id: int) -> list[InstructorSatisfaction]:
    """Each instructor of the cohort judged against the satisfaction bar in force on the
    cohort's start date (70, then 80 from Academy 2.0 on)."""
    cohort = service.get_cohort(session, cohort_id)
    report = []
    for link, instructor in service.cohort_instructors(session, cohort_id):
        answers = list(session.scalars(select(SurveyResponse.score).where(
            SurveyResponse.assignment_id == link.id)))
        report.append(InstructorSatisfaction(link.id, instructor.id, instructor.name, cohort.id,
                                             cohort.code,
                                             satisfaction(answers, on=cohort.starts_on)))
    return report


def committee_flags(session: Session, department_id: int) -> list[InstructorSatisfaction]:
    """Instructors under the bar in any cohort of the department: the committee's agenda."""
    flagged = []
    for course in service.list_courses(session, department_id):
        for cohort in service.list_cohorts(session, course.id):
            flagged += [r for r in satisfaction_report(session, cohort.id) if r.result.flagged]
    return flagged


# --------------------------------------------------------------------------------------------
# Completion
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CompletionResult:
    completed: list[Enrolment]
    not_completed: list[tuple[Enrolment, Finding]]


def complete_cohort(session: Session, *, cohort_id: int, on: dt.date,
                    actor: audit.Actor) -> CompletionResult:
    """Close a cohort (수료): the dropout rule is applied one last time; whoever is still
    enrolled and reaches the completion attendance rate completes, the rest are proposed for
    dropout with the attendance reason; a trainee whose dropout is still in its prior notice
    does not complete (``ilja.rights``)."""
    cohort = service.get_cohort(session, cohort_id)
    if on < service.schedule_of(cohort).end:
        raise InvalidInput("마지막 교육일 이후에 수료 처리합니다.",
                           "Completion comes after the last session day.")
    evaluate_cohort(session, cohort_id=cohort_id, on=on, actor=actor)
    rules = DropoutRules.at(cohort.starts_on, _program(session, cohort))
    completed: list[Enrolment] = []
    failed: list[tuple[Enrolment, Finding]] = []
    for enrolment in service.roster(session, cohort_id):
        if enrolment.status != EnrolmentStatus.ENROLLED:
            continue
        pending = _dropout_proposed(session, enrolment)
        if pending is not None:
            failed.append((enrolment, session.get_one(Finding, pending.details["finding_id"])))
            continue
        summary, _ = summary_of(session, enrolment, cohort, on)
        if summary.reachable(0, rules.attendance.min_rate):
            service.complete(session, enrolment=enrolment, on=on, actor=actor)
            completed.append(enrolment)
        else:
            found = attendance_finding(summary, 0, rules, on, prior_warnings=10**6)
            assert found is not None
            failed.append((enrolment, _store(session, enrolment, found, actor)))
    return CompletionResult(completed, failed)


# --------------------------------------------------------------------------------------------
# Sites and the completion certificate
# --------------------------------------------------------------------------------------------
def site_names() -> dict[str, tuple[str, str]]:
    """Campus and institute codes of the plan with their Korean and English names."""
    plan = load_plan()
    return {s.code: (s.name.ko, s.name.en) for s in [*plan.campuses, *plan.institutes]}


def certificate(session: Session, *, enrolment_id: int, actor: audit.Actor) -> bytes:
    """The completer's certificate (수료증) as PDF; reading the name is audited."""
    enrolment = service.get_enrolment(session, enrolment_id)
    if enrolment.status != EnrolmentStatus.COMPLETED or not enrolment.certificate_no:
        raise NotEnrollable("수료한 훈련생만 수료증이 발급됩니다.",
                            "Only a trainee who completed gets a certificate.")
    cohort = service.get_cohort(session, enrolment.cohort_id)
    course = service.get_course(session, cohort.course_id)
    department = service.get_department(session, course.department_id)
    person = registry.get_person(session, enrolment.person_id)
    if person is None:
        raise NotFound("person", enrolment.person_id)
    program = {"youth_academy": "청년취업사관학교", "tech_institute": "서울시 기술교육원"}
    data = CertificateData(
        number=enrolment.certificate_no, name=person.name, birth_date=person.birth_date,
        program_ko=program.get(course.program_code, course.program_code), course=course.name,
        cohort=f"{cohort.number}기", site=site_names().get(department.site_code,
                                                          (department.site_code,))[0],
        starts_on=cohort.starts_on, ends_on=cohort.ends_on,
        issued_on=enrolment.ended_on or cohort.ends_on)
    audit.record(session, actor, "training.certificate", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id)
    return certificate_pdf(data)
