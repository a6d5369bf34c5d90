"""API tokens remembered by the server processes (``ilja.accounts.token_cache``): no database
read for a token checked before, and a revocation, a deactivation or a role change refused or
seen on the very next request, in every worker process."""

from __future__ import annotations

import time

import httpx
import pytest
from sqlalchemy import event, text

from ilja.accounts import service, token_cache
from ilja.accounts.deps import UserInfo
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.ops import load
from ilja.ops.site import environment

PASSWORD = "Tr0ub4dor&3x"
SYSTEM = service.audit.SYSTEM_ACTOR


@pytest.fixture
def postgres_url(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("token notices are PostgreSQL's (LISTEN/NOTIFY)")
    return database_url


def _user_with_token(url: str, login: str, role: Role = Role.PROGRAM_MANAGER) -> tuple[int, str]:
    with transaction(engine_for(url)) as session:
        user = service.create_user(session, login=login, password=PASSWORD, role=role,
                                   display_name=login)
        return user.id, service.issue_token(session, user, "test")[1]


def _reads(url: str, token: str) -> tuple[UserInfo | None, int]:
    """The token's account as the cache gives it, and how many statements that took."""
    engine = engine_for(url)
    sent: list[str] = []

    def note(conn, cursor, statement, *rest) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        with transaction(engine) as session:
            found = token_cache.resolve(session, token, UserInfo.of)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return found, len(sent)


def test_a_token_checked_before_is_not_read_again_until_it_is_revoked(postgres_url):
    user_id, token = _user_with_token(postgres_url, "cached")
    first, first_reads = _reads(postgres_url, token)
    again, reads = _reads(postgres_url, token)
    assert first is not None and again == first
    assert first_reads >= 1 and reads == 0
    with transaction(engine_for(postgres_url)) as session:  # another connection, as a worker's
        service.revoke_tokens(session, user_id, SYSTEM)
    refused, reads = _reads(postgres_url, token)
    assert refused is None and reads >= 1


def test_tokens_are_read_every_time_without_notices(database_url):
    """SQLite has no notices; on PostgreSQL, neither while the listening connection is gone."""
    user_id, token = _user_with_token(database_url, "plain")
    assert _reads(database_url, token)[0] is not None
    if database_url.startswith("postgresql"):  # PostgreSQL drops the listening connection
        listening = ("FROM pg_stat_activity WHERE datname = current_database() "
                     "AND query LIKE 'LISTEN%'")
        with engine_for(database_url).connect() as connection:
            connection.execute(text(f"SELECT pg_terminate_backend(pid) {listening}"))
            deadline = time.monotonic() + 10
            while connection.execute(text(f"SELECT count(*) {listening}")).scalar():
                assert time.monotonic() < deadline
                connection.commit()  # the activity view is read once per transaction
                time.sleep(0.05)
    found, reads = _reads(database_url, token)
    assert found is not None and reads >= 1
    with transaction(engine_for(database_url)) as session:
        service.revoke_tokens(session, user_id, SYSTEM)
    assert _reads(database_url, token)[0] is None


def test_a_citizens_token_is_read_every_time(postgres_url, tmp_path):
    """Its shown name is the registry's, which staff edit: not kept in memory."""
    from ilja.people import registry
    from ilja.people.keys import get_keyring

    with environment(postgres_url, tmp_path), transaction(engine_for(postgres_url)) as session:
        person = registry.register_person(session, {
            "name": "김시민", "phone": "010-1234-5678", "birth_date": "1980-01-01",
            "sido": "서울특별시", "sigungu": "마포구", "employment_status": "unemployed",
            "able_to_work": True, "household_head": True, "household_size": 1,
            "nationality": "KR"}, actor=SYSTEM,
            program="companion_jobs", keyring=get_keyring()).person
        user = service.create_user(session, login="citizen", password=PASSWORD,
                                   role=Role.CITIZEN, display_name="시민", person_id=person.id)
        token = service.issue_token(session, user, "test")[1]
    _reads(postgres_url, token)
    found, reads = _reads(postgres_url, token)
    assert found is not None and found.display_name == "김시민" and reads >= 1


def test_a_change_is_refused_or_seen_on_the_next_request_in_every_worker(postgres_url, tmp_path):
    """Two worker processes have checked (and remembered) each token; the change is made in this
    process, a third; the very next request, whichever worker takes it, sees it."""
    with environment(postgres_url, tmp_path):
        tokens = [_user_with_token(postgres_url, f"worker-{n}") for n in range(6)]
        server = load.Server(postgres_url, tmp_path, workers=2)
        server.start()
        try:
            with httpx.Client(base_url=server.base, timeout=10) as client:

                def me(token: str) -> httpx.Response:
                    """A staff page of the API (a citizen may not search people), on a fresh
                    connection each time: the kernel hands it to either worker."""
                    return client.get("/api/v1/people", headers={
                        "Authorization": f"Bearer {token}", "Connection": "close"})

                for _, token in tokens:
                    assert all(me(token).status_code == 200 for _ in range(12))
                for n, (user_id, token) in enumerate(tokens):
                    with transaction(engine_for(postgres_url)) as session:
                        if n % 3 == 0:
                            service.revoke_tokens(session, user_id, SYSTEM)
                        elif n % 3 == 1:
                            service.set_active(session, user_id, False, SYSTEM)
                        else:
                            service.change_role(session, user_id, Role.CITIZEN, SYSTEM)
                    answer = me(token)
                    assert answer.status_code == (403 if n % 3 == 2 else 401), (n, answer.text)
        finally:
            server.stop()
