"""Account life (issue 17 §2) on SQLite and PostgreSQL: four eyes for roles that read personal
data, one citizen account per person, deactivation and revocation that stop at once, logins
unique regardless of case, and throttling a stranger cannot turn against the real user."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ilja.accounts import audit, passwords, service
from ilja.accounts.passwords import LoginThrottle
from ilja.accounts.roles import PERSONAL_DATA_ROLES, Role
from ilja.db import engine_for, transaction

PASSWORD = "Tr0ub4dor&3x"


def make(url: str, login: str, role: Role, actor: audit.Actor = audit.SYSTEM_ACTOR,
         person_id: int | None = None) -> int:
    with transaction(engine_for(url)) as session:
        return service.create_user(session, login=login, password=PASSWORD, role=role, display_name=login,
                                   actor=actor, person_id=person_id).id


def as_actor(user_id: int, role: Role = Role.ADMIN) -> audit.Actor:
    return audit.Actor(str(user_id), str(role), "10.0.0.1")


def log_in(url: str, login: str, password: str = PASSWORD, address: str = "10.0.0.1",
           throttle: LoginThrottle | None = None) -> service.LoginOutcome:
    with transaction(engine_for(url)) as session:
        return service.authenticate(session, login, password, address, throttle)


def add_person(url: str) -> int:
    from ilja.people.models import Person

    now = dt.datetime.now(dt.UTC)
    with transaction(engine_for(url)) as session:
        person = Person(name="홍길동", birth_date=dt.date(1990, 1, 1), sido="서울특별시", sigungu="마포구",
                        employment_status="unemployed", able_to_work=True, household_head=True,
                        household_size=1, vulnerable_groups=[], veteran_service_months=0,
                        nationality="KOR", visa="", unemployment_benefit_periods=[], training_history=[],
                        created_at=now, updated_at=now)
        session.add(person)
        session.flush()
        return person.id


def entries(url: str, action: str) -> list:
    with transaction(engine_for(url)) as session:
        return [r for r in audit.search(session, audit.AuditQuery(action=action, limit=100))[0]
                if r.action == action]


@pytest.fixture
def app(database_url, tmp_path, monkeypatch):
    from ilja.config import get_settings
    from ilja.db import dispose_engines
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    monkeypatch.setenv("ILJA_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield database_url, create_app()
    dispose_engines()
    get_settings.cache_clear()


def bearer(url: str, user_id: int) -> dict[str, str]:
    with transaction(engine_for(url)) as session:
        token = service.issue_token(session, session.get(service.User, user_id), "test")[1]
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def web_log_in(client: TestClient, login: str) -> str:
    page = client.get("/login")
    response = client.post("/login", data={"login": login, "password": PASSWORD, "next": "",
                                           "csrf_token": csrf_of(page.text)}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/account").text)


def test_roles_needing_approval_follow_from_the_permissions():
    needing_approval = PERSONAL_DATA_ROLES
    assert needing_approval == {Role.JOB_COORDINATOR, Role.OPERATOR, Role.PROGRAM_MANAGER, Role.AUDITOR,
                                Role.ADMIN}


def test_a_role_reading_personal_data_needs_a_second_administrator(app):
    url, web = app
    first, second = make(url, "admin1", Role.ADMIN), make(url, "admin2", Role.ADMIN)
    client = TestClient(web)
    created = client.post("/api/v1/users", headers=bearer(url, first), json={
        "login": "manager", "password": PASSWORD, "display_name": "담당자", "role": "program_manager"})
    assert created.status_code == 201 and created.json()["approved_at"] is None
    manager = created.json()["id"]
    assert created.json()["pending_role"] == "program_manager"
    # pending: no log-in (answered like a wrong password) and no token
    refused = log_in(url, "manager")
    assert refused.user is None and refused.refusal.code == "login_failed"
    pending_token = bearer(url, manager)
    assert client.get("/api/v1/me", headers=pending_token).status_code == 401
    # the requester cannot approve their own request
    own = client.post(f"/api/v1/users/{manager}/grant", headers=bearer(url, first), json={"decision": "approve"})
    assert own.status_code == 403 and own.json()["detail"]["code"] == "own_request"
    assert log_in(url, "manager").user is None
    # a second administrator approves: it works at once, token included
    approved = client.post(f"/api/v1/users/{manager}/grant", headers=bearer(url, second),
                           json={"decision": "approve"})
    assert approved.status_code == 200 and approved.json()["approved_at"] is not None
    assert log_in(url, "manager").user is not None
    assert client.get("/api/v1/me", headers=pending_token).json()["role"] == "program_manager"
    [asked] = [e for e in entries(url, "user.grant_requested") if e.object_id == str(manager)]
    assert (asked.actor_id, asked.object_id, asked.details["role"]) == (str(first), str(manager), "program_manager")
    [approval] = [e for e in entries(url, "user.grant_approved") if e.object_id == str(manager)]
    assert (approval.actor_id, approval.details) == (str(second), {"role": "program_manager",
                                                                   "requested_by": str(first)})


def test_an_administrator_cannot_make_a_second_one_to_approve_their_own_grants(database_url):
    first = make(database_url, "admin1", Role.ADMIN)
    puppet = make(database_url, "puppet", Role.ADMIN, actor=as_actor(first))
    assert log_in(database_url, "puppet").user is None  # waits for another administrator
    with transaction(engine_for(database_url)) as session, pytest.raises(service.AccountError) as error:
        service.approve_grant(session, puppet, as_actor(puppet))
    assert error.value.code == "own_request"


def test_a_citizen_account_without_personal_data_is_created_directly(database_url):
    admin = make(database_url, "admin1", Role.ADMIN)
    make(database_url, "citizen", Role.CITIZEN, actor=as_actor(admin))
    assert log_in(database_url, "citizen").user is not None


def test_role_change_waits_while_the_account_keeps_its_role(database_url):
    first, second = make(database_url, "admin1", Role.ADMIN), make(database_url, "admin2", Role.ADMIN)
    citizen = make(database_url, "someone", Role.CITIZEN, actor=as_actor(first))
    with transaction(engine_for(database_url)) as session:
        service.change_role(session, citizen, Role.AUDITOR, as_actor(first))
    assert log_in(database_url, "someone").user.role == "citizen"
    with transaction(engine_for(database_url)) as session:
        service.approve_grant(session, citizen, as_actor(second))
    assert log_in(database_url, "someone").user.role == "auditor"


def test_one_citizen_account_per_person_and_no_unknown_person(database_url):
    first, second = make(database_url, "admin1", Role.ADMIN), make(database_url, "admin2", Role.ADMIN)
    person, other = add_person(database_url), add_person(database_url)
    make(database_url, "owner", Role.CITIZEN, person_id=person)
    intruder = make(database_url, "intruder", Role.CITIZEN, actor=as_actor(first))
    for target, code in ((person, "person_linked"), (999_999, "person_unknown")):
        with transaction(engine_for(database_url)) as session, pytest.raises(service.AccountError) as error:
            service.link_person(session, intruder, target, as_actor(first))
        assert error.value.code == code
    with pytest.raises(IntegrityError), engine_for(database_url).begin() as connection:
        connection.execute(text("UPDATE users SET person_id = :p WHERE login = 'intruder'"), {"p": person})
    # an administrator's link is a step of its own and waits for another administrator
    with transaction(engine_for(database_url)) as session:
        service.link_person(session, intruder, other, as_actor(first))
    assert log_in(database_url, "intruder").user is None
    with transaction(engine_for(database_url)) as session:
        service.approve_grant(session, intruder, as_actor(second))
    assert log_in(database_url, "intruder").user.person_id == other
    [link] = [e for e in entries(database_url, "user.link_person") if e.object_id == str(intruder)]
    assert (link.actor_id, link.subject_person_id) == (str(first), str(other))


def test_logins_are_unique_regardless_of_case(database_url):
    make(database_url, "Manager", Role.CITIZEN)
    with transaction(engine_for(database_url)) as session, pytest.raises(service.AccountError) as error:
        service.create_user(session, login="manager", password=PASSWORD, role=Role.CITIZEN, display_name="x")
    assert error.value.code == "login_taken"
    assert log_in(database_url, "MANAGER").user.login == "Manager"
    with pytest.raises(IntegrityError), engine_for(database_url).begin() as connection:
        connection.execute(text("UPDATE users SET login = 'MANAGER2'"))
        connection.execute(text(
            "INSERT INTO users (login, display_name, role, password_hash, active, created_at, "
            "password_changed_at) SELECT 'manager2', display_name, role, password_hash, active, "
            "created_at, password_changed_at FROM users"))


def test_deactivation_and_revocation_stop_sessions_and_tokens_at_once(app):
    url, web = app
    admin = make(url, "admin1", Role.ADMIN)
    manager = make(url, "manager", Role.PROGRAM_MANAGER)
    api = TestClient(web)
    browser = TestClient(web)
    csrf = web_log_in(browser, "manager")
    token, spare = bearer(url, manager), bearer(url, manager)
    # the owner revokes one of their tokens: it stops, the other one goes on
    mine = api.get("/api/v1/users/me/tokens", headers=token).json()
    assert len(mine) == 2
    assert api.delete(f"/api/v1/users/me/tokens/{mine[0]['id']}", headers=spare).status_code == 200
    assert api.get("/api/v1/me", headers=token).status_code == 401
    assert api.get("/api/v1/me", headers=spare).status_code == 200
    # ... and on the account page
    page = browser.get("/account")
    [token_id] = re.findall(r'action="/account/tokens/(\d+)/revoke"', page.text)
    assert browser.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf}).status_code == 200
    assert api.get("/api/v1/me", headers=spare).status_code == 401
    fresh = bearer(url, manager)
    # an administrator deactivates the account: session and token stop on the next request
    off = api.put(f"/api/v1/users/{manager}/active", headers=bearer(url, admin), json={"active": False})
    assert off.status_code == 200 and off.json()["active"] is False
    assert api.get("/api/v1/me", headers=fresh).status_code == 401
    assert browser.get("/account", follow_redirects=False).headers["location"].startswith("/login")
    assert log_in(url, "manager").user is None
    # reactivating brings back the log-in, not the old sessions and tokens
    api.put(f"/api/v1/users/{manager}/active", headers=bearer(url, admin), json={"active": True})
    assert log_in(url, "manager").user is not None
    assert api.get("/api/v1/me", headers=fresh).status_code == 401
    assert [e.object_id for e in entries(url, "user.deactivated")] == [str(manager)]


def test_the_administrators_page_lists_pending_grants_in_korean(app):
    url, web = app
    first = make(url, "admin1", Role.ADMIN)
    make(url, "admin2", Role.ADMIN)
    make(url, "coordinator", Role.JOB_COORDINATOR, actor=as_actor(first))
    browser = TestClient(web)
    csrf = web_log_in(browser, "admin1")
    page = browser.get("/users")
    assert page.status_code == 200 and "잡코디" in page.text and "승인 대기" in page.text
    visible = re.sub(r"<[^>]+>", " ", page.text)
    assert "job_coordinator" not in visible and "program_manager" not in visible
    coordinator = re.search(r'action="/users/(\d+)/grant"', page.text).group(1)
    own = browser.post(f"/users/{coordinator}/grant", data={"decision": "approve", "csrf_token": csrf})
    assert own.status_code == 403 and "다른 관리자" in own.text
    other = TestClient(web)
    csrf = web_log_in(other, "admin2")
    done = other.post(f"/users/{coordinator}/grant", data={"decision": "approve", "csrf_token": csrf})
    assert done.status_code == 200 and "승인했습니다" in done.text
    assert log_in(url, "coordinator").user is not None


def _answers(url: str, login: str, throttle: LoginThrottle, clock: list[dt.datetime]) -> list[tuple[str, str]]:
    seen = []
    for _ in range(8):
        refusal = log_in(url, login, "wrong-password", "203.0.113.9", throttle).refusal
        seen.append((refusal.code, refusal.message_en))
        clock[0] += dt.timedelta(seconds=61)
    return seen


def test_a_stranger_cannot_lock_the_user_out_and_names_answer_alike(database_url, monkeypatch):
    make(database_url, "manager", Role.PROGRAM_MANAGER)
    clock = [dt.datetime(2026, 1, 5, 9, tzinfo=dt.UTC)]
    throttle = LoginThrottle(clock=lambda: clock[0])
    dummies = []
    real_dummy = passwords.dummy_verify
    monkeypatch.setattr(passwords, "dummy_verify", lambda *a, **k: (dummies.append(1), real_dummy(*a, **k)))
    known = _answers(database_url, "manager", throttle, clock)
    assert known[-1][0] == "login_throttled"  # the stranger's own address is locked
    unknown = _answers(database_url, "nobody", throttle, clock)
    assert unknown == known  # same statuses and messages for a name that does not exist
    assert dummies  # an unknown name costs a (dummy) hash check too
    # the real user, from their own address, logs in at once
    assert log_in(database_url, "manager", address="10.0.0.1", throttle=throttle).user is not None
    assert log_in(database_url, "manager", address="203.0.113.9", throttle=throttle).user is None


def test_a_rejected_link_leaves_a_citizen_account_without_personal_data(database_url):
    first, second = make(database_url, "admin1", Role.ADMIN), make(database_url, "admin2", Role.ADMIN)
    citizen = make(database_url, "citizen", Role.CITIZEN, actor=as_actor(first))
    with transaction(engine_for(database_url)) as session:
        service.link_person(session, citizen, add_person(database_url), as_actor(first))
    with transaction(engine_for(database_url)) as session:
        service.reject_grant(session, citizen, as_actor(second))
    user = log_in(database_url, "citizen").user
    assert user is not None and user.person_id is None
