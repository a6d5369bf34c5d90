"""Accounts, sessions, tokens and the audit log on SQLite and PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from ilja.accounts import audit, service
from ilja.accounts.passwords import LoginThrottle, ThrottlePolicy
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction

PASSWORD = "Tr0ub4dor&3x"


def make_user(url, login="manager", role=Role.PROGRAM_MANAGER):
    with transaction(engine_for(url)) as session:
        return service.create_user(session, login=login, password=PASSWORD, role=role, display_name="담당자").id


def test_login_with_the_right_password_and_not_the_wrong_one(database_url):
    make_user(database_url)
    with transaction(engine_for(database_url)) as session:
        assert service.authenticate(session, "manager", PASSWORD, "127.0.0.1").user is not None
        wrong = service.authenticate(session, "manager", "nope", "127.0.0.1")
        unknown = service.authenticate(session, "nobody", PASSWORD, "127.0.0.1")
        assert wrong.user is None and unknown.user is None
        assert wrong.refusal.message_en == unknown.refusal.message_en  # no hint which was wrong


def test_repeated_failures_lock_the_account_and_the_failures_are_kept(database_url):
    make_user(database_url)
    throttle = LoginThrottle(ThrottlePolicy())
    for _ in range(6):
        with transaction(engine_for(database_url)) as session:
            service.authenticate(session, "manager", "wrong", "10.0.0.1", throttle)
    with transaction(engine_for(database_url)) as session:
        outcome = service.authenticate(session, "manager", PASSWORD, "10.0.0.1", throttle)
        assert outcome.user is None
        assert outcome.refusal.code == "login_throttled"
        actions = [r.action for r in audit.search(session, audit.AuditQuery(limit=50))[0]]
    assert actions.count("auth.login_failed") >= 2
    assert "auth.login_refused" in actions


def test_weak_passwords_are_refused(database_url):
    with transaction(engine_for(database_url)) as session, pytest.raises(service.AccountError) as error:
        service.create_user(session, login="x1", password="password", role=Role.CITIZEN, display_name="x")
    assert error.value.code == "password_policy"


def test_sessions_and_tokens_resolve_and_revoke(database_url):
    user_id = make_user(database_url)
    with transaction(engine_for(database_url)) as session:
        user = session.get(service.User, user_id)
        new = service.start_session(session, user, "127.0.0.1")
        _, token = service.issue_token(session, user, "cli")
    with transaction(engine_for(database_url)) as session:
        assert service.resolve_session(session, new.token)[0].id == user_id
        assert service.resolve_token(session, token).id == user_id
        assert service.resolve_token(session, token + "x") is None
        service.end_session(session, new.token)
    with transaction(engine_for(database_url)) as session:
        assert service.resolve_session(session, new.token) is None


def test_audit_log_is_append_only(database_url):
    make_user(database_url)
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), transaction(engine_for(database_url)) as session:
            session.execute(text(statement))


def test_chain_verifies_and_detects_a_rewritten_entry(database_url):
    make_user(database_url)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        for i in range(5):
            audit.record(session, audit.SYSTEM_ACTOR, "test.event", object_id=i)
        assert audit.verify(session).ok
    with engine.begin() as connection:  # an attacker with table access, triggers dropped
        if engine.dialect.name == "postgresql":
            connection.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only"))
        else:
            connection.execute(text("DROP TRIGGER audit_log_no_update"))
        canonical = connection.execute(text("SELECT canonical FROM audit_log WHERE sequence = 3")).scalar_one()
        connection.execute(text("UPDATE audit_log SET canonical = :c WHERE sequence = 3"),
                           {"c": canonical.replace('"object_id":"1"', '"object_id":"99"')})
    with transaction(engine) as session:
        report = audit.verify(session)
    assert not report.ok and report.first_bad_sequence == 3 and report.problem == "hash_mismatch"


def test_concurrent_writers_get_consecutive_sequences(database_url):
    make_user(database_url)
    engine = engine_for(database_url)
    failures: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(10):
                with transaction(engine) as session:
                    audit.record(session, audit.SYSTEM_ACTOR, "test.concurrent", object_id=f"{n}-{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    with transaction(engine) as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 43  # user.create, grant requested and approved + 40


def test_monthly_report_counts_and_checks_the_chain(database_url):
    import datetime as dt

    make_user(database_url)
    with transaction(engine_for(database_url)) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "person.export", reason="선발 결과 검토")
        month = dt.datetime.now(dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo("Asia/Seoul")).strftime("%Y-%m")
        report = audit.monthly_report(session, month)
    assert report.entries == 4 and report.downloads == 1 and report.chain.ok  # 3 for the account


def _log_and_intake(engine) -> tuple[list[str], int]:
    with engine.connect() as connection:
        actions = list(connection.execute(text("SELECT action FROM audit_log ORDER BY sequence")).scalars())
        waiting = connection.execute(text("SELECT count(*) FROM audit_intake")).scalar_one()
    return actions, waiting


def test_entries_are_chained_after_the_commit_and_vanish_with_a_rollback(database_url):
    engine = engine_for(database_url)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "test.rolled_back")
        raise RuntimeError("the work failed")
    assert _log_and_intake(engine) == ([], 0)
    with transaction(engine) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "test.committed")
        session.flush()
        if engine.dialect.name == "postgresql":  # SQLite: another connection would wait for the lock
            assert _log_and_intake(engine) == ([], 0)  # not visible to others before the commit
    assert _log_and_intake(engine) == (["test.committed"], 0)


def test_an_open_writer_does_not_hold_up_other_writers(database_url):
    """The head lock is only taken by the short sealing step, never through a writer's work."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite has one writer at a time by design")
    engine = engine_for(database_url)
    finished = threading.Event()

    def other_writer() -> None:
        with transaction(engine) as session:
            audit.record(session, audit.SYSTEM_ACTOR, "test.second")
        finished.set()

    with transaction(engine) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "test.first")
        session.flush()
        thread = threading.Thread(target=other_writer)
        thread.start()
        assert finished.wait(10), "the second writer waited for the first one's commit"
        thread.join()
    actions, waiting = _log_and_intake(engine)
    assert actions == ["test.second", "test.first"] and waiting == 0
    with transaction(engine) as session:
        assert audit.verify(session).ok


