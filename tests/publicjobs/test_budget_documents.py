"""Budget execution, pay statements and transfer files (issue 6 §3–§4)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl

from ilja.db import engine_for, transaction
from ilja.publicjobs import documents, payment_service, payroll_service, service
from ilja.publicjobs.budget import expected_by_month, monthly_pay
from tests.publicjobs.factories import HOST, MANAGER, add_person, add_project
from tests.publicjobs.test_service import _fill


def test_expected_pay_is_the_standard_month_pro_rata():
    assert monthly_pay("attractive_jobs", 8000, 5, 2025, 7) == 2_461_811
    assert monthly_pay("companion_jobs", 6000, 5, 2025, 7) == 1_770_000
    months = expected_by_month("companion_jobs", 6000, 5, dt.date(2025, 7, 1), dt.date(2025, 12, 20), 2025)
    assert sorted(months) == [202507, 202508, 202509, 202510, 202511, 202512]
    assert months[202512] == (1_770_000 * 20 + 15) // 31


def test_budget_paid_committed_forecast_and_overspend(database_url):
    with transaction(engine_for(database_url)) as session:
        project = add_project(session, "attractive_jobs")
        for _ in range(2):
            service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                          start_on=dt.date(2025, 3, 1))
        _fill(session, project, 2025, 3)
        service.approve_month(session, project, 2025, 3, actor=HOST)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 3, actor=MANAGER)
        status = payroll_service.budget_status(session, "attractive_jobs", 2025)
    assert status.budget == 71_129_000_000 and status.placements == 2
    assert status.paid == 2 * 2_461_811
    assert status.committed == 2 * 10 * 2_461_811 == status.forecast
    assert not status.overspend


def test_statement_pdf_and_transfer_files(database_url):
    with transaction(engine_for(database_url)) as session:
        project = add_project(session, "companion_jobs")
        service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                      start_on=dt.date(2025, 7, 1))
        _fill(session, project, 2025, 7)
        service.approve_month(session, project, 2025, 7, actor=HOST)
        run = payroll_service.run_payroll(session, "companion_jobs", 2025, 7, actor=MANAGER)
        line = payroll_service.run_lines(session, run.run_id)[0]
        pdf = documents.statement_pdf(line, name="김동행", program="companion_jobs", project="사업")
        assert pdf.startswith(b"%PDF") and len(pdf) > 1000
        items = payment_service.transfer_items(session, payment_service.write_transfer(
            session, "companion_jobs", actor=MANAGER, reason="이체", run_id=run.run_id).id)
        csv_text = documents.transfer_csv(items, {line.person_id: "김동행"}, {}).decode("utf-8-sig")
        assert csv_text.splitlines()[1].split(",")[3:8] == ["김동행", "", "", "2025-07", str(line.net)]
        sheet = openpyxl.load_workbook(io.BytesIO(documents.transfer_xlsx(items, {}, {}))).active
        assert sheet.cell(2, 8).value == line.net
