"""When the database cannot be reached (down, restarting, out of connections), requests get a
503 with ``Retry-After`` — a documented JSON body for the API, a Korean page for browsers — and
never a 500 or the driver's message (it may quote the statement's values)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from ilja.db import session_factory
from ilja.ops.site import Site, open_site

pytestmark = pytest.mark.usefixtures("schemathesis_asgi")
# Nothing listens on port 1: every connection attempt is refused at once.
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/ilja?connect_timeout=2"


@pytest.fixture
def site(database_url, tmp_path) -> Iterator[Site]:
    with open_site(database_url, tmp_path, migrate=False) as opened:
        yield opened


@pytest.fixture
def cut_off(site: Site) -> Iterator[TestClient]:
    """The site's app with its database out of reach."""
    engine = create_engine(UNREACHABLE, pool_pre_ping=True)
    site.app.state.session_factory = session_factory(engine)
    try:
        yield site.client(raise_server_exceptions=False)
    finally:
        del site.app.state.session_factory
        engine.dispose()


def test_the_api_answers_503_with_retry_after_and_a_documented_body(site, cut_off, caplog):
    import schemathesis

    caplog.set_level(logging.WARNING, logger="ilja.web.errors")
    response = cut_off.post("/api/v1/rounds/1/applications/on-behalf", headers={
        **site.bearer("program_manager"), "Idempotency-Key": "k-1"},
        json={"person_id": 1, "preferences": ["care"]})
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "2"
    detail = response.json()["detail"]
    assert detail["code"] == "unavailable" and detail["msg"] and detail["msg_ko"]
    assert "127.0.0.1" not in response.text and "psycopg" not in response.text
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", site.app)
    schema["/api/v1/rounds/{round_id}/applications/on-behalf"]["POST"].validate_response(response)
    assert any("database unavailable (OperationalError)" in r.getMessage() for r in caplog.records)


def test_a_page_answers_503_in_korean_with_a_way_to_retry(cut_off):
    response = cut_off.get("/rounds")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "2"
    assert "잠시 후 다시 시도해 주십시오" in response.text
    assert 'href="/rounds"' in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text
