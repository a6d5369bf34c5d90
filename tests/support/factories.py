"""Trainees with enrolments for the support tests, built on the training factories."""

from __future__ import annotations

import datetime as dt

from ilja.accounts import audit
from ilja.db import engine_for, transaction
from ilja.training import service as training
from tests.training.factories import course_with_cohort

OPERATOR = audit.Actor("5", "operator", "127.0.0.1")
MANAGER = audit.Actor("7", "program_manager", "127.0.0.1")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
STARTS, ENDS = dt.date(2025, 12, 1), dt.date(2025, 12, 19)


def trainees(url: str, keyring, *, n: int = 3, code: str = "MAPO-AI", complete: int = 0) -> tuple[list[int], list[int]]:
    """(person ids, enrolment ids) of ``n`` trainees enrolled in a Mapo AI cohort; the first
    ``complete`` of them completed it on the cohort's last day."""
    setup = course_with_cohort(url, keyring, applicants=n, seats=n, code=code, starts=STARTS, ends=ENDS)
    with transaction(engine_for(url)) as session:
        enrolled = training.enrol_all_selected(session, cohort_id=setup.cohort_id, actor=OPERATOR).enrolled
        ids = [e.id for e in enrolled]
        persons = [e.person_id for e in enrolled]
        for enrolment in enrolled[:complete]:
            training.complete(session, enrolment=enrolment, on=ENDS, actor=OPERATOR)
    return persons, ids
