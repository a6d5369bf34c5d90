"""API tokens checked without a database read on every request, revocation still immediate.

A worker process keeps the tokens it has checked (by their SHA-256, never the token) with the
account they stand for, and forgets them all the moment PostgreSQL announces a change that
could refuse one: migration 0051's triggers notify the ``ilja_auth`` channel when a token is
revoked or its expiry changed, an account is deactivated, its role, approval, site or person
link changes, or such rows are deleted — by the app, the CLI or plain SQL alike.

What "immediate" means across several workers: each worker holds one connection that LISTENs,
and before it trusts a remembered token it looks (a ``select`` on that connection's socket, no
round trip) whether a notice is waiting. PostgreSQL signals the listeners while the revoking
transaction commits, but a listener sends the notice only when the operating system next runs
it, which on a busy machine can come after the revoker's next request. So the changes made
through ``accounts.service`` are also announced on this machine (``auth_changes``: a file
touched right after the commit, looked at with one ``stat``), and a request that reaches any
worker after the revoking call returned is refused; a change by plain SQL or from another
machine is seen once its notice arrives. A request already past its token check when the revocation commits still
finishes, as it always did when the check was a read at the request's start. A notice cannot
be missed silently: while the listening connection is down (PostgreSQL restarted) nothing is
trusted from memory and every token is read from the database until it is back.

Not kept in memory: tokens of accounts linked to a person (their shown name is the registry's,
which staff edit) and SQLite sites (no notices); those are read each time, as before. A
remembered token is read again after ``RECHECK`` (that read notes its use, ``last_used_at``)
and never trusted past its expiry.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import select
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import auth_changes, service
from ilja.accounts.models import User

log = logging.getLogger(__name__)
CHANNEL = "ilja_auth"
RECHECK = dt.timedelta(minutes=5)  # as often as a token's use is noted (service.resolve_token)
RECONNECT_SECONDS = 1.0
MAX_ENTRIES = 10_000
T = TypeVar("T")


@dataclass(frozen=True)
class _Entry:
    value: Any
    generation: int
    until: dt.datetime


class _Listener:
    """One LISTENing connection per process and PostgreSQL engine, polled by the requests.

    ``generation`` counts the notices seen (and the losses of the connection); an entry is
    trusted only under the generation it was read in, so a notice that arrives while a request
    is reading the token from the database makes that read's entry stale at once.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)
        self.lock = threading.Lock()
        self.generation = 0
        self.entries: dict[str, _Entry] = {}
        self.connection: Any = None  # psycopg's, LISTENing
        self.retry_at = 0.0
        self.changes_file = auth_changes.path()  # this machine's changes, seen before their notice
        self.changes_mark = auth_changes.mark(self.changes_file)

    def current(self) -> int | None:
        """The generation to trust entries under, or None while notices could be missed."""
        with self.lock:
            if self.connection is None and not self._connect():
                return None
            mark = auth_changes.mark(self.changes_file)
            if mark != self.changes_mark:  # a change committed on this machine: forget
                self.changes_mark = mark
                self._forget()
            try:
                pgconn = self.connection.pgconn
                if _readable(pgconn.socket):  # a notice, or the connection ending: forget
                    self._forget()
                    for _ in range(100):
                        pgconn.consume_input()  # raises once the server has closed it
                        while pgconn.notifies() is not None:
                            pass
                        if not _readable(pgconn.socket):
                            break
                if pgconn.status != 0:  # CONNECTION_OK
                    raise OSError("the listening connection is closed")
            except Exception:  # noqa: BLE001 - read tokens from the database until it is back
                log.warning("token notices lost; tokens are read from the database",
                            exc_info=True)
                self._close()
                return None
            return self.generation

    def _connect(self) -> bool:
        engine = self.engine()
        if engine is None or time.monotonic() < self.retry_at:
            return False
        try:
            raw = engine.raw_connection()
            connection = raw.driver_connection
            raw.detach()  # this connection LISTENs for the life of the process: not the pool's
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
        except Exception:  # noqa: BLE001 - PostgreSQL away: try again in a moment
            self.retry_at = time.monotonic() + RECONNECT_SECONDS
            log.warning("cannot listen for token notices", exc_info=True)
            return False
        self.connection = connection
        self._forget()  # what changed while nobody listened is not known
        return True

    def _forget(self) -> None:
        self.generation += 1
        self.entries = {}

    def _close(self) -> None:
        connection, self.connection = self.connection, None
        self._forget()
        self.retry_at = time.monotonic() + RECONNECT_SECONDS
        if connection is not None:
            with contextlib.suppress(Exception):  # it is going anyway
                connection.close()

    def close(self) -> None:
        with self.lock:
            self._close()

    def _trusted(self, digest: str, generation: int | None, now: dt.datetime) -> Any | None:
        entry = self.entries.get(digest)
        if (entry is not None and generation is not None and entry.generation == generation
                and now < entry.until):
            return entry.value
        return None

    def remembered(self, token: str) -> Any | None:
        """The remembered value if it may be trusted now, without a statement or a new
        connection (so on the event loop); None: ask ``resolve``."""
        if self.connection is None:  # connecting is resolve's work, in a worker thread
            return None
        return self._trusted(service.token_digest(token), self.current(), clock.now())

    def resolve(self, session: Session, token: str, build: Callable[[User], T]) -> T | None:
        generation = self.current()  # taken before the read: a notice during it voids it
        digest = service.token_digest(token)
        now = clock.now()
        value = self._trusted(digest, generation, now)
        if value is not None:
            return value
        found = service.usable_token(session, token)
        if found is None:
            return None
        user, expires = found
        value = build(user)
        if generation is not None and user.person_id is None:
            with self.lock:
                if self.generation == generation:
                    if len(self.entries) >= MAX_ENTRIES:
                        self.entries = {}
                    self.entries[digest] = _Entry(value, generation, min(now + RECHECK, expires))
        return value


def _readable(socket: int) -> bool:
    return bool(select.select([socket], [], [], 0)[0])


_LISTENERS: weakref.WeakKeyDictionary[Engine, _Listener] = weakref.WeakKeyDictionary()
_LISTENERS_LOCK = threading.Lock()


def _listener(engine: Engine) -> _Listener | None:
    if engine.dialect.name != "postgresql":
        return None
    listener = _LISTENERS.get(engine)
    if listener is None:
        with _LISTENERS_LOCK:
            listener = _LISTENERS.setdefault(engine, _Listener(engine))
    return listener


@event.listens_for(Engine, "engine_disposed")
def _stop_listening(engine: Engine) -> None:
    """A disposed engine's database may be about to be dropped: let go of it."""
    with _LISTENERS_LOCK:
        listener = _LISTENERS.pop(engine, None)
    if listener is not None:
        listener.close()


def remembered(session: Session, token: str) -> Any | None:
    """What ``resolve`` built for the token, if memory may answer now (no statement, no
    connection made: callable on the event loop); None when ``resolve`` must."""
    engine = session.get_bind()
    listener = _listener(engine) if isinstance(engine, Engine) else None
    return None if listener is None else listener.remembered(token)


def resolve(session: Session, token: str, build: Callable[[User], T]) -> T | None:
    """``build(user)`` for the account the token stands for, None if it may not be used now
    (``service.usable_token``'s rules); from memory unless a notice could have changed that."""
    engine = session.get_bind()
    listener = _listener(engine) if isinstance(engine, Engine) else None
    if listener is None:
        user = service.resolve_token(session, token)
        return None if user is None else build(user)
    return listener.resolve(session, token, build)
