"""Browsers never get the API's JSON: every error on a page's address (404, 405, 422, 403, 500)
is a page in the visitor's language with the same status, saying what went wrong and how to go
on, naming fields by their labels and echoing nothing typed; the API keeps its JSON bodies."""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from ilja.accounts.deps import authenticated, requires
from ilja.accounts.roles import Permission, Role, has_permission
from ilja.ops.routes import routes
from ilja.ops.site import Site, open_site
from tests.reliability.conftest import csrf_of, log_in
from tests.web.html_check import check_page

RRN = "900101-1234568"
HANGUL = re.compile(r"[가-힣]")
MISSING_ID = "999999999"


@pytest.fixture(scope="module")
def site(tmp_path_factory, migrated_sqlite) -> Iterator[Site]:
    """One site for the module: these tests read, and each answer is an error (nothing saved)."""
    folder = tmp_path_factory.mktemp("error_pages")
    shutil.copyfile(migrated_sqlite, folder / "ilja.db")
    with open_site(f"sqlite:///{folder / 'ilja.db'}", folder, migrate=False) as opened:
        yield opened


@pytest.fixture(scope="module")
def session_of(site: Site) -> Callable[[Role], TestClient]:
    """A browser logged in through the form, one per role, made on first use."""
    clients: dict[Role, TestClient] = {}

    def get(role: Role) -> TestClient:
        if role not in clients:
            clients[role] = log_in(site.client(raise_server_exceptions=False), f"r-{role.value}",
                                   site.password)
        return clients[role]

    return get


def _main(html: str) -> str:
    """The page's own text (no header or footer), tags removed."""
    main = re.search(r"<main\b.*?</main>", html, re.S)
    assert main, html[:300]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main.group(0)))


def assert_error_page(response, status: int, heading: str, *, hidden: tuple[str, ...] = ()) -> str:
    """An HTML page with ``status``, the ``heading`` as its h1 and a way home; none of the
    API's JSON, the validation codes, or the ``hidden`` words in its text. Its text, returned."""
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    page = check_page(response.text)
    assert page.h1 == [heading]
    assert 'href="/"' in response.text
    assert '{"detail"' not in response.text and "Traceback" not in response.text
    text = _main(response.text)
    for word in ("loc", "missing", "int_parsing", "Field required", RRN, *hidden):
        assert word not in text, (word, text)
    return text


def test_an_unknown_address_is_a_page_and_the_api_stays_json(site):
    client = site.client()
    text = assert_error_page(client.get("/no/such/page"), 404, "페이지를 찾을 수 없습니다")
    assert HANGUL.search(text)
    english = client.get("/no/such/page?lang=en")
    assert_error_page(english, 404, "Page not found")
    assert english.headers["content-language"] == "en"
    assert client.get("/api/v1/no/such").json() == {"detail": "Not Found"}


def test_a_bad_query_parameter_names_the_field_by_its_label(site, session_of):
    manager = session_of(Role.PROGRAM_MANAGER)
    for path in ("/publicjobs/payroll?year=abc", "/outcomes?year=abc"):
        text = assert_error_page(manager.get(path), 422, "입력한 내용을 확인해 주십시오",
                                 hidden=("year", "abc"))
        assert "연도: 형식이 맞지 않습니다" in text
    # A month or a day the view reads itself: its own page, never JSON or a 500.
    auditor = session_of(Role.AUDITOR)
    for client, path in ((auditor, "/audit/report?month=2025-13"),
                         (auditor, "/audit?since=2025-02-30"),
                         (manager, f"/training/cohorts/{MISSING_ID}/attendance?day=2025-13-01")):
        response = client.get(path, follow_redirects=False)
        assert response.status_code < 500 and "json" not in response.headers["content-type"], path
    api = site.client().get("/api/v1/people?limit=abc", headers=site.bearer("program_manager"))
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["query", "limit"]


