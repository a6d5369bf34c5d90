"""The pages on SQLite and PostgreSQL, in the browser's order: a citizen applies and sees their
eligibility reasons and history; a manager sets up a round, runs its selection and exports it;
an auditor verifies the lottery. Every page is valid HTML with labelled fields."""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from tests.accounts.test_web_sessions import browser
from tests.applications.factories import open_round, register
from tests.conftest import configured
from tests.web.html_check import check_page

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.applications.models import Application
from ilja.db import engine_for, transaction

PASSWORD = "Tr0ub4dor&3x"


@dataclass
class Site:
    url: str
    app: object
    round_id: int
    persons: dict[str, int]

    def browser(self, login: str | None = None) -> TestClient:
        return browser(self.app, login)


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def consents(html: str) -> dict[str, str]:
    """Every consent the apply form asks (개인정보 동의), given."""
    return dict(re.findall(r'name="(consent_[a-z_]+)" id="[^"]*" value="([^"]+)"', html))


def field(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database_url, keyring, tmp_path):
    from ilja.web.app import create_app

    with configured(database_url, tmp_path, keys=True):
        persons = {"kim": register(database_url, keyring), "lee": register(database_url, keyring)}
        with transaction(engine_for(database_url)) as session:
            for login, role, person in (("kim", Role.CITIZEN, persons["kim"]),
                                        ("lee", Role.CITIZEN, persons["lee"]),
                                        ("manager", Role.PROGRAM_MANAGER, None),
                                        ("operator", Role.OPERATOR, None),
                                        ("auditor", Role.AUDITOR, None)):
                accounts.create_user(session, login=login, password=PASSWORD, role=role,
                                     display_name=login, person_id=person,
                                     site_code="campus.mapo" if role is Role.OPERATOR else None)
        yield Site(database_url, create_app(), open_round(database_url), persons)


def test_a_citizen_applies_and_sees_the_reasons_and_the_history(site):
    anonymous = site.browser()
    listing = anonymous.get("/rounds")
    check_page(listing.text)
    assert f'href="/rounds/{site.round_id}"' in listing.text
    notice = anonymous.get(f"/rounds/{site.round_id}")
    check_page(notice.text)
    assert "/login?next=" in notice.text
    kim = site.browser("kim")
    form = kim.get(f"/rounds/{site.round_id}")
    check_page(form.text)
    data = {"csrf_token": csrf(form.text), "idempotency_key": field(form.text, "idempotency_key"),
            "preference": "care", **consents(form.text)}
    assert kim.post(f"/rounds/{site.round_id}/apply",
                    data={**data, "csrf_token": "forged"}).status_code == 403
    applied = kim.post(f"/rounds/{site.round_id}/apply", data=data, follow_redirects=False)
    assert applied.status_code == 303
    again = kim.post(f"/rounds/{site.round_id}/apply", data=data, follow_redirects=False)
    assert again.headers["location"] == applied.headers["location"]  # a resent form: one row
    mine = kim.get(applied.headers["location"])
    page = check_page(mine.text)
    assert mine.headers["cache-control"] == "no-store"
    assert "신청이 접수되었습니다" in page.text
    assert "실업급여 미수급" in page.text and "자격 판정 결과와 이유" in page.text
    assert "누리집에서 신청" in page.text and "신청 시점 자격 판정" in page.text
    listing = kim.get("/my/applications")
    check_page(listing.text)
    with transaction(engine_for(site.url)) as session:
        assert len(session.execute(select(Application.id)).all()) == 1


def test_a_second_application_is_refused_on_the_page(site):
    kim = site.browser("kim")
    form = kim.get(f"/rounds/{site.round_id}")
    kim.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form.text), "idempotency_key": "first", "preference": "care",
        **consents(form.text)})
    refused = kim.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form.text), "idempotency_key": "second", "preference": "safety",
        **consents(form.text)})
    assert refused.status_code == 409
    page = check_page(refused.text)
    assert page.title.startswith("오류:") and "이미 이 모집 공고에 신청하셨습니다" in page.text
    no_choice = site.browser("lee")
    form = no_choice.get(f"/rounds/{site.round_id}")
    empty = no_choice.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form.text), "idempotency_key": "k"})
    assert empty.status_code == 422
    check_page(empty.text)


def test_a_citizen_cannot_open_someone_elses_application(site):
    kim = site.browser("kim")
    form = kim.get(f"/rounds/{site.round_id}")
    location = kim.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form.text), "idempotency_key": "k", "preference": "care", **consents(form.text)},
        follow_redirects=False).headers["location"].split("?")[0]
    lee = site.browser("lee")
    assert lee.get(location).status_code == 404
    assert lee.get("/manage/rounds").status_code == 403
    assert lee.get(f"/manage/rounds/{site.round_id}/applicants").status_code == 403