def test_entries_left_in_the_intake_by_a_crash_are_chained_by_the_next_reader(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "test.before_crash")
        session.info.clear()  # as if the process died between the commit and the sealing
    assert _log_and_intake(engine) == ([], 1)
    with transaction(engine) as session:
        report = audit.verify(session)
    assert report.ok and report.checked == 1
    assert _log_and_intake(engine) == (["test.before_crash"], 0)


def test_background_sealing_chains_soon_after_the_commit(database_url, monkeypatch):
    import time

    from ilja.config import get_settings

    monkeypatch.setenv("ILJA_AUDIT_SEALING", "background")
    get_settings.cache_clear()
    engine = engine_for(database_url)
    try:
        with transaction(engine) as session:
            for i in range(3):
                audit.record(session, audit.SYSTEM_ACTOR, "test.background", object_id=i)
        deadline = time.monotonic() + 10
        while _log_and_intake(engine)[1] and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        monkeypatch.delenv("ILJA_AUDIT_SEALING")
        get_settings.cache_clear()
    assert _log_and_intake(engine) == (["test.background"] * 3, 0)


def test_token_use_is_noted_without_holding_the_token_row(database_url):
    from ilja.accounts.models import ApiToken

    engine = engine_for(database_url)
    with transaction(engine) as session:
        user = service.get_user_by_login(session, "x") or service.create_user(
            session, login="tokenuser", password=PASSWORD, role=Role.PROGRAM_MANAGER, display_name="토큰")
        token = service.issue_token(session, user, "api")[1]
    if database_url.startswith("postgresql"):
        # A request holding its transaction open must not block another with the same token.
        finished = threading.Event()

        def other_request() -> None:
            with transaction(engine) as session:
                assert service.resolve_token(session, token) is not None
            finished.set()

        with transaction(engine) as session:
            assert service.resolve_token(session, token) is not None
            thread = threading.Thread(target=other_request)
            thread.start()
            assert finished.wait(10), "the second request queued behind the first one's row lock"
            thread.join()
    else:
        with transaction(engine) as session:
            assert service.resolve_token(session, token) is not None
    with transaction(engine) as session:
        row = session.query(ApiToken).one()
        assert row.last_used_at is not None


def test_a_savepoint_inside_the_work_does_not_seal_early(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        audit.record(session, audit.SYSTEM_ACTOR, "test.outer")
        with session.begin_nested():
            audit.record(session, audit.SYSTEM_ACTOR, "test.inner")
        with pytest.raises(RuntimeError), session.begin_nested():
            audit.record(session, audit.SYSTEM_ACTOR, "test.undone")
            raise RuntimeError
    assert _log_and_intake(engine) == (["test.outer", "test.inner"], 0)
