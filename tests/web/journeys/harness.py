"""What the journeys share: an empty site, people in browsers, and the checks every page gets.

The site is what ``ilja demo`` starts from, less its synthetic data: a migrated database, the
2025 plan, one account per role made as the demo makes them (``demo_accounts``), and the
citizen's own person record (there is no browser page to register oneself, so setting up the
citizen's account links it to a record, as the demo links its citizen). Everything after that
happens in Chromium, by clicking and typing.

Each person acts at one width (a citizen, an operator and the auditor on a phone at 390 px, the
manager and the coordinator at 1280 px); every page they reach is checked at both widths, the
same page (a form's answer too) with only its viewport changed: axe-core (no critical or serious
violation), nothing wider than the screen at 390 px, and on a citizen's pages no developer text.
With ``ILJA_JOURNEY_SCREENSHOTS`` set to a folder (``make screenshots``) each width is saved.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.web.axe import blocking_violations
from tests.web.developer_text import developer_text

PHONE, DESK = 390, 1280
SCREENSHOTS = os.environ.get("ILJA_JOURNEY_SCREENSHOTS")
# When the page is wider than the screen (a phone's browser then zooms out, so the viewport is
# no measure): the innermost elements whose right edge is past the screen's (or the boxes that
# scroll what sticks out of them), leaving out what such a box holds.
STICKING_OUT = """(edge) => {
  if (document.documentElement.scrollWidth <= edge + 1) { return []; }
  const out = e => e.getBoundingClientRect().right > edge + 1;
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") { return true; }
    }
    return false;
  };
  return [...document.body.querySelectorAll("*")]
    .filter(e => out(e) && !clipped(e)
      && (getComputedStyle(e).overflowX !== "visible" || ![...e.children].some(out))).slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (typeof e.className === "string" && e.className.trim() ? "." + e.className.trim().split(/\\s+/).join(".") : "")
      + " " + Math.round(e.getBoundingClientRect().right) + "px");
}"""
# The window's resize handlers run before the next animation frame's callbacks.
AFTER_RESIZE = "new Promise(done => requestAnimationFrame(() => done()))"
# The citizen's person record: a Mapo resident of 27, unemployed, whose account the demo names
# "시민 박시민" (the header and the profile must still agree on who this is).
CITIZEN_RECORD = {
    "name": "김민준", "phone": "010-2345-6789", "birth_date": "1998-04-17", "sido": "서울특별시",
    "sigungu": "마포구", "employment_status": "unemployed", "able_to_work": True,
    "household_head": False, "household_size": 3, "vulnerable_groups": [], "nationality": "KR",
    "household_income_krw": 3_000_000, "household_assets_krw": 80_000_000,
    "receives_livelihood_benefit": False,
}


@dataclass
class Site:
    url: str
    passwords: dict[str, str]
    citizen_person_id: int
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def empty_site(migrated_sqlite: Path, root: Path) -> Iterator[Site]:
    """A served app on a fresh database with the plan, the demo's accounts and nothing else."""
    from ilja.accounts import audit
    from ilja.accounts.models import User
    from ilja.db import engine_for, transaction
    from ilja.demo import demo_accounts
    from ilja.people import registry
    from ilja.people.rrn import generate_key_file
    from ilja.programs.loader import load_plan
    from ilja.programs.service import store_plan
    from ilja.web.app import create_app
    from tests.conftest import configured, migrated_copy, served

    with configured(migrated_copy(migrated_sqlite, root), root, keys=True) as url:
        keyring = generate_key_file(root / "keys" / "data-keys.json")
        with transaction(engine_for(url)) as session:
            store_plan(session, load_plan())
        passwords = {login: password for login, _, password in demo_accounts()}
        with transaction(engine_for(url)) as session:
            person = registry.register_person(session, CITIZEN_RECORD, actor=audit.SYSTEM_ACTOR,
                                              program="youth_academy", keyring=keyring).person
            session.query(User).filter_by(login="citizen").one().person_id = person.id
            person_id = person.id
        with served(create_app()) as served_url:
            yield Site(served_url, passwords, person_id)


