"""Security headers and cookie flags (OWASP Secure Headers; KISA 웹 취약점 점검 항목)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient

from ilja.web.security import CSP, SecurityHeaders, came_over_tls, harden_cookie
from tests.reliability.conftest import log_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "ilja" / "web" / "templates"


def test_pages_and_api_carry_the_headers(site):
    client = site.client()
    for path in ("/", "/login", "/api/v1/health", "/api/v1/openapi.json", "/no-such-page"):
        response = client.get(path)
        headers = response.headers
        assert headers["content-security-policy"] == CSP, path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert headers["cache-control"] == "no-store"
        assert "strict-transport-security" not in headers  # plain HTTP: no HSTS
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP


def test_hsts_only_over_tls_or_from_a_trusted_proxy():
    inner = FastAPI()

    @inner.get("/")
    def index() -> Response:
        response = PlainTextResponse("ok")
        response.set_cookie("c", "v")
        return response

    app = SecurityHeaders(inner, trusted_proxies={"10.0.0.1"})
    over_tls = TestClient(app, base_url="https://ilja.test").get("/")
    assert over_tls.headers["strict-transport-security"].startswith("max-age=31536000")
    assert "Secure" in over_tls.headers["set-cookie"]
    spoofed = TestClient(app).get("/", headers={"X-Forwarded-Proto": "https"})  # client "testclient"
    assert "strict-transport-security" not in spoofed.headers
    assert "Secure" not in spoofed.headers["set-cookie"]
    assert came_over_tls({"scheme": "http", "client": ("10.0.0.1", 1),
                          "headers": [(b"x-forwarded-proto", b"https")]}, {"10.0.0.1"})
    assert not came_over_tls({"scheme": "http", "client": ("10.0.0.2", 1),
                              "headers": [(b"x-forwarded-proto", b"https")]}, {"10.0.0.1"})


def test_cookie_flags_are_added_never_removed():
    assert harden_cookie("a=b", tls=True) == "a=b; HttpOnly; SameSite=Lax; Secure"
    assert harden_cookie("a=b; HttpOnly; SameSite=strict; Path=/", tls=False) == \
        "a=b; HttpOnly; SameSite=strict; Path=/"


def test_session_fixation_and_logout(site):
    """A session id planted before log-in is never adopted; log-out revokes the id server-side."""
    from tests.reliability.conftest import csrf_of

    client = site.client()
    client.cookies.set("ilja_session", "attacker-chosen-id", domain="testserver.local")
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"login": "r-program_manager", "password": site.password,
                                           "csrf_token": token, "next": ""}, follow_redirects=False)
    issued = re.search(r"ilja_session=([^;]+)", response.headers["set-cookie"]).group(1)
    assert issued != "attacker-chosen-id"
    planted = site.client()
    planted.cookies.set("ilja_session", "attacker-chosen-id")
    assert planted.get("/account", follow_redirects=False).status_code == 303
    session = site.client()
    session.cookies.set("ilja_session", issued)
    assert session.get("/account").status_code == 200
    again = log_in(site.client(), "r-program_manager", site.password).cookies.get("ilja_session")
    assert again != issued
    session.post("/logout", data={"csrf_token": csrf_of(session.get("/account").text)})
    replay = site.client()
    replay.cookies.set("ilja_session", issued)
    assert replay.get("/account", follow_redirects=False).status_code == 303


def test_set_cookie_headers_of_the_login_are_hardened(site):
    client = site.client()
    from tests.reliability.conftest import csrf_of
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"login": "r-auditor", "password": site.password,
                                           "csrf_token": token, "next": ""}, follow_redirects=False)
    cookie = response.headers["set-cookie"].lower()
    assert "ilja_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    secure = site.client(base_url="https://ilja.test")
    token = csrf_of(secure.get("/login").text)
    response = secure.post("/login", data={"login": "r-auditor", "password": site.password,
                                           "csrf_token": token, "next": ""}, follow_redirects=False)
    assert "secure" in response.headers["set-cookie"].lower()


def test_templates_have_no_inline_scripts_styles_or_handlers():
    """What the CSP would block: a template that needs it loosened fails here first."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\son[a-z]+\s*=", r"\sstyle\s*=",
                        r"javascript:"):
            if re.search(pattern, text, re.IGNORECASE):
                offenders.append(f"{path.relative_to(TEMPLATES)}: {pattern}")
    assert not offenders, offenders
