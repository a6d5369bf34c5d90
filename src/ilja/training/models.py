"""Tables of training operations: departments (학과), courses, cohorts (기수), instructors,
enrolments, attendance, assessments, warnings and dropouts, surveys, one-day classes.

A cohort counts its enrolments in ``enrolled`` and a conditional ``UPDATE … WHERE enrolled <
capacity`` takes a seat, so two operators enrolling at once can never pass the capacity.
Attendance is one row per enrolment and session day (``UNIQUE(enrolment_id, day)``), the mark a
small integer (``training.attendance.Mark``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)
_BIGID = BigInteger().with_variant(Integer(), "sqlite")


class CourseKind(StrEnum):
    """What a course is (seoul-2025-jobs-plan §1 and §3)."""

    AI_CORE = "ai_core"  # AI 핵심
    AI_CONVERGENCE = "ai_convergence"  # AI 융합
    INDUSTRY_HUB = "industry_hub"  # 특화산업 거점 (바이오, 핀테크, 로봇, 창조산업, 뷰티패션)
    INSTITUTE_REGULAR = "institute_regular"  # 기술교육원 정규과정
    CERTIFICATION = "certification"  # AI 자격증 과정 (Google, Microsoft, …)
    ADVANCED = "advanced"  # 심화 트랙 (연구·학위 과정 진학)


AI_KINDS = frozenset({CourseKind.AI_CORE, CourseKind.AI_CONVERGENCE, CourseKind.CERTIFICATION,
                      CourseKind.ADVANCED})


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"  # 입교
    COMPLETED = "completed"  # 수료
    DROPPED = "dropped"  # 중도 탈락
    QUIT = "quit"  # 포기 (with notice or 무단)


class TrainingDepartment(Base):
    __tablename__ = "training_departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    site_code: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200))
    partner: Mapped[str | None] = mapped_column(String(100))  # big-tech partner, if any
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TrainingCourse(Base):
    __tablename__ = "training_courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("training_departments.id"), index=True)
    program_code: Mapped[str] = mapped_column(String(64))  # youth_academy | tech_institute
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    specialisation: Mapped[str | None] = mapped_column(String(100))
    is_open: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CommitteeDecision(Base):
    """A decision of the course committee (학과 운영위원회) with its reasons."""

    __tablename__ = "training_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("training_departments.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("training_courses.id"))
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("training_instructors.id"))
    decision: Mapped[str] = mapped_column(String(32))  # open_course | close_course | instructor_review
    reason: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TrainingCohort(Base):
    __tablename__ = "training_cohorts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # n기
    capacity: Mapped[int] = mapped_column(Integer)
    enrolled: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    weekdays: Mapped[list[int]] = mapped_column(_JSON)
    closures: Mapped[list[str]] = mapped_column(_JSON)
    round_id: Mapped[int | None] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_code: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Instructor(Base):
    __tablename__ = "training_instructors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    industry_months: Mapped[int] = mapped_column(Integer)  # AI/SW industry experience
    expertise: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CohortInstructor(Base):
    __tablename__ = "training_assignments"
    __table_args__ = (UniqueConstraint("cohort_id", "instructor_id",
                                       name="uq_training_assignments_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id"), index=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("training_instructors.id"), index=True)
    qualification: Mapped[dict[str, Any]] = mapped_column(_JSON)
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Enrolment(Base):
    __tablename__ = "training_enrolments"
    __table_args__ = (UniqueConstraint("cohort_id", "person_id",
                                       name="uq_training_enrolments_cohort_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    trainee_no: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=EnrolmentStatus.ENROLLED.value)
    enrolled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    quit_with_notice: Mapped[bool | None] = mapped_column(Boolean)
    certificate_no: Mapped[str | None] = mapped_column(String(80), unique=True)


class AttendanceRecord(Base):
    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("enrolment_id", "day",
                                       name="uq_training_attendance_enrolment_day"),)

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    mark: Mapped[int] = mapped_column(SmallInteger)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # how it was recorded (``ilja.attendance.records.Method``): roll call, import, check-in …
    method: Mapped[str] = mapped_column(String(16), default="roll_call", server_default="roll_call")


class Assessment(Base):
    __tablename__ = "training_assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Score(Base):
    __tablename__ = "training_scores"
    __table_args__ = (UniqueConstraint("assessment_id", "enrolment_id",
                                       name="uq_training_scores_assessment_enrolment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("training_assessments.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))


class Finding(Base):
    """A warning (경고) or dropout (중도 탈락) with its rule, figures and parameters."""

    __tablename__ = "training_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(40))
    on: Mapped[dt.date] = mapped_column(Date)
    figures: Mapped[dict[str, Any]] = mapped_column(_JSON)
    reason_ko: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    parameters: Mapped[list[dict[str, Any]]] = mapped_column(_JSON)
    parameter_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class SurveyResponse(Base):
    """One trainee's lecture-satisfaction answer (0–100) for one instructor of their cohort."""

    __tablename__ = "training_surveys"
    __table_args__ = (UniqueConstraint("assignment_id", "enrolment_id",
                                       name="uq_training_surveys_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("training_assignments.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"))
    score: Mapped[int] = mapped_column(Integer)
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OneDayClass(Base):
    __tablename__ = "training_oneday_classes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    site_code: Mapped[str] = mapped_column(String(64))
    held_on: Mapped[dt.date] = mapped_column(Date)
    linked_course_id: Mapped[int] = mapped_column(ForeignKey("training_courses.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OneDayParticipant(Base):
    __tablename__ = "training_participants"
    __table_args__ = (UniqueConstraint("class_id", "person_id",
                                       name="uq_training_participants_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("training_oneday_classes.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    referred_by: Mapped[str] = mapped_column(String(100))  # the 50+ campus (50플러스캠퍼스)
    registered_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class CheckinBoard(Base):
    """A check-in screen an operator opened for a cohort's session day: its secret makes the
    rotating codes (``ilja.attendance.codes``); it takes check-ins until it is closed."""

    __tablename__ = "training_checkin_boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("training_cohorts.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    secret: Mapped[str] = mapped_column(String(64))
    opened_by: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class CheckinAttempt(Base):
    """One code typed by a person (right or wrong): wrong ones count towards the failure limit."""

    __tablename__ = "training_checkin_attempts"

    id: Mapped[int] = mapped_column(_BIGID, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("training_checkin_boards.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    verdict: Mapped[str] = mapped_column(String(16))


class ExcusedAbsence(Base):
    """An excused absence (공결) of one trainee on one session day, with its kind and evidence
    (stored sealed, ``ilja.attendance.evidence``; here only its digest, type and size)."""

    __tablename__ = "training_excused"
    __table_args__ = (UniqueConstraint("enrolment_id", "day", name="uq_training_excused_enrolment_day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    excused: Mapped[bool] = mapped_column(Boolean)  # what the rule in force said
    rule: Mapped[dict[str, Any]] = mapped_column(_JSON)  # the parameter use behind it
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_bytes: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class AttendanceOverride(Base):
    """A change asked for to a recorded day (정정 요청) with its reason; it takes effect only when
    a second staff member approves it (four eyes)."""

    __tablename__ = "training_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("training_enrolments.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    mark_before: Mapped[int | None] = mapped_column(SmallInteger)
    mark_after: Mapped[int] = mapped_column(SmallInteger)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(Text)
