"""Issue 16: after log-in (without a ``next``) each role lands on its work page, and may open it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from tests.accounts.test_web_sessions import PASSWORD, log_in
from tests.publicjobs.factories import add_project

LANDING = {  # login: (role, site, page)
    "citizen": (Role.CITIZEN, None, "/my"),
    "manager": (Role.PROGRAM_MANAGER, None, "/manage/rounds"),
    "campus": (Role.OPERATOR, "campus.mapo", "/training"),
    "host": (Role.OPERATOR, "host-1", "/publicjobs/host"),
    "jobco": (Role.JOB_COORDINATOR, "campus.mapo", "/matching"),
    "auditor": (Role.AUDITOR, None, "/audit"),
    "admin": (Role.ADMIN, None, "/users"),
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from ilja.config import get_settings
    from ilja.db import dispose_engines, upgrade
    from ilja.web.app import create_app

    tmp = tmp_path_factory.mktemp("landing")
    url = f"sqlite:///{tmp / 'web.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ILJA_DATABASE_URL", url)
        patch.setenv("ILJA_DATA_DIR", str(tmp))
        get_settings.cache_clear()
        upgrade(url)
        with transaction(engine_for(url)) as session:
            add_project(session, host="host-1")  # a public-job host: no training there
            for login, (role, site, _) in LANDING.items():
                service.create_user(session, login=login, password=PASSWORD, role=role,
                                    display_name=login, site_code=site)
        yield create_app()
        dispose_engines()
    get_settings.cache_clear()


@pytest.mark.parametrize("login", LANDING)
def test_each_role_lands_on_its_work_page(app, login):
    client = TestClient(app)
    landed = log_in(client, login)
    page = LANDING[login][2]
    assert landed.status_code == 303 and landed.headers["location"] == page
    assert client.get(page).status_code == 200


def test_next_still_wins(app):
    client = TestClient(app)
    assert log_in(client, "jobco", next_url="/matching/caseload/take").headers["location"] == \
        "/matching/caseload/take"
