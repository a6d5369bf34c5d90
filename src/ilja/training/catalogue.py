"""The departments (학과) and courses each site offers, derived from the plan's sites.

- Every academy campus: an AI department with an AI 핵심 and an AI 융합 course (000 §1: AI-centred
  courses); the big-tech campuses (Mapo/Microsoft, Jung-gu/Salesforce, Jongno/Intel) carry their
  partner and add a certification course with that partner (002: AI 자격증 과정, exam-fee support).
- The industry-hub campuses add a course in their industry (bio, fintech, robotics, creative
  industries, beauty & fashion); hubs the plan lists as *planned* start closed.
- The advanced track (002: 20 graduates a year into research or degree programmes) is one
  program-wide course (site ``youth_academy``: it belongs to no single campus).
- The Central and East institutes: a mid-career department with 글로벌조리, 카페베이커리 and
  온라인쇼핑몰창업, the regular courses the one-day classes lead to (000 §3).

Opening a course is the course committee's decision: ``seed`` records one per course with the
plan as its reason, so the catalogue's history reads like any other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.programs.loader import load_plan
from ilja.programs.plan import Plan
from ilja.training import service
from ilja.training.models import TrainingCourse, TrainingDepartment

MID_CAREER_INSTITUTES = ("institute.central", "institute.east")
MID_CAREER_COURSES = (("COOK", "글로벌조리"), ("BAKERY", "카페베이커리"), ("SHOP", "온라인쇼핑몰창업"))


@dataclass(frozen=True)
class CourseSpec:
    code: str
    name: str
    kind: str
    program_code: str
    specialisation: str | None = None
    opens: bool = True


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    site_code: str
    name: str
    partner: str | None
    courses: list[CourseSpec] = field(default_factory=list)


def _short(site_code: str) -> str:
    return site_code.split(".", 1)[1].upper()


def catalogue_from_plan(plan: Plan) -> list[DepartmentSpec]:
    departments = []
    for campus in plan.campuses:
        short = _short(campus.code)
        partner = next((s.partner for s in campus.specialisations if s.kind == "big_tech"), None)
        courses = [CourseSpec(f"{short}-AICORE", "AI 핵심 과정", "ai_core", "youth_academy"),
                   CourseSpec(f"{short}-AICONV", "AI 융합 과정", "ai_convergence", "youth_academy")]
        if partner:
            courses.append(CourseSpec(f"{short}-CERT", f"{partner} AI 자격증 과정",
                                      "certification", "youth_academy", partner))
        for hub in (s for s in campus.specialisations if s.kind == "industry_hub"):
            industry = hub.industry.ko if hub.industry else hub.label.ko
            courses.append(CourseSpec(f"{short}-HUB", f"{industry} 특화 과정", "industry_hub",
                                      "youth_academy", industry, opens=hub.status == "operating"))
        departments.append(DepartmentSpec(f"{short}-AI", campus.code, "AI학과", partner, courses))
    departments.append(DepartmentSpec(
        "ACADEMY-ADVANCED", "youth_academy", "고급인재 양성 트랙", None,
        [CourseSpec("ACADEMY-ADVANCED", "산·학·연 연계 고급인재 양성 트랙", "advanced",
                    "youth_academy")]))
    for code in MID_CAREER_INSTITUTES:
        short = _short(code)
        departments.append(DepartmentSpec(
            f"{short}-MID", code, "중장년 직업전환학과", None,
            [CourseSpec(f"{short}-{suffix}", name, "institute_regular", "tech_institute")
             for suffix, name in MID_CAREER_COURSES]))
    return departments


@dataclass(frozen=True)
class SeedReport:
    departments: int
    courses: int
    opened: int


def seed(session: Session, *, actor: audit.Actor, decided_on: dt.date,
         plan: Plan | None = None) -> SeedReport:
    """Store the catalogue (codes already there are left as they are)."""
    departments = courses = opened = 0
    for spec in catalogue_from_plan(plan or load_plan()):
        department = session.execute(select(TrainingDepartment).where(
            TrainingDepartment.code == spec.code)).scalar()
        if department is None:
            department = service.create_department(session, code=spec.code,
                                                   site_code=spec.site_code, name=spec.name,
                                                   partner=spec.partner, actor=actor)
            departments += 1
        for course_spec in spec.courses:
            if session.execute(select(TrainingCourse).where(
                    TrainingCourse.code == course_spec.code)).first():
                continue
            course = service.create_course(
                session, code=course_spec.code, department_id=department.id,
                name=course_spec.name, kind=course_spec.kind,
                program_code=course_spec.program_code,
                specialisation=course_spec.specialisation, actor=actor)
            courses += 1
            if course_spec.opens:
                service.decide(session, department_id=department.id, decision="open_course",
                               reason="서울시 2025년 주요업무(일자리 지원)에 따른 개설",
                               decided_on=decided_on, course_id=course.id, actor=actor)
                opened += 1
    return SeedReport(departments, courses, opened)
