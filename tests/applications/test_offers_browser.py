"""A citizen answers their offer in Debian's Chromium at 390 px (issue 18 §3): the selected one
reads why and accepts; the first on the waitlist reads their place, and after the selected one
declines, is promoted and declines in turn; the page never scrolls sideways.

Screenshots go to ``$ILJA_SCREENSHOT_DIR`` (default: the system temp directory).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from tests.applications.offers_world import PASSWORD, build
from tests.web.axe import blocking_violations

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(os.environ.get("ILJA_SCREENSHOT_DIR", tempfile.gettempdir()))


@pytest.fixture
def live(migrated_sqlite, tmp_path, monkeypatch):
    from tests.conftest import served

    from ilja.db import dispose_engines
    from ilja.web.app import create_app

    path = tmp_path / "ilja.db"
    shutil.copyfile(migrated_sqlite, path)
    world = build(f"sqlite:///{path}", tmp_path, monkeypatch)
    with served(create_app()) as url:
        yield world, url
    dispose_engines()


def _log_in(open_page, url: str, login: str, width: int):
    page, _ = open_page(url, width, 844)
    page.goto("/login?next=/my")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: "/login" not in u)
    return page


def _shoot(page, name: str) -> None:
    """A full-page screenshot, written here (Playwright writing it itself would start the
    asyncio executor's threads in the browser's loop, which outlive the test)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / name).write_bytes(page.screenshot(full_page=True))


def _fits(page) -> None:
    """No sideways scrolling, and no critical or serious accessibility violation (axe)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    assert blocking_violations(page) == []


def test_a_citizen_accepts_and_the_waitlist_answers_in_turn_at_390_px(open_page, live):
    from playwright.sync_api import expect

    world, url = live
    [chosen] = world.by_status("selected")
    first = world.waitlist()[0]
    page = _log_in(open_page, url, chosen, 390)
    page.goto(f"/my/applications/{world.applications[chosen]}")
    expect(page.get_by_role("heading", name="선발 결과와 그 이유")).to_be_visible()
    _fits(page)
    _shoot(page, "offer-open-390.png")
    page.get_by_role("button", name="참여 확정하기").click()
    expect(page.get_by_role("status").filter(has_text="참여를 확정했습니다")).to_be_visible()
    _fits(page)
    _shoot(page, "offer-accepted-390.png")
    page.get_by_role("link", name="신청 포기하기").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("포기 확인")
    _fits(page)
    page.fill("#note", "다른 곳에 취업했습니다")
    page.get_by_role("button", name="포기합니다").click()
    expect(page.get_by_role("status").filter(has_text="포기(취소)를 처리했습니다")).to_be_visible()
    assert world.status(chosen) == "withdrawn" and world.status(first) == "selected"

    page = _log_in(open_page, url, first, 390)
    page.goto(f"/my/applications/{world.applications[first]}")
    expect(page.get_by_text("예비 1번에서 선발되었습니다")).to_be_visible()
    page.get_by_role("link", name="포기하기", exact=True).click()
    page.get_by_role("button", name="포기합니다").click()
    expect(page.get_by_text("선발을 포기했습니다.")).to_be_visible()
    _fits(page)
    assert world.status(first) == "withdrawn"
    assert len([login for login in world.applications if world.status(login) == "selected"]) == 1


@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_the_public_round_and_the_staff_offers(open_page, live, width):
    world, url = live
    page, _ = open_page(url, width)
    page.goto(f"/selection/rounds/{world.round_id}/verify")
    _fits(page)
    _shoot(page, f"round-public-{width}.png")
    page = _log_in(open_page, url, "manager", width)
    page.goto(f"/manage/rounds/{world.round_id}/selection")
    page.locator("#offers-heading").scroll_into_view_if_needed()
    assert blocking_violations(page) == []
    _shoot(page, f"round-offers-{width}.png")
