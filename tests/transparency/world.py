"""A small world for the transparency tests: a synthetic registry of persons, the demo outcomes
linked to them, and public-job projects of several sizes with a month of hours and pay."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.applications import rounds
from ilja.db import engine_for, transaction
from ilja.outcomes.demo_data import fill_demo_outcomes
from ilja.publicjobs import payroll_service
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.models import Project
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import MANAGER, add_person, add_project

AS_OF = dt.date(2025, 12, 15)
NOW = dt.datetime(2025, 12, 15, 3, tzinfo=dt.UTC)
PROJECT_SIZES = (7, 3, 3, 1)
"""One project above k; two of 3 that merge into 'Other' (6 ≥ 5); one of 1 whose merged group
stays under k in its own program and is left out."""


def build_world(url: str, *, persons: int = 80, scale: float = 0.05) -> dict[str, int]:
    """Persons with varied birth dates, the demo outcomes over them, the projects, and a cohort
    of 마포캠퍼스 with 12 applicants for 10 seats and 6 satisfaction answers; host-0's project had
    6 applicants for 3 seats."""
    with clock.frozen(NOW), transaction(engine_for(url)) as session:
        ids = [add_person(session, birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(persons)]
        fill_demo_outcomes(session, seed=19, scale=scale, as_of=AS_OF, registers=False)
        people = iter(ids)
        for n, size in enumerate(PROJECT_SIZES):
            program = "companion_jobs" if n == len(PROJECT_SIZES) - 1 else "attractive_jobs"
            project = add_project(session, program, host=f"host-{n}")
            if n == 0:
                add_job_round(session, session.get(Project, project).code, ids[40:46], seats=3)
            for _ in range(size):
                placement = publicjobs.place(session, project_id=project, person_id=next(people), actor=MANAGER,
                                             start_on=dt.date(2025, 7, 1))
                entries = prefill_month(publicjobs.terms_of(placement), 2025, 7)
                publicjobs.enter_month(session, project, 2025, 7, list(entries) + _others(session, project, placement),
                                       actor=MANAGER)
            publicjobs.approve_month(session, project, 2025, 7, actor=MANAGER)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
        add_training_site(session, ids[20:32])
    return {"persons": persons}


def _others(session, project: int, placement) -> list:
    """The entries already entered for the project's other placements (enter_month replaces the month)."""
    out = []
    for other in publicjobs.placements_of(session, project):
        if other.id != placement.id:
            out += prefill_month(publicjobs.terms_of(other), 2025, 7)
    return out


def _round(session, program: str, unit, title: str) -> int:
    from tests.applications.factories import round_input, window

    now = clock.now()
    opens, closes = window(now)
    row = rounds.create_round(session, round_input(
        program, units=[unit], announced=now.date() - dt.timedelta(days=2), starts=dt.date(2025, 12, 29),
        opens_at=opens, closes_at=closes, title=title), actor=MANAGER)
    rounds.open_round(session, row.id, actor=MANAGER)
    return row.id


def _apply(session, round_id: int, persons: list[int], preference: str, tag: str) -> None:
    from ilja.applications import service as applications
    from ilja.applications.models import Channel
    from ilja.people import registry

    for n, person in enumerate(persons):
        applications.submit(session, round_id=round_id, person_id=person,
                            person=registry.person_format(registry.get_person(session, person)),
                            preferences=[preference], channel=Channel.STAFF, idempotency_key=f"{tag}-{n}",
                            actor=MANAGER, staff=True)


def add_job_round(session, project_code: str, persons: list[int], *, seats: int) -> int:
    """A public-job round whose unit is the project, every one of ``persons`` applying to it."""
    from ilja.applications.models import UnitKind
    from ilja.applications.rounds import UnitInput

    round_id = _round(session, "attractive_jobs", UnitInput(project_code, "사업", UnitKind.PROJECT, seats), "매력 공고")
    _apply(session, round_id, persons, project_code, "job")
    return round_id


def add_training_site(session, persons: list[int], *, site: str = "campus.mapo", capacity: int = 10,
                      answers: tuple[int, ...] = (80, 90, 70, 100, 60, 90)) -> int:
    """A cohort of ``site`` starting in 2025, recruited by its own round that every one of
    ``persons`` applied to, with one instructor rated by the first trainees. Returns the round."""
    from ilja.applications.models import UnitKind
    from ilja.applications.rounds import UnitInput
    from ilja.training.models import (
        CohortInstructor,
        Enrolment,
        Instructor,
        SurveyResponse,
        TrainingCohort,
        TrainingCourse,
        TrainingDepartment,
    )

    now = clock.now()
    department = TrainingDepartment(code="D-score", site_code=site, name="AI", created_at=now)
    session.add(department)
    session.flush()
    course = TrainingCourse(code="C-score", department_id=department.id, program_code="youth_academy",
                            name="AI 서비스 개발", kind="ai_core", created_at=now)
    session.add(course)
    session.flush()
    round_id = _round(session, "youth_academy", UnitInput("c1", "1기", UnitKind.COHORT, capacity), "스코어카드 공고")
    cohort = TrainingCohort(code="K-score", course_id=course.id, number=1, capacity=capacity,
                            starts_on=dt.date(2025, 12, 29), ends_on=dt.date(2026, 5, 29), weekdays=[0, 1, 2, 3, 4],
                            closures=[], round_id=round_id, unit_code="c1", created_at=now)
    instructor = Instructor(name="강사", industry_months=36, created_at=now)
    session.add_all([cohort, instructor])
    session.flush()
    assignment = CohortInstructor(cohort_id=cohort.id, instructor_id=instructor.id, qualification={}, assigned_at=now)
    session.add(assignment)
    _apply(session, round_id, persons, "c1", "score")
    session.flush()
    for n, (person, score) in enumerate(zip(persons, answers, strict=False)):
        enrolment = Enrolment(cohort_id=cohort.id, person_id=person, trainee_no=f"S-{n}", enrolled_at=now)
        session.add(enrolment)
        session.flush()
        session.add(SurveyResponse(assignment_id=assignment.id, enrolment_id=enrolment.id, score=score,
                                   submitted_at=now))
    return round_id
