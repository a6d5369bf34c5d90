"""Every route's refusal goes one way: a domain raises an ``ilja.errors.IljaError`` and the two
global handlers of ``ilja.web.errors`` answer — the API with the documented Problem body, a page
with the shared error page in the page's language (issue 22, errors).

The scan fails on a second way in: an ``HTTPException`` made in a module, an exception handler
registered elsewhere, or an error body (``{"detail": …}``) built by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ilja.errors import IljaError, NotFound

SRC = Path(__file__).resolve().parents[1] / "src" / "ilja"
HANDLERS = "web/errors.py"
# Modules that answer before any route runs, each with the reason it may.
ANSWER_BEFORE_ROUTES = {
    "web/limits.py": "the rate limit's 429, a middleware (its body is the documented Problem)",
    "web/admission.py": "the admission gate's 503, a middleware",
    "web/security.py": "NUL characters and numbers out of range, refused before the domain runs",
    "web/openapi.py": "describes the bodies, sends none",
}
SECOND_WAYS = {
    "HTTPException": re.compile(r"\bHTTPException\b"),
    "an exception handler": re.compile(r"exception_handler\("),
    "a hand-made error body": re.compile(r"""\{\s*["']detail["']\s*:"""),
}


def _modules() -> list[tuple[str, str]]:
    return [(path.relative_to(SRC).as_posix(), path.read_text(encoding="utf-8"))
            for path in sorted(SRC.rglob("*.py"))]


def test_no_route_turns_an_error_into_an_answer_itself():
    found = []
    for name, text in _modules():
        if name == HANDLERS or name in ANSWER_BEFORE_ROUTES:
            continue
        for what, pattern in SECOND_WAYS.items():
            for number, line in enumerate(text.splitlines(), 1):
                if pattern.search(line) and not line.lstrip().startswith(("#", '"', "'", "(")):
                    found.append(f"{name}:{number}: {what}: {line.strip()}")
    assert not found, "errors that bypass ilja.web.errors:\n" + "\n".join(found)


def test_the_scan_sees_a_second_way():
    """The scan is not vacuous: each pattern matches what it is meant to refuse."""
    samples = {"HTTPException": "raise HTTPException(404)",
               "an exception handler": "app.add_exception_handler(KeyError, handler)",
               "a hand-made error body": 'return JSONResponse({"detail": "no"}, status_code=409)'}
    assert all(SECOND_WAYS[what].search(line) for what, line in samples.items())


class Refused(IljaError):
    code = "test_refused"
    status_code = 409


@pytest.fixture(scope="module")
def client():
    from ilja.web.app import create_app

    app = create_app()

    def refuse():
        raise Refused("이미 처리된 요청입니다.", "This request was already handled.",
                      loc=("body", "request"))

    app.add_api_route("/api/v1/test-refusal", refuse)
    app.add_api_route("/test-refusal", refuse)
    with TestClient(app) as test_client:
        yield test_client


def test_an_api_route_answers_the_documented_problem(client):
    response = client.get("/api/v1/test-refusal")
    assert response.status_code == 409 and response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": {
        "code": "test_refused", "msg": "This request was already handled.",
        "msg_ko": "이미 처리된 요청입니다.", "loc": ["body", "request"]}}
    from ilja.web.openapi import SCHEMAS

    assert set(response.json()["detail"]) <= set(SCHEMAS["Problem"]["properties"])


@pytest.mark.parametrize(("lang", "message", "other"), [
    ("ko", "이미 처리된 요청입니다.", "This request was already handled."),
    ("en", "This request was already handled.", "이미 처리된 요청입니다."),
])
def test_a_page_route_answers_a_page_in_its_language(client, lang, message, other):
    response = client.get(f"/test-refusal?lang={lang}")
    assert response.status_code == 409
    assert response.headers["content-type"].startswith("text/html")
    assert message in response.text and other not in response.text
    assert "test_refused" not in response.text  # no machine code on a page


def test_a_domain_refusal_of_a_real_route(client):
    """The programs API's unknown program: a domain NotFound, not a hand-made 404."""
    response = client.get("/api/v1/programs/no_such_program")
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail["code"] == "program_unknown" and detail["msg_ko"] and detail["msg"]


def test_permission_denied_is_the_one_403():
    from ilja.accounts import deps
    from ilja.accounts.roles import Permission, PermissionDenied

    assert not hasattr(deps, "Forbidden")
    refusal = PermissionDenied(Permission.PEOPLE_READ)
    assert isinstance(refusal, IljaError) and refusal.status_code == 403
    assert refusal.detail()["code"] == "permission_denied"


def test_not_found_says_the_kind_in_korean():
    from ilja.errors import missing

    ko, en = missing("cohort", 7)
    assert ko == "기수 7을(를) 찾을 수 없습니다." and en == "cohort 7 not found."
    assert NotFound(ko, en).status_code == 404
