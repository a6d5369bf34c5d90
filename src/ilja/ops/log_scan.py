"""No personal data in any log line (issue 17 §4): synthetic people are sent through a real
server (registered, searched for by name and phone, and registered again while every insert
into the people table fails, the path that once wrote a whole person into the log), and every
line the server and the in-process fuzzer logged is searched for what was sent — as typed, as
a URL carries it, and any RRN- or phone-shaped number or SQL parameter dump at all.

Used by ``make reliability``; the people are invented (valid RRN check digits, 010 phones).
"""

from __future__ import annotations

import contextlib
import logging
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
from sqlalchemy import text

from ilja.db import engine_for
from ilja.people.rrn.numbers import expected_check_digit

SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = "민서지윤하준도현서연예은시우주원수아건우지호유진태희"
DISTRICTS = ("마포구", "은평구", "노원구", "관악구", "강서구", "중랑구")
# Shapes that are personal data whatever their source: an RRN (with or without its hyphen,
# 7th digit 1–8), a mobile phone, and SQLAlchemy's dump of a statement's parameters.
SHAPES = {"RRN-shaped number": re.compile(r"(?<!\d)\d{2}[01]\d[0-3]\d-?[1-8]\d{6}(?!\d)"),
          "phone-shaped number": re.compile(r"(?<!\d)01[016789]-?\d{3,4}-?\d{4}(?!\d)"),
          "SQL parameters": re.compile(r"\[parameters: ")}


@dataclass(frozen=True)
class Synthetic:
    name: str
    phone: str
    rrn: str
    address: str
    birth_date: str

    def values(self) -> dict[str, str]:
        return {"name": self.name, "phone": self.phone, "RRN": self.rrn, "address": self.address}


def synthetic_people(count: int, seed: int = 17) -> list[Synthetic]:
    """``count`` invented people, each with a name, phone, RRN and street address of their own
    (the numbers are long and random enough that no other log line holds them by chance)."""
    rng = random.Random(seed)
    people = []
    for n in range(count):
        year, month, day = rng.randint(1960, 1999), rng.randint(1, 12), rng.randint(1, 28)
        digits = f"{year % 100:02d}{month:02d}{day:02d}{rng.choice('12')}{rng.randint(0, 99999):05d}"
        rrn = f"{digits[:6]}-{digits[6:]}{expected_check_digit(digits)}"
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)) + "".join(rng.sample(GIVEN, 2))
        people.append(Synthetic(
            name=name, phone=f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}", rrn=rrn,
            address=f"{rng.choice(DISTRICTS)} 로그검사로 {rng.randint(100, 999)}-{n + 1}",
            birth_date=f"{year}-{month:02d}-{day:02d}"))
    return people


def registration(person: Synthetic) -> dict[str, object]:
    """The API body that registers ``person`` (POST /api/v1/people)."""
    return {"program": "companion_jobs", "name": person.name, "rrn": person.rrn, "phone": person.phone,
            "birth_date": person.birth_date, "sido": "서울특별시", "sigungu": person.address.split()[0],
            "address_detail": person.address, "employment_status": "unemployed", "able_to_work": True,
            "household_head": True, "household_size": 2, "nationality": "KR",
            "household_income_krw": 1_234_567, "household_assets_krw": 50_000_000,
            "receives_livelihood_benefit": False}


@contextlib.contextmanager
def failing_inserts(url: str, table: str = "persons") -> Iterator[None]:
    """Every INSERT or UPDATE on ``table`` fails in the database (a trigger raising an error)
    until the block ends: the write fails deep in SQLAlchemy, with the person as its parameters.
    PostgreSQL only."""
    engine = engine_for(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE FUNCTION ilja_reliability_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'refused by the reliability run'; END $$"))
        connection.execute(text(f"CREATE TRIGGER ilja_reliability_refuse BEFORE INSERT OR UPDATE ON {table} "
                                "FOR EACH ROW EXECUTE FUNCTION ilja_reliability_refuse()"))
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TRIGGER IF EXISTS ilja_reliability_refuse ON {table}"))
            connection.execute(text("DROP FUNCTION IF EXISTS ilja_reliability_refuse()"))


def send_people(base: str, url: str, token: str, people: list[Synthetic]) -> dict[int, int]:
    """Register half of ``people``, search for them by name and phone, read them, then register
    the other half while every insert fails; the count of each status the server answered
    (0: the connection closed without an answer)."""
    statuses: dict[int, int] = {}
    half = len(people) // 2
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        def send(method: str, path: str, **options) -> httpx.Response | None:
            try:
                response = client.request(method, path, **options)
            except httpx.TransportError:  # no answer at all: counted as status 0
                statuses[0] = statuses.get(0, 0) + 1
                return None
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            return response

        for person in people[:half]:
            created = send("POST", "/api/v1/people", json=registration(person))
            for q in (person.name, person.phone):
                send("GET", "/api/v1/people", params={"q": q})
            if created is not None and created.status_code == 201:
                send("GET", f"/api/v1/people/{created.json()['id']}")
        with failing_inserts(url):  # uvicorn closes a connection whose app raised: a fresh one each
            for person in people[half:]:
                send("POST", "/api/v1/people", json=registration(person), headers={"Connection": "close"})
    return statuses


@dataclass
class ScanResult:
    lines: int = 0
    sources: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # what was found where (never the value)

    @property
    def ok(self) -> bool:
        return self.lines > 0 and not self.findings


def _forms(value: str) -> set[str]:
    """``value`` as it may appear in a log line: as typed, URL-encoded, without hyphens."""
    return {value, quote(value), quote_plus(value), value.replace("-", "")} - {""}


def scan(logs: dict[str, str], people: list[Synthetic]) -> ScanResult:
    """Every line of every log in ``logs`` (source → text) against every value of ``people``
    and every personal-data shape; a finding names the source, line number and kind only."""
    result = ScanResult(sources=sorted(logs))
    needles = [(kind, form) for person in people for kind, value in person.values().items()
               for form in _forms(value)]
    for source, body in logs.items():
        for number, line in enumerate(body.splitlines(), 1):
            result.lines += 1
            kinds = {kind for kind, form in needles if form in line}
            kinds |= {kind for kind, pattern in SHAPES.items() if pattern.search(line)}
            result.findings.extend(f"{source}:{number} {kind}" for kind in sorted(kinds))
    return result


@contextlib.contextmanager
def captured_logs(path: Path, level: int = logging.INFO) -> Iterator[None]:
    """Every log record of this process at ``level`` and above, tracebacks included, written to
    ``path`` (what an in-process app would have printed to the server's log)."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    handler.setLevel(level)
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(min(saved, level) if saved else level)
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)
        handler.close()
