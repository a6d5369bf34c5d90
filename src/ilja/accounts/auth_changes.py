"""A change to who may use a token, announced on this machine as the change commits.

PostgreSQL's notice (``token_cache``) reaches every worker, but not at once: the listening
backend sends it when the operating system next runs it, which on a busy machine can be after
the revoker's next request has already been answered from memory. So the account changes made
through ``accounts.service`` also touch a file in the data directory right after their commit,
before the function that committed returns; a worker looks at that file (one ``stat``) before it
trusts a remembered token. Changes made by plain SQL, or on another machine, still rely on the
notice alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from ilja.accounts.models import ApiToken, User
from ilja.config import get_settings

_PENDING = "ilja.auth_changed"
# The columns whose change may refuse a remembered token or change what it shows (as migration
# 0051's triggers watch them on PostgreSQL).
WATCHED = {User: ("active", "role", "approved_at", "person_id", "site_code", "display_name", "login"),
           ApiToken: ("revoked", "expires_at", "user_id", "token_hash")}
_RESTART_AT = 1 << 20  # bytes: the file starts again (a change of size is still a change)


def path() -> Path:
    return get_settings().data_dir / "run" / "auth-changes"


def changed(session: Session) -> None:
    """Say that this transaction changes who may use a token; announced once it commits."""
    session.info[_PENDING] = True


def mark(file: Path) -> tuple[int, int]:
    """What a worker compares: the file's size and modification time (0, 0 before any change)."""
    try:
        found = os.stat(file)
    except FileNotFoundError:
        return (0, 0)
    return (found.st_size, found.st_mtime_ns)


def announce(file: Path | None = None) -> None:
    file = file or path()
    file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if os.fstat(descriptor).st_size >= _RESTART_AT:
            os.ftruncate(descriptor, 0)
        os.write(descriptor, b".")
    finally:
        os.close(descriptor)


@event.listens_for(Session, "before_flush")
def _note_changed_accounts(session: Session, _context: object, _instances: object) -> None:
    """A user or token changed through the session (a Core update calls ``changed`` itself)."""
    if session.info.get(_PENDING):
        return
    for row in session.deleted:
        if type(row) in WATCHED:
            changed(session)
            return
    for row in session.dirty:
        columns = WATCHED.get(type(row))
        if columns and any(inspect(row).attrs[name].history.has_changes() for name in columns):
            changed(session)
            return


@event.listens_for(Session, "after_commit")
def _announce_after_commit(session: Session) -> None:
    if session.info.pop(_PENDING, False):
        announce()


@event.listens_for(Session, "after_rollback")
def _nothing_changed(session: Session) -> None:
    session.info.pop(_PENDING, None)
