"""Placements, timesheets and payroll runs on SQLite and PostgreSQL (issue 6 §1–§3)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ilja.db import engine_for, transaction
from ilja.publicjobs import payroll_service, service
from ilja.publicjobs.models import PayLine, Placement, TimesheetEntryRow
from ilja.publicjobs.service import MonthApproved, PublicJobError
from ilja.publicjobs.timesheet import EntryKind, TimesheetEntry, TimesheetInvalid, prefill_month
from tests.publicjobs.factories import HOST, MANAGER, add_person, add_project


def _fill(session, project_id: int, year: int, month: int) -> None:
    entries = [e for p in service.project_placements(session, project_id, year, month)
               for e in prefill_month(service.terms_of(p), year, month)]
    service.enter_month(session, project_id, year, month, entries, actor=HOST)


def _setup(url: str, program: str = "attractive_jobs", people: int = 2, **placement) -> tuple[int, list[int]]:
    with transaction(engine_for(url)) as session:
        project = add_project(session, program)
        ids = [service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                             **placement).id for _ in range(people)]
        return project, ids


def test_placement_takes_the_plan_period_and_the_pattern(database_url):
    with transaction(engine_for(database_url)) as session:
        attractive = add_project(session, "attractive_jobs")
        companion = add_project(session, "companion_jobs")
        p1 = service.place(session, project_id=attractive, person_id=add_person(session), actor=MANAGER,
                           start_on=dt.date(2025, 3, 1))
        p2 = service.place(session, project_id=companion, person_id=add_person(session), actor=MANAGER,
                           start_on=dt.date(2025, 7, 1))
        older = service.place(session, project_id=companion, actor=MANAGER, start_on=dt.date(2025, 1, 10),
                              person_id=add_person(session, birth_date=dt.date(1955, 1, 1)))
        assert (p1.start_on, p1.end_on, p1.daily_milli_hours) == (dt.date(2025, 3, 1), dt.date(2025, 12, 31), 8000)
        assert (p2.start_on, p2.end_on, p2.daily_milli_hours) == (dt.date(2025, 7, 1), dt.date(2025, 12, 20), 6000)
        assert (older.end_on, older.daily_milli_hours) == (dt.date(2025, 6, 30), 3000)
        assert older.employment_insurance_exempt and older.pension_exempt_from == dt.date(2015, 1, 1)


def test_foreign_student_track_needs_a_foreign_student(database_url):
    with transaction(engine_for(database_url)) as session:
        project = add_project(session, "attractive_jobs", track="attractive_jobs.foreign_students")
        student = add_person(session, nationality="VN", visa="D-2")
        assert service.place(session, project_id=project, person_id=student, actor=MANAGER,
                             start_on=dt.date(2025, 3, 1)).track_code == "attractive_jobs.foreign_students"
        with pytest.raises(PublicJobError):
            service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                          start_on=dt.date(2025, 3, 1))


def test_enter_approve_and_pay_a_month_exactly_once(database_url):
    project, ids = _setup(database_url, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        _fill(session, project, 2025, 7)
        service.approve_month(session, project, 2025, 7, actor=HOST)
    with transaction(engine_for(database_url)) as session:
        result = payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
    assert result.lines == 2 and result.totals["gross"] == 2 * 2_461_811
    with transaction(engine_for(database_url)) as session:
        again = payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
        assert again.lines == 0 and again.sequence == 2
        assert session.scalar(select(func.count()).select_from(PayLine)) == 2
        line = session.scalars(select(PayLine)).first()
        assert line.net == line.gross - line.deductions_total
        assert line.components["weekly_holiday_pay"] == 11_779 * 35


def test_unapproved_months_are_not_paid_and_approval_needs_every_working_day(database_url):
    project, ids = _setup(database_url, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        assert payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER).lines == 0
        entries = prefill_month(service.terms_of(session.get(Placement, ids[0])), 2025, 7)
        service.enter_month(session, project, 2025, 7, entries, actor=HOST)
        with pytest.raises(PublicJobError):
            service.approve_month(session, project, 2025, 7, actor=HOST)


def test_bad_rows_write_nothing(database_url):
    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    rows = [{"placement": ids[0], "date": "2025-07-01", "kind": "worked", "hours": "8"},
            {"placement": ids[0], "date": "2025-07-02", "kind": "worked", "hours": "9"},
            {"placement": ids[0], "date": "2025-07-01", "kind": "paid_leave", "hours": ""}]
    with pytest.raises(TimesheetInvalid) as caught, transaction(engine_for(database_url)) as session:
        service.import_rows(session, project, rows, actor=HOST)
    assert [(p.row, p.column, p.code) for p in caught.value.problems] == [
        (3, "hours", "over_daily_limit"), (4, "date", "duplicate_day")]
    with transaction(engine_for(database_url)) as session:
        assert session.scalar(select(func.count()).select_from(TimesheetEntryRow)) == 0


def test_a_correction_is_carried_into_the_next_run(database_url):
    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        for month in (7, 8):
            _fill(session, project, 2025, month)
            service.approve_month(session, project, 2025, month, actor=HOST)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(MonthApproved):
            service.enter_month(session, project, 2025, 7, [], actor=HOST)
        with pytest.raises(PublicJobError):
            service.correct_entry(session, ids[0], TimesheetEntry(ids[0], dt.date(2025, 7, 9),
                                  EntryKind.UNPAID_ABSENCE, 0), reason=" ", actor=HOST)
        service.correct_entry(session, ids[0], TimesheetEntry(ids[0], dt.date(2025, 7, 9),
                              EntryKind.UNPAID_ABSENCE, 0), reason="무단 결근 확인", actor=HOST)
    with transaction(engine_for(database_url)) as session:
        august = payroll_service.run_payroll(session, "attractive_jobs", 2025, 8, actor=MANAGER)
        assert august.totals["gross"] == 2_461_811
        assert august.totals["adjustment"] == -16 * 11_779  # the day and its week's 주휴
    with transaction(engine_for(database_url)) as session:
        september = payroll_service.run_payroll(session, "attractive_jobs", 2025, 9, actor=MANAGER)
        assert september.totals["adjustment"] == 0  # carried once


def test_early_leaving_and_replacement_keep_history(database_url):
    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        left = service.leave(session, ids[0], left_on=dt.date(2025, 7, 15), reason="개인 사정", actor=HOST)
        assert left.end_on == dt.date(2025, 7, 15) and left.planned_end_on == dt.date(2025, 12, 31)
        _fill(session, project, 2025, 7)
        service.approve_month(session, project, 2025, 7, actor=HOST)
        result = payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=MANAGER)
        assert result.totals["gross"] == (11_779 * 174 * 15 + 15) // 31 + (11_779 * 35 * 15 + 15) // 31
        kinds = [e.kind for e in service.history(session, ids[0])]
        assert kinds == ["placed", "left"]


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "pj_" in repr(d)]
    assert diffs == []


def test_a_replacement_works_the_rest_of_the_leavers_period(database_url):
    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(PublicJobError):
            service.replace(session, ids[0], application_id=None, person_id=add_person(session),
                            start_on=dt.date(2025, 7, 16), actor=MANAGER)
        service.leave(session, ids[0], left_on=dt.date(2025, 7, 15), reason="취업", actor=HOST)
        new = service.replace(session, ids[0], application_id=None, person_id=add_person(session),
                              start_on=dt.date(2025, 7, 16), actor=MANAGER)
        assert (new.start_on, new.end_on, new.replaces_id) == (dt.date(2025, 7, 16), dt.date(2025, 12, 31), ids[0])
        assert [e.kind for e in service.history(session, ids[0])] == ["placed", "left", "replaced"]
