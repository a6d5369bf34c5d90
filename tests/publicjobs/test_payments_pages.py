"""The payment pages end to end (issue 19 §1): the manager sends the run's transfer file and
imports the bank's results (a bad file refused with row and reason, nothing changed), the host's
operator corrects a rejected account, the manager resends it, the participant sees their payments
and corrects their own account; days late and the reconciliation."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.publicjobs import payroll_service, service
from ilja.publicjobs.bank_results import write_results
from ilja.publicjobs.payment_models import Payment
from ilja.publicjobs.payments import reference
from ilja.publicjobs.timesheet import prefill_month
from tests.publicjobs.factories import MANAGER, add_person, add_project
from tests.publicjobs.test_api import _token, api  # noqa: F401 - the fixture
from tests.web.html_check import check_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _statuses(url: str) -> list[str]:
    with transaction(engine_for(url)) as session:
        return list(session.scalars(select(Payment.status).order_by(Payment.id)))


def test_the_payment_pages(api):  # noqa: F811
    url, client = api
    with transaction(engine_for(url)) as session:
        project = add_project(session, "companion_jobs", host="host-7")
        add_project(session, "companion_jobs", host="host-8")
        people = [add_person(session) for _ in range(3)]
        for person in people:
            service.place(session, project_id=project, person_id=person, actor=MANAGER, start_on=dt.date(2025, 7, 1))
        entries = [e for p in service.project_placements(session, project, 2025, 7)
                   for e in prefill_month(service.terms_of(p), 2025, 7)]
        service.enter_month(session, project, 2025, 7, entries, actor=MANAGER)
        service.approve_month(session, project, 2025, 7, actor=MANAGER)
        run = payroll_service.run_payroll(session, "companion_jobs", 2025, 7, actor=MANAGER).run_id
        user = accounts.create_user(session, login="citizen-pay", password="correct-horse-9", role=Role.CITIZEN,
                                    display_name="x", person_id=people[2])
        citizen = {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}
    host, manager = _token(url, Role.OPERATOR, "host-7"), _token(url, Role.PROGRAM_MANAGER)
    other = _token(url, Role.OPERATOR, "host-8")
    sent = client.post(f"/publicjobs/payroll/runs/{run}/transfer", data={"reason": "7월 급여 이체", "format": "csv"},
                      headers=manager)
    assert sent.status_code == 200 and "지급참조번호" in sent.content.decode("utf-8-sig")
    refs = re.findall(r"ILJA-\d{8}-1", sent.content.decode("utf-8-sig"))
    assert len(refs) == 3
    payments_page = client.get(f"/publicjobs/payroll/runs/{run}/payments", headers=host)
    assert payments_page.status_code == 200 and payments_page.text.count("이체 파일 작성") >= 3
    check_page(payments_page.text)
    assert client.get(f"/publicjobs/payroll/runs/{run}/payments", headers=other).status_code == 404
    with transaction(engine_for(url)) as session:
        amounts = list(session.scalars(select(Payment.amount).order_by(Payment.id)))
    on = clock.today()  # the transfer file was written today
    form = client.get("/publicjobs/payments/import", headers=manager)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in form.text
    check_page(form.text)
    bad = write_results([(refs[0], "입금", on, amounts[0], "", ""), (refs[1], "불능", on, amounts[1], "", ""),
                         ("ILJA-00009999-1", "입금", on, 10, "", "")])
    refused = client.post("/publicjobs/payments/import", files={"file": ("result.csv", bad, "text/csv")},
                          headers=manager)
    assert refused.status_code == 422 and "아무것도 반영하지 않았습니다" in refused.text
    rows = re.findall(r'<td class="ilja-num">(\d+)</td><td>([^<]+)</td><td>([^<]+)</td>', refused.text)
    assert [(r[0], r[1]) for r in rows] == [("3", "불능사유"), ("4", "지급참조번호")]
    check_page(refused.text)
    assert _statuses(url) == ["sent"] * 3  # nothing changed
    good = write_results([(refs[0], "입금", on, amounts[0], "", ""), (refs[1], "불능", on, amounts[1], "02", ""),
                          (refs[2], "불능", on, amounts[2], "03", "")], xlsx=True)
    done = client.post("/publicjobs/payments/import", files={"file": ("result.xlsx", good, XLSX)}, headers=manager)
    assert done.status_code == 200 and "입금 완료 1건, 입금 불능 2건" in done.text
    assert _statuses(url) == ["paid", "rejected", "rejected"]
    waiting = client.get("/publicjobs/payments/rejected", headers=host)
    assert waiting.status_code == 200 and "해지 계좌" in waiting.text and "예금주 불일치" in waiting.text
    check_page(waiting.text)
    link = re.search(r'href="(/publicjobs/payments/(\d+)/account)"', waiting.text)
    assert client.get(link[1], headers=other).status_code == 404
    page = client.get(link[1], headers=host)
    assert page.status_code == 200 and "입금 불능" in page.text
    check_page(page.text)
    invalid = client.post(link[1], data={"bank_code": "088", "number": "12", "holder": "김참여"}, headers=host)
    assert invalid.status_code == 422 and "계좌번호는 숫자 10~16자리" in invalid.text
    check_page(invalid.text)
    saved = client.post(link[1], data={"bank_code": "088", "number": "110-123-456789", "holder": "김참여"},
                        headers=host, follow_redirects=False)
    assert saved.status_code == 303
    assert "····6789" in client.get(saved.headers["location"], headers=host).text
    mine = client.get("/publicjobs/me/payments", headers=citizen)
    assert mine.status_code == 200 and "입금 불능" in mine.text and 'name="number"' in mine.text
    check_page(mine.text)
    corrected = client.post("/publicjobs/me/payments/account",
                            data={"bank_code": "090", "number": "3333-01-2345678", "holder": "본인"},
                            headers=citizen, follow_redirects=False)
    assert corrected.status_code == 303
    assert _statuses(url) == ["paid", "reissued", "reissued"]
    resend = client.post("/publicjobs/payments/transfer",
                         data={"program": "companion_jobs", "reason": "재지급", "format": "csv"}, headers=manager)
    text = resend.content.decode("utf-8-sig")
    assert resend.status_code == 200 and "110123456789" in text and "3333012345678" in text
    with transaction(engine_for(url)) as session:
        ids = list(session.scalars(select(Payment.id).order_by(Payment.id)))
    assert re.findall(r"ILJA-\d{8}-2", text) == [reference(ids[1], 2), reference(ids[2], 2)]
    again = client.post("/publicjobs/payments/transfer", data={"program": "companion_jobs", "reason": "재지급"},
                       headers=manager)
    assert again.status_code == 409 and "이체 파일에 넣을 지급이 없습니다" in again.text
    late = client.get("/publicjobs/payments/late", params={"year": 2025}, headers=manager)
    assert late.status_code == 200 and "지급 대사" in late.text and "2025년 7월" in late.text
    check_page(late.text)
    hosts_view = client.get("/publicjobs/payments/late", headers=host)
    assert hosts_view.status_code == 200 and "지급 대사" not in hosts_view.text
    english = client.get("/publicjobs/payments/import", headers={**manager, "Accept-Language": "en"})
    assert english.status_code == 200


def test_the_payments_api(api):  # noqa: F811
    url, client = api
    with transaction(engine_for(url)) as session:
        project = add_project(session, "companion_jobs", host="host-7")
        person = add_person(session)
        service.place(session, project_id=project, person_id=person, actor=MANAGER, start_on=dt.date(2025, 7, 1))
        entries = [e for p in service.project_placements(session, project, 2025, 7)
                   for e in prefill_month(service.terms_of(p), 2025, 7)]
        service.enter_month(session, project, 2025, 7, entries, actor=MANAGER)
        service.approve_month(session, project, 2025, 7, actor=MANAGER)
        run = payroll_service.run_payroll(session, "companion_jobs", 2025, 7, actor=MANAGER).run_id
        user = accounts.create_user(session, login="citizen-api", password="correct-horse-9", role=Role.CITIZEN,
                                    display_name="x", person_id=person)
        citizen = {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}
    manager = _token(url, Role.PROGRAM_MANAGER)
    scheduled = client.get(f"/api/v1/publicjobs/payroll/runs/{run}/payments", headers=manager).json()
    assert [p["status"] for p in scheduled] == ["scheduled"]
    client.post(f"/api/v1/publicjobs/payroll/runs/{run}/transfer", params={"reason": "이체"}, headers=manager)
    sent = client.get("/api/v1/publicjobs/me/payments", headers=citizen).json()
    assert [p["status"] for p in sent] == ["sent"] and sent[0]["reference"].endswith("-1")
    bad = write_results([(sent[0]["reference"], "입금", clock.today(), sent[0]["amount"] - 1, "", "")])
    refused = client.post("/api/v1/publicjobs/payments/results/import", files={"file": ("r.csv", bad, "text/csv")},
                          headers=manager)
    assert refused.status_code == 422
    first = refused.json()["detail"]["rows"][0]
    assert (first["row"], first["column"]) == (2, "지급액(원)") and first["msg_ko"]
    good = write_results([(sent[0]["reference"], "입금", clock.today(), sent[0]["amount"], "", "")])
    done = client.post("/api/v1/publicjobs/payments/results/import", files={"file": ("r.csv", good, "text/csv")},
                       headers=manager)
    assert done.json() == {"rows": 1, "paid": 1, "rejected": 0}
    assert client.get("/api/v1/publicjobs/me/payments", headers=citizen).json()[0]["status"] == "paid"
    assert client.post("/api/v1/publicjobs/payments/results/import", files={"file": ("r.csv", good, "text/csv")},
                       headers=citizen).status_code == 403
