"""Rounds, persons and applications for the application and selection tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from ilja.accounts import audit
from ilja.applications import rounds, service
from ilja.applications.models import Channel, UnitKind
from ilja.applications.rounds import RoundInput, UnitInput
from ilja.db import engine_for, transaction
from ilja.people import registry

MANAGER = audit.Actor("1", "program_manager", "127.0.0.1")
CITIZEN = audit.Actor("7", "citizen", "127.0.0.1")
AUDITOR = audit.Actor("3", "auditor", "127.0.0.1")
KST = dt.timezone(dt.timedelta(hours=9))
ANNOUNCED = dt.date(2025, 5, 12)
STARTS = dt.date(2025, 7, 1)
_counter = itertools.count(1)


def window(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """An application window that is open now."""
    moment = now or dt.datetime.now(dt.UTC)
    return moment - dt.timedelta(days=1), moment + dt.timedelta(days=7)


def round_input(program: str = "companion_jobs", units: list[UnitInput] | None = None,
                announced: dt.date = ANNOUNCED, starts: dt.date = STARTS,
                **overrides: Any) -> RoundInput:
    opens, closes = window()
    opens = max(opens, dt.datetime.combine(announced, dt.time(9), KST))
    if closes <= opens:
        closes = opens + dt.timedelta(days=7)
    values: dict[str, Any] = {
        "program_code": program, "title": "2025년 하반기 서울 동행일자리 참여자 모집",
        "announced_on": announced, "opens_at": opens, "closes_at": closes, "starts_on": starts,
        "units": units or [UnitInput("care", "돌봄·건강", UnitKind.PROJECT, 2),
                           UnitInput("safety", "안전", UnitKind.PROJECT, 1)],
    }
    values.update(overrides)
    return RoundInput(**values)


def open_round(url: str, data: RoundInput | None = None) -> int:
    """A round that takes applications now (its announcement date may be in the past)."""
    data = data or round_input()
    with transaction(engine_for(url)) as session:
        row = rounds.create_round(session, data, actor=MANAGER)
        rounds.open_round(session, row.id, actor=MANAGER)
        if not rounds.taking_applications(row):
            row.opens_at, row.closes_at = window()
        return row.id


def person_record(**overrides: Any) -> dict[str, Any]:
    """A 동행일자리 applicant who meets every condition (income and assets given)."""
    n = next(_counter)
    base = {
        "name": f"김철{n}", "phone": f"010-{1000 + n % 9000:04d}-{n % 10000:04d}",
        "birth_date": "1970-03-15", "sido": "서울특별시", "sigungu": "마포구",
        "employment_status": "unemployed", "able_to_work": True, "household_head": True,
        "household_size": 2, "vulnerable_groups": ["long_term_unemployed"],
        "nationality": "KR", "household_income_krw": 1_000_000,
        "household_assets_krw": 50_000_000, "receives_livelihood_benefit": False,
    }
    base.update(overrides)
    return base


def register(url: str, keyring: Any, program: str = "companion_jobs", **overrides: Any) -> int:
    with transaction(engine_for(url)) as session:
        result = registry.register_person(session, person_record(**overrides), actor=MANAGER,
                                          program=program, keyring=keyring)
        return result.person.id


def apply(url: str, round_id: int, person_id: int, preferences: list[str] | None = None,
          key: str | None = None, actor: audit.Actor = CITIZEN, staff: bool = False,
          channel: Channel = Channel.API) -> tuple[int, bool]:
    with transaction(engine_for(url)) as session:
        person = registry.person_format(registry.get_person(session, person_id))
        submission = service.submit(
            session, round_id=round_id, person_id=person_id, person=person,
            preferences=preferences if preferences is not None else ["care"], channel=channel,
            idempotency_key=key or f"key-{person_id}-{round_id}", actor=actor, staff=staff)
        return submission.application.id, submission.created
