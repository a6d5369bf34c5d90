"""The pages citizens see (issue 16): no developer text (file names, parameter ids, ISO
durations, raw codes of the person format and the rules), a self-check result that leads to the
open round, the age rule on the cards, a privacy policy, a citizen's landing page, and in
Chromium at 390 px a mobile menu that the keyboard opens and that reaches every link.

The site has a database with one open 동행일자리 round and a citizen who has applied to it.
Screenshots go to var/screenshots/ (written as bytes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ilja.rules.engine import default_engine
from tests.accounts.test_web_sessions import log_in
from tests.applications.factories import apply, open_round, register, round_input
from tests.conftest import configured, migrated_copy, served
from tests.web.developer_text import developer_text, visible_text
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@dataclass
class Site:
    app: object
    round_id: int
    application_id: int

    def client(self, login: str | None = None, lang: str = "ko") -> TestClient:
        client = TestClient(self.app)
        client.cookies.set("ilja_lang", lang)
        if login:
            response = log_in(client, login)
            assert response.status_code == 303, response.text
        return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


@pytest.fixture(scope="module")
def site(migrated_sqlite, tmp_path_factory) -> Iterator[Site]:
    """A database with two open 동행일자리 rounds (one for a track), a citizen (kim) who applied
    to the first, and an auditor."""
    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.db import engine_for, transaction
    from ilja.people.rrn import generate_key_file
    from ilja.web.app import create_app

    root = tmp_path_factory.mktemp("citizen")
    with configured(migrated_copy(migrated_sqlite, root), root, keys=True) as url:
        keyring = generate_key_file(root / "keys" / "data-keys.json")
        person = register(url, keyring)
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login="kim", password=PASSWORD, role=Role.CITIZEN,
                                 display_name="김철수", person_id=person)
            accounts.create_user(session, login="auditor", password=PASSWORD, role=Role.AUDITOR,
                                 display_name="감사", person_id=None)
        round_id = open_round(url)
        open_round(url, round_input(track_code="care_health", title="돌봄·건강 분야 추가 모집"))
        application_id, _ = apply(url, round_id, person)
        yield Site(create_app(), round_id, application_id)


# Born 1980, unemployed in Mapo, low income: 동행일자리 and 매력일자리 say yes, others too.
PERSON = {"birth_date": "1980-03-01", "sido": "서울특별시", "sigungu": "마포구", "nationality": "KR",
          "employment_status": "unemployed", "able_to_work": "yes", "household_head": "yes",
          "household_size": "2", "veteran_service_months": "0", "receives_livelihood_benefit": "no",
          "household_income_krw": "1000000", "household_assets_krw": "10000000",
          "vulnerable_groups": ["basic_livelihood", "long_term_unemployed"]}


def fill_self_check(page) -> None:
    """The self-check form filled with PERSON in the browser, as a person does, and sent."""
    page.fill("#birth_date", PERSON["birth_date"])
    page.select_option("#sigungu", PERSON["sigungu"])
    for choice in ("employment_status-unemployed", "able_to_work-yes", "household_head-yes",
                   "receives_livelihood_benefit-no", "vulnerable_groups-long_term_unemployed"):
        page.locator(f'label[for="{choice}"]').click()
    page.fill("#household_size", "2")
    page.fill("#household_income_krw", PERSON["household_income_krw"])
    page.fill("#household_assets_krw", PERSON["household_assets_krw"])
    page.get_by_role("button", name="결과 보기").click()


def self_check(client: TestClient) -> str:
    from ilja.web.pages import today

    form = client.get("/self-check")
    on = today().isoformat()
    response = client.post("/self-check", data={**PERSON, "csrf_token": csrf(form.text), "on": on,
                                                "announced": on})
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_citizen_pages_show_no_developer_text(site, lang):
    anonymous = site.client(lang=lang)
    paths = ["/", "/self-check", "/rounds", "/privacy", "/terms", f"/rounds/{site.round_id}", "/plan",
             "/parameters"]
    paths += [f"/programs/{code}" for code in default_engine().programs]
    pages = {path: anonymous.get(path) for path in paths}
    pages["/self-check (result)"] = self_check(anonymous)
    kim = site.client("kim", lang=lang)
    for path in ("/my", "/my/applications", f"/my/applications/{site.application_id}"):
        pages[path] = kim.get(path)
    problems = {}
    for path, response in pages.items():
        html = response if isinstance(response, str) else response.text
        if not isinstance(response, str):
            assert response.status_code == 200, (path, response.status_code)
        check_page(html)
        if found := developer_text(html, lang):
            problems[path] = found
    assert problems == {}


def test_the_check_catches_developer_text():
    """The patterns find what issue 16 saw on the pages."""
    html = ("<html><body><p>companion_jobs.eligibility.min_age · P5M20D · reparticipation.yaml ·"
            " basic_livelihood · work_start</p><p>unemployed</p></body></html>")
    assert {"companion_jobs.eligibility.min_age", "P5M20D", "reparticipation.yaml",
            "basic_livelihood", "work_start", "unemployed"} <= set(developer_text(html, "ko"))
    assert "unemployed" not in developer_text(html, "en")
    assert developer_text("<p>privacy.kisa.or.kr 02-120</p>", "ko") == []


def test_rounds_name_their_track(site):
    html = site.client().get("/rounds").text
    assert "돌봄·건강" in html and "care_health" not in visible_text(html)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_no_parameter_page_shows_developer_text(site, lang):
    """Every parameter's history page, as a citizen reads it: its label, values, dates and the
    titles of its sources; the id, file, English description and working notes are for staff."""
    anonymous = site.client(lang=lang)
    problems = {}
    for parameter in default_engine().tree:
        response = anonymous.get(f"/parameters/{parameter.name}")
        assert response.status_code == 200, parameter.name
        if found := developer_text(response.text, lang):
            problems[parameter.name] = found
    assert problems == {}


def test_staff_still_see_the_parameter_ids(site):
    page = site.client("auditor").get("/programs/companion_jobs").text
    assert "companion_jobs.eligibility.min_age" in page
    assert "companion_jobs.eligibility.min_age" not in site.client().get("/programs/companion_jobs").text
    name = "companion_jobs.work.monthly_allowance_krw"
    staff = site.client("auditor").get(f"/parameters/{name}").text
    details = re.search(r'<details class="ilja-details" id="technical">.*?</details>', staff, re.S)[0]
    assert name in details and "work.yaml" in details and "1,564,680 KRW" in details
    assert "1,770,000 − 1,564,680 = 205,320" in staff  # the assumption's working note
    citizen = site.client().get(f"/parameters/{name}").text
    assert 'id="technical"' not in citizen and "1,564,680 KRW" not in citizen
    assert name in site.client("auditor").get("/parameters").text
    assert "tracks_people_sum" in site.client("auditor").get("/plan").text
    assert "tracks_people_sum" not in site.client().get("/plan").text


def test_the_audit_log_names_the_actor_and_their_role(site):
    """Not "5 (auditor)": the account's name, its role's label, and the number for searching."""
    text = visible_text(site.client("auditor").get("/audit", params={"action": "auth."}).text)
    assert re.search(r"감사 \(감사\)\s+#\d+", text), text[:3000]
    assert "(auditor)" not in text


def test_parameter_groups_are_named_in_the_page_language(site):
    html = site.client().get("/parameters").text
    toc = re.search(r'<nav class="ilja-toc".*?</nav>', html, re.S)[0]
    names = re.findall(r'<a href="#group-[^"]+">([^<]+)</a>', toc)
    assert len(names) >= 5 and all(re.search("[가-힣]", name) for name in names), names


def test_the_plan_writes_periods_in_words(site):
    assert "5개월 20일" in visible_text(site.client().get("/plan").text)
    assert "2025년 10월" in visible_text(site.client().get("/plan").text)
    assert "5 months 20 days" in visible_text(site.client(lang="en").get("/plan").text)


def test_an_eligible_result_leads_to_the_open_round(site):
    html = self_check(site.client())
    section = re.search(r'<section class="ilja-result[^"]*" aria-labelledby="result-companion_jobs">(.*?)</section>',
                        html, re.S)[1]
    assert f'href="/rounds/{site.round_id}"' in section and "신청하기" in section
    academy = re.search(r'aria-labelledby="result-youth_academy">(.*?)</section>', html, re.S)[1]
    assert "모집 중인 회차가 없습니다" in academy and 'href="/rounds"' in academy


def test_the_menu_and_footer_link_the_rounds_and_the_privacy_policy(site):
    html = site.client().get("/").text
    menu = re.search(r'<nav class="krds-main-menu ilja-menu".*?</nav>', html, re.S)[0]
    assert 'href="/rounds"' in menu and "모집 중인 사업" in menu
    footer = re.search(r'<footer id="krds-footer">.*?</footer>', html, re.S)[0]
    assert 'href="/privacy"' in footer and "개인정보처리방침" in footer and "문의처" in footer
    assert 'href="/terms"' in footer and "이용약관" in footer
    mobile = re.search(r'<div id="mobile-nav".*?</nav>', html, re.S)[0]
    assert all(href in mobile for href in ('href="/rounds"', 'href="/login"', "lang=en"))


def test_the_youth_academy_card_says_who_may_apply(client):
    html = client.get("/").text
    card = re.search(r'<a href="/programs/youth_academy">.*?</li>', html, re.S)[0]
    assert "만 15세 이상이면 나이 상한 없이 신청할 수 있습니다." in card
    assert "20~30대" in card  # who mostly takes part, stated as such
    english = client.get("/?lang=en").text
    assert "Anyone aged 15 or over may apply; there is no upper age limit." in english


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_privacy_policy_says_which_programs_collect_rrns(client, lang):
    html = client.get(f"/privacy?lang={lang}").text
    page = check_page(html)
    rows = dict(re.findall(r'<th scope="row">(.*?)</th>.*?<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>',
                           html, re.S))
    collect = {"ko": "수집합니다", "en": "Collected"}[lang]
    names = {"ko": ("서울 동행일자리", "청년취업사관학교"), "en": ("Seoul Companion Jobs", "Youth Job Academy")}[lang]
    assert rows[names[0]].startswith(collect) and not rows[names[1]].startswith(collect)
    assert 'id="contact"' in html and "120" in page.text and "AES-256-GCM" in page.text


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_the_terms_of_use(client, lang):
    html = client.get(f"/terms?lang={lang}").text
    text = check_page(html).text
    title = {"ko": "이용약관", "en": "Terms of use"}[lang]
    assert f"<h1 class=\"ilja-h1\">{title}</h1>" in html and 'href="/privacy"' in html
    appeal = {"ko": "이의신청", "en": "appeal"}[lang]
    assert appeal in text and "120" in text


def test_a_citizen_lands_on_their_own_page(site):
    client = TestClient(site.app)
    form = client.get("/login")
    landed = client.post("/login", data={"login": "kim", "password": PASSWORD, "next": "",
                                         "csrf_token": csrf(form.text)}, follow_redirects=False)
    assert landed.headers["location"] == "/my"
    page = site.client("kim").get("/my")
    text = check_page(page.text).text
    assert page.headers["cache-control"] == "no-store"
    assert "2025년 하반기 서울 동행일자리 참여자 모집" in text and "다음 단계" in text
    assert site.client("auditor").get("/my").status_code == 403


# --- Chromium at 390 px ------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_site(site) -> Iterator[str]:
    with served(site.app) as url:
        yield url


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(page.screenshot(full_page=False))


def tab_to(page, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement === document.querySelector({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.browser
def test_the_mobile_menu_works_with_the_keyboard(open_page, live_site):
    from playwright.sync_api import expect

    page, errors = open_page(live_site, 390, 844)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto("/")
    assert not page.locator("#krds-header .ilja-menu").is_visible()
    shoot(page, "home-390")
    tab_to(page, "#open-nav")
    page.keyboard.press("Enter")
    panel = page.locator("#mobile-nav")
    expect(panel).to_be_visible()
    expect(page.locator("#open-nav")).to_have_attribute("aria-expanded", "true")
    page.wait_for_timeout(500)  # KRDS slides the panel in
    shoot(page, "menu-390")
    tab_to(page, "#mobile-nav a[href='/login']")
    tab_to(page, "#mobile-nav a[hreflang='en']")
    tab_to(page, "#mobile-nav a[href='/rounds']")
    page.keyboard.press("Escape")  # closes, and the focus goes back to the button
    expect(panel).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "open-nav"
    page.keyboard.press("Enter")
    expect(panel).to_be_visible()
    tab_to(page, "#mobile-nav a[href='/rounds']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rounds")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.get_by_role("link", name="2025년 하반기 서울 동행일자리 참여자 모집").count() >= 1
    page.goto("/?lang=en")
    page.locator("#open-nav").click()
    expect(page.get_by_role("dialog").get_by_role("link", name="Open recruitment")).to_be_visible()
    assert errors == []


@pytest.mark.browser
def test_a_citizen_reaches_their_pages_and_logs_out_from_the_mobile_menu(open_page, live_site):
    from playwright.sync_api import expect

    page, _ = open_page(live_site, 390, 844)
    page.goto("/login?next=/my")
    page.fill("#login", "kim")
    page.fill("#password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: url.endswith("/my") and "login" not in url)
    shoot(page, "my-390")
    tab_to(page, "#open-nav")
    page.keyboard.press("Enter")
    expect(page.locator("#mobile-nav")).to_be_visible()
    page.wait_for_timeout(500)
    shoot(page, "menu-citizen-390")
    tab_to(page, "#mobile-nav a[href='/my/applications']")
    tab_to(page, "#mobile-nav form[action='/logout'] button")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator("#mobile-nav a[href='/login']")).to_have_count(1)


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_of_home_and_a_self_check_result(open_page, live_site, width):
    page, _ = open_page(live_site, width)
    page.goto("/")
    shoot(page, f"home-{width}")
    if width >= 1024:
        assert page.locator("#krds-header .ilja-menu").is_visible()
        assert not page.locator("#open-nav").is_visible()
        shoot(page, f"menu-{width}")
    page.goto("/self-check")
    fill_self_check(page)
    result = page.locator("#result-companion_jobs").locator("xpath=..")
    apply_link = result.get_by_role("link", name=re.compile("신청하기")).first
    apply_link.wait_for()
    apply_link.scroll_into_view_if_needed()
    shoot(page, f"self-check-result-{width}")
