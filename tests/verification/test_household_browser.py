"""Chromium at 390 and 1280 px, only the browser: counter staff enter a household from the
주민등록등본 they saw (a bad income first, refused naming the member), then the members whose
incomes put the applicant over the limit — the application becomes not eligible, with a decision.
Every page shown is checked with axe-core (no critical or serious violation); screenshots go to
$ILJA_SCREENSHOTS or var/screenshots/."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from bench.verification import world
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.applications.models import Application
from ilja.db import engine_for, transaction, upgrade
from ilja.decisions.models import Decision
from ilja.people.rrn import generate_key_file
from ilja.verification import service
from tests.conftest import configured, served
from tests.publicjobs.test_project_browser import PASSWORD, log_in, shoot

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, str, list[int]]]:
    from ilja.web.app import create_app

    folder = tmp_path_factory.mktemp("household")
    with configured(f"sqlite:///{folder / 'site.db'}", folder, keys=True) as url:
        upgrade(url)
        keyring = generate_key_file(folder / "keys" / "data-keys.json")
        with transaction(engine_for(url)) as session:
            built = world.build(session, 4, keyring, seats=2)
            for app_id in built.application_ids[:len(WIDTHS)]:
                service.record_counter_document(session, app_id, "resident_registration_copy", actor=world.MANAGER,
                                                note="창구에서 원본 확인")
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="시 담당자")
        with served(create_app()) as address:
            yield address, url, built.application_ids


@pytest.mark.browser
@pytest.mark.parametrize("width", WIDTHS)
def test_staff_enter_a_household_from_the_copy_and_eligibility_is_judged_again(open_page, live, width):
    from playwright.sync_api import expect

    address, url, ids = live
    application_id = ids[WIDTHS.index(width)]
    page, failures = open_page(address, width)
    log_in(page)
    page.goto(f"/verification/applications/{application_id}")
    page.get_by_role("link", name="주민등록등본으로 가구원과 소득 입력").click()
    expect(page.locator("h1")).to_have_text(f"신청 {application_id} 가구 입력 (주민등록등본)")
    expect(page.get_by_label("근거 서류 (주민등록등본)")).to_have_value(re.compile(r"\d+"))
    shoot(page, f"verification-household-{width}")
    page.get_by_label("가구원 1 관계").select_option("self")
    page.get_by_label("가구원 1 월소득 (원)").fill("1,000,000")
    page.get_by_label("가구원 2 관계").select_option("spouse")
    page.get_by_label("가구원 2 월소득 (원)").fill("많음")
    page.get_by_role("button", name="가구 저장하고 다시 판정").click()
    page.wait_for_load_state()
    expect(page).to_have_title(re.compile("^오류:"))
    expect(page.locator("#error-summary")).to_contain_text("가구원 2:")
    expect(page.get_by_label("가구원 2 월소득 (원)")).to_have_attribute("aria-invalid", "true")
    shoot(page, f"verification-household-refused-{width}")
    page.get_by_label("가구원 2 월소득 (원)").fill("9,000,000")
    page.get_by_role("button", name="가구 저장하고 다시 판정").click()
    page.wait_for_load_state()
    expect(page.locator("[role=status]")).to_contain_text("주민등록등본으로 확인한 가구를 저장")
    expect(page.locator("main")).to_contain_text("주민등록등본으로 가구 확인")
    expect(page.locator("main")).to_contain_text("10,000,000원")
    shoot(page, f"verification-household-saved-{width}")
    page.goto(f"/verification/applications/{application_id}/household?lang=en")
    expect(page.locator("main")).to_contain_text("The household verified now")
    shoot(page, f"verification-household-en-{width}")
    assert failures == []
    with transaction(engine_for(url)) as session:
        assert session.get_one(Application, application_id).status == "ineligible"
        assert session.scalars(select(Decision.kind).where(
            Decision.subject_ref == f"application:{application_id}")).all() == ["not_eligible"]

