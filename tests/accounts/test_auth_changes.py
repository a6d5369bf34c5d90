"""Account changes announced on this machine as they commit (``ilja.accounts.auth_changes``), so
a worker's remembered token is not trusted after the revoking call returned even when
PostgreSQL's notice has not reached the worker yet."""

from __future__ import annotations

import pytest

from ilja.accounts import auth_changes, service, token_cache
from ilja.accounts.deps import UserInfo
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.ops.site import environment

PASSWORD = "Tr0ub4dor&3x"
SYSTEM = service.audit.SYSTEM_ACTOR


@pytest.fixture
def site(database_url, tmp_path):
    with environment(database_url, tmp_path):
        yield database_url


def _user_with_token(url: str, login: str) -> tuple[int, str]:
    with transaction(engine_for(url)) as session:
        user = service.create_user(session, login=login, password=PASSWORD,
                                   role=Role.PROGRAM_MANAGER, display_name=login)
        return user.id, service.issue_token(session, user, "test")[1]


def _mark() -> tuple[int, int]:
    return auth_changes.mark(auth_changes.path())


def test_a_committed_account_change_is_announced_and_a_rolled_back_one_is_not(site):
    user_id, _ = _user_with_token(site, "announced")
    before = _mark()
    with pytest.raises(RuntimeError), transaction(engine_for(site)) as session:
        service.set_active(session, user_id, False, SYSTEM)
        raise RuntimeError("rolled back")
    assert _mark() == before
    with transaction(engine_for(site)) as session:
        service.set_active(session, user_id, False, SYSTEM)
    after_deactivation = _mark()
    assert after_deactivation != before
    with transaction(engine_for(site)) as session:  # a Core update, unseen by the flush
        service.revoke_tokens(session, user_id, SYSTEM)
    assert _mark() != after_deactivation


def test_a_change_that_touches_no_account_is_not_announced(site):
    user_id, _ = _user_with_token(site, "quiet")
    before = _mark()
    with transaction(engine_for(site)) as session:
        service.issue_token(session, session.get(service.User, user_id), "another")
    assert _mark() == before


def test_a_remembered_token_is_forgotten_when_this_machine_announces_a_change(site):
    """The notice may come later than the revoker's next request; the announcement is enough."""
    if not site.startswith("postgresql"):
        pytest.skip("tokens are remembered only where PostgreSQL sends notices")
    _, token = _user_with_token(site, "remembered")
    engine = engine_for(site)
    with transaction(engine) as session:
        assert token_cache.resolve(session, token, UserInfo.of) is not None
        assert token_cache.remembered(session, token) is not None
        auth_changes.announce()  # no database change at all: no notice will come
        assert token_cache.remembered(session, token) is None
