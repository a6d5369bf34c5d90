"""Accounts: create users, log in (with throttling), browser sessions and API tokens.

Tokens are random (``secrets``) and only their SHA-256 is stored, so a copy of the database does
not let anyone in. Every log-in, failed log-in and account change is audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.models import ApiToken, LoginSession, User
from ilja.accounts.passwords import (
    LoginThrottle,
    PolicyViolation,
    ThrottleDecision,
    ThrottleState,
    check_policy,
    hash_password,
    verify_password,
)
from ilja.accounts.roles import Role

SESSION_LIFETIME = dt.timedelta(hours=8)
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=30)
TOKEN_LIFETIME = dt.timedelta(days=90)


class AccountError(Exception):
    """A refused account operation; ``code`` is stable, messages are Korean and English."""

    def __init__(self, code: str, message_ko: str, message_en: str,
                 violations: list[PolicyViolation] | None = None):
        super().__init__(message_en)
        self.code = code
        self.message_ko = message_ko
        self.message_en = message_en
        self.violations = violations or []


class LoginRefused(AccountError):
    def __init__(self, decision: ThrottleDecision | None = None):
        if decision is not None and not decision.allowed:
            super().__init__("login_throttled", decision.message_ko, decision.message_en)
            self.retry_after = int(decision.retry_after.total_seconds()) + 1 if decision.retry_after else 60
        else:
            super().__init__("login_failed", "아이디 또는 비밀번호가 올바르지 않습니다.",
                             "The login or password is not correct.")
            self.retry_after = 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_user(session: Session, *, login: str, password: str, role: Role, display_name: str,
                actor: audit.Actor = audit.SYSTEM_ACTOR, person_id: int | None = None,
                site_code: str | None = None) -> User:
    login = login.strip()
    if not login or len(login) > 100:
        raise AccountError("login_invalid", "아이디는 1~100자여야 합니다.", "The login must be 1–100 characters.")
    if session.execute(select(User.id).where(User.login == login)).first():
        raise AccountError("login_taken", "이미 사용 중인 아이디입니다.", "That login is already taken.")
    violations = check_policy(password, login, related=[display_name])
    if violations:
        raise AccountError("password_policy", violations[0].message_ko, violations[0].message_en, violations)
    now = _now()
    user = User(login=login, display_name=display_name, role=str(role), password_hash=hash_password(password),
                person_id=person_id, site_code=site_code, active=True, created_at=now,
                password_changed_at=now, throttle=None)
    session.add(user)
    session.flush()
    audit.record(session, actor, "user.create", object_type="user", object_id=user.id,
                 details={"role": str(role)})
    return user


@dataclass(frozen=True)
class LoginOutcome:
    """A log-in attempt's result. Failures are returned, not raised, so the caller commits the
    throttle state and the audit entry of a failed attempt instead of rolling them back."""

    user: User | None
    refusal: LoginRefused | None = None


def authenticate(session: Session, login: str, password: str, source_address: str | None,
                 throttle: LoginThrottle | None = None) -> LoginOutcome:
    """The user for these credentials, or the refusal (the same answer for unknown logins)."""
    throttle = throttle or LoginThrottle()
    user = session.execute(select(User).where(User.login == login.strip()).with_for_update()).scalar_one_or_none()
    state = ThrottleState.from_dict(user.throttle) if user and user.throttle else ThrottleState()
    decision = throttle.check(state)
    if user is not None and not decision.allowed:
        audit.record(session, audit.Actor(str(user.id), user.role, source_address), "auth.login_refused",
                     object_type="user", object_id=user.id, details={"status": str(decision.status)})
        return LoginOutcome(None, LoginRefused(decision))
    check = verify_password(user.password_hash if user and user.active else None, password)
    if user is None or not user.active or not check.ok:
        if user is not None:
            user.throttle = throttle.record_failure(state).as_dict()
        audit.record(session, audit.Actor(str(user.id) if user else None, user.role if user else "anonymous",
                                          source_address),
                     "auth.login_failed", object_type="user", object_id=user.id if user else None)
        return LoginOutcome(None, LoginRefused())
    if check.needs_rehash:
        user.password_hash = hash_password(password)
    user.throttle = throttle.record_success(state).as_dict() if user.throttle else None
    audit.record(session, audit.Actor(str(user.id), user.role, source_address), "auth.login",
                 object_type="user", object_id=user.id)
    return LoginOutcome(user)


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf_token: str


def start_session(session: Session, user: User, source_address: str | None) -> NewSession:
    """A fresh session id at every log-in (no session fixation)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = _now()
    session.add(LoginSession(token_hash=token_digest(token), user_id=user.id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME, last_seen_at=now,
                             source_address=source_address, revoked=False))
    return NewSession(token, csrf)


def resolve_session(session: Session, token: str) -> tuple[User, LoginSession] | None:
    row = session.get(LoginSession, token_digest(token))
    if row is None or row.revoked:
        return None
    now = _now()
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) > SESSION_IDLE_TIMEOUT:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - _aware(row.last_seen_at) > dt.timedelta(minutes=1):
        _touch(session, row, LoginSession.last_seen_at, now - dt.timedelta(minutes=1), now)
    return user, row


def end_session(session: Session, token: str) -> None:
    row = session.get(LoginSession, token_digest(token))
    if row is not None:
        row.revoked = True


def issue_token(session: Session, user: User, name: str, source_address: str | None = None,
                lifetime: dt.timedelta = TOKEN_LIFETIME) -> tuple[ApiToken, str]:
    token = "ilja_" + secrets.token_urlsafe(32)
    now = _now()
    row = ApiToken(user_id=user.id, name=name[:100], token_hash=token_digest(token), created_at=now,
                   expires_at=now + lifetime, last_used_at=None, revoked=False)
    session.add(row)
    session.flush()
    audit.record(session, audit.Actor(str(user.id), user.role, source_address), "auth.token_issued",
                 object_type="api_token", object_id=row.id)
    return row, token


def resolve_token(session: Session, token: str) -> User | None:
    found = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                            .where(ApiToken.token_hash == token_digest(token))).first()
    if found is None:
        return None
    row, user = found
    if row.revoked or _now() >= _aware(row.expires_at) or not user.active:
        return None
    now = _now()
    if row.last_used_at is None or now - _aware(row.last_used_at) > dt.timedelta(minutes=5):
        _touch(session, row, ApiToken.last_used_at, now - dt.timedelta(minutes=5), now)
    return user


def _touch(session: Session, row, column, stale_before: dt.datetime, now: dt.datetime) -> None:
    """Note that a session or token was used, without making other requests wait for it.

    Every request with the same token would otherwise queue on its row lock until the first
    one commits. On PostgreSQL the update skips the row when another request holds it (that
    one is noting the use already); SQLite serialises writers anyway.
    """
    if session.get_bind().dialect.name == "sqlite":
        setattr(row, column.key, now)
        return
    model = type(row)
    key = model.__mapper__.primary_key[0]
    stale = (column.is_(None)) | (column < stale_before)
    free = select(key).where(key == getattr(row, key.key), stale).with_for_update(skip_locked=True)
    session.execute(update(model).where(key.in_(free)).values({column.key: now})
                    .execution_options(synchronize_session=False))


def get_user_by_login(session: Session, login: str) -> User | None:
    return session.execute(select(User).where(User.login == login)).scalar_one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())
