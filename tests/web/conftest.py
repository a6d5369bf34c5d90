"""Fixtures of the web tests: the app under TestClient, and for browser tests a live server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ilja.web.app import create_app
from tests.conftest import served


@pytest.fixture(scope="session", autouse=True)
def _strict_translations() -> None:
    """Pages raise on a missing translation outside production: make sure we are not in it."""
    from ilja.config import get_settings

    assert get_settings().environment != "production", "web tests need strict translations"


@pytest.fixture(scope="session")
def app() -> FastAPI:
    return create_app()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A fresh client (no language cookie) on the one app."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free port."""
    with served(create_app()) as url:
        yield url
