"""A whole Ilja site on a fresh database for the reliability checks: the app, one user per role
with a bearer token and a known password. Used by the CI tests and by ``make reliability``."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from ilja.accounts import service
from ilja.accounts.roles import Role
from ilja.config import get_settings
from ilja.db import dispose_engines, engine_for, transaction, upgrade
from ilja.people.keys import reset_keyring
from ilja.programs.loader import load_plan
from ilja.web.app import create_app

PASSWORD = "Tr0ub4dor&3x-reliab"
ENV_KEYS = ("ILJA_DATABASE_URL", "ILJA_DATA_DIR", "ILJA_ENVIRONMENT", "ILJA_DATA_KEY_FILE",
            "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS")


@dataclass
class Site:
    app: FastAPI
    url: str
    data_dir: Path
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)
    password: str = PASSWORD

    def client(self, **kwargs) -> TestClient:
        return TestClient(self.app, **kwargs)

    def bearer(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}


@contextlib.contextmanager
def environment(url: str, data_dir: Path) -> Iterator[None]:
    """Point settings, engines and the key ring at ``url`` and ``data_dir``; restore afterwards."""
    saved = {k: os.environ.get(k) for k in ENV_KEYS}
    for key in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS"):
        os.environ.pop(key, None)
    os.environ.update(ILJA_DATABASE_URL=url, ILJA_DATA_DIR=str(data_dir), ILJA_ENVIRONMENT="test")
    get_settings.cache_clear()
    reset_keyring()
    try:
        yield
    finally:
        dispose_engines()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        get_settings.cache_clear()
        reset_keyring()


def make_users(url: str, person_id: int | None = None) -> tuple[dict[str, str], dict[str, int]]:
    """One user per role with a bearer token; the operator works for the plan's first campus."""
    site = load_plan().campuses[0].code
    tokens, ids = {}, {}
    with transaction(engine_for(url)) as session:
        for role in Role:
            user = service.create_user(session, login=f"r-{role.value}", password=PASSWORD, role=role,
                                       display_name=role.label_en,
                                       person_id=person_id if role is Role.CITIZEN else None,
                                       site_code=site if role is Role.OPERATOR else None)
            tokens[role.value] = service.issue_token(session, user, "reliability")[1]
            ids[role.value] = user.id
    return tokens, ids


@contextlib.contextmanager
def open_site(url: str, data_dir: Path, *, migrate: bool = True) -> Iterator[Site]:
    with environment(url, data_dir):
        if migrate:
            upgrade(url)
        tokens, ids = make_users(url)
        app = create_app()
        app.state.database_url = url
        yield Site(app, url, data_dir, tokens, ids)


@contextlib.contextmanager
def served(app, *, lifespan: str = "off", name: str = "served") -> Iterator[str]:
    """``app`` under uvicorn in a thread on a free loopback port, for tests and benchmarks that
    need a real server; stopped and joined on exit."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                          lifespan=lifespan))
    thread = threading.Thread(target=server.run, name=f"{name}-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
