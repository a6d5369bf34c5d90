"""Projects, persons and placements for the public-job database tests."""

from __future__ import annotations

import datetime as dt
import itertools

from ilja.accounts import audit
from ilja.people.models import Person
from ilja.publicjobs import service
from ilja.publicjobs.service import ProjectInput

MANAGER = audit.Actor("1", "program_manager", "127.0.0.1")
HOST = audit.Actor("5", "operator", "127.0.0.1")
_counter = itertools.count(1)


def person_row(birth_date: dt.date = dt.date(1980, 5, 1), nationality: str = "KR", visa: str = "",
               ) -> dict:
    """A persons row without an RRN (the registry's own tests cover registration)."""
    now = dt.datetime.now(dt.UTC)
    n = next(_counter)
    return {"name": f"참여자{n}", "birth_date": birth_date, "sido": "서울특별시", "sigungu": "마포구",
            "employment_status": "unemployed", "able_to_work": True, "household_head": False,
            "household_size": 1, "vulnerable_groups": [], "veteran_service_months": 0,
            "nationality": nationality, "visa": visa, "unemployment_benefit_periods": [],
            "training_history": [], "created_at": now, "updated_at": now}


def add_person(session, **kwargs) -> int:
    person = Person(**person_row(**kwargs))
    session.add(person)
    session.flush()
    return person.id


def add_project(session, program: str = "attractive_jobs", track: str | None = None,
                host: str = "host-1") -> int:
    n = next(_counter)
    return service.create_project(session, ProjectInput(
        code=f"{program}-{n}", program_code=program, name=f"사업 {n}", host_code=host,
        host_name="마포구청", host_kind="district", seats=10, track_code=track,
        district_code="11440"), actor=MANAGER).id
