"""Request and response models of the training API (``training.api``): ids, codes and figures,
never a trainee's name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from ilja.training.bounds import MAX_INDUSTRY_MONTHS


class DepartmentIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    site_code: str = Field(min_length=1, max_length=64, examples=["campus.mapo"])
    name: str = Field(min_length=1, max_length=200)
    partner: str | None = Field(default=None, max_length=100)


class DepartmentOut(BaseModel):
    id: int
    code: str
    site_code: str
    name: str
    partner: str | None


class CourseIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    department_id: int
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["ai_core", "ai_convergence", "industry_hub", "institute_regular",
                  "certification", "advanced"]
    program_code: Literal["youth_academy", "tech_institute"]
    specialisation: str | None = Field(default=None, max_length=100)


class CourseOut(BaseModel):
    id: int
    code: str
    department_id: int
    program_code: str
    name: str
    kind: str
    specialisation: str | None
    is_open: bool


class DecisionIn(BaseModel):
    decision: Literal["open_course", "close_course", "instructor_review", "instructor_standard"]
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: dt.date
    course_id: int | None = None
    instructor_id: int | None = None


class DecisionOut(BaseModel):
    id: int
    department_id: int
    course_id: int | None
    instructor_id: int | None
    decision: str
    reason: str
    decided_on: dt.date


class CohortIn(BaseModel):
    course_id: int
    number: int = Field(ge=1, le=999)
    capacity: int = Field(ge=1, le=10_000)
    starts_on: dt.date
    ends_on: dt.date
    weekdays: list[int] = Field(default=[0, 1, 2, 3, 4], max_length=7)
    closures: list[dt.date] = Field(default=[], max_length=366)
    round_id: int | None = None
    unit_code: str | None = Field(default=None, max_length=64)


class CohortOut(BaseModel):
    id: int
    code: str
    course_id: int
    number: int
    capacity: int
    enrolled: int
    starts_on: dt.date
    ends_on: dt.date
    round_id: int | None
    unit_code: str | None
    session_days: int


class EnrolIn(BaseModel):
    application_id: int | None = Field(default=None, description="One application; omit to "
                                       "enrol every selected application of the cohort's unit.")


class EnrolmentOut(BaseModel):
    id: int
    cohort_id: int
    person_id: int
    application_id: int | None
    trainee_no: str
    status: str
    ended_on: dt.date | None
    end_reason: str | None
    quit_with_notice: bool | None
    certificate_no: str | None


class EnrolOut(BaseModel):
    enrolled: list[EnrolmentOut]
    refused: list[dict[str, Any]]


class AttendanceIn(BaseModel):
    marks: dict[int, Literal["present", "late", "absent", "excused"]] = Field(max_length=10_000)


class AssessmentIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)
    held_on: dt.date
    scores: dict[int, Decimal] = Field(max_length=10_000)


class FindingOut(BaseModel):
    id: int
    enrolment_id: int
    kind: str
    rule: str
    on: dt.date
    figures: dict[str, Any]
    reason_ko: str
    reason_en: str
    parameters: list[dict[str, Any]]


class QuitIn(BaseModel):
    with_notice: bool
    on: dt.date
    reason: str | None = Field(default=None, max_length=2000)


class InstructorIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    industry_months: int = Field(ge=0, le=MAX_INDUSTRY_MONTHS)
    expertise: str | None = Field(default=None, max_length=200)
    user_id: int | None = None


class InstructorOut(BaseModel):
    id: int
    name: str
    industry_months: int
    expertise: str | None


class AssignIn(BaseModel):
    instructor_id: int


class SatisfactionOut(BaseModel):
    assignment_id: int
    instructor_id: int
    instructor_name: str
    cohort_code: str
    result: dict[str, Any]


class SurveyIn(BaseModel):
    assignment_id: int
    score: int = Field(ge=0, le=100)


class OneDayIn(BaseModel):
    code: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=200)
    site_code: str = Field(min_length=1, max_length=64, examples=["institute.central"])
    held_on: dt.date
    linked_course_id: int


class ParticipantIn(BaseModel):
    person_id: int
    referred_by: str = Field(min_length=1, max_length=100)


class ConversionOut(BaseModel):
    class_id: int
    participants: int
    applied: int
    enrolled: int
    applied_percent: float | None
    enrolled_percent: float | None


class CheckinIn(BaseModel):
    """The code shown at the site, as the trainee typed it (spaces and dashes are ignored)."""

    code: str = Field(min_length=1, max_length=32)


class CheckinOut(BaseModel):
    enrolment_id: int
    cohort: str
    day: dt.date
    method: str
