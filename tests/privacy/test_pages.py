"""The pages and the API on SQLite and PostgreSQL, as a citizen and staff use them: the apply form
asks each consent (and refuses an application without the required ones, naming them), 내 개인정보
lists the consents, downloads everything as JSON and PDF, withdraws a consent after saying what
follows, and files a correction that staff answer from their queue."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications.models import Application
from ilja.db import engine_for, transaction
from ilja.people.consent_models import Consent
from ilja.people.models import Person
from ilja.privacy.models import CorrectionRequest
from tests.applications.factories import open_round, register
from tests.applications.test_pages import PASSWORD, consents, csrf
from tests.web.html_check import check_page


@pytest.fixture
def site(database_url, keyring, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(tmp_path / "keys" / "data-keys.json"))
    get_settings.cache_clear()
    reset_keyring()
    kim = register(database_url, keyring, vulnerable_groups=["disabled", "long_term_unemployed"])
    lee = register(database_url, keyring)
    tokens = {}
    with transaction(engine_for(database_url)) as session:
        for login, role, person in (("kim", Role.CITIZEN, kim), ("lee", Role.CITIZEN, lee),
                                    ("manager", Role.PROGRAM_MANAGER, None)):
            user = accounts.create_user(session, login=login, password=PASSWORD, role=role, display_name=login,
                                        person_id=person)
            tokens[login] = {"Authorization": f"Bearer {accounts.issue_token(session, user, 'test')[1]}"}
    app = create_app()

    def browser(login: str) -> TestClient:
        client = TestClient(app)
        page = client.get("/login")
        assert client.post("/login", data={"login": login, "password": PASSWORD, "next": "",
                                           "csrf_token": csrf(page.text)}, follow_redirects=False).status_code == 303
        return client

    yield database_url, open_round(database_url), browser, tokens, {"kim": kim, "lee": lee}
    reset_keyring()
    get_settings.cache_clear()


def test_a_citizen_consents_downloads_withdraws_and_asks_for_a_correction(site):
    url, round_id, browser, _, people = site
    kim = browser("kim")
    form = kim.get(f"/rounds/{round_id}")
    check_page(form.text)
    asked = consents(form.text)
    assert set(asked) == {"consent_collection_use", "consent_sensitive", "consent_unique_id"}
    assert "동의를 거부할 권리" in form.text and "장애인 가점과 우선선발을 받을 수 없습니다" in form.text
    base = {"csrf_token": csrf(form.text), "idempotency_key": "k", "preference": "care"}
    refused = kim.post(f"/rounds/{round_id}/apply", data=base)
    assert refused.status_code == 422
    page = check_page(refused.text)
    assert page.title.startswith("오류:") and "필수 동의가 없습니다" in page.text
    assert 'href="#consent-collection_use"' in refused.text
    without_sensitive = {k: v for k, v in asked.items() if k != "consent_sensitive"}
    applied = kim.post(f"/rounds/{round_id}/apply", data={**base, **without_sensitive}, follow_redirects=False)
    assert applied.status_code == 303
    with transaction(engine_for(url)) as session:
        application = session.scalars(select(Application)).one()
        assert sorted(c.purpose for c in session.scalars(select(Consent))) == ["collection_use", "unique_id"]
        assert application.priority is False

    mine = kim.get("/my/privacy")
    page = check_page(mine.text)
    assert page.title.startswith("내 개인정보") and "개인정보 수집·이용 동의 (필수)" in page.text
    english = kim.get("/my/privacy?lang=en")
    check_page(english.text)
    assert "Consents I gave" in english.text
    kim.get("/my/privacy?lang=ko")
    data = kim.get("/my/privacy/download.json")
    assert data.headers["content-type"].startswith("application/json")
    assert data.json()["domains"]["people"]["persons"][0]["id"] == people["kim"]
    document = kim.get("/my/privacy/download.pdf")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(document.content)).pages)
    assert "내개인정보열람" in "".join(text.replace("\x00", "").split())
    assert kim.get("/api/v1/me/data").json()["person_id"] == people["kim"]

    consent_id = int(re.search(r'/my/privacy/consents/(\d+)/withdraw', mine.text).group(1))
    assert browser("lee").get(f"/my/privacy/consents/{consent_id}/withdraw").status_code == 404
    confirm = kim.get(f"/my/privacy/consents/{consent_id}/withdraw")
    check_page(confirm.text)
    with transaction(engine_for(url)) as session:
        purpose = session.get_one(Consent, consent_id).purpose
    expected = "신청은 취소(포기) 처리됩니다" if purpose != "sensitive" else "다시 계산합니다"
    assert expected in confirm.text
    done = kim.post(f"/my/privacy/consents/{consent_id}/withdraw", data={"csrf_token": csrf(confirm.text)},
                    follow_redirects=False)
    assert done.status_code == 303
    with transaction(engine_for(url)) as session:
        assert session.scalars(select(Application.status)).one() == "withdrawn"
        assert session.scalars(select(AuditRecord.action).where(
            AuditRecord.action == "person.download_own")).all() == ["person.download_own"] * 3

    new = kim.get("/my/privacy/corrections/new")
    check_page(new.text)
    empty = kim.post("/my/privacy/corrections/new", data={"csrf_token": csrf(new.text), "item": "phone"})
    assert empty.status_code == 422 and check_page(empty.text).title.startswith("오류:")
    filed = kim.post("/my/privacy/corrections/new", data={
        "csrf_token": csrf(new.text), "item": "phone", "wrong": "예전 번호입니다", "asked": "010-2222-3333"})
    assert filed.status_code == 200 and "처리 결과를 알려 드립니다" in check_page(filed.text).text

    manager = browser("manager")
    queue = manager.get("/privacy/corrections")
    check_page(queue.text)
    request_id = int(re.search(r'/privacy/corrections/(\d+)"', queue.text).group(1))
    detail = manager.get(f"/privacy/corrections/{request_id}")
    check_page(detail.text)
    undecided = manager.post(f"/privacy/corrections/{request_id}", data={"csrf_token": csrf(detail.text)})
    assert undecided.status_code == 422 and "정정할지 결정해 주세요" in undecided.text
    answered = manager.post(f"/privacy/corrections/{request_id}", data={
        "csrf_token": csrf(detail.text), "decision": "accept", "value": "010-2222-3333",
        "text": "전화번호를 고쳤습니다."})
    assert answered.status_code == 200 and "답변을 보냈습니다" in answered.text
    with transaction(engine_for(url)) as session:
        assert session.get_one(Person, people["kim"]).phone == "01022223333"
        assert session.get_one(CorrectionRequest, request_id).status == "accepted"
    assert "전화번호를 고쳤습니다." in kim.get(f"/my/privacy/corrections/{request_id}").text
    assert browser("lee").get(f"/my/privacy/corrections/{request_id}").status_code == 404


def test_the_api_needs_the_consent_from_a_citizen_and_publishes_the_texts(site):
    url, round_id, browser, tokens, _ = site
    kim = browser("kim")
    texts = kim.get("/api/v1/privacy/consent-texts", params={"program": "companion_jobs"}).json()
    assert [t["purpose"] for t in texts] == ["collection_use", "sensitive", "unique_id"]
    kim.cookies.clear()
    headers = {"Idempotency-Key": "a-1", **tokens["kim"]}
    missing = kim.post(f"/api/v1/rounds/{round_id}/applications", json={"preferences": ["care"]}, headers=headers)
    assert missing.status_code == 422 and missing.json()["detail"]["code"] == "consent_required"
    given = {t["purpose"]: t["version"] for t in texts}
    applied = kim.post(f"/api/v1/rounds/{round_id}/applications", json={"preferences": ["care"], "consent": given},
                       headers=headers)
    assert applied.status_code == 201, applied.text
    with transaction(engine_for(url)) as session:
        assert {c.given_via for c in session.scalars(select(Consent))} == {"api"}


def test_a_withdrawal_the_application_cannot_follow_is_refused_and_changes_nothing(site):
    from sqlalchemy import update

    from ilja.people.consent_models import ConsentVia
    from ilja.people.consents import record
    from tests.applications.factories import CITIZEN, apply

    url, round_id, browser, _, people = site
    application_id, _ = apply(url, round_id, people["kim"])
    with transaction(engine_for(url)) as session:  # selected, but the draw's run is missing
        session.execute(update(Application).where(Application.id == application_id).values(status="selected"))
        consent_id = record(session, person_id=people["kim"], application_id=application_id,
                           given={"collection_use": "2025-01-01"}, via=ConsentVia.WEB, actor=CITIZEN)[0]
    kim = browser("kim")
    confirm = kim.get(f"/my/privacy/consents/{consent_id}/withdraw")
    refused = kim.post(f"/my/privacy/consents/{consent_id}/withdraw", data={"csrf_token": csrf(confirm.text)})
    assert refused.status_code == 409
    assert check_page(refused.text).title.startswith("오류:")
    with transaction(engine_for(url)) as session:
        assert session.get_one(Consent, consent_id).withdrawn_at is None
        assert session.get_one(Application, application_id).status == "selected"
