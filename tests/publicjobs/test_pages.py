"""The pages end to end: a host enters and approves a month, a manager runs payroll and sees the
budget, the participant sees their pay and downloads the statement."""

from __future__ import annotations

import datetime as dt
import re

from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.publicjobs import service
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import MANAGER, add_person, add_project
from tests.publicjobs.test_api import _token, api  # noqa: F401 - the fixture
from tests.web.html_check import check_page


def test_host_manager_and_participant_pages(api):  # noqa: F811
    url, client = api
    with transaction(engine_for(url)) as session:
        project = add_project(session, "companion_jobs", host="host-9")
        person = add_person(session)
        placement = service.place(session, project_id=project, person_id=person, actor=MANAGER,
                                  start_on=dt.date(2025, 7, 1))
        days = prefill_month(service.terms_of(placement), 2025, 7)
        masked = mask_name(session.get(Person, person).name)
    host, manager = _token(url, Role.OPERATOR, "host-9"), _token(url, Role.PROGRAM_MANAGER)
    page = client.get("/publicjobs/host", headers=host)
    assert page.status_code == 200 and f"/publicjobs/host/{project}/" in page.text
    check_page(page.text)
    sheet = client.get(f"/publicjobs/host/{project}/2025-07", headers=host)
    assert sheet.status_code == 200
    # The participant by their masked name, the month in words, a worked day prefilled with the
    # placement's hours so that only the exceptions are typed.
    assert masked in sheet.text and "배치 " not in sheet.text and "2025년 7월" in sheet.text
    first_worked = next(e for e in days if e.kind.value == "worked")
    hours = f'value="{placement.daily_milli_hours // 1000}"'
    assert f'id="h-{placement.id}-{first_worked.day}"' in sheet.text and hours in sheet.text
    check_page(sheet.text)
    form = {f"k-{e.placement_id}-{e.day}": e.kind.value for e in days}
    form |= {f"h-{e.placement_id}-{e.day}": "6" for e in days}
    bad = client.post(f"/publicjobs/host/{project}/2025-07", data={**form, f"h-{placement.id}-2025-07-01": "7"},
                      headers=host, follow_redirects=False)
    assert bad.status_code == 422 and "<title>" in bad.text
    saved = client.post(f"/publicjobs/host/{project}/2025-07", data=form, headers=host, follow_redirects=False)
    assert saved.status_code == 303
    asked = client.post(f"/publicjobs/host/{project}/2025-07/approve", headers=host, follow_redirects=False)
    assert asked.status_code == 200 and "근무기록 승인 확정" in asked.text  # asked first, nothing approved
    check_page(asked.text)
    approved = client.post(f"/publicjobs/host/{project}/2025-07/approve", data={"confirm": "1"},
                           headers=host, follow_redirects=False)
    assert approved.status_code == 303
    payroll = client.get("/publicjobs/payroll", headers=manager)
    assert payroll.status_code == 200
    check_page(payroll.text)
    asked = client.post("/publicjobs/payroll", data={"program": "companion_jobs", "month": "2025-07"},
                        headers=manager, follow_redirects=False)
    assert asked.status_code == 200 and "급여 계산 실행" in asked.text and "2025년 7월" in asked.text
    check_page(asked.text)
    nothing = client.post("/publicjobs/payroll", data={"program": "companion_jobs", "month": "2025-08",
                                                       "confirm": "1"}, headers=manager, follow_redirects=False)
    assert nothing.status_code == 422 and "계산할 급여가 없습니다" in nothing.text  # and no empty run kept
    assert "2025년 8월" not in client.get("/publicjobs/payroll", headers=manager).text
    run = client.post("/publicjobs/payroll", data={"program": "companion_jobs", "month": "2025-07", "confirm": "1"},
                      headers=manager, follow_redirects=False)
    assert run.status_code == 303
    detail = client.get(run.headers["location"], headers=manager)
    assert "1,770,000" in detail.text
    assert masked in detail.text and "2025년 7월" in detail.text and "/api/v1/" not in detail.text
    assert 'class="tbl col data"' in detail.text
    check_page(detail.text)
    link = re.search(r'href="(/publicjobs/payroll/lines/\d+/statement)"', detail.text)
    statement = client.get(link[1], headers=manager)
    assert statement.status_code == 200 and statement.headers["content-type"] == "application/pdf"
    transfer = f"/publicjobs/payroll/runs/{run.headers['location'].rsplit('/', 1)[1]}/transfer"
    unsaid = client.post(transfer, data={"reason": " "}, headers=manager)
    assert unsaid.status_code == 422 and "사유를 입력하십시오" in unsaid.text
    check_page(unsaid.text)
    said = client.post(transfer, data={"reason": "7월 급여 이체", "format": "csv"}, headers=manager)
    assert said.status_code == 200 and said.headers["content-type"].startswith("text/csv")
    missing = client.get("/publicjobs/payroll/lines/99999/statement", headers=manager)
    assert missing.status_code == 404 and "<title>" in missing.text
    assert client.get("/publicjobs/host/99999/2025-07", headers=host).status_code == 404
    with transaction(engine_for(url)) as session:
        from ilja.accounts import service as accounts

        user = accounts.create_user(session, login="citizen-1", password="correct-horse-9",
                                    role=Role.CITIZEN, display_name="x", person_id=person)
        citizen = {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}
    mine = client.get("/publicjobs/me", headers=citizen)
    assert mine.status_code == 200 and "1,770,000" in mine.text and "2025년 7월" in mine.text
    check_page(mine.text)
