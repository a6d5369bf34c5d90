"""Logging in on the web: CSRF, session cookies, fixation, role pages, the auditor's pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from ilja.accounts import service
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction

PASSWORD = "Tr0ub4dor&3x"


@pytest.fixture
def site(app_sqlite):
    from ilja.web.app import create_app

    with transaction(engine_for(app_sqlite)) as session:
        for role in (Role.PROGRAM_MANAGER, Role.AUDITOR, Role.CITIZEN):
            service.create_user(session, login=role.value, password=PASSWORD, role=role, display_name=role.label_ko)
    return TestClient(create_app())


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def log_in(client: TestClient, login: str, password: str = PASSWORD, next_url: str = ""):
    page = client.get("/login")
    return client.post("/login", data={"login": login, "password": password, "next": next_url,
                                       "csrf_token": csrf_of(page.text)}, follow_redirects=False)


def browser(app, login: str | None = None) -> TestClient:
    """A client of ``app``, logged in as ``login`` through the log-in form (anonymous without one)."""
    client = TestClient(app)
    if login:
        response = log_in(client, login)
        assert response.status_code == 303, response.text
    return client


def test_login_sets_a_fresh_httponly_session_cookie(site):
    site.cookies.set("ilja_session", "attacker-chosen-value")
    response = log_in(site, "auditor")
    assert response.status_code == 303 and response.headers["location"] == "/audit"
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "attacker-chosen-value" not in cookie
    assert site.get("/account").status_code == 200


def test_login_without_the_csrf_token_is_refused(site):
    site.get("/login")
    response = site.post("/login", data={"login": "auditor", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403


def test_wrong_password_shows_an_error_page_titled_error(site):
    response = log_in(site, "auditor", "wrong-password")
    assert response.status_code == 401
    assert "<title>오류:" in response.text
    assert "wrong-password" not in response.text


def test_state_changing_forms_need_the_session_csrf_token(site):
    log_in(site, "program_manager")
    assert site.post("/logout", follow_redirects=False).status_code == 403
    page = site.get("/account")
    assert site.post("/logout", data={"csrf_token": csrf_of(page.text)}, follow_redirects=False).status_code == 303
    assert site.get("/account", follow_redirects=False).status_code == 303  # logged out → to /login


def test_open_redirects_are_not_followed(site):
    response = log_in(site, "program_manager", next_url="//evil.example/")
    assert response.headers["location"] == "/manage/rounds"  # their own page, never the other site


def test_pages_need_login_and_the_right_role(site):
    assert site.get("/audit", follow_redirects=False).headers["location"].startswith("/login?next=")
    log_in(site, "citizen")
    assert site.get("/audit").status_code == 403


def test_auditor_searches_the_log_and_records_the_monthly_review(site):
    log_in(site, "auditor")
    page = site.get("/audit", params={"action": "auth."})
    assert page.status_code == 200 and "auth.login" in page.text and "✔" in page.text
    report = site.get("/audit/report")
    assert report.status_code == 200
    month = re.search(r'name="month" value="(\d{4}-\d{2})"', report.text).group(1)
    done = site.post("/audit/report", data={"month": month, "findings": "이상 없음",
                                            "csrf_token": csrf_of(report.text)})
    assert done.status_code == 200 and "이상 없음" in done.text


def test_api_token_from_the_account_page(site):
    log_in(site, "program_manager")
    page = site.get("/account")
    created = site.post("/account/tokens", data={"name": "cli", "csrf_token": csrf_of(page.text)})
    token = re.search(r'<code class="ilja-token">([^<]+)</code>', created.text).group(1)
    fresh = TestClient(site.app)
    assert fresh.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "program_manager"
