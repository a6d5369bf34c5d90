"""The public scorecard page and the open registers in Debian's Chromium, without logging in: on
a phone (390 px) the page does not widen past the screen, the tables scroll inside their box,
and axe-core finds no critical or serious violation; at 1280 px the same.

Run: ``.venv/bin/python -m pytest tests/transparency -m browser -p no:xdist``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import app_database, served
from tests.transparency.world import NOW, build_world
from tests.web.axe import blocking_violations

pytestmark = pytest.mark.browser
SCREENSHOTS = Path("/tmp/ilja-transparency-screenshots")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    from ilja import clock
    from ilja.transparency import cache
    from ilja.web.app import create_app

    with app_database(tmp_path_factory.mktemp("transparency-browser")) as url:
        build_world(url, scale=0.5)  # enough completers a campus for figures above the minimum
        cache.clear()
        with clock.frozen(NOW), served(create_app()) as base:
            yield base
        cache.clear()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_public_scorecard_reads_on_a_phone_and_a_desk(open_page, server, width):
    page, errors = open_page(server, width)
    page.goto("/scorecards?year=2025")
    assert page.title().startswith("기관별 성과 공개")
    assert page.locator("#scorecard-campus tbody tr").count() == 25
    assert page.locator("#scorecard-host tbody tr").count() == 4
    campus = page.locator("#scorecard-campus").inner_text()
    assert "자료 없음" in campus and "%" in campus  # rates with numerator and denominator
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the page never scrolls sideways
    assert blocking_violations(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"scorecards-{width}.png").write_bytes(page.screenshot(full_page=True))
    page.goto("/open/registers/public-jobs")
    assert "기타" in page.locator("#register-rows").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert blocking_violations(page) == []
    (SCREENSHOTS / f"register-public-jobs-{width}.png").write_bytes(page.screenshot(full_page=False))
    page.goto("/open/registers")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert blocking_violations(page) == []
    (SCREENSHOTS / f"registers-{width}.png").write_bytes(page.screenshot(full_page=True))
    assert errors == []