def test_a_manager_sets_up_a_round_runs_the_selection_and_exports_it(site):
    manager = site.browser("manager")
    new = manager.get("/manage/rounds/new")
    check_page(new.text)
    today = clock.today()
    form = {"csrf_token": csrf(new.text), "program_code": "companion_jobs",
            "title": "2025 하반기 동행일자리 (마포구)", "announced_on": today.isoformat(),
            "opens_at": f"{today.isoformat()}T00:00",
            "closes_at": f"{(today + dt.timedelta(days=7)).isoformat()}T18:00",
            "starts_on": (today + dt.timedelta(days=30)).isoformat(), "max_preferences": "1",
            "units": "care, 돌봄 분야, , \np1, 어린이집 안전, 2, care\np2, 경로당 돌봄, 1, care"}
    bad = manager.post("/manage/rounds", data={**form, "announced_on": "어제"})
    assert bad.status_code == 422 and check_page(bad.text).title.startswith("오류:")
    created = manager.post("/manage/rounds", data=form, follow_redirects=False)
    assert created.status_code == 303
    round_page = manager.get(created.headers["location"])
    check_page(round_page.text)
    assert "어린이집 안전" in round_page.text
    opened = manager.post(created.headers["location"] + "/open",
                          data={"csrf_token": csrf(round_page.text)}, follow_redirects=False)
    assert opened.status_code == 303
    check_page(manager.get(created.headers["location"]).text)

    kim = site.browser("kim")
    form_page = kim.get(f"/rounds/{site.round_id}")
    kim.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form_page.text), "idempotency_key": "k", "preference": "care",
        **consents(form_page.text)})
    applicants = manager.get(f"/manage/rounds/{site.round_id}/applicants")
    check_page(applicants.text)
    assert "*" in applicants.text  # names masked
    selection = manager.get(f"/manage/rounds/{site.round_id}/selection")
    check_page(selection.text)
    ran = manager.post(f"/manage/rounds/{site.round_id}/selection/run",
                       data={"csrf_token": csrf(selection.text)}, follow_redirects=False)
    assert ran.status_code == 303
    results = manager.get(f"/manage/rounds/{site.round_id}/selection")
    page = check_page(results.text)
    assert "선발 결과" in page.text and "점수 순위" in page.text
    refused = manager.post(f"/manage/rounds/{site.round_id}/selection/export",
                           data={"csrf_token": csrf(results.text), "reason": ""})
    assert refused.status_code == 422
    check_page(refused.text)
    exported = manager.post(f"/manage/rounds/{site.round_id}/selection/export",
                            data={"csrf_token": csrf(results.text), "reason": "선발 안내 발송"})
    assert exported.status_code == 200
    assert load_workbook(io.BytesIO(exported.content), read_only=True).sheetnames[0] == "결과 Results"
    application = re.search(r'href="/manage/applications/(\d+)"', results.text).group(1)
    detail = manager.get(f"/manage/applications/{application}")
    check_page(detail.text)
    with transaction(engine_for(site.url)) as session:
        actions = list(session.execute(select(AuditRecord.action)).scalars())
        export = session.execute(select(AuditRecord).where(
            AuditRecord.action == "selection.export")).scalar_one()
    assert export.reason == "선발 안내 발송"
    assert {"application.read", "selection.read", "selection.run"} <= set(actions)


def test_an_auditor_verifies_the_lottery(site):
    kim = site.browser("kim")
    form_page = kim.get(f"/rounds/{site.round_id}")
    kim.post(f"/rounds/{site.round_id}/apply", data={
        "csrf_token": csrf(form_page.text), "idempotency_key": "k", "preference": "care",
        **consents(form_page.text)})
    manager = site.browser("manager")
    selection = manager.get(f"/manage/rounds/{site.round_id}/selection")
    manager.post(f"/manage/rounds/{site.round_id}/selection/run",
                 data={"csrf_token": csrf(selection.text)})
    auditor = site.browser("auditor")
    assert auditor.post(f"/manage/rounds/{site.round_id}/selection/run",
                        data={"csrf_token": "x"}).status_code == 403
    listing = auditor.get("/selection/rounds")
    check_page(listing.text)
    verified = auditor.get(f"/selection/rounds/{site.round_id}/verify")
    page = check_page(verified.text)
    assert "검증됨 ✔" in page.text
    english = auditor.get(f"/selection/rounds/{site.round_id}/verify?lang=en")
    assert "Verified ✔" in check_page(english.text).text


def test_pages_in_english(site):
    kim = site.browser("kim")
    for path in ("/rounds", f"/rounds/{site.round_id}", "/my/applications"):
        response = kim.get(path + "?lang=en")
        assert response.status_code == 200
        assert check_page(response.text).lang == "en"
