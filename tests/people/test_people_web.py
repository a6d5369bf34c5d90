"""The people API and pages on SQLite and PostgreSQL: masked everywhere except the audited RRN
reveal, every route guarded, and a citizen only ever sees their own record."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service
from ilja.accounts.models import AuditRecord, User
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.people import registry
from tests.people.conftest import MANAGER, record, valid_rrn
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"
RRN = valid_rrn()
OTHER_RRN = valid_rrn("850505", "2", "12345")


@dataclass
class Site:
    client: TestClient
    url: str
    tokens: dict[str, str]
    me: int
    other: int

    def api(self, role: str, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.tokens[role]}"}
        return self.client.request(method, f"/api/v1{path}", headers=headers, **kwargs)

    def audit(self, action: str) -> list[AuditRecord]:
        with transaction(engine_for(self.url)) as session:
            return list(session.execute(select(AuditRecord).where(AuditRecord.action == action)
                                        .order_by(AuditRecord.sequence)).scalars())


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    from ilja.accounts.audit import SYSTEM_ACTOR
    from ilja.config import get_settings
    from ilja.matching.service import CandidateInput, register_candidate
    from ilja.people.keys import get_keyring, reset_keyring
    from ilja.web.app import create_app

    for variable in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_ENVIRONMENT", "test")
    get_settings.cache_clear()
    reset_keyring()
    keyring = get_keyring()  # generated in the test's data directory
    assert (tmp_path / "data-keys.json").exists()
    tokens = {}
    with transaction(engine_for(database_url)) as session:
        me = registry.register_person(session, record(rrn=RRN), actor=MANAGER,
                                      program="companion_jobs", keyring=keyring).person.id
        other = registry.register_person(
            session, record(name="김영희", rrn=OTHER_RRN, birth_date=None, phone="010-2222-3333"),
            actor=MANAGER, program="companion_jobs", keyring=keyring).person.id
        for role in Role:
            user = service.create_user(session, login=role.value, password=PASSWORD, role=role,
                                       display_name=role.label_ko,
                                       person_id=me if role is Role.CITIZEN else None,
                                       site_code="campus.mapo" if role is Role.OPERATOR else None)
            tokens[role.value] = service.issue_token(session, user, "test")[1]
            if role is Role.JOB_COORDINATOR:  # "me" is in the coordinator's caseload
                register_candidate(session, CandidateInput(me, coordinator_user_id=user.id),
                                   actor=SYSTEM_ACTOR)
    with TestClient(create_app()) as client:
        yield Site(client, database_url, tokens, me, other)
    reset_keyring()
    get_settings.cache_clear()


def test_search_and_read_are_masked_and_audited(site):
    response = site.api("auditor", "GET", "/people", params={"q": "길동"})
    assert response.status_code == 200
    [person] = response.json()["people"]
    assert (person["name"], person["rrn"], person["phone"], person["address_detail"]) == (
        "홍*동", "900101-1******", "010-****-5678", None)
    coordinator = site.api("job_coordinator", "GET", f"/people/{site.me}").json()
    assert (coordinator["name"], coordinator["rrn"], coordinator["phone"]) == (
        "홍길동", "900101-1******", "010-1234-5678")
    body = site.api("program_manager", "GET", f"/people/{site.me}").text
    assert RRN not in body and RRN.replace("-", "") not in body
    assert [e.subject_person_id for e in site.audit("person.read")] == [str(site.me)] * 2
    assert site.audit("person.search")[0].details["person_ids"] == [site.me]


def test_rrn_reveal_is_for_the_manager_with_a_reason_and_audited(site):
    path = f"/people/{site.me}/rrn"
    for role in ("job_coordinator", "operator", "auditor", "admin", "citizen"):
        assert site.api(role, "POST", path, json={"reason": "급여 신고"}).status_code == 403
    assert site.api("program_manager", "POST", path, json={"reason": ""}).status_code == 422
    response = site.api("program_manager", "POST", path, json={"reason": "4대보험 취득 신고"})
    assert response.status_code == 200 and response.json()["rrn"] == RRN
    assert response.headers["cache-control"] == "no-store"
    [entry] = site.audit("person.read_rrn")
    assert (entry.subject_person_id, entry.reason, entry.actor_role) == (
        str(site.me), "4대보험 취득 신고", "program_manager")


def test_a_citizen_sees_only_their_own_record(site):
    own = site.api("citizen", "GET", "/me/profile")
    assert own.status_code == 200
    assert own.json()["id"] == site.me and own.json()["rrn"] == "900101-1******"
    assert own.json()["name"] == "홍길동"
    for path in (f"/people/{site.other}", f"/people/{site.me}", "/people?q=김",
                 "/people/duplicates"):
        assert site.api("citizen", "GET", path).status_code == 403, path
    assert site.api("citizen", "POST", f"/people/{site.other}/rrn",
                    json={"reason": "궁금해서요"}).status_code == 403
    assert site.api("citizen", "GET", "/me/profile?person_id=2").json()["id"] == site.me
    assert site.api("program_manager", "GET", "/me/profile").status_code == 403
    with transaction(engine_for(site.url)) as session:
        citizen = session.execute(select(User).where(User.login == "citizen")).scalar_one()
        citizen.person_id = None
    assert site.api("citizen", "GET", "/me/profile").status_code == 404


def test_people_routes_refuse_anonymous_callers(site):
    for method, path in (("GET", "/people"), ("GET", f"/people/{site.me}"),
                         ("POST", f"/people/{site.me}/rrn"), ("GET", "/people/duplicates"),
                         ("POST", "/people/duplicates/1"), ("POST", "/people/export"),
                         ("POST", "/people"), ("GET", "/me/profile")):
        assert site.client.request(method, f"/api/v1{path}").status_code == 401, path


def test_every_people_route_declares_its_permission():
    from fastapi.routing import APIRoute, iter_route_contexts

    from ilja.accounts.deps import requires
    from ilja.web.app import create_app

    def declared(dependant):
        for sub in dependant.dependencies:
            if isinstance(sub.call, requires):
                yield sub.call
            yield from declared(sub)

    routes = [c for c in iter_route_contexts(create_app().routes)
              if isinstance(c.original_route, APIRoute)
              and c.path.startswith(("/api/v1/people", "/api/v1/me/profile", "/people",
                                     "/me/profile"))]
    assert len(routes) >= 15
    for route in routes:
        assert list(declared(route.dependant)), route.path


def test_register_merge_and_export_through_the_api(site):
    created = site.api("program_manager", "POST", "/people", json={
        **record(name="홍길동", phone="010-1234-5678"), "program": "youth_academy",
        "rrn": RRN})
    assert created.status_code == 201
    body = created.json()
    assert body["created"] and body["rrn_refused"] and len(body["duplicate_flags"]) == 1
    flags = site.api("program_manager", "GET", "/people/duplicates").json()
    assert flags["total"] == 1
    assert site.api("auditor", "GET", "/people/duplicates").status_code == 403
    flag_id = flags["flags"][0]["id"]
    merged = site.api("program_manager", "POST", f"/people/duplicates/{flag_id}",
                      json={"decision": "merge"})
    assert merged.status_code == 200
    assert (merged.json()["person_a_id"], merged.json()["merged_person_id"]) == (
        site.me, body["id"])
    assert site.api("program_manager", "GET", f"/people/{body['id']}").status_code == 404
    again = site.api("program_manager", "POST", f"/people/duplicates/{flag_id}",
                     json={"decision": "dismiss"})
    assert again.status_code == 409
    assert site.api("program_manager", "POST", "/people/export",
                    json={"reason": "", "format": "csv"}).status_code == 422
    export = site.api("program_manager", "POST", "/people/export",
                      json={"reason": "동행일자리 참여자 명단 제출", "format": "csv"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert sorted(r["rrn_masked"] for r in rows) == ["850505-2******", "900101-1******"]
    assert RRN[7:] not in export.text and OTHER_RRN[7:] not in export.text
    [entry] = site.audit("person.export")
    assert entry.reason == "동행일자리 참여자 명단 제출"
    assert sorted(entry.details["person_ids"]) == sorted([site.me, site.other])
    xlsx = site.api("program_manager", "POST", "/people/export",
                    json={"reason": "엑셀로 제출", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert site.api("operator", "POST", "/people/export",
                    json={"reason": "엑셀로 제출"}).status_code == 403


# --- pages ----------------------------------------------------------------------------------


def log_in(site: Site, login: str) -> None:
    page = site.client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = site.client.post("/login", data={"login": login, "password": PASSWORD,
                                                "next": "", "csrf_token": token},
                                follow_redirects=False)
    assert response.status_code == 303


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_staff_pages_are_valid_masked_and_reveal_on_a_reasoned_request(site):
    log_in(site, "program_manager")
    search = site.client.get("/people", params={"q": "홍길동"})
    assert search.status_code == 200 and search.headers["cache-control"] == "no-store"
    page = check_page(search.text)
    assert "900101-1******" in search.text and RRN not in search.text
    assert page.title.startswith("대상자 조회")
    detail = site.client.get(f"/people/{site.me}")
    check_page(detail.text)
    assert "900101-1******" in detail.text and RRN not in detail.text
    assert f'action="/people/{site.me}/rrn"' in detail.text
    refused = site.client.post(f"/people/{site.me}/rrn", data={"reason": "",
                                                               "csrf_token": csrf(detail.text)})
    assert refused.status_code == 422 and "<title>오류:" in refused.text
    check_page(refused.text)
    assert site.client.post(f"/people/{site.me}/rrn",
                            data={"reason": "4대보험 신고"}).status_code == 403  # no CSRF token
    shown = site.client.post(f"/people/{site.me}/rrn", data={"reason": "4대보험 신고",
                                                             "csrf_token": csrf(detail.text)})
    assert shown.status_code == 200 and RRN in shown.text
    check_page(shown.text)
    assert [e.reason for e in site.audit("person.read_rrn")] == ["4대보험 신고"]
    duplicates = site.client.get("/people/duplicates")
    check_page(duplicates.text)
    english = site.client.get(f"/people/{site.me}?lang=en")
    assert check_page(english.text).lang == "en"


def test_roles_without_the_rrn_permission_get_no_reveal_form(site):
    log_in(site, "job_coordinator")
    detail = site.client.get(f"/people/{site.me}")
    assert detail.status_code == 200 and "/rrn" not in detail.text
    assert site.client.get("/people/duplicates").status_code == 403


def test_the_citizen_page_shows_their_own_record(site):
    log_in(site, "citizen")
    page = site.client.get("/me/profile")
    assert page.status_code == 200 and "홍길동" in page.text and "김영희" not in page.text
    assert "900101-1******" in page.text and RRN not in page.text
    check_page(page.text)
    assert site.client.get(f"/people/{site.other}").status_code == 403
