"""A 동행일자리 round of N applicants with RRNs, written in bulk, and its records-check file.

Shared by ``bench/verification`` and ``tests/verification``: registering N people one by one
through the registry would take minutes at 100,000, and what is measured is the check's import.
Every applicant declares facts that make them eligible (incomes differ from person to person); the
records check confirms them, except that every tenth applicant's verified income is a little
higher (still under the limit: the snapshot is patched) and the ``over_limit`` applicants'
verified income is over the limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications import rounds, service, statuses
from ilja.applications.models import Application, Channel, UnitKind, table_of
from ilja.people.models import Person
from ilja.people.rrn import KeyRing, blind_index, encrypt_rrn, expected_check_digit, parse_rrn

MANAGER = audit.Actor("1", "program_manager", "127.0.0.1")
ANNOUNCED = dt.date(2025, 5, 12)
STARTS = dt.date(2025, 7, 1)
DECLARED_INCOME = 1_000_000
OVER_LIMIT_INCOME = 9_000_000
HEADER = "주민등록번호,공고번호,가구소득(원),가구재산(원),생계급여,고용보험,우선선발대상\n"


def declared_income(i: int) -> int:
    return DECLARED_INCOME + (i % 500) * 1000


def verified_income(i: int, over_limit: set[int]) -> int:
    if i in over_limit:
        return OVER_LIMIT_INCOME
    return declared_income(i) + (100_000 if i % 10 == 0 else 0)


def rrn_of(i: int) -> str:
    digits = f"700315{1}{i:05d}"
    return digits + str(expected_check_digit(digits + "0"))


@dataclass
class World:
    round_id: int
    rrns: list[str]
    application_ids: list[int]


def build(session: Session, n: int, keyring: KeyRing, *, seats: int = 100, batch: int = 5000) -> World:
    """A closed-for-intake round (open, window past) with ``n`` eligible applications."""
    now = rounds.now_utc()
    data = rounds.RoundInput(
        program_code="companion_jobs", title="2025년 하반기 서울 동행일자리 참여자 모집 (검증)",
        announced_on=ANNOUNCED, opens_at=now - dt.timedelta(days=2), closes_at=now + dt.timedelta(days=5),
        starts_on=STARTS, units=[rounds.UnitInput("care", "돌봄·건강", UnitKind.PROJECT, seats)])
    row = rounds.create_round(session, data, actor=MANAGER)
    rounds.open_round(session, row.id, actor=MANAGER)
    rrns = [rrn_of(i) for i in range(n)]
    person_values = []
    for i, rrn in enumerate(rrns):
        number = parse_rrn(rrn)
        person_values.append({
            "name": f"신청{i}", "rrn_index": blind_index(number, keyring), "rrn_masked": number.masked,
            "rrn_basis": "companion_jobs", "birth_date": dt.date(1970, 3, 15), "sido": "서울특별시",
            "sigungu": "마포구", "employment_status": "unemployed", "able_to_work": True,
            "household_head": True, "household_size": 2, "vulnerable_groups": ["long_term_unemployed"],
            "veteran_service_months": 0, "nationality": "KR", "visa": "",
            "unemployment_benefit_periods": [], "training_history": [],
            "household_income_krw": declared_income(i), "household_assets_krw": 50_000_000,
            "receives_livelihood_benefit": False, "created_at": now, "updated_at": now})
    persons = table_of(Person)
    person_ids: list[int] = []
    for start in range(0, n, batch):
        person_ids += [r[0] for r in session.execute(insert(persons).returning(persons.c.id),
                                                     person_values[start:start + batch])]
    for pid, rrn in zip(person_ids[:50], rrns[:50], strict=False):  # a few tokens, as registered
        session.execute(persons.update().where(persons.c.id == pid).values(
            rrn_token=encrypt_rrn(rrn, keyring, context=str(pid))))
    from ilja.people import registry

    template = registry.person_format(session.get_one(Person, person_ids[0]))
    snap = service.evaluate(row, template)
    ctx = service.context_id(session, snap)
    apps = table_of(Application)
    ids: list[int] = []
    for start in range(0, n, batch):
        values = [service.application_values(row.id, pid, ["care"], Channel.IMPORT, f"w-{pid}", snap,
                                             ctx, MANAGER, now)
                  for pid in person_ids[start:start + batch]]
        chunk = [r[0] for r in session.execute(insert(apps).returning(apps.c.id), values)]
        statuses.record_openings(session, [statuses.Opening(app_id, *service.screening(snap))
                                           for app_id in chunk], channel="import", actor=MANAGER, now=now)
        ids += chunk
    return World(row.id, rrns, ids)


def records_file(world: World, *, over_limit: set[int] = frozenset(), round_id: int | None = None,
                 rows: range | None = None) -> bytes:
    """The records-check CSV for ``world``: the declared facts confirmed, except the applicants
    at the indexes ``over_limit`` (verified income over the limit)."""
    lines = [HEADER]
    for i in rows if rows is not None else range(len(world.rrns)):
        lines.append(f"{world.rrns[i]},{round_id or world.round_id},{verified_income(i, over_limit)},"
                     "50000000,N,N,\n")
    return "".join(lines).encode("utf-8")
