"""The CSP holds in a real browser: Debian's Chromium (Playwright) logs in and walks the main
pages; not one ``securitypolicyviolation`` event or page error, and scripts (htmx) still run.

Run: ``.venv/bin/python -m pytest tests/reliability -m browser -p no:xdist``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ilja.ops.site import open_site
from tests.conftest import served

pytestmark = pytest.mark.browser
WATCH = """document.addEventListener('securitypolicyviolation', e =>
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"""
PAGES = ["/", "/self-check", "/plan", "/parameters", "/account", "/people", "/manage/rounds", "/rounds",
         "/outcomes", "/audit"]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, str]]:
    tmp = tmp_path_factory.mktemp("csp-browser")
    with open_site(f"sqlite:///{tmp / 'ilja.db'}", tmp) as site, served(site.app) as url:
        yield url, site.password


def test_no_page_breaks_the_content_security_policy(open_page, server):
    base, password = server
    page, problems = open_page(base)
    page.context.add_init_script(WATCH)
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto("/login")
    page.fill("#login", "r-program_manager")
    page.fill("#password", password)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state("load")
    for path in PAGES:
        response = page.goto(path)
        assert response.headers["content-security-policy"].startswith("default-src 'self'")
        page.wait_for_load_state("load")
        problems += [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]
    page.goto("/self-check")  # the one page that loads htmx
    page.wait_for_load_state("load")
    assert page.evaluate("typeof window.htmx") == "object"  # the external scripts ran
    assert problems == []
