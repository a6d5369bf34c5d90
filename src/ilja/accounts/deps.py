"""Who is asking, and may they: FastAPI dependencies every route declares.

Each route says who may use it with ``dependencies=[requires(Permission.X)]`` or
``dependencies=[public()]``; a test walks the route table and fails on a route with neither.
A browser session authenticates with an HttpOnly cookie and must send its CSRF token with every
state-changing request; an API client sends ``Authorization: Bearer <token>`` (no cookie, so no
CSRF). One request, one transaction: ``DbSession`` commits when the route returns and rolls back
when it raises — before the response is sent, so an acknowledged write is a stored write.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session, object_session

from ilja.accounts import audit, csrf, needs, service, token_cache
from ilja.accounts.models import User
from ilja.accounts.roles import Permission, PermissionDenied, Role, has_permission
from ilja.db import get_engine

SESSION_COOKIE = "ilja_session"
CSRF_COOKIE = "ilja_csrf"  # double-submit token for forms shown before logging in
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotAuthenticated(Exception):
    """No valid session or token: the API answers 401, pages redirect to the log-in page."""


class CsrfFailed(Exception):
    """A state-changing browser request without the session's CSRF token: 403."""


async def get_db(request: Request) -> AsyncIterator[Session]:
    """The request's session, committed when the route returns (rolled back if it raises).

    Making a session touches no connection (its transaction begins with the first statement or
    added row, in the route's thread), so only an ending with something to end takes a trip to
    a worker thread: not a request that never used the session, nor one whose route ended the
    transaction itself (``commit_now``).
    """
    # a Session, not a sessionmaker per request: each sessionmaker makes a Session subclass of its
    # own, and setting up a new class's events cost about 0.2 ms of CPU a request
    factory = getattr(request.app.state, "session_factory", None)
    session = factory() if factory is not None else Session(get_engine(), expire_on_commit=False)
    try:
        yield session
    except BaseException:
        await _ended(session, False)
        raise
    await _ended(session, True)


async def _ended(session: Session, commit: bool) -> None:
    if session.in_transaction():
        await run_in_threadpool(_end, session, commit)
    else:
        session.close()  # no transaction: nothing to send, so no thread


def commit_now(session: Session) -> None:
    """Commit the request's transaction from the route's own worker thread, once its answer is
    built: the same commit ``get_db`` makes after the route, without another trip to a thread."""
    _end(session, True)


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


DbSession = Annotated[Session, Depends(get_db, scope="function")]


@dataclass(frozen=True)
class UserInfo:
    """A read-only copy of the logged-in user, safe to use after the request's transaction
    ended or rolled back (error pages still show who is logged in). To change the account,
    load the ``User`` row in the route's session."""

    id: int
    login: str
    display_name: str
    role: str
    person_id: int | None
    site_code: str | None

    @classmethod
    def of(cls, user: User) -> UserInfo:
        return cls(user.id, user.login, shown_name(user), user.role, user.person_id, user.site_code)


def shown_name(user: User) -> str:
    """The one name an account goes by on every page (header, 내 정보, /my, /account): a
    citizen linked to a registered person by the registry's name, which staff keep current and
    the profile shows; any other account by the display name it was created with."""
    if user.person_id is None:
        return user.display_name
    session = object_session(user)
    name = needs.person_name(session, user.person_id) if session is not None else None
    return name if name is not None else user.display_name


