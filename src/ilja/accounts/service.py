"""Accounts: create users, log in (with throttling), browser sessions and API tokens.

Tokens are random (``secrets``) and only their SHA-256 is stored, so a copy of the database does
not let anyone in. Every log-in, failed log-in and account change is audited. Granting a role that
reads personal data (``PERSONAL_DATA_ROLES``) or linking an account to a person takes two
administrators: one asks, another approves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit, auth_changes, needs
from ilja.accounts.models import ApiToken, LoginSession, ThrottleRecord, User
from ilja.accounts.passwords import (
    LoginThrottle,
    PolicyViolation,
    ThrottleDecision,
    ThrottlePolicy,
    ThrottleState,
    check_policy,
    hash_password,
    verify_password,
)
from ilja.accounts.roles import PERSONAL_DATA_ROLES, Role
from ilja.accounts.scope import known_site
from ilja.errors import IljaError

SESSION_LIFETIME = dt.timedelta(hours=8)
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=30)
TOKEN_LIFETIME = dt.timedelta(days=90)


class AccountError(IljaError):
    """A refused account operation; ``code`` is stable, messages are Korean and English."""

    STATUS = {"login_taken": 409, "person_linked": 409, "already_linked": 409, "not_citizen": 409,
              "linked_citizen": 409, "no_pending_grant": 409, "user_unknown": 404,
              "own_request": 403, "approver_not_admin": 403, "login_failed": 401,
              "login_throttled": 429}

    def __init__(self, code: str, message_ko: str, message_en: str,
                 violations: list[PolicyViolation] | None = None):
        super().__init__(message_ko, message_en, code=code)
        self.violations = violations or []
        self.status_code = self.status

    @property
    def status(self) -> int:
        """The HTTP status: 422 for invalid input (a weak password, an unknown person)."""
        return self.STATUS.get(self.code, 422)

    def extra(self) -> dict[str, Any]:
        return {"violations": [v.code for v in self.violations]}


class LoginRefused(AccountError):
    def __init__(self, decision: ThrottleDecision | None = None):
        if decision is not None and not decision.allowed:
            super().__init__("login_throttled", decision.message_ko, decision.message_en)
            self.retry_after = int(decision.retry_after.total_seconds()) + 1 if decision.retry_after else 60
            self.headers = {"Retry-After": str(self.retry_after)}
        else:
            super().__init__("login_failed", "아이디 또는 비밀번호가 올바르지 않습니다.",
                             "The login or password is not correct.")
            self.retry_after = 0
            self.headers = {"WWW-Authenticate": "Bearer"}



def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _is_system(actor: audit.Actor) -> bool:
    return actor.id is None and actor.role == audit.SYSTEM


def _by_login(login: str):
    """Log-ins match regardless of case, as the unique index on lower(login) does."""
    return func.lower(User.login) == func.lower(login.strip())


def _flush_or(session: Session, error: AccountError) -> None:
    """Flush in a savepoint; a unique index refusing the row (a concurrent twin) is ``error``."""
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise error from None


def _login_taken() -> AccountError:
    return AccountError("login_taken", "이미 사용 중인 아이디입니다 (대소문자는 구별하지 않습니다).",
                        "That login is already taken (logins ignore case).")


def _check_site(session: Session, role: Role, site_code: str | None) -> None:
    """An operator works for one site: without one, or with a code no site has, the account
    would see nothing (scope fails closed) or, worse, be mistaken for a see-all; refuse both."""
    if role != Role.OPERATOR:
        return

    if not (site_code and site_code.strip()):
        raise AccountError("site_required", "기관 코드: 운영기관 계정에는 소속 기관의 코드를 입력하십시오.",
                           "Site code: an operator account needs the code of the site it works for.")
    if not known_site(session, site_code.strip()):
        raise AccountError("site_unknown", f"기관 코드: '{site_code}'인 기관이 없습니다.",
                           f"Site code: no site has the code '{site_code}'.")


def create_user(session: Session, *, login: str, password: str, role: Role, display_name: str,
                actor: audit.Actor = audit.SYSTEM_ACTOR, person_id: int | None = None,
                site_code: str | None = None) -> User:
    """A new account. A role that reads personal data stays pending, unable to log in, until a
    second administrator approves it (``approve_grant``); the system actor (set-up scripts, the
    demo, tests) approves its own, audited as such. ``person_id`` is linked as a step of its own."""
    login = login.strip()
    if not login or len(login) > 100:
        raise AccountError("login_invalid", "아이디는 1~100자여야 합니다.", "The login must be 1–100 characters.")
    if session.execute(select(User.id).where(_by_login(login))).first():
        raise _login_taken()
    violations = check_policy(password, login, related=[display_name])
    if violations:
        raise AccountError("password_policy", violations[0].message_ko, violations[0].message_en, violations)
    _check_site(session, role, site_code)
    now = clock.now()
    user = User(login=login, display_name=display_name, role=str(role), password_hash=hash_password(password),
                person_id=None, site_code=site_code.strip() if site_code else None, active=True, created_at=now,
                password_changed_at=now)
    session.add(user)
    _flush_or(session, _login_taken())
    audit.record(session, actor, "user.create", object_type="user", object_id=user.id,
                 details={"role": str(role)})
    if role in PERSONAL_DATA_ROLES:
        _request_grant(session, user, role, actor)
    else:
        user.approved_at = now
    if person_id is not None:
        link_person(session, user.id, person_id, actor)
    return user


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise AccountError("user_unknown", "없는 계정입니다.", "No such account.")
    return user


def _request_grant(session: Session, user: User, role: Role, actor: audit.Actor,
                   details: dict[str, Any] | None = None) -> None:
    """Ask for ``role``; it waits for a second administrator unless the system asks."""
    user.pending_role = str(role)
    user.requested_by = int(actor.id) if actor.id and actor.id.isdigit() else None
    user.requested_at = clock.now()
    audit.record(session, actor, "user.grant_requested", object_type="user", object_id=user.id,
                 details={"role": str(role), **(details or {})})
    if _is_system(actor):
        approve_grant(session, user.id, actor)


def change_role(session: Session, user_id: int, role: Role, actor: audit.Actor) -> User:
    """A role that reads personal data waits for approval while the account keeps its role; the
    citizen role takes effect at once. An account linked to a person stays a citizen."""
    user = _user(session, user_id)
    if user.person_id is not None:
        raise AccountError("linked_citizen", "개인과 연결된 시민 계정의 역할은 바꿀 수 없습니다.",
                           "A citizen account linked to a person keeps the citizen role.")
    _check_site(session, role, user.site_code)
    if role in PERSONAL_DATA_ROLES:
        if user.approved_at is None:  # never in effect: the request replaces the old one
            user.role = str(role)
        _request_grant(session, user, role, actor)
        return user
    user.role, user.pending_role, user.requested_by, user.requested_at = str(role), None, None, None
    user.approved_at = user.approved_at or clock.now()
    audit.record(session, actor, "user.role_changed", object_type="user", object_id=user.id,
                 details={"role": str(role)})
    return user


def approve_grant(session: Session, user_id: int, approver: audit.Actor) -> User:
    """Four eyes: another administrator than the one who asked (and than the account's owner)
    puts the pending role or link into effect."""
    user = _user(session, user_id)
    if user.pending_role is None:
        raise AccountError("no_pending_grant", "승인을 기다리는 요청이 없습니다.", "Nothing is waiting for approval.")
    if not _is_system(approver):
        if approver.role != Role.ADMIN:
            raise AccountError("approver_not_admin", "시스템 관리자만 승인할 수 있습니다.",
                               "Only an administrator can approve.")
        if approver.id in (str(user.requested_by), str(user.id)):
            raise AccountError("own_request", "자신이 요청했거나 자신에 대한 요청은 다른 관리자가 승인해야 합니다.",
                               "A request you made, or one for your own account, needs another "
                               "administrator's approval.")
    requested_by = user.requested_by
    user.role, user.pending_role, user.requested_by, user.requested_at = user.pending_role, None, None, None
    user.approved_at = user.approved_at or clock.now()
    audit.record(session, approver, "user.grant_approved", object_type="user", object_id=user.id,
                 subject_person_id=user.person_id,
                 details={"role": user.role, "requested_by": str(requested_by or audit.SYSTEM)})
    return user


def reject_grant(session: Session, user_id: int, actor: audit.Actor) -> User:
    """Turn a request down (the requester may withdraw their own). A rejected link leaves a
    citizen account without personal data; an account whose role was never approved is
    deactivated."""
    user = _user(session, user_id)
    if user.pending_role is None:
        raise AccountError("no_pending_grant", "승인을 기다리는 요청이 없습니다.", "Nothing is waiting for approval.")
    role = user.pending_role
    if role == Role.CITIZEN:  # a link: back to a citizen account without personal data
        user.person_id, user.approved_at = None, user.approved_at or clock.now()
    elif user.approved_at is None:
        user.active = False
    user.pending_role, user.requested_by, user.requested_at = None, None, None
    audit.record(session, actor, "user.grant_rejected", object_type="user", object_id=user.id,
                 details={"role": role})
    return user


def link_person(session: Session, user_id: int, person_id: int, actor: audit.Actor) -> User:
    """Link a citizen account to a registered person (one account per person). The account then
    reads that person's data, so a link made by an administrator waits for a second one."""
    user = _user(session, user_id)
    if user.role != Role.CITIZEN or user.pending_role is not None:
        raise AccountError("not_citizen", "시민 계정만 개인과 연결할 수 있습니다.",
                           "Only a citizen account can be linked to a person.")
    if user.person_id is not None:
        raise AccountError("already_linked", "이미 다른 개인과 연결된 계정입니다.",
                           "This account is already linked to a person.")
    if needs.person_name(session, person_id) is None:
        raise AccountError("person_unknown", "등록되지 않은 개인입니다.", "No registered person has this id.")
    taken = AccountError("person_linked", "이 개인에게는 이미 시민 계정이 있습니다.",
                         "This person already has a citizen account.")
    if session.execute(select(User.id).where(User.person_id == person_id)).first():
        raise taken
    user.person_id = person_id
    _flush_or(session, taken)
    audit.record(session, actor, "user.link_person", object_type="user", object_id=user.id,
                 subject_person_id=person_id)
    if not _is_system(actor):
        user.approved_at = None  # signs the account out until another administrator approves
        _request_grant(session, user, Role.CITIZEN, actor, {"person_linked": True})
    return user


def set_active(session: Session, user_id: int, active: bool, actor: audit.Actor) -> User:
    """Deactivating revokes every session and token of the account at once (reactivating
    brings none back)."""
    user = _user(session, user_id)
    user.active = active
    if not active:
        _revoke(session, user.id)
    audit.record(session, actor, "user.reactivated" if active else "user.deactivated",
                 object_type="user", object_id=user.id)
    return user


def _revoke(session: Session, user_id: int, token_id: int | None = None) -> int:
    """Revoke the user's tokens (one, or all with their browser sessions); how many tokens."""
    auth_changes.changed(session)  # a Core update: the session's flush does not see it
    tokens = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked.is_(False))
    if token_id is not None:
        tokens = tokens.where(ApiToken.id == token_id)
    else:
        session.execute(update(LoginSession).where(LoginSession.user_id == user_id)
                        .values(revoked=True).execution_options(synchronize_session=False))
    return session.execute(tokens.values(revoked=True).execution_options(synchronize_session=False)).rowcount


