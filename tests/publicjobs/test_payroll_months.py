"""A payroll month is bounded by what it means: from the program's first year in the plan to the
end of next year. ``1000-01`` and ``1406-11`` were 500s and ``9999-12`` created a run."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from ilja import clock
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.publicjobs import payroll_service
from ilja.publicjobs.models import PayrollRun
from tests.publicjobs.factories import MANAGER
from tests.publicjobs.test_api import _token, api  # noqa: F401 - the fixture
from tests.web.html_check import check_page

FAR_MONTHS = ("1000-01", "1406-11", "2024-12", "2028-01", "9999-12")


def test_payable_months_run_from_the_plan_to_next_year():
    with clock.frozen(dt.date(2026, 12, 7)):
        assert payroll_service.payable_months("companion_jobs") == (202501, 202712)
        payroll_service.check_month("companion_jobs", 2027, 12)
        with pytest.raises(payroll_service.MonthOutOfRange) as refused:
            payroll_service.check_month("companion_jobs", 2028, 1)
    assert "2025-01" in refused.value.en and "2027년 12월" in refused.value.ko


@pytest.mark.parametrize("month", FAR_MONTHS)
def test_the_api_refuses_a_far_month_with_422_and_writes_nothing(api, month):  # noqa: F811
    url, client = api
    manager = _token(url, Role.PROGRAM_MANAGER)
    with clock.frozen(dt.date(2026, 12, 7)):
        response = client.post("/api/v1/publicjobs/payroll/runs",
                               json={"program": "companion_jobs", "month": month}, headers=manager)
    assert response.status_code == 422
    problem = response.json()["detail"]
    assert problem["loc"] == ["body", "month"] and problem["code"] == "month_out_of_range"
    assert "2025-01" in problem["msg"]
    with transaction(engine_for(url)) as session:
        assert session.scalar(select(func.count()).select_from(PayrollRun)) == 0


def test_the_page_shows_the_range_for_a_far_month(api):  # noqa: F811
    url, client = api
    manager = _token(url, Role.PROGRAM_MANAGER)
    with clock.frozen(dt.date(2026, 12, 7)):
        page = client.post("/publicjobs/payroll", data={"program": "companion_jobs", "month": "1406-11"},
                           headers=manager, follow_redirects=False)
    assert page.status_code == 422
    check_page(page.text)
    assert "2025년 1월부터 2027년 12월까지" in page.text


def test_a_month_in_range_still_runs(api):  # noqa: F811
    url, _ = api
    with clock.frozen(dt.date(2026, 12, 7)), transaction(engine_for(url)) as session:
        assert not payroll_service.anything_to_pay(session, "companion_jobs", 2027, 12)
        result = payroll_service.run_payroll(session, "companion_jobs", 2027, 12, actor=MANAGER)
    assert result.lines == 0  # the service stays safe to repeat; the page asks first and says so
