"""A course with a cohort recruited by a round, selected applicants, and helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ilja.accounts import audit
from ilja.applications.models import UnitKind
from ilja.applications.rounds import UnitInput
from ilja.db import engine_for, transaction
from ilja.selection import service as selection
from ilja.training import service
from ilja.training.service import CohortInput
from tests.applications.factories import apply, open_round, register, round_input

OPERATOR = audit.Actor("5", "operator", "127.0.0.1")


@dataclass
class Setup:
    department_id: int
    course_id: int
    cohort_id: int
    round_id: int
    applications: list[int]
    persons: list[int]


def youth(**overrides: Any) -> dict[str, Any]:
    values = {"birth_date": "1998-04-02", "household_income_krw": None,
              "household_assets_krw": None, "vulnerable_groups": []}
    values.update(overrides)
    return values


def course_with_cohort(url: str, keyring: Any, *, applicants: int = 3, seats: int = 3,
                       capacity: int | None = None, starts: dt.date = dt.date(2025, 12, 1),
                       ends: dt.date = dt.date(2025, 12, 19), code: str = "MAPO-AI") -> Setup:
    """A Mapo AI 핵심 course opened by its committee, one cohort recruited by a round whose
    applicants are drawn (all selected when seats ≥ applicants)."""
    data = round_input("youth_academy", units=[UnitInput("c1", "1기", UnitKind.COHORT, seats)],
                       announced=starts - dt.timedelta(days=40), starts=starts,
                       title="청년취업사관학교 마포 AI 1기")
    round_id = open_round(url, data)
    persons = [register(url, keyring, program="youth_academy", **youth())
               for _ in range(applicants)]
    apps = [apply(url, round_id, p, preferences=["c1"])[0] for p in persons]
    with transaction(engine_for(url)) as session:
        selection.run_selection(session, round_id, actor=OPERATOR)
        dep = service.create_department(session, code=f"{code}-D", site_code="campus.mapo",
                                        name="AI 학과", partner="Microsoft", actor=OPERATOR)
        course = service.create_course(session, code=code, department_id=dep.id,
                                       name="AI 핵심 서비스 개발", kind="ai_core",
                                       program_code="youth_academy", actor=OPERATOR)
        service.decide(session, department_id=dep.id, decision="open_course",
                       reason="수요 조사 결과 개설", decided_on=starts - dt.timedelta(days=60),
                       course_id=course.id, actor=OPERATOR)
        cohort = service.create_cohort(session, CohortInput(
            course.id, 1, capacity or seats, starts, ends, round_id=round_id, unit_code="c1"),
            actor=OPERATOR)
        return Setup(dep.id, course.id, cohort.id, round_id, apps, persons)
