"""A not-eligible decision on the citizen's pages (내 결정·이의신청), in Chromium at 390 and 1280 px:
its reasons read as the lines they are, each under the one it explains (the verdict, the
condition not met, the rule it used), and the table of the person's objections stacks on a phone
(each objection a block, each value after its column's name) and stays a table on a desk; so do
the list of their decisions, the ways to contest one and the staff's queue of objections.
Screenshots go to var/screenshots/ (written as bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ilja.rights.views import reason_items
from tests.applications.factories import MANAGER, apply, open_round, register
from tests.conftest import configured, migrated_copy, served
from tests.web.axe import blocking_violations
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_reasons_nest_each_line_under_the_one_it_explains():
    text = ("✘ 동행일자리 — 신청 불가\n  ✘ 근로 능력: 미충족 — 근로 능력 아니오\n"
            "      · 근로 능력 요건 = 예\n  ? 소득: 확인 필요\n\n전체 판정은 신청서에 있습니다.")
    assert reason_items(text) == [
        {"text": "✘ 동행일자리 — 신청 불가", "under": [
            {"text": "✘ 근로 능력: 미충족 — 근로 능력 아니오",
             "under": [{"text": "· 근로 능력 요건 = 예", "under": []}]},
            {"text": "? 소득: 확인 필요", "under": []}]},
        {"text": "전체 판정은 신청서에 있습니다.", "under": []}]
    assert reason_items("가점 누락을 확인했습니다.") == [{"text": "가점 누락을 확인했습니다.", "under": []}]


@dataclass
class Site:
    url: str
    decision_id: int


@pytest.fixture(scope="module")
def live_site(migrated_sqlite, tmp_path_factory) -> Iterator[Site]:
    """A 동행일자리 round, an applicant who is 13, cannot work and earns too much (kim: not eligible,
    decided so on applying) with one objection dismissed and one filed, and a manager."""
    from ilja.accounts import service as accounts
    from ilja.accounts.roles import Role
    from ilja.config import get_settings
    from ilja.db import engine_for, transaction
    from ilja.decisions.models import Decision
    from ilja.people.rrn import generate_key_file
    from ilja.rights import service as rights
    from ilja.web.app import create_app

    root = tmp_path_factory.mktemp("decisions")
    with configured(migrated_copy(migrated_sqlite, root), root, keys=True) as url:
        keyring = generate_key_file(root / "keys" / "data-keys.json")
        person = register(url, keyring, birth_date="2012-03-15", able_to_work=False,
                          household_income_krw=9_000_000)
        apply(url, open_round(url), person)
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login="kim", password=PASSWORD, role=Role.CITIZEN,
                                 display_name="김철수", person_id=person)
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="담당자")
            decision = session.query(Decision).filter_by(person_id=person, kind="not_eligible").one()
            first = rights.file_appeal(session, MANAGER, decision_id=decision.id, text="근로 능력이 있습니다.",
                                       attachment=None, keyring=keyring, store=get_settings().data_dir)
            rights.decide_appeal(session, MANAGER, appeal_id=first.id, upheld=False,
                                 reasons="진단서에 근로가 어렵다고 적혀 있습니다.\n다른 서류를 내실 수 있습니다.")
            rights.file_appeal(session, MANAGER, decision_id=decision.id, text="새 진단서를 냅니다.",
                               attachment=None, keyring=keyring, store=get_settings().data_dir)
            decision_id = decision.id
        with served(create_app()) as address:
            yield Site(address, decision_id)


def logged_in(open_page, site: Site, width: int, login: str, path: str):
    """A page at ``width`` logged in as ``login`` and open at ``path`` (checked), with its
    script errors."""
    page, errors = open_page(site.url, width)
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto(path)
    check_page(page.content())
    return page, errors


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"{name}.png").write_bytes(page.screenshot(full_page=True))


def fits(page, width: int) -> None:
    """Nothing on the page scrolls sideways: neither the page nor a table's frame."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("[...document.querySelectorAll('.krds-table-wrap')]"
                         ".filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.querySelector('caption')"
                         ".textContent)") == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_a_citizen_reads_the_reasons_line_by_line_and_their_objections(open_page, live_site, width):
    page, errors = logged_in(open_page, live_site, width, "kim", "/my/decisions")
    fits(page, width)
    shoot(page, f"my-decisions-{width}")
    page.get_by_role("link", name="신청 자격 미달").first.click()
    page.wait_for_url(f"**/my/decisions/{live_site.decision_id}")
    check_page(page.content())
    reasons = page.locator("ul.ilja-reasons")
    verdict = reasons.locator(":scope > li").first
    assert verdict.evaluate("li => li.firstChild.textContent.trim()")== "✘ 서울 동행일자리 — 신청 불가"
    condition = verdict.locator(":scope > ul > li").first
    assert condition.evaluate("li => li.firstChild.textContent") == "✘ 만 18세 이상: 미충족 — 나이(만) 13"
    rule = condition.locator(":scope > ul > li").first
    assert rule.inner_text().startswith("· 최소 연령 (만) = 18세")
    assert verdict.locator(":scope > ul > li").count() == 3  # the conditions not met
    assert reasons.locator(":scope > li").nth(1).inner_text().startswith("전체 판정 내용은")
    # each level starts to the right of the one it explains
    left = [item.evaluate("e => e.firstChild.parentElement.getBoundingClientRect().left + "
                          "parseFloat(getComputedStyle(e).paddingLeft)") for item in (verdict, condition, rule)]
    assert left[0] < left[1] < left[2]
    table = page.locator("#my-appeals")
    assert table.locator("tbody tr").count() == 2
    assert "다른 서류를 내실 수 있습니다." in table.inner_text()
    stacked = table.locator("thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    assert stacked == (width < 768)
    fits(page, width)
    page.locator("#reasons-heading").scroll_into_view_if_needed()
    assert blocking_violations(page) == []
    shoot(page, f"my-decision-{width}")
    assert errors == []


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_the_objection_queue_stacks_on_a_phone(open_page, live_site, width):
    page, errors = logged_in(open_page, live_site, width, "manager", "/rights/appeals")
    assert page.locator("#appeal-queue tbody tr").count() == 1
    fits(page, width)
    assert blocking_violations(page) == []
    shoot(page, f"appeal-queue-{width}")
    page.get_by_role("link", name="신청 자격 미달").first.click()
    page.get_by_role("link", name=f"#{live_site.decision_id}").click()
    assert page.locator("ul.ilja-reasons > li > ul > li").count() >= 1
    fits(page, width)
    shoot(page, f"staff-decision-{width}")
    assert errors == []