def test_a_form_without_a_required_field_says_which_and_links_back(site, session_of):
    coordinator = session_of(Role.JOB_COORDINATOR)
    token = csrf_of(coordinator.get("/matching").text)
    response = coordinator.post("/matching/days", data={"csrf_token": token, "title": RRN},
                                headers={"Referer": "http://testserver/matching"})
    text = assert_error_page(response, 422, "입력한 내용을 확인해 주십시오", hidden=("held_on",))
    assert "날짜: 입력하지 않았습니다" in text
    assert 'href="/matching"' in response.text
    assert RRN not in response.text
    bad_number = coordinator.post("/matching/days", data={
        "csrf_token": token, "title": "면접", "held_on": "2026-03-02", "slot_count": "여덟"})
    assert "면접 칸 수: 형식이 맞지 않습니다" in assert_error_page(
        bad_number, 422, "입력한 내용을 확인해 주십시오", hidden=("slot_count", "여덟"))
    # A view's own refusal carries an English message: the page says it in the page's words.
    # (A candidate outside the coordinator's caseload is not found first: scope before checks.)
    refused = coordinator.post(f"/matching/candidates/{MISSING_ID}/sessions", data={
        "csrf_token": token, "kind": "chat", "held_on": "2026-03-02"})
    assert refused.status_code == 404 and "<title>" in refused.text
    assert "kind is one of" not in refused.text and "not found" not in refused.text.lower()
    api = site.client().post("/api/v1/eligibility", json={"on": "x", "person": 3})
    assert api.status_code == 422 and "loc" in api.json()["detail"][0]


def test_an_address_in_the_path_is_not_echoed(site, session_of):
    response = session_of(Role.PROGRAM_MANAGER).get(f"/people/{RRN}")
    text = assert_error_page(response, 422, "입력한 내용을 확인해 주십시오", hidden=("person_id",))
    assert "주소(URL)의 번호나 이름: 형식이 맞지 않습니다" in text
    assert RRN not in response.text
    too_large = session_of(Role.PROGRAM_MANAGER).get(f"/people/{10**30}")
    assert "None" not in assert_error_page(too_large, 404, "페이지를 찾을 수 없습니다")


def test_a_wrong_method_is_405_with_its_allow_header(site):
    client = site.client()
    response = client.delete("/plan")
    assert_error_page(response, 405, "이 방법으로는 열 수 없는 주소입니다")
    assert response.headers["allow"] == "GET"
    api = client.delete("/api/v1/health")
    assert api.status_code == 405 and api.json() == {"detail": "Method Not Allowed"}


def test_the_english_page_uses_english_labels(site, session_of):
    coordinator = session_of(Role.JOB_COORDINATOR)
    token = csrf_of(coordinator.get("/matching").text)
    coordinator.cookies.set("ilja_lang", "en")
    try:
        response = coordinator.post("/matching/days", data={"csrf_token": token, "title": "x"})
    finally:
        coordinator.cookies.delete("ilja_lang")
    text = assert_error_page(response, 422, "Please check what you entered", hidden=("held_on",))
    assert "Date: not filled in" in text and not HANGUL.search(text)


def test_refusals_of_access_are_pages(site, session_of):
    citizen = session_of(Role.CITIZEN)
    assert_error_page(citizen.get("/matching"), 403, "권한이 없습니다")
    anonymous = site.client().get("/matching", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login?next=")


def test_an_unexpected_error_is_a_page_with_a_reference_and_nothing_else(site, caplog):
    from ilja.web.app import create_app

    app = create_app()

    @app.get("/boom")
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError(f"failed for {RRN}")

    client = TestClient(app, raise_server_exceptions=False)
    caplog.set_level(logging.ERROR, logger="ilja.web.errors")
    response = client.get("/boom")
    text = assert_error_page(response, 500, "처리 중 문제가 생겼습니다", hidden=("RuntimeError",))
    reference = re.search(r"오류 참조 번호: ([0-9a-f]{8})", text).group(1)
    assert response.headers["x-error-reference"] == reference
    assert response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert RRN not in response.text
    assert any(reference in record.getMessage() and "/boom" in record.getMessage()
               for record in caplog.records)
    api = client.get("/api/v1/boom")
    assert (api.status_code, api.text) == (500, "Internal Server Error")


def _most_privileged(access: object) -> Role:
    """Of the roles the route lets in, the one holding the most permissions."""
    allowed = [role for role in Role
               if not isinstance(access, requires) or has_permission(role, access.permission)]
    if isinstance(access, authenticated | requires):
        assert allowed, access
    return max(allowed, key=lambda role: sum(has_permission(role, p) for p in Permission))


def test_every_page_with_an_id_answers_a_missing_one_with_a_page(site, session_of):
    checked = []
    for route in routes(site.app):
        if "GET" not in route.methods or route.is_api or not route.path_params:
            continue
        path = route.concrete(default=MISSING_ID)
        response = session_of(_most_privileged(route.access)).get(path, follow_redirects=False)
        assert response.status_code < 500, (path, response.status_code, response.text[:300])
        kind = response.headers.get("content-type", "")
        assert "application/json" not in kind, (path, response.text[:300])
        checked.append(path)
    assert len(checked) > 30, checked
