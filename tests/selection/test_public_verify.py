"""The selection pages, on SQLite and PostgreSQL: the manager's run asks first, saying what will
happen, and a round with nothing to draw says so and records no run; anyone checks a drawn
round's lottery without logging in and sees no person on the page."""

from __future__ import annotations

import functools
import re

import pytest
from sqlalchemy import func, select

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.applications.models import Application, Round, RoundStatus
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.selection.models import SelectionRunRow
from tests.accounts.test_web_sessions import browser
from tests.applications.factories import open_round, register
from tests.conftest import configured
from tests.web.html_check import check_page

PASSWORD = "Tr0ub4dor&3x"


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def site(database_url, tmp_path):
    """An open round, two citizens who may apply, and a manager."""
    from ilja.web.app import create_app

    keyring = generate_key_file(tmp_path / "keys" / "data-keys.json")
    with configured(database_url, tmp_path, keys=True):
        persons = {login: register(database_url, keyring) for login in ("kim", "lee")}
        with transaction(engine_for(database_url)) as session:
            for login, role in (("kim", Role.CITIZEN), ("lee", Role.CITIZEN),
                                ("manager", Role.PROGRAM_MANAGER)):
                accounts.create_user(session, login=login, password=PASSWORD, role=role,
                                     display_name=login, person_id=persons.get(login))
        yield database_url, open_round(database_url), functools.partial(browser, create_app())


def consents(html: str) -> dict[str, str]:
    """Every consent the apply form asks, given (the privacy checkboxes, if the form has any)."""
    return dict(re.findall(r'name="(consent_[a-z_]+)" id="[^"]*" value="([^"]+)"', html))


def _apply(browser, round_id: int, login: str, unit: str = "care") -> None:
    citizen = browser(login)
    form = citizen.get(f"/rounds/{round_id}")
    citizen.post(f"/rounds/{round_id}/apply", data={
        "csrf_token": csrf(form.text), "idempotency_key": login, "preference": unit,
        **consents(form.text)})


def test_anyone_verifies_a_drawn_round_and_sees_no_person(site):
    url, round_id, browser = site
    _apply(browser, round_id, "kim")
    _apply(browser, round_id, "lee")
    manager = browser("manager")
    selection = manager.get(f"/manage/rounds/{round_id}/selection")
    assert f'href="/manage/rounds/{round_id}/selection/run"' in selection.text
    confirm = check_page(manager.get(f"/manage/rounds/{round_id}/selection/run").text)
    assert "신청 2건을 정원 3석에 선발(추첨)합니다" in confirm.text
    assert "공고가 마감되어 더는 신청을 받지 않습니다" in confirm.text
    with transaction(engine_for(url)) as session:
        assert session.get_one(Round, round_id).status == RoundStatus.OPEN  # asking ran nothing
    ran = manager.post(f"/manage/rounds/{round_id}/selection/run",
                       data={"csrf_token": csrf(selection.text)}, follow_redirects=False)
    assert ran.status_code == 303
    assert manager.get(f"/manage/rounds/{round_id}/selection/run",
                       follow_redirects=False).status_code == 303  # drawn: nothing to confirm
    anonymous = browser()
    verified = anonymous.get(f"/selection/rounds/{round_id}/verify")
    assert verified.status_code == 200
    page = check_page(verified.text)
    assert "검증됨 ✔" in page.text
    with transaction(engine_for(url)) as session:
        round_row = session.get_one(Round, round_id)
        assert round_row.seed_commitment in verified.text
        names = [f"김철{n}" for n in range(1, 1000)]  # the factory's names
        people = session.execute(select(func.count()).select_from(Application)).scalar_one()
    assert people == 2 and not any(name in page.text for name in names)
    assert not re.search(r'href="/(manage|people|my)/', verified.text)
    english = anonymous.get(f"/selection/rounds/{round_id}/verify?lang=en")
    assert "Verified ✔" in check_page(english.text).text
    assert anonymous.get("/selection/rounds", follow_redirects=False).status_code == 303


def test_an_undrawn_round_shows_its_seats_and_commitment_but_no_seed(site):
    url, round_id, browser = site
    anonymous = browser()
    before = anonymous.get(f"/selection/rounds/{round_id}/verify")
    assert before.status_code == 200
    text = check_page(before.text).text
    with transaction(engine_for(url)) as session:
        assert session.get_one(Round, round_id).seed_commitment in before.text
    assert "씨앗값은 선발 뒤 공개됩니다" in text and "검증됨" not in text
    assert anonymous.get("/selection/rounds/999999/verify").status_code == 404


def test_a_run_with_nothing_to_draw_says_so_and_records_no_run(site):
    url, round_id, browser = site
    manager = browser("manager")
    confirm = manager.get(f"/manage/rounds/{round_id}/selection/run")
    assert "선발할 신청이 없습니다" in check_page(confirm.text).text
    assert 'action="/manage/rounds/' not in confirm.text
    refused = manager.post(f"/manage/rounds/{round_id}/selection/run",
                           data={"csrf_token": csrf(confirm.text)})
    assert refused.status_code == 409 and "선발할 신청이 없습니다" in check_page(refused.text).text
    with transaction(engine_for(url)) as session:
        assert not session.execute(select(func.count()).select_from(SelectionRunRow)).scalar_one()
        assert session.get_one(Round, round_id).status == RoundStatus.OPEN
