"""A pooled PostgreSQL connection that the server ended (a restart, a terminated backend) is
replaced at checkout, without a round trip per checkout: the next transaction works."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from ilja.db import make_engine


@pytest.fixture
def engine(postgres_server: str) -> Iterator[Engine]:
    made = make_engine(postgres_server)
    try:
        yield made
    finally:
        made.dispose()


def _pids(engine: Engine, count: int) -> list[int]:
    """``count`` connections checked out at once (so the pool keeps that many), their backends."""
    connections = [engine.connect() for _ in range(count)]
    try:
        return [c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in connections]
    finally:
        for connection in connections:
            connection.close()


def _terminate(postgres_server: str, pids: list[int]) -> None:
    """End the backends as a restart would, and wait until each has gone."""
    killer = make_engine(postgres_server)
    try:
        with killer.connect() as connection:
            for pid in pids:
                assert connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                                          {"pid": pid}).scalar_one()
    finally:
        killer.dispose()


def test_connections_the_server_ended_are_replaced_at_checkout(engine, postgres_server):
    before = _pids(engine, 3)
    _terminate(postgres_server, before)
    after = _pids(engine, 3)  # no error: each checkout found its connection closed
    assert not set(after) & set(before)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT 1")).scalar_one() == 1


def test_a_live_connection_is_kept_without_a_ping(engine):
    statements: list[str] = []
    first = _pids(engine, 1)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    assert _pids(engine, 1) == first
    assert statements == ["SELECT pg_backend_pid()"]
