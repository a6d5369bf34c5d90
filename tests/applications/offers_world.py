"""A drawn round with one seat and a waitlist, its citizens and a manager, for the offer pages'
tests (TestClient and Chromium)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import select
from tests.applications.factories import MANAGER, apply, open_round, register, round_input

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.applications.models import Application
from ilja.applications.rounds import UnitInput
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.selection import service

PASSWORD = "Tr0ub4dor&3x"
CITIZENS = ("kim", "lee", "park", "choi")


@dataclass
class OffersWorld:
    url: str
    round_id: int
    applications: dict[str, int] = field(default_factory=dict)  # login → application id

    def status(self, login: str) -> str:
        with transaction(engine_for(self.url)) as session:
            return session.get_one(Application, self.applications[login]).status

    def by_status(self, status: str) -> list[str]:
        return [login for login in self.applications if self.status(login) == status]

    def waitlist(self) -> list[str]:
        """The logins on the waitlist, place 1 first."""
        from ilja.selection.models import SelectionOutcomeRow

        with transaction(engine_for(self.url)) as session:
            rows = dict(session.execute(select(SelectionOutcomeRow.application_id,
                                               SelectionOutcomeRow.current_waitlist)).all())
        places = {login: dict(rows[a] or []).get("care") for login, a in self.applications.items()}
        return sorted((login for login, p in places.items() if p), key=lambda x: places[x])


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def build(url: str, tmp_path, monkeypatch) -> OffersWorld:
    """One seat (``care``), four eligible citizens applied, drawn now; a round starting in a
    month, so everyone may still answer and withdraw."""
    from ilja.config import get_settings
    from ilja.people.keys import reset_keyring

    keyring = generate_key_file(tmp_path / "keys" / "data-keys.json")
    monkeypatch.setenv("ILJA_DATABASE_URL", url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("ILJA_DATA_KEY_FILE", str(tmp_path / "keys" / "data-keys.json"))
    get_settings.cache_clear()
    reset_keyring()
    today = clock.today()
    round_id = open_round(url, round_input(units=[UnitInput("care", "돌봄·건강", seats=1)],
                                           announced=today - dt.timedelta(days=2),
                                           starts=today + dt.timedelta(days=40)))
    world = OffersWorld(url, round_id)
    with transaction(engine_for(url)) as session:
        accounts.create_user(session, login="manager", password=PASSWORD,
                             role=Role.PROGRAM_MANAGER, display_name="manager")
    for login in CITIZENS:
        person = register(url, keyring)
        with transaction(engine_for(url)) as session:
            accounts.create_user(session, login=login, password=PASSWORD, role=Role.CITIZEN,
                                 display_name=login, person_id=person)
        world.applications[login] = apply(url, round_id, person, ["care"])[0]
    with transaction(engine_for(url)) as session:
        service.run_selection(session, round_id, actor=MANAGER)
    return world
