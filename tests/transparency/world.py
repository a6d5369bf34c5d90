"""A small world for the transparency tests: a synthetic registry of persons, the demo outcomes
linked to them, and public-job projects of several sizes with a month of hours and pay."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.db import engine_for, transaction
from ilja.outcomes.demo_data import fill_demo_outcomes
from ilja.publicjobs import payroll_service
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import MANAGER, add_person, add_project

AS_OF = dt.date(2025, 12, 15)
NOW = dt.datetime(2025, 12, 15, 3, tzinfo=dt.UTC)
PROJECT_SIZES = (7, 3, 3, 1)
"""One project above k; two of 3 that merge into 'Other' (6 ≥ 5); one of 1 whose merged group
stays under k in its own program and is left out."""


def build_world(url: str, *, persons: int = 80, scale: float = 0.05) -> dict[str, int]:
    """Persons with varied birth dates, the demo outcomes over them, and the projects."""
    with clock.frozen(NOW), transaction(engine_for(url)) as session:
        ids = [add_person(session, birth_date=dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)) for i in range(persons)]
        fill_demo_outcomes(session, seed=19, scale=scale, as_of=AS_OF, registers=False)
        people = iter(ids)
        for n, size in enumerate(PROJECT_SIZES):
            program = "companion_jobs" if n == len(PROJECT_SIZES) - 1 else "attractive_jobs"
            project = add_project(session, program, host=f"host-{n}")
            for _ in range(size):
                placement = publicjobs.place(session, project_id=project, person_id=next(people), actor=MANAGER,
                                             start_on=dt.date(2025, 7, 1))
                entries = prefill_month(publicjobs.terms_of(placement), 2025, 7)
                publicjobs.enter_month(session, project, 2025, 7, list(entries) + _others(session, project, placement),
                                       actor=MANAGER)
            publicjobs.approve_month(session, project, 2025, 7, actor=MANAGER)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
    return {"persons": persons}


def _others(session, project: int, placement) -> list:
    """The entries already entered for the project's other placements (enter_month replaces the month)."""
    out = []
    for other in publicjobs.placements_of(session, project):
        if other.id != placement.id:
            out += prefill_month(publicjobs.terms_of(other), 2025, 7)
    return out
