"""Chromium at 390 and 1280 px, only the browser: a program manager sets up a project (a bad
period first, refused field by field), places a selected applicant after the confirmation page
and ends the placement after another; edits a draft round, is refused absurd dates, and is asked
before opening. Every page shown is checked with axe-core (no critical or serious violation);
screenshots (bytes) go to $ILJA_SCREENSHOTS or var/screenshots/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction, upgrade
from ilja.people.rrn import generate_key_file
from tests.conftest import configured, served
from tests.selection.test_service import drawn_round
from tests.web.axe import blocking_violations

PASSWORD = "Tr0ub4dor&3x"
SCREENSHOTS = Path(os.environ.get("ILJA_SCREENSHOTS")
                   or Path(__file__).resolve().parents[2] / "var" / "screenshots")


@pytest.fixture(scope="module")
def live(tmp_path_factory) -> Iterator[tuple[str, int]]:
    from ilja.web.app import create_app

    folder = tmp_path_factory.mktemp("projects")
    with configured(f"sqlite:///{folder / 'site.db'}", folder, keys=True) as url:
        upgrade(url)
        keyring = generate_key_file(folder / "keys" / "data-keys.json")
        round_id, _ = drawn_round(url, keyring, people=6, seats=(("care", 2), ("safety", 1)))
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="시 담당자")
        with served(create_app()) as address:
            yield address, round_id


def shoot(page, name: str) -> None:
    """The page as it is (bytes written) and no critical or serious axe-core violation on it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(page.screenshot(full_page=True))
    assert not blocking_violations(page), (name, blocking_violations(page))


def log_in(page) -> None:
    page.goto("/login")
    page.fill("#login", "manager")
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_sets_up_a_project_and_places_and_ends_a_placement(open_page, live, width):
    from playwright.sync_api import expect

    address, round_id = live
    page, failures = open_page(address, width)
    log_in(page)
    page.goto("/publicjobs/projects")
    page.get_by_role("link", name="새 사업 등록").click()
    page.get_by_label("사업명").fill(f"마포 돌봄 사업 {width}")
    page.get_by_label("사업코드").fill(f"cj-2025-mapo-{width}")
    page.get_by_label("사업 구분").select_option("companion_jobs")
    page.get_by_label("정원", exact=True).fill("1")
    page.get_by_label("수행기관명").fill("마포구청")
    page.get_by_label("기관 코드").fill("host.mapo")
    page.get_by_label("근무지 자치구").select_option("11440")
    page.get_by_label("시작일").fill("1900-01-01")
    page.get_by_label("종료일").fill("9999-12-31")
    page.get_by_role("button", name="저장").click()
    expect(page.locator("#error-summary")).to_contain_text("종료일:")
    assert page.title().startswith("오류:")
    shoot(page, f"pj-project-form-errors-{width}")
    page.get_by_label("시작일").fill("2025-07-01")
    page.get_by_label("종료일").fill("2025-12-20")
    page.get_by_role("button", name="저장").click()
    expect(page.locator("main")).to_contain_text("사업을 등록했습니다")
    shoot(page, f"pj-project-{width}")
    page.get_by_role("link", name="선발자 배치").click()
    page.get_by_label("모집 공고").select_option(str(round_id))
    page.get_by_role("button", name="선발자 보기").click()
    expect(page.locator("main")).to_contain_text("빈 자리 1석")
    shoot(page, f"pj-place-choose-{width}")
    page.locator("label[for^=application-]").first.click()
    page.get_by_role("button", name="다음 (확인)").click()
    expect(page.locator("main")).to_contain_text("1명을")
    shoot(page, f"pj-place-confirm-{width}")
    page.get_by_role("button", name="1명 배치 확정").click()
    expect(page.locator("main")).to_contain_text("배치했습니다")
    expect(page.locator("main table")).to_contain_text("근무 중")
    shoot(page, f"pj-project-placed-{width}")
    page.get_by_role("link", name="배치 종료").first.click()
    page.get_by_label("마지막 근무일").fill("2025-08-29")
    page.get_by_label("사유").fill("이사")
    shoot(page, f"pj-leave-{width}")
    page.get_by_role("button", name="배치 종료").click()
    expect(page.locator("main")).to_contain_text("배치를 종료했습니다")
    expect(page.locator("main table")).to_contain_text("중도 포기")
    page.goto("/publicjobs/projects")
    shoot(page, f"pj-projects-{width}")
    assert not failures, failures


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_manager_edits_a_draft_round_and_is_asked_before_opening(open_page, live, width):
    from playwright.sync_api import expect

    address, round_id = live
    page, _ = open_page(address, width)
    log_in(page)
    page.goto("/manage/rounds/new")
    page.get_by_label("공고 제목").fill(f"2027 상반기 동행일자리 {width}")
    page.get_by_label("공고일").fill("1900-01-01")
    page.get_by_label("근무·교육 시작일").fill("9999-12-31")
    page.get_by_label("모집 단위", exact=True).fill("<script>x</script>, 악성, 1")
    page.get_by_role("button", name="저장(준비 중 상태)").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("공고일:")
    expect(summary).to_contain_text("모집 단위 1번째 줄 · 코드:")
    shoot(page, f"round-form-errors-{width}")
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    page.get_by_label("공고일").fill(today)
    page.get_by_label("근무·교육 시작일").fill("2027-01-10")
    page.get_by_label("모집 단위", exact=True).fill("care, 돌봄, 5")
    page.get_by_role("button", name="저장(준비 중 상태)").click()
    page.get_by_role("link", name="공고 수정").click()
    expect(page.locator("main")).to_contain_text("준비 중인 공고는 모든 항목을 고칠 수 있습니다")
    page.get_by_label("모집 단위", exact=True).fill("care, 돌봄·건강, 7")
    page.get_by_role("button", name="저장(준비 중 상태)").click()
    expect(page.locator("main")).to_contain_text("저장했습니다")
    expect(page.locator("main")).to_contain_text("돌봄·건강")
    page.get_by_role("link", name="공고 열기 (접수 시작)").click()
    expect(page.locator("main")).to_contain_text("되돌릴 수 없습니다")
    shoot(page, f"round-open-confirm-{width}")
    page.get_by_role("button", name="공고 열기 확정").click()
    page.get_by_role("link", name="제목·마감 연장").click()
    expect(page.locator("main")).to_contain_text("마감은 늦출 수만 있습니다")
    shoot(page, f"round-amend-{width}")
    page.goto(f"/rounds/{round_id}")
    shoot(page, f"round-notice-{width}")