def revoke_tokens(session: Session, user_id: int, actor: audit.Actor, token_id: int | None = None) -> int:
    """Revoke one token of ``user_id`` or all its tokens and browser sessions; audited."""
    revoked = _revoke(session, _user(session, user_id).id, token_id)
    if revoked or token_id is None:
        audit.record(session, actor, "auth.token_revoked", object_type="user", object_id=user_id,
                     details={"tokens": revoked, **({"token_id": token_id} if token_id else {})})
    return revoked


def active_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.execute(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked.is_(False),
                               ApiToken.expires_at > clock.now()).order_by(ApiToken.id)).scalars())


def pending_grants(session: Session) -> list[User]:
    return list(session.execute(select(User).where(User.pending_role.is_not(None))
                                .order_by(User.requested_at, User.id)).scalars())


def usable(user: User | None) -> bool:
    """May this account log in and use its sessions and tokens now?"""
    return user is not None and user.active and user.approved_at is not None


@dataclass(frozen=True)
class LoginOutcome:
    """A log-in attempt's result. Failures are returned, not raised, so the caller commits the
    throttle state and the audit entry of a failed attempt instead of rolling them back."""

    user: User | None
    refusal: LoginRefused | None = None


ADDRESS_POLICY = ThrottlePolicy(free_failures=20, base_delay=dt.timedelta(seconds=1),
                                max_delay=dt.timedelta(seconds=30), lockout_failures=200)
