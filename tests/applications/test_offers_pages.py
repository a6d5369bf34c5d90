"""The offer pages, on SQLite and PostgreSQL (issue 18 §3): a citizen reads why they were (not)
selected and answers their offer; declining promotes the first on the waitlist, who is told and
answers in turn; staff see the offers and the waitlist and record a no-show; the public round
page shows seats, cut-offs and the seed, and nobody's data."""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import select
from tests.accounts.test_web_sessions import browser
from tests.applications.offers_world import build, csrf
from tests.web.html_check import check_page

from ilja.messages.models import OutboxMessage


@pytest.fixture
def site(database_url, tmp_path, monkeypatch):
    from ilja.web.app import create_app

    world = build(database_url, tmp_path, monkeypatch)
    return world, functools.partial(browser, create_app())


def topics(url: str, application_id: int) -> list[str]:
    from ilja.db import engine_for, transaction

    with transaction(engine_for(url)) as session:
        return list(session.execute(select(OutboxMessage.topic).where(
            OutboxMessage.subject_ref == f"application:{application_id}")).scalars())


def test_a_citizen_reads_why_accepts_and_then_gives_up_the_place(site):
    world, browser = site
    [chosen] = world.by_status("selected")
    first, second = world.waitlist()[:2]
    selected = browser(chosen)
    mine = selected.get(f"/my/applications/{world.applications[chosen]}")
    text = check_page(mine.text).text
    assert "선발 결과와 그 이유" in text and "추첨번호" in text and "참여 확정하기" in text
    assert "자격을 갖춘 신청자 4명 중 1위" in text and "24시까지" in text
    english = check_page(selected.get(f"/my/applications/{world.applications[chosen]}?lang=en").text)
    assert "The result and why" in english.text and "Accept the place" in english.text
    selected.get("/?lang=ko")  # back to Korean
    accepted = selected.post(f"/my/applications/{world.applications[chosen]}/accept",
                             data={"csrf_token": csrf(mine.text)}, follow_redirects=False)
    assert accepted.status_code == 303
    page = check_page(selected.get(accepted.headers["location"]).text)
    assert "참여를 확정했습니다" in page.text and world.status(chosen) == "selected"

    waiting = browser(first)
    before = check_page(waiting.get(f"/my/applications/{world.applications[first]}").text).text
    assert "예비 1번" in before and "참여 확정하기" not in before

    confirm = selected.get(f"/my/applications/{world.applications[chosen]}/withdraw")
    assert "다음 예비 순번에게 넘어갑니다" in check_page(confirm.text).text
    assert world.status(chosen) == "selected"  # asking changed nothing
    gone = selected.post(f"/my/applications/{world.applications[chosen]}/withdraw",
                         data={"csrf_token": csrf(confirm.text), "note": "취업했습니다"},
                         follow_redirects=False)
    assert gone.status_code == 303 and world.status(chosen) == "withdrawn"
    assert world.status(first) == "selected" and world.waitlist()[0] == second
    assert "offer_made" in topics(world.url, world.applications[first])
    promoted = check_page(waiting.get(f"/my/applications/{world.applications[first]}").text).text
    assert "예비 1번에서 선발되었습니다" in promoted and "참여 확정하기" in promoted


def test_a_citizen_cannot_answer_anothers_offer(site):
    world, browser = site
    [chosen] = world.by_status("selected")
    other = next(login for login in world.applications if login != chosen)
    intruder = browser(other)
    page = intruder.get(f"/my/applications/{world.applications[other]}")
    refused = intruder.post(f"/my/applications/{world.applications[chosen]}/accept",
                            data={"csrf_token": csrf(page.text)})
    assert refused.status_code == 404 and world.status(chosen) == "selected"
    assert intruder.get(f"/my/applications/{world.applications[chosen]}/withdraw").status_code == 404


def test_staff_see_offers_and_the_waitlist_and_record_a_no_show(site):
    world, browser = site
    [chosen] = world.by_status("selected")
    first = world.waitlist()[0]
    manager = browser("manager")
    page = manager.get(f"/manage/rounds/{world.round_id}/selection")
    text = check_page(page.text).text
    assert "참여 확정과 예비 순번" in text and "응답 대기" in text and "돌봄·건강 예비 순번" in text
    done = manager.post(f"/manage/applications/{world.applications[chosen]}/no-show",
                        data={"csrf_token": csrf(page.text), "note": "첫날 불참"},
                        follow_redirects=False)
    assert done.status_code == 303
    assert world.status(chosen) == "withdrawn" and world.status(first) == "selected"
    after = check_page(manager.get(f"/manage/rounds/{world.round_id}/selection").text).text
    assert "불참" in after


def test_the_public_round_page_shows_seats_cutoffs_and_seed_and_nobody(site):
    world, browser = site
    anonymous = browser()
    page = anonymous.get(f"/selection/rounds/{world.round_id}/verify")
    assert page.status_code == 200
    text = check_page(page.text).text
    assert "모집 정원과 선발 기준" in text and "검증됨" in text and "응답 대기" in text
    from ilja.db import engine_for, transaction
    from ilja.people.models import Person
    from ilja.selection.models import SelectionRunRow

    with transaction(engine_for(world.url)) as session:
        names = list(session.execute(select(Person.name)).scalars())
        seed = session.execute(select(SelectionRunRow.seed)).scalar_one()
    assert seed in page.text and not any(name in page.text for name in names)
    assert not any(f"/manage/applications/{a}" in page.text for a in world.applications.values())
    assert "로그인" not in check_page(page.text).h1[0]


def test_staff_read_the_applicants_standing_without_the_applicants_buttons(site):
    world, browser = site
    [chosen] = world.by_status("selected")
    manager = browser("manager")
    page = manager.get(f"/manage/applications/{world.applications[chosen]}")
    text = check_page(page.text).text
    assert "선발 결과와 그 이유" in text and "24시까지" in text
    assert "참여 확정하기" not in text and "/withdraw" not in page.text


def test_a_not_selected_applicant_reads_their_rank_and_the_cutoff(site):
    world, browser = site
    [chosen] = world.by_status("selected")
    last = world.waitlist()[-1]
    client = browser(last)
    text = check_page(client.get(f"/my/applications/{world.applications[last]}").text).text
    assert "자격을 갖춘 신청자 4명 중 4위" in text and "예비 3번" in text
    assert "12점 · 1위" in text  # the cut-off: the last seated score and rank
    assert "참여 확정하기" not in text and "예비 순번 포기하기" in text
