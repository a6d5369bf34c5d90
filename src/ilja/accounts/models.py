"""Accounts, login sessions, API tokens and the append-only, hash-chained audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class User(Base):
    """A staff member or a citizen. ``person_id`` links a citizen to their registry record (at
    most one account per person).

    A role that reads personal data takes effect only when a second administrator approves it:
    until then a new account has no ``approved_at`` and cannot log in, and a role change waits
    in ``pending_role`` while the account keeps its old role.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    person_id: Mapped[int | None] = mapped_column(Integer)
    site_code: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    pending_role: Mapped[str | None] = mapped_column(String(32))
    requested_by: Mapped[int | None] = mapped_column(Integer)
    requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


Index("uq_users_login_lower", func.lower(User.login), unique=True)
Index("uq_users_person_id", User.person_id, unique=True)


class ThrottleRecord(Base):
    """Failed log-ins of one (login, address) pair or one address, keyed by a SHA-256 of it, so
    a stranger's failures elsewhere never lock the real user out."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[dict[str, Any]] = mapped_column(_JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


class LoginSession(Base):
    """A browser session: the cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "login_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    source_address: Mapped[str | None] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class ApiToken(Base):
    """A bearer token for the API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRecord(Base):
    """One audit entry. Rows are only ever inserted (database triggers refuse UPDATE and DELETE);
    ``entry_hash`` chains each row to the one before, so an edit, a deletion or a reordering shows."""

    __tablename__ = "audit_log"

    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                          autoincrement=False)
    timestamp: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[str | None] = mapped_column(String(100), index=True)
    actor_role: Mapped[str | None] = mapped_column(String(32))
    source_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64), index=True)
    subject_person_id: Mapped[str | None] = mapped_column(String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    canonical: Mapped[str] = mapped_column(Text)
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditIntake(Base):
    """An audit entry recorded in a writer's transaction, waiting to be chained into ``audit_log``.

    Inserting here takes no shared lock, so audited writes don't queue behind each other; the
    sealer (``audit.seal``) moves committed rows into the chain right after the commit.
    """

    __tablename__ = "audit_intake"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    timestamp: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    source_address: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject_person_id: Mapped[str | None] = mapped_column(String(64))
    object_type: Mapped[str | None] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(_JSON)


class AuditHead(Base):
    """The chain's head in one row: locking it serialises sealers so sequences never collide."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditReview(Base):
    """An auditor's monthly review of the access log (안전성 확보조치 기준: 월 1회 이상 점검)."""

    __tablename__ = "audit_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    month: Mapped[str] = mapped_column(String(7), unique=True)
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    chain_ok: Mapped[bool] = mapped_column(Boolean)
    findings: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]] = mapped_column(_JSON)
