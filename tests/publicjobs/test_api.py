"""The public-jobs API end to end: a host enters and approves a month, a manager pays it and
downloads the transfer file and a statement; a host sees only their own projects."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.publicjobs import service
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import MANAGER, add_person, add_project


@pytest.fixture
def api(app_sqlite):
    from ilja.web.app import create_app

    return app_sqlite, TestClient(create_app(), raise_server_exceptions=True)


def _token(url: str, role: Role, site: str | None = None) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        user = accounts.create_user(session, login=f"u-{role.value}-{site}", password="correct-horse-9",
                                    role=role, display_name="x", site_code=site)
        return {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}


def test_host_enters_and_approves_manager_pays_and_downloads(api):
    url, client = api
    with transaction(engine_for(url)) as session:
        project = add_project(session, "attractive_jobs", host="host-1")
        other = add_project(session, "attractive_jobs", host="host-2")
        placement = service.place(session, project_id=project, person_id=add_person(session),
                                  actor=MANAGER, start_on=dt.date(2025, 3, 1))
        terms = service.terms_of(placement)
    host, manager = _token(url, Role.OPERATOR, "host-1"), _token(url, Role.PROGRAM_MANAGER)
    assert [p["id"] for p in client.get("/api/v1/publicjobs/projects", headers=host).json()] == [project]
    assert client.get(f"/api/v1/publicjobs/projects/{other}/timesheets/2025-07", headers=host).status_code == 404
    body = [{"placement_id": e.placement_id, "day": e.day.isoformat(), "kind": e.kind.value,
             "milli_hours": e.milli_hours} for e in prefill_month(terms, 2025, 7)]
    bad = [*body, {**body[0], "milli_hours": 9000}]
    response = client.put(f"/api/v1/publicjobs/projects/{project}/timesheets/2025-07", json=bad, headers=host)
    assert response.status_code == 422 and response.json()["detail"]["rows"][0]["code"] == "over_daily_limit"
    assert client.put(f"/api/v1/publicjobs/projects/{project}/timesheets/2025-07", json=body,
                      headers=host).json() == {"entries": 23}
    assert client.post(f"/api/v1/publicjobs/projects/{project}/timesheets/2025-07/approve",
                       headers=host).status_code == 200
    run = client.post("/api/v1/publicjobs/payroll/runs", json={"program": "attractive_jobs", "month": "2025-07"},
                      headers=manager).json()
    assert run["totals"]["gross"] == 2_461_811
    lines = client.get(f"/api/v1/publicjobs/payroll/runs/{run['id']}", headers=manager).json()
    assert lines[0]["components"]["basic_pay"] == 11_779 * 174
    assert client.post(f"/api/v1/publicjobs/payroll/runs/{run['id']}/transfer?format=csv",
                      headers=manager).status_code == 409  # a download needs its reason
    transfer = client.post(f"/api/v1/publicjobs/payroll/runs/{run['id']}/transfer?format=csv&reason=이체",
                          headers=manager)
    assert transfer.status_code == 200 and "2461811" not in transfer.text  # net, not gross
    pdf = client.get(f"/api/v1/publicjobs/payroll/lines/{lines[0]['id']}/statement", headers=manager)
    assert pdf.content.startswith(b"%PDF")
    budget = client.get("/api/v1/publicjobs/budget", headers=manager).json()
    assert budget[1]["paid"] == 2_461_811


def test_xlsx_import_reports_bad_rows_and_writes_nothing(api):
    import io

    import openpyxl

    url, client = api
    with transaction(engine_for(url)) as session:
        project = add_project(session, "attractive_jobs", host="host-3")
        placement = service.place(session, project_id=project, person_id=add_person(session),
                                  actor=MANAGER, start_on=dt.date(2025, 3, 1)).id
    host = _token(url, Role.OPERATOR, "host-3")

    def upload(rows):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["배치번호", "날짜", "구분", "시간"])
        for row in rows:
            sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return client.post(f"/api/v1/publicjobs/projects/{project}/timesheets/import", headers=host,
                           files={"file": ("t.xlsx", buffer.getvalue())})

    bad = upload([[placement, dt.date(2025, 7, 1), "근무", 8], [placement, dt.date(2025, 7, 5), "근무", 8]])
    assert bad.status_code == 422
    assert bad.json()["detail"]["rows"] == [{"row": 3, "column": "date", "code": "not_a_working_day",
                                     "reason": "2025-07-05 is not a working day of the pattern"}]
    good = upload([[placement, dt.date(2025, 7, 1), "근무", 8], [placement, "2025-07-02", "결근", None]])
    assert good.json() == {"entries": 2}
    assert client.post(f"/api/v1/publicjobs/projects/{project}/timesheets/import", headers=host,
                       files={"file": ("t.xlsx", b"nope")}).status_code == 422
