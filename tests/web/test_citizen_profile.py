"""A citizen's own details (issue 16): one name on every page (the registry's, not the account's),
contact details the owner edits, checked and audited without their values, nationality chosen
from countries by name, and a self-check result that says when a program recruits next.

In Chromium at 390 and 1280 px a citizen edits their e-mail and the pages pass axe; screenshots
go to var/screenshots/ (written as bytes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import PermissionDenied, Role
from ilja.accounts.scope import Kind, Scope
from ilja.applications import rounds
from ilja.db import engine_for, transaction
from ilja.people import registry
from ilja.people.records import RecordInvalid, RegistryError
from tests.applications.factories import MANAGER, register, round_input
from tests.conftest import served
from tests.web.html_check import check_page
from tests.web.test_citizen_pages import PERSON, fill_self_check

PASSWORD = "Tr0ub4dor&3x"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass
class Site:
    app: object
    url: str
    me: int
    name: str
    other: int

    def client(self, login: str | None = None, lang: str = "ko") -> TestClient:
        client = TestClient(self.app)
        client.cookies.set("ilja_lang", lang)
        if login:
            page = client.get("/login")
            response = client.post("/login", data={"login": login, "password": PASSWORD, "next": "",
                                                   "csrf_token": csrf(page.text)}, follow_redirects=False)
            assert response.status_code == 303, response.text
        return client

    def audit(self, action: str) -> list[AuditRecord]:
        with transaction(engine_for(self.url)) as session:
            return list(session.execute(select(AuditRecord).where(AuditRecord.action == action)
                                        .order_by(AuditRecord.sequence)).scalars())


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def later_round(url: str, program: str, days: int, *, opened: bool) -> int:
    """A round whose window starts ``days`` from now: opened (announced) or still a draft."""

    opens = clock.now() + dt.timedelta(days=days)
    data = round_input(program, title=f"{program} 다음 모집", announced=clock.today(),
                       starts=clock.today() + dt.timedelta(days=days + 30),
                       opens_at=opens, closes_at=opens + dt.timedelta(days=7))
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, data, actor=MANAGER)
        if opened:
            rounds.open_round(session, row.id, actor=MANAGER)
        return row.id


@pytest.fixture(scope="module")
def site(migrated_sqlite, tmp_path_factory) -> Iterator[Site]:
    """A citizen (kim, account named 시민 박시민) linked to a registered person, another person,
    a citizen account linked to no one (lee), a 기술교육원 round announced to open in 5 days and
    a 청년취업사관학교 round set up (draft) to open in 10."""
    import shutil

    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.config import get_settings
    from ilja.db import dispose_engines
    from ilja.people.keys import reset_keyring
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    root = tmp_path_factory.mktemp("profile")
    shutil.copyfile(migrated_sqlite, root / "ilja.db")
    url = f"sqlite:///{root / 'ilja.db'}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ILJA_DATABASE_URL", url)
        patch.setenv("ILJA_DATA_DIR", str(root))
        patch.setenv("ILJA_DATA_KEY_FILE", str(root / "keys" / "data-keys.json"))
        get_settings.cache_clear()
        reset_keyring()
        keyring = generate_key_file(root / "keys" / "data-keys.json")
        me = register(url, keyring, name="김민준", phone="010-1234-5678")
        other = register(url, keyring, name="이서연", phone="010-9876-5432")
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login="kim", password=PASSWORD, role=Role.CITIZEN,
                                 display_name="시민 박시민", person_id=me)
            accounts.create_user(session, login="lee", password=PASSWORD, role=Role.CITIZEN,
                                 display_name="이시민", person_id=None)
        later_round(url, "tech_institute", 5, opened=True)
        later_round(url, "youth_academy", 10, opened=False)
        try:
            yield Site(create_app(), url, me, "김민준", other)
        finally:
            reset_keyring()
            dispose_engines()
            get_settings.cache_clear()


def header(html: str) -> str:
    return re.search(r'<header id="krds-header".*?</header>', html, re.S)[0]


# --- one name ---------------------------------------------------------------------------------


def test_the_header_and_the_profile_name_the_linked_person(site):
    kim = site.client("kim")
    for path in ("/my", "/me/profile", "/account"):
        html = kim.get(path).text
        assert site.name in header(html) and "박시민" not in html, path
    assert "이시민" in header(site.client("lee").get("/my").text)  # linked to no one: the account's


# --- contact details --------------------------------------------------------------------------


def test_a_citizen_edits_their_contact_details(site):
    kim = site.client("kim")
    profile = kim.get("/me/profile")
    assert 'href="/me/profile/contact"' in profile.text
    form = kim.get("/me/profile/contact")
    check_page(form.text)
    assert 'value="010-1234-5678"' in form.text and form.headers["cache-control"] == "no-store"
    token = csrf(form.text)

    refused = kim.post("/me/profile/contact", data={
        "phone": "12-34", "email": "kim at example", "address_detail": "x" * 201, "csrf_token": token})
    assert refused.status_code == 422
    text = check_page(refused.text).text
    assert "연락처: 0으로 시작하는" in text and "이메일: name@example.com" in text
    assert "상세 주소: 200자 이내" in text and 'href="#phone"' in refused.text
    assert 'value="kim at example"' in refused.text  # what was typed stays in the form
    assert site.audit("person.update") == []

    saved = kim.post("/me/profile/contact", data={
        "phone": "+82 10-5555-6666", "email": "Kim@Example.COM",
        "address_detail": "월드컵북로 21, 101동 1203호", "csrf_token": token}, follow_redirects=False)
    assert (saved.status_code, saved.headers["location"]) == (303, "/me/profile?saved=1")
    shown = check_page(kim.get("/me/profile?saved=1").text).text
    assert "연락처를 저장했습니다" in shown and "010-5555-6666" in shown
    assert "Kim@example.com" in shown and "월드컵북로 21, 101동 1203호" in shown
    [entry] = site.audit("person.update")
    assert (entry.subject_person_id, entry.object_id) == (str(site.me), str(site.me))
    assert entry.actor_role == "citizen" and entry.details == {
        "via": "own_profile", "fields": ["address_detail", "email", "phone"]}
    assert "5555" not in str(entry.details) and "Example" not in str(entry.details)

    same = kim.post("/me/profile/contact", data={
        "phone": "010-5555-6666", "email": "Kim@example.com",
        "address_detail": "월드컵북로 21, 101동 1203호", "csrf_token": token}, follow_redirects=False)
    assert same.status_code == 303 and len(site.audit("person.update")) == 1  # nothing changed

    english = site.client("kim", lang="en")
    page = english.post("/me/profile/contact", data={"phone": "abc", "email": "", "address_detail": "",
                                                     "csrf_token": csrf(english.get("/me/profile").text)})
    assert page.status_code == 422 and "Phone: write a Korean number" in check_page(page.text).text


def test_the_contact_form_needs_its_token_and_a_linked_record(site):
    kim = site.client("kim")
    assert kim.post("/me/profile/contact", data={"phone": "010-1111-2222"}).status_code == 403
    lee = site.client("lee")
    page = lee.get("/me/profile/contact")
    assert page.status_code == 200 and "연결된 등록 정보가 없습니다" in page.text
    assert 'action="/me/profile/contact"' not in page.text
    anonymous = site.client().get("/me/profile/contact", follow_redirects=False)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["location"]


def test_the_service_changes_only_the_callers_own_record(site):
    citizen = audit.Actor("99", "citizen", "127.0.0.1")
    own = Scope(Role.CITIZEN, person_id=site.other)  # a citizen's scope is their own record
    with transaction(engine_for(site.url)) as session:
        with pytest.raises(RegistryError) as refused:
            registry.update_own_contact(session, site.me, actor=citizen, scope=own, phone="010-1111-2222",
                                        email=None, address_detail=None)
        assert refused.value.code == "person_unknown"
        with pytest.raises(PermissionDenied):
            registry.update_own_contact(session, site.me, actor=MANAGER, scope=own, phone=None,
                                        email=None, address_detail=None)
        with pytest.raises(RecordInvalid) as invalid:
            registry.update_own_contact(session, site.other, actor=citizen, scope=own,
                                        phone="0101", email="a@b", address_detail=None)
        assert [p.field for p in invalid.value.problems] == ["phone", "email"]
        assert "0101" not in str(invalid.value.problems)
        assert own.get(session, Kind.PERSON, site.other).phone == "01098765432"


# --- nationality by name ----------------------------------------------------------------------


def options(html: str, select_id: str) -> list[tuple[str, str]]:
    block = re.search(rf'<select id="{select_id}".*?</select>', html, re.S)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', block)


@pytest.mark.parametrize(("lang", "korea", "vietnam"), [("ko", "대한민국", "베트남"),
                                                         ("en", "South Korea", "Vietnam")])
def test_nationality_is_a_choice_of_countries_by_name(site, lang, korea, vietnam):
    client = site.client(lang=lang)
    page = client.get("/self-check").text
    choices = options(page, "nationality")
    assert choices[0] == ("KR", korea) and ("VN", vietnam) in choices and len(choices) > 240
    assert re.search(r'<option value="KR" selected>', page)
    names = [name for _, name in choices[1:]]
    assert names == sorted(names, key=str.casefold)
    bad = client.post("/self-check", data={"nationality": "ZZ", "csrf_token": csrf(page)})
    message = {"ko": "국적을 목록에서 골라 주세요.", "en": "Choose the nationality from the list."}[lang]
    assert bad.status_code == 422 and message in bad.text


def test_the_profile_names_the_country(site):
    assert "<td>대한민국</td>" in site.client("kim").get("/me/profile").text
    assert "<td>South Korea</td>" in site.client("kim", lang="en").get("/me/profile").text


# --- when a program recruits next -------------------------------------------------------------

def result_section(html: str, code: str) -> str:
    return re.search(rf'aria-labelledby="result-{code}">(.*?)</section>', html, re.S)[1]


@pytest.mark.parametrize("login", [None, "kim"])
def test_a_result_without_an_open_round_says_when_the_next_one_opens(site, login):
    """Logged in too: the rounds are read in the request's own session (on SQLite a second one
    waited for the write lock the request holds, and the result said rounds were unknown)."""
    client = site.client(login)
    on = clock.today().isoformat()
    html = client.post("/self-check", data={**PERSON, "on": on, "announced": on,
                                             "csrf_token": csrf(client.get("/self-check").text)}).text
    institute = result_section(html, "tech_institute")
    opens = (clock.now() + dt.timedelta(days=5)).astimezone(dt.timezone(dt.timedelta(hours=9)))
    assert "다음 모집은" in institute and opens.date().isoformat() in institute
    assert re.search(r'href="/rounds/\d+">tech_institute 다음 모집</a>', institute)
    academy = result_section(html, "youth_academy")
    assert "공고 준비 중" in academy and "/rounds/" not in academy.replace('href="/rounds"', "")
    for code in ("companion_jobs", "attractive_jobs"):
        if "ilja-next-round" in (section := result_section(html, code)):
            assert "다음 모집" in section


@pytest.mark.parametrize(("today", "expected"), [
    (dt.date(2025, 3, 10), "2025년 5월"),  # the second-half selection is the next in the plan
    (dt.date(2026, 12, 7), None),  # the 2025 plan says nothing about 2027
])
def test_the_plan_schedule_gives_the_next_recruitment(today, expected):
    from ilja.i18n import Translator
    from ilja.web.citizen import _planned

    with clock.frozen(dt.datetime.combine(today, dt.time(3), dt.UTC)):
        planned = _planned(Translator("ko"), "companion_jobs")
        academy = _planned(Translator("ko"), "youth_academy")
    if expected is None:
        assert planned is None and academy is None
    else:
        assert planned.kind == "planned" and planned.when.startswith(expected)
        assert "하반기 참여자 선정" in planned.title
        assert academy.when == "2025년 3월부터" and "교육생 모집" in academy.title


# --- in Chromium ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_site(site) -> Iterator[str]:
    with served(site.app) as url:
        yield url


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(page.screenshot(full_page=True))


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_citizen_edits_their_email_in_the_browser(open_page, live_site, width):
    from playwright.sync_api import expect

    from tests.web.axe import blocking_violations

    page, _ = open_page(live_site, width)
    problems: dict[str, list[str]] = {}
    page.goto("/login?next=/me/profile")
    page.fill("#login", "kim")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/me/profile") and "login" not in url)
    problems["profile"] = blocking_violations(page)
    page.get_by_role("link", name="연락처 수정").click()
    page.wait_for_url("**/me/profile/contact")
    page.fill("#email", "not an address")
    page.get_by_role("button", name="저장").click()
    expect(page.locator("#error-summary")).to_be_visible()
    page.wait_for_load_state()
    problems["contact (errors)"] = blocking_violations(page)
    shoot(page, f"contact-errors-{width}")
    page.fill("#email", f"kim{width}@example.com")
    page.get_by_role("button", name="저장").click()
    page.wait_for_url(lambda url: url.endswith("/me/profile?saved=1"))
    expect(page.get_by_text(f"kim{width}@example.com")).to_be_visible()
    expect(page.locator("#krds-header").get_by_text("김민준").first).to_be_attached()
    shoot(page, f"profile-saved-{width}")
    page.goto("/self-check")
    expect(page.locator("#nationality")).to_have_value("KR")
    page.select_option("#nationality", label="베트남")
    expect(page.locator("#nationality")).to_have_value("VN")
    page.locator("#nationality").scroll_into_view_if_needed()
    problems["self-check"] = blocking_violations(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"self-check-nationality-{width}.png").write_bytes(page.screenshot())
    page.select_option("#nationality", "KR")
    fill_self_check(page)
    institute = page.locator("#result-tech_institute").locator("xpath=..")
    link = institute.get_by_role("link", name="tech_institute 다음 모집")
    link.wait_for()
    problems["self-check (result)"] = blocking_violations(page)
    link.scroll_into_view_if_needed()
    (SCREENSHOTS / f"self-check-next-round-{width}.png").write_bytes(page.screenshot())
    assert {name: found for name, found in problems.items() if found} == {}


def test_an_older_person_eligible_for_the_youth_academy_reads_whom_it_centres_on(site):
    client = site.client()
    on = clock.today().isoformat()
    html = client.post("/self-check", data={**PERSON, "birth_date": "1939-03-01", "on": on,
                                             "announced": on,
                                             "csrf_token": csrf(client.get("/self-check").text)}).text
    academy = result_section(html, "youth_academy")
    assert "신청할 수 있습니다" in academy
    assert "주요 참여자: 만 15세 이상 서울시민 (20~30대 청년 구직자 중심)" in academy


def test_contact_details_are_stored_and_audited_on_both_databases(database_url, tmp_path, monkeypatch):
    """persons.email (migration 0008) on SQLite and PostgreSQL; the audit names fields only."""
    from ilja.config import get_settings
    from ilja.people.keys import get_keyring, reset_keyring

    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    for variable in ("ILJA_DATA_KEY_FILE", "ILJA_DATA_KEYS", "ILJA_INDEX_KEYS"):
        monkeypatch.delenv(variable, raising=False)
    get_settings.cache_clear()
    reset_keyring()
    try:
        me = register(database_url, get_keyring(), name="박서준")
        citizen = audit.Actor("5", "citizen", "127.0.0.1")
        with transaction(engine_for(database_url)) as session:
            changed = registry.update_own_contact(
                session, me, actor=citizen, scope=Scope(Role.CITIZEN, person_id=me),
                phone="02-123-4567", email="seo@example.kr", address_detail=None)
        assert changed == ["email", "phone"]
        with transaction(engine_for(database_url)) as session:
            person = registry.get_person(session, me)
            assert (person.phone, person.email) == ("021234567", "seo@example.kr")
            [entry] = session.execute(select(AuditRecord).where(
                AuditRecord.action == "person.update",
                AuditRecord.actor_role == "citizen")).scalars().all()
            assert entry.details == {"via": "own_profile", "fields": ["email", "phone"]}
    finally:
        reset_keyring()
        get_settings.cache_clear()


def test_a_result_names_the_nationality_not_its_code(site):
    client = site.client()
    on = clock.today().isoformat()
    html = client.post("/self-check", data={**PERSON, "on": on, "announced": on,
                                             "csrf_token": csrf(client.get("/self-check").text)}).text
    students = result_section(html, "attractive_jobs-foreign_students")
    assert "대한민국" in students and "(KR)" not in students and "국적 KR" not in students


def test_the_email_migration_matches_the_model(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "'persons'" in repr(d)]
    assert diffs == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_profile_pages_show_no_developer_text(site, lang):
    from tests.web.developer_text import developer_text

    kim = site.client("kim", lang=lang)
    found = {path: developer_text(kim.get(path).text, lang)
             for path in ("/me/profile", "/me/profile/contact")}
    assert {path: words for path, words in found.items() if words} == {}
