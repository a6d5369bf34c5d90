"""Not selected, told why, objecting, re-run (issue 18: done when), in the browser: after the draw
the notice reaches the applicant by e-mail through a real SMTP server (aiosmtpd) and in 내 알림;
on a phone at 390 px they read why and how to contest it and object with a file; the manager, at
1280 px, finds the objection in the queue and upholds it with reasons; the applicant is selected
and the result reaches them too. Every page is checked as in test_year.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from ilja.accounts.models import User
from ilja.applications import service as applications
from ilja.applications.models import Round, UnitKind
from ilja.applications.rounds import UnitInput
from ilja.config import Settings, get_settings
from ilja.db import engine_for, transaction
from ilja.messages.worker import Worker
from ilja.people import registry
from ilja.people.keys import get_keyring
from ilja.people.models import Person
from ilja.selection import service as selection
from tests.applications.factories import MANAGER, apply, open_round, person_record, round_input
from tests.messages.servers import smtp_server
from tests.web.journeys.harness import DESK, PHONE, no_problems

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


def _drawn_round(url: str) -> tuple[int, int]:
    """A youth-academy round of one seat, no waitlist and two applicants with e-mail addresses,
    drawn; the loser's record becomes the citizen account's. Returns (the loser's application,
    their e-mail address)."""
    from ilja import clock

    starts = clock.today() + dt.timedelta(days=60)
    round_id = open_round(url, round_input("youth_academy", units=[UnitInput("c1", "1기", UnitKind.COHORT, 1)],
                                           announced=clock.today() - dt.timedelta(days=1), starts=starts,
                                           title="청년취업사관학교 마포 AI 1기"))
    people = []
    with transaction(engine_for(url)) as session:
        for n in range(2):
            record = person_record(birth_date="1998-04-02", household_income_krw=None, household_assets_krw=None,
                                   vulnerable_groups=[], name=f"지원자{n}")
            added = registry.register_person(session, record, actor=MANAGER, program="youth_academy",
                                             keyring=get_keyring()).person
            added.email = f"applicant{n}@example.kr"
            people.append(added.id)
    apps = [apply(url, round_id, p, preferences=["c1"])[0] for p in people]
    with transaction(engine_for(url)) as session:
        session.get_one(Round, round_id).policy_options = {"waitlist_ratio": "0"}  # no waitlist
        selection.prepare_draw(session, round_id, actor=MANAGER)
        selection.run_selection(session, round_id, actor=MANAGER)
        loser = next(a for a in apps if applications.get_application(session, a).status == "not_selected")
        person_id = applications.get_application(session, loser).person_id
        session.scalars(select(User).where(User.login == "citizen")).one().person_id = person_id
        return loser, session.get_one(Person, person_id).email


def _deliver(port: int) -> int:
    settings = get_settings()
    worker = Worker(engine_for(settings.database_url), Settings(
        database_url=settings.database_url, data_dir=settings.data_dir, smtp_host="127.0.0.1", smtp_port=port,
        smtp_starttls=False, smtp_timeout=5))
    return worker.drain()


def test_not_selected_told_why_objects_and_the_upheld_objection_is_re_run(person, site):
    url = get_settings().database_url
    application_id, address = _drawn_round(url)
    with smtp_server() as (port, far):
        assert _deliver(port) >= 1
        mails = [m for m in far.received if m["To"] == address]
        assert any("미선발" in str(m["Subject"]) for m in mails), [str(m["Subject"]) for m in mails]
        body = next(m for m in mails if "미선발" in str(m["Subject"])).get_body().get_content()
        assert "이의신청" in body and "행정심판" in body

        citizen = person("rights-citizen", "citizen", PHONE, citizen=True)
        phone = citizen.page
        citizen.logs_in()
        phone.goto("/me/messages")
        expect(phone.locator("main")).to_contain_text("미선발")
        citizen.shows("내 알림")
        citizen.opens("내 결정·이의신청", "내 결정·이의신청")
        citizen.click("미선발", role="link")
        expect(phone.locator("main")).to_contain_text("점수")
        expect(phone.locator("main")).to_contain_text("서울특별시 행정심판위원회")
        citizen.shows("결정 (미선발)")
        phone.get_by_label("이의신청 내용").fill("우선 선발 대상인데 반영되지 않았습니다.")
        phone.get_by_label("첨부 파일 (선택)").set_input_files(
            files=[{"name": "증빙.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        citizen.click("이의신청", role="button")
        expect(phone.get_by_role("status")).to_contain_text("이의신청을 접수했습니다")
        citizen.shows("이의신청 접수")

        manager = person("rights-manager", "manager", DESK)
        desk = manager.page
        manager.logs_in()
        manager.opens("이의신청 처리", "이의신청 처리")
        desk.locator("main table").get_by_role("link", name="미선발").first.click()
        desk.wait_for_load_state()
        expect(desk.locator("main")).to_contain_text("우선 선발 대상인데 반영되지 않았습니다.")
        manager.shows("이의신청")
        desk.locator("label[for=outcome-upheld]").click()  # KRDS draws the radio on its label
        desk.get_by_label("결정 사유").fill("우선 선발 대상 확인: 추가 선발합니다.")
        manager.click("결정하고 알리기", role="button")
        expect(desk.locator("main")).to_contain_text("추가 선발합니다")
        manager.shows("이의신청 (인용)")

        with transaction(engine_for(url)) as session:
            assert applications.get_application(session, application_id).status == "selected"
        assert _deliver(port) >= 1
        assert any("이의신청 결과" in str(m["Subject"]) for m in far.received if m["To"] == address)
        phone.reload()
        expect(phone.locator("main")).to_contain_text("인용")
        citizen.shows("결정 (이의신청 인용)")
    no_problems(site)
