"""The pages in Debian's Chromium (Playwright): click through home → a program → the
self-check, switch to English, open a parameter's history and the plan warnings.

Run: ``.venv/bin/python -m pytest tests/web -m browser -p no:xdist``. A screenshot of the
self-check result is saved to ``$ILJA_SCREENSHOT_DIR`` (default: the system temp directory).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("ILJA_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def page(open_page, live_server) -> Iterator[object]:
    page, problems = open_page(live_server)
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and "/self-check" not in r.url else None)
    yield page
    assert problems == []


def tick(page, input_id: str) -> None:
    """Click a radio's or checkbox's label, as a person does (KRDS draws the box on the label)."""
    page.locator(f'label[for="{input_id}"]').click()
    assert page.locator(f"#{input_id}").is_checked()


def fill_person(page, *, on: str, announced: str) -> None:
    page.fill("#birth_date", "1955-03-01")
    page.select_option("#sido", "서울특별시")
    page.select_option("#sigungu", "마포구")
    tick(page, "employment_status-unemployed")
    tick(page, "able_to_work-yes")
    tick(page, "household_head-yes")
    page.fill("#household_size", "1")
    tick(page, "vulnerable_groups-long_term_unemployed")
    page.fill("#on", on)
    page.fill("#announced", announced)


def test_fonts_and_assets_are_local(page):
    page.goto("/")
    page.wait_for_load_state("networkidle")
    expect(page).to_have_title("서울시 일자리 지원 사업 | 일자리")  # waits for the navigation
    assert "Pretendard GOV" in page.evaluate("getComputedStyle(document.body).fontFamily")
    page.evaluate("document.fonts.ready")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Pretendard GOV') && f.status === 'loaded').length")
    assert loaded >= 1
    assert page.evaluate("document.fonts.check('16px \"Pretendard GOV\"', '일자리')")


def test_click_through_home_program_and_self_check(page):
    page.goto("/")
    page.get_by_role("link", name="서울 매력일자리", exact=True).first.click()
    expect(page).to_have_title("서울 매력일자리 | 일자리")  # waits for the navigation
    page.get_by_role("link", name="서울 매력일자리 중장년 사업").first.click()
    page.fill("#as-of-on", "2024-06-01")
    page.get_by_role("button", name="이 날짜 기준으로 보기").click()
    assert "on=2024-06-01" in page.url
    assert "만 65세" in page.locator("#condition-middle_aged_max_age").inner_text()

    page.get_by_role("navigation", name="주 메뉴").get_by_role("link", name="내가 신청할 수 있는 사업").click()
    expect(page).to_have_title("내가 신청할 수 있는 사업 | 일자리")  # waits for the navigation
    assert page.locator("#sigungu_other").is_hidden()  # Seoul: the district select is shown
    fill_person(page, on="2024-06-01", announced="2024-05-15")
    page.get_by_role("button", name="결과 보기").click()
    results = page.locator("#results")
    results.wait_for()
    middle = page.locator("section.ilja-result", has=page.locator("#result-attractive_jobs-middle_aged"))
    assert "신청 불가" in middle.locator("h3").inner_text()
    assert "만 69세로 중장년 사업 상한 연령(만 65세 미만)을 넘습니다" in middle.inner_text()
    page.evaluate("document.fonts.ready")
    # the bytes, not path=: Playwright writes a path through threads that outlive the test; and
    # caret="initial" since an injected style would break the CSP
    (SCREENSHOTS / "ilja-self-check-result.png").write_bytes(page.screenshot(full_page=True, caret="initial"))

    page.fill("#on", "2025-06-01")
    page.fill("#announced", "2025-05-15")
    page.get_by_role("button", name="결과 보기").click()
    page.locator("#results").wait_for()
    middle = page.locator("section.ilja-result", has=page.locator("#result-attractive_jobs-middle_aged"))
    middle.get_by_text("신청 가능").first.wait_for()
    assert "2,461,811원" in middle.inner_text()


def test_errors_are_summarised_and_focused(page):
    page.goto("/self-check")
    page.get_by_role("button", name="결과 보기").click()
    summary = page.locator("#error-summary")
    summary.wait_for()
    page.wait_for_function("document.title.startsWith('오류:')")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link", name="생년월일을(를) 입력해 주세요.").click()
    assert page.evaluate("document.activeElement.id") == "birth_date"


def test_self_check_works_without_javascript(open_page, live_server):
    page, _ = open_page(live_server, java_script_enabled=False)
    page.goto("/self-check")
    fill_person(page, on="2025-06-01", announced="2025-05-15")
    page.get_by_role("button", name="결과 보기").click()
    page.locator("#results").wait_for()
    assert page.locator(".ilja-result").count() == 7


def test_english_parameter_history_and_plan_warnings(page):
    page.goto("/")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_title("Seoul's employment-support programs | Ilja")  # waits for the navigation
    assert page.evaluate("document.documentElement.lang") == "en"

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Parameters").click()
    page.locator('a[href="/parameters/attractive_jobs.middle_aged.max_age_exclusive"]').first.click()
    assert page.title().endswith("| Ilja")
    current = page.locator("tr.ilja-current")
    assert current.count() == 1
    assert "No limit" in current.inner_text()

    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="2025 plan").click()
    warnings = page.locator("table.ilja-warnings")
    text = warnings.inner_text()
    assert "12,980" in text and "12,890" in text
    assert "3,208" in text and "3,500" in text