class Person:
    """One role in one browser context: acts at ``width``, checks each page at both widths."""

    def __init__(self, browser, site: Site, journey: str, login: str | None, width: int,
                 citizen: bool = False) -> None:
        phone = width < 600
        self.context = browser.new_context(base_url=site.url, locale="ko-KR", is_mobile=phone,
                                           has_touch=phone, viewport={"width": width, "height": 860})
        self.page = self.context.new_page()
        self.site, self.journey, self.login_name = site, journey, login
        self.width, self.citizen, self.shown = width, citizen, 0
        self.page.on("pageerror", lambda error: site.problems.append(f"{journey}: script error {error}"))
        self.page.on("response", lambda r: site.problems.append(f"{journey}: {r.status} {r.url}")
                     if r.status >= 500 else None)

    # --- moving around as a person does ------------------------------------------------
    @property
    def narrow(self) -> bool:
        return (self.page.viewport_size or {"width": self.width})["width"] < 1024

    def menu(self, name: str) -> None:
        """Follow a link of the header: the main menu or the account links, through the 전체 메뉴
        panel on a narrow screen."""
        page = self.page
        if self.narrow:
            page.locator("#open-nav").click()
            panel = page.locator("#mobile-nav")
            panel.get_by_role("link", name=name, exact=True).first.click()
        else:
            page.locator("#krds-header").get_by_role("link", name=name, exact=True).first.click()
        page.wait_for_load_state()

    def log_in(self) -> None:
        page = self.page
        if self.narrow:
            page.locator("#open-nav").click()
            page.locator("#mobile-nav").get_by_role("link", name="로그인").click()
        else:
            page.locator("#krds-header").get_by_role("link", name="로그인").click()
        self.fill_login()

    def logs_in(self, through_header: bool = False) -> None:
        """Log in at the log-in page, or (``through_header``) from the home page through the header."""
        if through_header:
            self.page.goto("/")
            self.log_in()
        else:
            self.page.goto("/login")
            self.fill_login()

    def opens(self, menu: str, name: str) -> None:
        """Follow ``menu`` in the header and check the page it opens (``shows`` it as ``name``)."""
        self.menu(menu)
        self.shows(name)

    def fill_login(self) -> None:
        page = self.page
        page.get_by_label("아이디").fill(self.login_name or "")
        page.get_by_label("비밀번호").fill(self.site.passwords[self.login_name or ""])
        page.get_by_role("button", name="로그인").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"{self.login_name} could not log in"

    def click(self, name, role: str | None = None, within=None) -> None:
        """Press a button or follow a link (``role`` says which, if it matters) by its visible
        name, and wait for the next page."""
        scope = within or self.page
        target = scope.get_by_role(role, name=name) if role else \
            scope.get_by_role("button", name=name).or_(scope.get_by_role("link", name=name))
        target.first.click()
        self.page.wait_for_load_state()

    def confirm(self) -> None:
        """On a page that asks before an irreversible step, press its primary button."""
        self.page.locator("main form button.primary").first.click()
        self.page.wait_for_load_state()

    # --- what every page gets -------------------------------------------------------------
    def shows(self, name: str) -> None:
        """Check the page now open at both widths: a heading, axe-core's critical and serious
        violations, nothing wider than a phone's screen at 390 px, no developer text for a
        citizen; screenshots when asked for."""
        page = self.page
        page.wait_for_load_state()
        self.shown += 1
        h1 = page.locator("h1")
        assert h1.count() == 1, f"{self.journey} {name}: {h1.count()} <h1> on {page.url}"
        for width in (self.width, DESK if self.width == PHONE else PHONE):
            if width != self.width:
                page.set_viewport_size({"width": width, "height": 860})
                page.evaluate(AFTER_RESIZE)
            where = f"{self.journey} {name} ({_path(page.url)}) {width}px"
            for violation in blocking_violations(page):
                self.site.problems.append(f"{where}: {violation}")
            if width == PHONE and (wide := page.evaluate(STICKING_OUT, width)):
                self.site.problems.append(f"{where}: wider than the screen: {'; '.join(wide)}")
            if SCREENSHOTS:
                self._shoot(name, width)
        page.set_viewport_size({"width": self.width, "height": 860})
        page.evaluate(AFTER_RESIZE)
        if self.citizen:
            lang = page.evaluate("document.documentElement.lang")
            if found := developer_text(page.content(), lang):
                self.site.problems.append(f"{self.journey} {name} ({_path(page.url)}): developer text {found}")

    def _shoot(self, name: str, width: int) -> None:
        folder = Path(SCREENSHOTS or ".")
        folder.mkdir(parents=True, exist_ok=True)
        self.page.evaluate("document.fonts.ready")
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        path = folder / f"{self.journey}-{self.shown:02d}-{slug}-{width}.png"
        path.write_bytes(self.page.screenshot(full_page=True, caret="initial"))

    def close(self) -> None:
        self.context.close()


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3] if url.count("/") >= 3 else url


def no_problems(site: Site) -> None:
    """Fail with everything the journey so far found (each listed once), and start afresh."""
    problems, site.problems[:] = list(dict.fromkeys(site.problems)), []
    assert not problems, "\n".join(problems)
