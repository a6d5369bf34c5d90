"""The app on a migrated SQLite database with one user per role (the citizen linked to a
trainee), logged in through the real log-in form."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fastapi.testclient import TestClient

from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction

PASSWORD = "Tr0ub4dor&3x"


@dataclass
class Site:
    client: TestClient
    url: str
    tokens: dict[str, str]

    def api(self, role: str, method: str, path: str, **kwargs):
        return self.client.request(method, f"/api/v1{path}",
                                   headers={"Authorization": f"Bearer {self.tokens[role]}"}, **kwargs)

    def log_in(self, login: str) -> str:
        self.client.cookies.clear()
        page = self.client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.client.post("/login", data={"login": login, "password": PASSWORD, "next": "",
                                                     "csrf_token": token}, follow_redirects=False)
        assert response.status_code == 303
        return self.csrf("/")

    def csrf(self, path: str) -> str:
        page = self.client.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def make_users(url: str, person_id: int | None) -> dict[str, str]:
    """One user per role: the operator runs the Mapo campus (where the factories enrol), the
    coordinator has every person registered so far in their caseload, the citizen is
    ``person_id``."""
    from sqlalchemy import select

    from ilja.accounts import audit
    from ilja.matching.service import CandidateInput, register_candidate
    from ilja.people.models import Person

    tokens = {}
    with transaction(engine_for(url)) as session:
        for role in Role:
            user = accounts.create_user(session, login=role.value, password=PASSWORD, role=role,
                                        display_name=role.label_ko,
                                        site_code="campus.mapo" if role is Role.OPERATOR else None,
                                        person_id=person_id if role is Role.CITIZEN else None)
            tokens[role.value] = accounts.issue_token(session, user, "test")[1]
            if role is Role.JOB_COORDINATOR:
                for person in session.scalars(select(Person.id)):
                    register_candidate(session, CandidateInput(person, coordinator_user_id=user.id),
                                       actor=audit.SYSTEM_ACTOR)
    return tokens
