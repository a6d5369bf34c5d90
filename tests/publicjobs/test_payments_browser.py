"""Chromium at 390 and 1280 px, only the browser: a program manager uploads the bank's result file,
a bad one first (refused, every row and reason on the page, nothing changed), then the good one,
and finds the rejected payment waiting for an account and the days-late report; the participant
then sees why their pay did not arrive and enters a corrected account. Every page shown
is checked with axe-core; screenshots go to $ILJA_SCREENSHOTS or var/screenshots/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction, upgrade
from ilja.publicjobs import payment_service, payroll_service, service
from ilja.publicjobs.bank_results import write_results
from ilja.publicjobs.payment_models import Payment
from ilja.publicjobs.timesheet import prefill_month
from tests.conftest import configured, served
from tests.publicjobs.factories import MANAGER, add_person, add_project
from tests.publicjobs.test_project_browser import PASSWORD, log_in, shoot

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str, dict[int, list]]]:
    """A served site with one payroll run per width, its payments sent in a transfer file."""
    from ilja.web.app import create_app

    folder = tmp_path_factory.mktemp("payments")
    with configured(f"sqlite:///{folder / 'site.db'}", folder) as url:
        upgrade(url)
        items = {}
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="시 담당자")
            for width in WIDTHS:
                project = add_project(session, "companion_jobs", host=f"host-{width}")
                for _ in range(2):
                    service.place(session, project_id=project, person_id=add_person(session), actor=MANAGER,
                                  start_on=dt.date(2025, 7, 1))
                entries = [e for p in service.project_placements(session, project, 2025, 7)
                           for e in prefill_month(service.terms_of(p), 2025, 7)]
                service.enter_month(session, project, 2025, 7, entries, actor=MANAGER)
                service.approve_month(session, project, 2025, 7, actor=MANAGER)
                run = payroll_service.run_payroll(session, "companion_jobs", 2025, 7, actor=MANAGER).run_id
                transfer = payment_service.write_transfer(session, "companion_jobs", actor=MANAGER, reason="이체",
                                                          run_id=run)
                items[width] = payment_service.transfer_items(session, transfer.id)
                accounts.create_user(session, login=f"citizen-{width}", password=PASSWORD, role=Role.CITIZEN,
                                     display_name="참여자", person_id=items[width][1].person_id)
        with served(create_app()) as address:
            yield address, url, items


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_a_manager_imports_the_banks_result_file(open_page, live, width, tmp_path):
    from playwright.sync_api import expect

    address, url, items = live
    paid, refused = items[width]
    on = clock.today()
    bad = tmp_path / "결과-오류.csv"
    bad.write_bytes(write_results([(paid.reference, "입금", on, paid.amount + 1, "", ""),
                                   (refused.reference, "불능", on, refused.amount, "", "")]))
    good = tmp_path / "결과.xlsx"
    good.write_bytes(write_results([(paid.reference, "입금", on, paid.amount, "", ""),
                                    (refused.reference, "불능", on, refused.amount, "02", "해지")], xlsx=True))
    page, failures = open_page(address, width)
    log_in(page)
    page.goto("/publicjobs/payroll")
    page.get_by_role("link", name="은행 이체 결과 파일 반영").click()
    shoot(page, f"pj-payments-import-{width}")
    page.get_by_label("결과 파일").set_input_files(str(bad))
    page.get_by_role("button", name="결과 반영").click()
    expect(page.locator("#error-summary")).to_contain_text("아무것도 반영하지 않았습니다")
    expect(page.locator("#problems")).to_contain_text("이체 파일의")
    expect(page.locator("#problems")).to_contain_text("불능사유")
    assert page.title().startswith("오류:")
    shoot(page, f"pj-payments-import-refused-{width}")
    with transaction(engine_for(url)) as session:
        assert set(session.scalars(select(Payment.status).where(Payment.id.in_(
            [int(i.reference.split("-")[1]) for i in items[width]])))) == {"sent"}
    page.get_by_label("결과 파일").set_input_files(str(good))
    page.get_by_role("button", name="결과 반영").click()
    expect(page.locator("main")).to_contain_text("입금 완료 1건, 입금 불능 1건")
    shoot(page, f"pj-payments-import-done-{width}")
    page.get_by_role("link", name="입금 불능 지급").first.click()
    expect(page.locator("main table")).to_contain_text("해지 계좌")
    shoot(page, f"pj-payments-rejected-{width}")
    page.goto("/publicjobs/payments/late?year=2025")
    expect(page.locator("main")).to_contain_text("지급 대사")
    shoot(page, f"pj-payments-late-{width}")
    assert not failures, failures
    _citizen_corrects_their_account(open_page, address, width)


def _citizen_corrects_their_account(open_page, address: str, width: int) -> None:
    """The participant whose payment was refused sees why and enters a corrected account."""
    from playwright.sync_api import expect

    page, _ = open_page(address, width)
    page.goto("/login")
    page.fill("#login", f"citizen-{width}")
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    page.goto("/publicjobs/me")
    page.get_by_role("link", name="지급 현황 (입금 여부)").click()
    expect(page.locator("main table")).to_contain_text("해지 계좌")
    shoot(page, f"pj-my-payments-{width}")
    page.get_by_label("은행").select_option("090")
    page.get_by_label("계좌번호").fill("12-34")
    page.get_by_label("예금주").fill("참여자")
    page.get_by_role("button", name="계좌 저장").click()
    expect(page.locator("#number-error")).to_contain_text("10~16자리")
    shoot(page, f"pj-my-payments-error-{width}")
    page.get_by_label("계좌번호").fill("3333-01-2345678")
    page.get_by_role("button", name="계좌 저장").click()
    expect(page.locator("main")).to_contain_text("재지급 대기 1건")
    expect(page.locator("main table")).to_contain_text("재지급 대기")
    shoot(page, f"pj-my-payments-saved-{width}")
