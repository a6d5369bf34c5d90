"""Fixtures of the reliability tests: the whole app on a fresh database, one user per role with a
bearer token, and a browser-session client that logs in through the real form."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from ilja.ops.site import Site, open_site


@pytest.fixture
def site(tmp_path) -> Iterator[Site]:
    """The app on a fresh migrated SQLite database."""
    with open_site(f"sqlite:///{tmp_path / 'reliability.db'}", tmp_path) as opened:
        yield opened


@pytest.fixture
def any_site(database_url, tmp_path) -> Iterator[Site]:
    """The app on SQLite and on PostgreSQL (already migrated by ``database_url``)."""
    with open_site(database_url, tmp_path, migrate=False) as opened:
        yield opened


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client: TestClient, login: str, password: str) -> TestClient:
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"login": login, "password": password, "next": "",
                                           "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303, response.text[:300]
    return client
