"""A round's window is typed in Korea time and holds to the minute on SQLite and PostgreSQL
(issue 16: SQLite kept the wall clock without its offset, so a round closed 9 hours late)."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from tests.applications.factories import CITIZEN, MANAGER, register, round_input
from tests.applications.test_pages import csrf, site  # noqa: F401  (the pages' fixture)

from ilja.applications import rounds, service
from ilja.applications.errors import RoundClosed
from ilja.applications.models import Channel, Round
from ilja.db import engine_for, transaction
from ilja.people import registry

SEOUL = ZoneInfo("Asia/Seoul")
OPENS = dt.datetime(2025, 5, 13, 9, 0, tzinfo=SEOUL)
CLOSES = dt.datetime(2025, 5, 20, 18, 0, tzinfo=SEOUL)


def _round_closing_at_six(url: str) -> int:
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, round_input(opens_at=OPENS, closes_at=CLOSES),
                                  actor=MANAGER)
        rounds.open_round(session, row.id, actor=MANAGER, now=OPENS)
        return row.id


def _submit(url: str, round_id: int, person_id: int, now: dt.datetime) -> int:
    with transaction(engine_for(url)) as session:
        person = registry.person_format(registry.get_person(session, person_id))
        return service.submit(session, round_id=round_id, person_id=person_id, person=person,
                              preferences=["care"], channel=Channel.API,
                              idempotency_key=f"key-{person_id}", actor=CITIZEN,
                              now=now).application.id


def test_a_round_closing_at_six_takes_the_last_minute_and_not_six(database_url, keyring):
    round_id = _round_closing_at_six(database_url)
    early, late = register(database_url, keyring), register(database_url, keyring)
    assert _submit(database_url, round_id, early, CLOSES - dt.timedelta(minutes=1))
    with pytest.raises(RoundClosed):
        _submit(database_url, round_id, late, CLOSES)
    with transaction(engine_for(database_url)) as session:
        row = session.get(Round, round_id)
        assert row.closes_at == CLOSES and row.closes_at.tzinfo == dt.UTC
        assert rounds.taking_applications(row, CLOSES - dt.timedelta(seconds=1))
        assert not rounds.taking_applications(row, CLOSES)


def test_the_manage_page_shows_the_window_as_typed(site):  # noqa: F811
    manager = site.browser("manager")
    new = manager.get("/manage/rounds/new")
    today = dt.datetime.now(SEOUL).date()
    closing_day = (today + dt.timedelta(days=7)).isoformat()
    form = {"csrf_token": csrf(new.text), "program_code": "companion_jobs",
            "title": "마감 시각 확인", "announced_on": today.isoformat(),
            "opens_at": f"{today.isoformat()}T09:00", "closes_at": f"{closing_day}T18:00",
            "starts_on": (today + dt.timedelta(days=30)).isoformat(), "max_preferences": "1",
            "units": "care, 돌봄, 2"}
    created = manager.post("/manage/rounds", data=form, follow_redirects=False)
    assert created.status_code == 303, created.text
    page = manager.get(created.headers["location"]).text
    assert f"{today.isoformat()} 09:00 ~ {closing_day} 18:00" in re.sub(r"\s+", " ", page)
    round_id = int(created.headers["location"].rsplit("/", 1)[1])
    with transaction(engine_for(site.url)) as session:
        closes = session.execute(select(Round.closes_at).where(Round.id == round_id)).scalar_one()
    assert closes == dt.datetime.fromisoformat(f"{closing_day}T18:00").replace(tzinfo=SEOUL)
    assert closes.utcoffset() == dt.timedelta(0)
