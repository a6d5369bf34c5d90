"""/docs works with no network but this server's, under the same strict CSP as every page
(issue 15: Swagger UI came from a CDN, the CSP was loosened for it, and offline /docs was blank).

Run: ``.venv/bin/python -m pytest tests/web/test_docs_offline.py -p no:xdist``. A screenshot of
/docs is saved to ``$ILJA_SCREENSHOT_DIR`` (default: the system temp directory).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest

from ilja.web.security import CSP

SCREENSHOTS = Path(os.environ.get("ILJA_SCREENSHOT_DIR", tempfile.gettempdir()))
WATCH = """document.addEventListener('securitypolicyviolation', e =>
  (window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI));"""
LOCAL_SOURCES = {"'self'", "'none'", "data:"}
METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_docs_name_only_local_urls_and_the_strict_policy(client):
    response = client.get("/docs")
    assert response.status_code == 200
    html = response.text
    urls = re.findall(r'(?:src|href|data-openapi-url)="([^"]*)"', html)
    assert len(urls) >= 4, urls  # favicon, stylesheet, the bundle, our initialiser, the document
    for url in urls:
        assert url.startswith("/") and not url.startswith("//"), url
        assert client.get(url).status_code == 200, url  # vendored, not only named
    assert all("src=" in attributes for attributes in re.findall(r"<script\b([^>]*)>", html))
    policy = response.headers["content-security-policy"]
    assert policy == CSP
    for directive in policy.split(";"):
        _, *sources = directive.split()
        assert set(sources) <= LOCAL_SOURCES, directive  # no host, no 'unsafe-inline'
    assert client.get("/redoc").status_code == 404  # off, rather than a second CDN page


def _first_and_last_operation(document: dict) -> tuple[str, str]:
    """The paths Swagger UI lists first and last: operations grouped by tag, in document order."""
    by_tag: dict[str, list[str]] = {}
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                for tag in operation.get("tags") or ["default"]:
                    by_tag.setdefault(tag, []).append(path)
    groups = list(by_tag.values())
    return groups[0][0], groups[-1][-1]


@pytest.mark.browser
def test_swagger_ui_renders_offline_without_csp_violations(open_page, live_server):
    """Swagger UI (5.x) renders only the operations in view: the first one at the top, the
    document's last one once scrolled to the end, show that the whole document was laid out."""
    page, problems = open_page(live_server)
    page.context.add_init_script(WATCH)
    off_host: list[str] = []

    def local_only(route) -> None:
        if route.request.url.startswith(f"{live_server}/"):
            route.continue_()
        else:
            off_host.append(route.request.url)
            route.abort()

    page.context.route("**/*", local_only)
    first, last = _first_and_last_operation(page.request.get("/api/v1/openapi.json").json())
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/docs")
    page.locator(f'.opblock .opblock-summary-path[data-path="{first}"]').wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    # Bytes written here: Playwright writes a ``path=`` through a thread it keeps.
    (SCREENSHOTS / "ilja-docs.png").write_bytes(page.screenshot())
    page.keyboard.press("End")
    page.locator(f'.opblock .opblock-summary-path[data-path="{last}"]').wait_for(timeout=10_000)
    problems += page.evaluate("window.__csp || []")
    assert off_host == []
    assert problems == []
