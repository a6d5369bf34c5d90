"""Training subsidies on SQLite and PostgreSQL: a program funds grants within its budget, the
monthly run pays on attendance (classroom marks or online progress) once per month."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.db import engine_for, transaction
from ilja.support import subsidy_service as sub
from ilja.support.errors import BudgetExceeded, Refused
from ilja.training import progress
from ilja.training.attendance import Mark
from tests.applications.factories import register
from tests.support.factories import OPERATOR, trainees

START = dt.date(2025, 12, 1)


def test_grants_payments_and_the_program_budget(database_url, keyring):
    persons, enrolments = trainees(database_url, keyring, n=1)
    online = [register(database_url, keyring, program="youth_academy", birth_date="2001-03-03",
                       vulnerable_groups=["single_parent"]) for _ in range(2)]
    plain = register(database_url, keyring, program="youth_academy", birth_date="2001-03-03", vulnerable_groups=[])
    with transaction(engine_for(database_url)) as session:
        from ilja.people import registry

        registry.get_person(session, persons[0]).vulnerable_groups = ["basic_livelihood"]
        program = sub.add_program(session, code="SK-2025", company="SK", name="청년 디지털 역량 사회공헌",
                                  budget_won=3_000_000, starts_on=dt.date(2025, 11, 1), ends_on=dt.date(2026, 12, 31),
                                  actor=OPERATOR)
        classroom = sub.grant(session, person_id=persons[0], program_id=program.id, starts_on=START,
                              course_label="AI 핵심", enrolment_id=enrolments[0], months=2, actor=OPERATOR)
        first = sub.grant(session, person_id=online[0], program_id=program.id, starts_on=START,
                          course_label="온라인 기초과정", months=3, actor=OPERATOR)
        assert program.committed_won == 1_500_000
        with pytest.raises(Refused) as refused:
            sub.grant(session, person_id=plain, program_id=program.id, starts_on=START, course_label="x",
                      actor=OPERATOR)
        assert refused.value.refusals == ("not_employment_vulnerable",)
        with pytest.raises(Refused):
            sub.grant(session, person_id=online[0], program_id=program.id, starts_on=START, course_label="x",
                      actor=OPERATOR)
        with pytest.raises(BudgetExceeded):
            sub.grant(session, person_id=online[1], program_id=program.id, starts_on=START, course_label="x",
                      months=6, actor=OPERATOR)

        days = [dt.date(2025, 12, d) for d in (1, 2, 3, 4, 5)]
        for day, mark in zip(days, [Mark.PRESENT] * 4 + [Mark.ABSENT], strict=True):
            progress.record_day(session, cohort_id=1, day=day, marks={enrolments[0]: mark}, actor=OPERATOR)
        sub.record_progress(session, grant_id=first.id, month="2025-12", progress_milli=650, actor=OPERATOR)
        december = sub.run_month(session, month="2025-12", run_on=dt.date(2026, 1, 5), actor=OPERATOR)
        assert (december.paid, december.withheld, december.amount_won) == (1, 1, 300_000)
        again = sub.run_month(session, month="2025-12", run_on=dt.date(2026, 1, 6), actor=OPERATOR)
        assert (again.paid, again.withheld, again.skipped) == (0, 0, 2)
        payments = {g.id: p for g, p in [sub.grants_of(session, persons[0])[0], sub.grants_of(session, online[0])[0]]}
        assert [(p.month, p.attendance_milli, p.status) for p in payments[classroom.id]] == [("2025-12", 800, "paid")]
        assert [(p.reason, p.amount_won) for p in payments[first.id]] == [("attendance_below_bar", 0)]
        january = sub.run_month(session, month="2026-01", run_on=dt.date(2026, 2, 5), actor=OPERATOR)
        # no marks, no progress yet: no record is not an absence, the months wait (issue 19 §3)
        assert (january.paid, january.withheld, january.awaiting) == (0, 0, 2)
        assert classroom.status == "active" and first.status == "active"
        sub.record_progress(session, grant_id=first.id, month="2026-01", progress_milli=900, actor=OPERATOR)
        later = sub.run_month(session, month="2026-01", run_on=dt.date(2026, 2, 10), actor=OPERATOR)
        assert (later.paid, later.withheld, later.awaiting, later.amount_won) == (1, 0, 1, 300_000)
        session.refresh(program)
        assert program.paid_won == 600_000