"""Failures from one address over all logins: slows a password sprayer, locks only them."""
THROTTLE_KEEP = dt.timedelta(days=1)  # longer than any window or lock


def _throttle_key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()


def _throttle_state(session: Session, key: str) -> ThrottleState:
    row = session.get(ThrottleRecord, key, with_for_update=True)
    return ThrottleState.from_dict(row.state) if row else ThrottleState()


def _store_throttle(session: Session, key: str, state: ThrottleState, now: dt.datetime) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(ThrottleRecord).values(key=key, state=state.as_dict(), updated_at=now)
    session.execute(statement.on_conflict_do_update(
        index_elements=["key"], set_={"state": statement.excluded.state,
                                      "updated_at": statement.excluded.updated_at}))


def authenticate(session: Session, login: str, password: str, source_address: str | None,
                 throttle: LoginThrottle | None = None) -> LoginOutcome:
    """The user for these credentials, or the refusal.

    Failures count per (login, address) and per address, and only those lock: a stranger
    elsewhere cannot lock the real user out. Known and unknown logins (and accounts that may not
    log in) are answered alike: the same throttling, the same message, and a dummy hash check.
    """
    throttle = throttle or LoginThrottle()
    by_address = LoginThrottle(ADDRESS_POLICY, clock=throttle.clock)
    address = source_address or "-"
    pair_key = _throttle_key("pair", login.strip().lower(), address)
    address_key = _throttle_key("address", address)
    pair, everyone = _throttle_state(session, pair_key), _throttle_state(session, address_key)
    user = session.execute(select(User).where(_by_login(login))).scalar_one_or_none()
    actor = audit.Actor(str(user.id) if user else None, user.role if user else "anonymous", source_address)
    object_id = user.id if user else None
    decision = next((d for d in (throttle.check(pair), by_address.check(everyone)) if not d.allowed), None)
    if decision is not None:
        audit.record(session, actor, "auth.login_refused", object_type="user", object_id=object_id,
                     details={"status": str(decision.status)})
        return LoginOutcome(None, LoginRefused(decision))
    check = verify_password(user.password_hash if usable(user) else None, password)
    if not (usable(user) and check.ok):
        now = throttle.clock()
        _store_throttle(session, pair_key, throttle.record_failure(pair), now)
        _store_throttle(session, address_key, by_address.record_failure(everyone), now)
        session.execute(delete(ThrottleRecord).where(ThrottleRecord.updated_at < now - THROTTLE_KEEP))
        audit.record(session, actor, "auth.login_failed", object_type="user", object_id=object_id)
        return LoginOutcome(None, LoginRefused())
    if check.needs_rehash:
        user.password_hash = hash_password(password)
    session.execute(delete(ThrottleRecord).where(ThrottleRecord.key == pair_key))
    audit.record(session, actor, "auth.login", object_type="user", object_id=user.id)
    return LoginOutcome(user)


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf_token: str


