"""Attacks against the whole route table: CSRF, brute force, injection (SQL, script, path) through
every string parameter, and personal data kept out of logs and error pages.

The walks read the route table, so a route added tomorrow is attacked tomorrow without an edit
here. A failure names the method, the path and the payload.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import func, select, table

from ilja import clock
from ilja.accounts.models import AuditRecord, User
from ilja.db import engine_for, transaction
from ilja.ops.routes import UNSAFE, routes
from tests.reliability.conftest import csrf_of, log_in

XSS = '<script>alert("일자리")</script>홍"길\'동<img src=x onerror=alert(1)>'
SQL = ["' OR '1'='1", "'; DROP TABLE persons; --", "%' UNION SELECT login, password_hash FROM users --",
       "\\'; SELECT pg_sleep(5); --"]
TRAVERSAL = ["../../../../etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd", "..\\..\\..\\windows\\win.ini"]
RRN = "900101-1234568"


class Sessions:
    """One logged-in browser client per role, made on first use (a log-in hashes a password)."""

    def __init__(self, site):
        self.site = site
        self.clients = {}

    def __call__(self, role):
        if role not in self.clients:
            client = self.site.client(raise_server_exceptions=False)
            self.clients[role] = log_in(client, f"r-{role}", self.site.password) if role else client
        return self.clients[role]


def test_every_state_changing_route_refuses_a_session_without_the_csrf_token(site):
    sessions = Sessions(site)
    checked = []
    for route in routes(site.app):
        for method in route.methods:
            if method not in UNSAFE or route.path in ("/login",):
                continue
            role = route.role() or "program_manager"  # public routes: logged-in sessions still need it
            client = sessions(role.value if hasattr(role, "value") else role)
            path = route.concrete()
            bare = client.request(method, path, data={"x": "1"}, follow_redirects=False)
            forged = client.request(method, path, headers={"X-CSRF-Token": "forged"},
                                    data={"csrf_token": "forged"}, follow_redirects=False)
            for response in (bare, forged):
                assert response.status_code == 403, (method, path, response.status_code, response.text[:200])
            checked.append((method, path))
    assert len(checked) > 60, checked
    # The log-in form itself uses the double-submit cookie: no cookie, no log-in.
    anonymous = site.client()
    refused = anonymous.post("/login", data={"login": "r-admin", "password": site.password,
                                             "csrf_token": "guess"}, follow_redirects=False)
    assert refused.status_code == 403


def test_brute_force_is_throttled_then_locked_and_does_not_reveal_logins(site):
    client = site.client()
    statuses = []
    for _ in range(8):
        token = csrf_of(client.get("/login").text)
        response = client.post("/login", data={"login": "r-admin", "password": "wrong-guess-1",
                                               "csrf_token": token, "next": ""}, follow_redirects=False)
        statuses.append(response.status_code)
    assert statuses[:2] == [401, 401] and 429 in statuses, statuses
    token = csrf_of(client.get("/login").text)
    right = client.post("/login", data={"login": "r-admin", "password": site.password,
                                        "csrf_token": token, "next": ""}, follow_redirects=False)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0  # locked: even the right one
    token = csrf_of(client.get("/login").text)
    unknown = client.post("/login", data={"login": "nobody-here", "password": "wrong-guess-1",
                                          "csrf_token": token, "next": ""}, follow_redirects=False)
    first = site.client()
    token = csrf_of(first.get("/login").text)
    known = first.post("/login", data={"login": "r-auditor", "password": "wrong-guess-1",
                                       "csrf_token": token, "next": ""}, follow_redirects=False)
    assert unknown.status_code == known.status_code == 401
    with transaction(engine_for(site.url)) as session:
        refused = session.execute(select(func.count()).select_from(AuditRecord)
                                  .where(AuditRecord.action.in_(["auth.login_failed", "auth.login_refused"]))).scalar()
    assert refused >= 8


def _counts(url: str) -> tuple[int, int]:
    with transaction(engine_for(url)) as session:
        return (session.execute(select(func.count()).select_from(User)).scalar(),
                session.execute(select(func.count()).select_from(AuditRecord)).scalar())


def test_injection_through_every_string_parameter(any_site):
    """SQL, script and path payloads in every string query and path parameter of every GET route,
    as a role the route lets in: no 5xx, no reflected script, no file from outside, no table lost."""
    site = any_site
    sessions = Sessions(site)
    api = site.client(raise_server_exceptions=False)
    users_before, _ = _counts(site.url)
    tried = 0
    for route in routes(site.app):
        if "GET" not in route.methods or route.path.startswith(("/docs", "/redoc")):
            continue
        role = route.role()
        for payload in SQL + TRAVERSAL + [XSS]:
            targets = [(route.concrete(), {name: payload}) for name in route.str_query_params]
            targets += [(route.concrete({name: payload.replace("/", "%2F")}), {})
                        for name in route.path_params]
            for path, params in targets:
                if route.is_api:
                    headers = site.bearer(role.value) if role else {}
                    response = api.get(path, params=params, headers=headers, follow_redirects=False)
                else:
                    response = sessions(role.value if role else None).get(path, params=params,
                                                                          follow_redirects=False)
                tried += 1
                assert response.status_code < 500, (path, params, response.status_code, response.text[:300])
                body = response.text
                assert "root:x:0:0" not in body and "[fonts]" not in body, (path, params)
                at = max(body.find("<script>alert"), body.find("<img src=x"))
                assert at < 0, (path, params, body[max(0, at - 300):at + 80])
    assert tried > 300
    users_after, _ = _counts(site.url)
    assert users_after == users_before
    with transaction(engine_for(site.url)) as session:  # every table still there
        for name in ("persons", "users", "audit_log", "applications"):
            session.execute(select(func.count()).select_from(table(name))).scalar()


def test_static_files_do_not_leave_their_folder(site):
    client = site.client()
    for attempt in ("/static/../../../../etc/passwd", "/static/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
                    "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml", "/static/css/../../app.py"):
        response = client.get(attempt)
        assert response.status_code in (400, 404), (attempt, response.status_code)
        assert "root:x:0:0" not in response.text and "[project]" not in response.text


def test_stored_script_in_names_and_free_text_is_escaped_on_every_page(site):
    """A display name, a person's name, a round title and unit name, and audit findings carrying
    script, mixed with Korean: every page that shows them escapes them."""
    from ilja.accounts import service

    with transaction(engine_for(site.url)) as session:
        service.create_user(session, login="x-manager", password=site.password, role="program_manager",
                            display_name=XSS[:100])
    admin = site.bearer("program_manager")
    client = site.client(raise_server_exceptions=False)
    person = client.post("/api/v1/people", headers=admin, json={
        "name": XSS[:50], "birth_date": "1970-03-15", "sido": "서울특별시", "sigungu": "마포구",
        "phone": "010-1111-2222", "employment_status": "unemployed", "program": "companion_jobs"})
    person_id = person.json().get("id") if person.status_code == 201 else None
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    created = client.post("/api/v1/rounds", headers=admin, json={
        "program_code": "companion_jobs", "title": XSS, "announced_on": str((now - dt.timedelta(days=2)).date()),
        "opens_at": (now - dt.timedelta(days=1)).isoformat(), "closes_at": (now + dt.timedelta(days=5)).isoformat(),
        "starts_on": str((now + dt.timedelta(days=30)).date()),
        "units": [{"code": "care", "name": XSS, "seats": 3}]})
    assert created.status_code == 201, created.text
    round_id = created.json()["id"]
    client.post(f"/api/v1/rounds/{round_id}/open", headers=admin)
    manager = log_in(site.client(raise_server_exceptions=False), "x-manager", site.password)
    auditor = log_in(site.client(raise_server_exceptions=False), "r-auditor", site.password)
    month = clock.today().strftime("%Y-%m")
    auditor.post("/audit/report", data={"month": month, "findings": XSS,
                                        "csrf_token": csrf_of(auditor.get(f"/audit/report?month={month}").text)})
    values = {"round_id": str(round_id), "person_id": str(person_id or 1)}
    shown = 0
    for route in routes(site.app):
        if "GET" not in route.methods or route.is_api or route.path.startswith(("/docs", "/redoc", "/static")):
            continue
        for client_ in (manager, auditor):
            response = client_.get(route.concrete(values), follow_redirects=False)
            body = response.text
            assert "<script>alert" not in body and "<img src=x" not in body, route.path
            shown += "&lt;script&gt;alert" in body
    assert shown >= 5, shown


def test_personal_data_never_in_logs_or_error_pages(site, caplog):
    """Provoke refusals and errors with an RRN in every kind of input; the number shows up in no
    response body and no log record (Ilja's own or the frameworks')."""
    caplog.set_level(logging.DEBUG)
    client = site.client(raise_server_exceptions=False)
    admin = site.bearer("program_manager")
    bodies = [
        client.post("/api/v1/people", headers=admin, json={"name": RRN, "birth_date": RRN, "rrn": RRN + "0"}),
        client.post("/api/v1/people", headers=admin, json={"name": "홍길동", "rrn": "900101-1234567",
                                                           "birth_date": "1990-01-01"}),
        client.post("/api/v1/people", headers=admin, content=f'{{"name": "{RRN}", ',
                    ),
        client.post("/api/v1/people", headers={**admin, "Content-Type": "application/json"},
                    content=f'{{"name": "홍", "rrn": {RRN}}}'),
        client.get("/api/v1/people", headers=admin, params={"q": RRN * 10}),
        client.post("/self-check", data={"birth_date": RRN, "rrn": RRN}),
        client.post("/api/v1/eligibility", json={"birth_date": RRN, "rrn": RRN}),
        client.post("/api/v1/auth/token", data={"username": RRN, "password": RRN}),
        log_in(site.client(raise_server_exceptions=False), "r-program_manager", site.password)
        .get(f"/people/{RRN}"),
        client.get(f"/api/v1/people/{RRN}", headers=admin),
    ]
    for response in bodies:
        # A form shown again keeps what its user typed in its fields; nowhere else.
        text = re.sub(r'value="[^"]*"', "", response.text)
        assert RRN not in text and RRN.replace("-", "") not in text, (response.request.url, text[:300])
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]  # test client
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''}" for r in server_side)
    assert RRN not in logged and RRN.replace("-", "") not in logged
