"""The verification pages on SQLite and PostgreSQL, as staff use them: the round's queue, a
walk-in's paper seen at the counter, a correction that takes eligibility away (a decision), a
records-check file refused with its row and column, then applied; Korean first, English too."""

from __future__ import annotations

import datetime as dt

import pytest
from bench.verification import world
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.applications.models import Application
from ilja.db import engine_for, transaction
from ilja.decisions.models import Decision
from ilja.verification.models import VerificationDocument
from tests.applications.test_pages import PASSWORD, csrf
from tests.verification.households import with_households
from tests.web.html_check import check_page


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.people.keys import get_keyring, reset_keyring
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(tmp_path / "keys" / "data-keys.json"))
    get_settings.cache_clear()
    reset_keyring()
    generate_key_file(tmp_path / "keys" / "data-keys.json")
    with transaction(engine_for(database_url)) as session:
        built = world.build(session, 12, get_keyring(), seats=3)
        accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                             display_name="manager")
    client = TestClient(create_app())
    page = client.get("/login")
    assert client.post("/login", data={"login": "manager", "password": PASSWORD, "next": "",
                                       "csrf_token": csrf(page.text)}, follow_redirects=False).status_code == 303
    yield database_url, built, client
    reset_keyring()
    get_settings.cache_clear()


def test_staff_verify_a_round_from_the_queue(site):
    url, built, client = site
    queue = client.get(f"/rounds/{built.round_id}/verification")
    assert queue.status_code == 200
    page = check_page(queue.text)
    assert "사실 확인 대기열" in page.title and "가구 소득" in queue.text and "household_income" not in page.text
    first = built.application_ids[0]
    detail = client.get(f"/verification/applications/{first}")
    check_page(detail.text)
    token = csrf(detail.text)
    seen = client.post(f"/verification/applications/{first}/papers", follow_redirects=False,
                       data={"csrf_token": token, "document": "job_seeker_registration", "note": "원본 확인"})
    assert seen.status_code == 303
    refused = client.post(f"/verification/applications/{first}/facts",
                          data={"csrf_token": token, "fact": "household_income_krw", "action": "correct",
                                "value": "많음", "reason": "소득 확인"})
    assert refused.status_code == 422
    assert check_page(refused.text).title.startswith("오류:") and "확인한 값" in refused.text
    corrected = client.post(f"/verification/applications/{first}/facts", follow_redirects=False,
                            data={"csrf_token": token, "fact": "household_income_krw", "action": "correct",
                                  "value": "9,000,000", "reason": "건강보험료 납부 확인"})
    assert corrected.status_code == 303
    after = client.get(f"/verification/applications/{first}?done=fact")
    assert "9,000,000원" in check_page(after.text).text and "담당자 정정" in after.text
    with transaction(engine_for(url)) as session:
        assert session.get_one(Application, first).status == "ineligible"
        assert session.scalars(select(Decision.kind)).all() == ["not_eligible"]
        assert session.scalars(select(VerificationDocument.via)).all() == ["counter"]
    bad = world.records_file(built, round_id=built.round_id + 1, rows=range(2))
    refused_file = client.post(f"/rounds/{built.round_id}/verification/records-check",
                               data={"csrf_token": token, "checked_on": "2025-06-02"},
                               files={"records_file": ("check.csv", bad, "text/csv")})
    assert refused_file.status_code == 422
    assert "공고번호" in check_page(refused_file.text).text and "다른 공고" in refused_file.text
    good = world.records_file(built, rows=range(1, 12))
    applied = client.post(f"/rounds/{built.round_id}/verification/records-check", follow_redirects=False,
                          data={"csrf_token": token, "checked_on": dt.date(2025, 6, 2).isoformat()},
                          files={"records_file": ("check.csv", good, "text/csv")})
    assert applied.status_code == 303
    assert "11건" in client.get(applied.headers["location"]).text
    english = client.get(f"/verification/applications/{first}?lang=en")
    assert "Verification of application" in check_page(english.text).title and "corrected by staff" in english.text


def test_the_applicant_sees_their_verified_facts_how_and_by_whom(site):
    url, built, client = site
    first = built.application_ids[0]
    with transaction(engine_for(url)) as session:
        person_id = session.get_one(Application, first).person_id
        accounts.create_user(session, login="citizen", password=PASSWORD, role=Role.CITIZEN,
                             display_name="citizen", person_id=person_id)
    token = csrf(client.get(f"/verification/applications/{first}").text)
    client.post(f"/verification/applications/{first}/papers", follow_redirects=False,
                data={"csrf_token": token, "document": "job_seeker_registration", "note": ""})
    with transaction(engine_for(url)) as session:
        paper = session.scalars(select(VerificationDocument.id)).one()
    client.post(f"/verification/applications/{first}/facts", follow_redirects=False,
                data={"csrf_token": token, "fact": "job_seeker_registered", "action": "accept",
                      "document_id": str(paper)})
    data = with_households(built, world.records_file(built))
    client.post(f"/rounds/{built.round_id}/verification/records-check", follow_redirects=False,
                data={"csrf_token": token, "checked_on": "2025-06-02"},
                files={"records_file": ("check.csv", data, "text/csv")})
    citizen = TestClient(client.app)
    login = citizen.get("/login")
    assert citizen.post("/login", data={"login": "citizen", "password": PASSWORD, "next": "",
                                        "csrf_token": csrf(login.text)},
                        follow_redirects=False).status_code == 303
    mine = citizen.get(f"/my/applications/{first}")
    assert mine.status_code == 200
    page = check_page(mine.text)
    for words in ("확인된 사실", "가구원 수", "2명", "사회보장정보시스템 조회 (2025-06-02 조회)",
                  "주민센터 창구에서 원본을 보고 확인: 구직등록확인증", "시 담당자", "세대 (같은 세대의 신청자)",
                  "확인됨"):
        assert words in page.text, words
    for code in ("records_check", "household_size", "job_seeker_registered", "h1:", "세대-0"):
        assert code not in page.text, code
    english = check_page(citizen.get(f"/my/applications/{first}?lang=en").text)
    assert "Verified facts" in english.text
    assert "Social-security information system check" in english.text
    assert "Original seen at the community service centre counter" in english.text
    other = built.application_ids[1]
    assert citizen.get(f"/my/applications/{other}").status_code == 404