@dataclass
class Principal:
    user: UserInfo | None
    via: str | None  # "session" | "token" | None (anonymous)
    csrf_token: str | None
    source_address: str | None

    @property
    def role(self) -> Role | None:
        return Role(self.user.role) if self.user else None

    @property
    def authenticated(self) -> bool:
        return self.user is not None

    @property
    def actor(self) -> audit.Actor:
        if self.user is None:
            return audit.Actor(None, "anonymous", self.source_address)
        return audit.Actor(str(self.user.id), self.user.role, self.source_address)

    def can(self, permission: Permission) -> bool:
        return self.role is not None and has_permission(self.role, permission)

    def can_any(self, permissions: list[str]) -> bool:
        """For templates: may this user do any of these (by permission value)?"""
        return any(self.can(Permission(p)) for p in permissions)


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def get_principal(request: Request, db: DbSession) -> Principal:
    """Who is asking. A token the worker remembers (``token_cache``) is answered on the event
    loop; a token read from the database and a browser session go to a worker thread."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    source = client_address(request)
    principal = Principal(None, None, None, source)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        token = header[7:].strip()
        user = token_cache.remembered(db, token) or await run_in_threadpool(
            token_cache.resolve, db, token, UserInfo.of)
        if user is None:
            raise NotAuthenticated()
        principal = Principal(user, "token", None, source)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = await run_in_threadpool(_session_principal, db, cookie, source)
    request.state.principal = principal
    return principal


def _session_principal(db: Session, cookie: str, source: str | None) -> Principal:
    resolved = service.resolve_session(db, cookie)
    if resolved is None:
        return Principal(None, None, None, source)
    return Principal(UserInfo.of(resolved[0]), "session", resolved[1].csrf_token, source)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def _submitted_csrf(request: Request) -> str | None:
    token = request.headers.get(CSRF_HEADER)
    if token:
        return token
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, principal: Principal) -> None:
    """Unsafe methods from a browser session must carry the session's CSRF token."""
    if request.method not in UNSAFE_METHODS or principal.via != "session":
        return
    if not csrf.matches(await _submitted_csrf(request), principal.csrf_token):
        raise CsrfFailed()


class requires:  # noqa: N801 - used like a function in route declarations
    """Dependency: the caller holds ``permission`` (and, for a session, sent the CSRF token)."""

    def __init__(self, permission: Permission):
        self.permission = permission

    async def __call__(self, request: Request, principal: CurrentPrincipal) -> Principal:
        if not principal.authenticated:
            raise NotAuthenticated()
        if not principal.can(self.permission):
            raise PermissionDenied(self.permission)
        await check_csrf(request, principal)
        return principal

    def __repr__(self) -> str:
        return f"requires({self.permission.value})"


class public:  # noqa: N801
    """Dependency: anyone may use this route. Unsafe methods still need a CSRF token: the
    session's when logged in, else the double-submit cookie (``csrf=True``, e.g. log-in forms)."""

    def __init__(self, csrf: bool = False):
        self.csrf = csrf

    async def __call__(self, request: Request, principal: CurrentPrincipal) -> Principal:
        if principal.via == "session":
            await check_csrf(request, principal)
        elif (self.csrf and request.method in UNSAFE_METHODS
              and not csrf.matches(await _submitted_csrf(request), request.cookies.get(CSRF_COOKIE))):
            raise CsrfFailed()
        return principal

    def __repr__(self) -> str:
        return "public()"


class authenticated:  # noqa: N801
    """Dependency: any logged-in user (their own account pages and tokens)."""

    async def __call__(self, request: Request, principal: CurrentPrincipal) -> Principal:
        if not principal.authenticated:
            raise NotAuthenticated()
        await check_csrf(request, principal)
        return principal

    def __repr__(self) -> str:
        return "authenticated()"


# The caller a route asks for, one name per permission, so that a name means the same thing in
# every module (`Manage` once meant matching in one support module and training in another).
ApplicationImporter = Annotated[Principal, Depends(requires(Permission.APPLICATION_IMPORT))]
ApplicationReader = Annotated[Principal, Depends(requires(Permission.APPLICATION_READ))]
Applicant = Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))]
MatchingManager = Annotated[Principal, Depends(requires(Permission.MATCHING_MANAGE))]
OutcomeRecorder = Annotated[Principal, Depends(requires(Permission.OUTCOME_RECORD))]
OwnApplicationReader = Annotated[Principal, Depends(requires(Permission.APPLICATION_READ_OWN))]
OwnProfileEditor = Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]
OwnProfileReader = Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]
PayrollReader = Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]
PayrollRunner = Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))]
PeopleReader = Annotated[Principal, Depends(requires(Permission.PEOPLE_READ))]
PersonalDataReader = Annotated[Principal, Depends(requires(Permission.PEOPLE_READ_PERSONAL))]
PlacementManager = Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]
ReportReader = Annotated[Principal, Depends(requires(Permission.REPORT_READ))]
StatusChanger = Annotated[Principal, Depends(requires(Permission.APPLICATION_STATUS))]
TrainingManager = Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))]
TrainingReader = Annotated[Principal, Depends(requires(Permission.TRAINING_READ))]
UserManager = Annotated[Principal, Depends(requires(Permission.USERS_MANAGE))]
