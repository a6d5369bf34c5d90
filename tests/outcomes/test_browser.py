"""The outcomes dashboard in Debian's Chromium (Playwright): log in as the program manager, read a
rate, filter, drill down to the people, download the XLSX report.

Run: ``.venv/bin/python -m pytest tests/outcomes -m browser -p no:xdist``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from ilja.db import engine_for, transaction
from tests.conftest import app_database, served

pytestmark = pytest.mark.browser
PASSWORD = "Tr0ub4dor&3x"


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.outcomes.demo_data import fill_demo_outcomes
    from ilja.web.app import create_app

    with app_database(tmp_path_factory.mktemp("outcomes-browser")) as url:
        with transaction(engine_for(url)) as session:
            fill_demo_outcomes(session, seed=5, scale=0.05, as_of=dt.date(2025, 12, 15))
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="담당자")
        with served(create_app()) as base:
            yield base


SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_manager_reads_filters_drills_down_and_downloads(open_page, server):
    page, errors = open_page(server, accept_downloads=True)
    page.goto("/login?next=/outcomes")
    page.fill("#login", "manager")
    page.fill("#password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.goto("/outcomes?year=2025")
    assert page.title().startswith("취업 성과 현황")
    card = page.locator("#rate-cumulative_rate")
    assert "누적 취업률" in card.inner_text() and "명 / 대상" in card.inner_text()
    charts = page.locator("figure.ilja-bars")
    assert charts.count() == 4
    assert "%" in page.locator("#chart-breakdown .ilja-bar-value").first.inner_text()
    assert page.locator("#chart-goals line").count() >= 1  # the goal's dashed line
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#figure-breakdown").scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / f"outcomes-chart-{width}.png").write_bytes(page.screenshot())
        label = page.locator("#chart-breakdown .ilja-bar-value").first.bounding_box()
        assert label is not None and label["x"] + label["width"] <= width  # the value is on screen
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator("#table-kpis").get_by_text("연간 교육인원").count() >= 1

    page.select_option("#campus", "campus.mapo")
    page.select_option("#dimension", "track")
    page.get_by_role("button", name="조회").click()
    assert "campus=campus.mapo" in page.url
    assert "과정 계열·분야별 누적 취업률" in page.locator("#breakdown-heading").inner_text()

    page.locator("#rate-cumulative_rate").get_by_role("link", name="명단 보기").click()
    assert page.title().startswith("취업률 대상자 명단")
    caption = page.locator("#members caption").inner_text()
    assert caption.startswith("대상자 ")

    page.goto("/outcomes?year=2025")
    with page.expect_download() as info:
        page.locator("#download-xlsx").click()
    content = Path(info.value.path()).read_bytes()
    from openpyxl import load_workbook

    assert "요약" in load_workbook(io.BytesIO(content)).sheetnames
    assert errors == []