def start_session(session: Session, user: User, source_address: str | None) -> NewSession:
    """A fresh session id at every log-in (no session fixation)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = clock.now()
    session.add(LoginSession(token_hash=token_digest(token), user_id=user.id, csrf_token=csrf,
                             created_at=now, expires_at=now + SESSION_LIFETIME, last_seen_at=now,
                             source_address=source_address, revoked=False))
    return NewSession(token, csrf)


def resolve_session(session: Session, token: str) -> tuple[User, LoginSession] | None:
    row = session.get(LoginSession, token_digest(token))
    if row is None or row.revoked:
        return None
    now = clock.now()
    if now >= _aware(row.expires_at) or now - _aware(row.last_seen_at) > SESSION_IDLE_TIMEOUT:
        return None
    user = session.get(User, row.user_id)
    if not usable(user):
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
    now = clock.now()
    row = ApiToken(user_id=user.id, name=name[:100], token_hash=token_digest(token), created_at=now,
                   expires_at=now + lifetime, last_used_at=None, revoked=False)
    audit.created(session, audit.Actor(str(user.id), user.role, source_address), row, "auth.token_issued",
                  object_type="api_token")
    return row, token


def resolve_token(session: Session, token: str) -> User | None:
    found = usable_token(session, token)
    return None if found is None else found[0]


def usable_token(session: Session, token: str) -> tuple[User, dt.datetime] | None:
    """The account a token stands for and when the token expires; None if it may not be used
    now (unknown, revoked, expired, or the account is not usable). Notes its use every 5 min."""
    found = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                            .where(ApiToken.token_hash == token_digest(token))).first()
    if found is None:
        return None
    row, user = found
    now = clock.now()
    expires = _aware(row.expires_at)
    if row.revoked or now >= expires or not usable(user):
        return None
    if row.last_used_at is None or now - _aware(row.last_used_at) > dt.timedelta(minutes=5):
        _touch(session, row, ApiToken.last_used_at, now - dt.timedelta(minutes=5), now)
    return user, expires


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
    return session.execute(select(User).where(_by_login(login))).scalar_one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.execute(select(User).order_by(User.id)).scalars())
