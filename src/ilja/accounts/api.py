"""Accounts and audit API: tokens, the current user, users, the audit log and its reviews."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ilja import paging
from ilja.accounts import audit, service
from ilja.accounts.deps import (
    CurrentPrincipal,
    DbSession,
    Principal,
    UserManager,
    authenticated,
    client_address,
    public,
    requires,
)
from ilja.accounts.models import User
from ilja.accounts.roles import Permission, Role
from ilja.errors import Conflict, NotFound
from ilja.web.errors import api_answer

router = APIRouter(tags=["accounts"])


class TokenRequest(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    name: str = Field("api", max_length=100, description="A label for this token.")


class UserOut(BaseModel):
    id: int
    login: str
    display_name: str
    role: str
    active: bool
    site_code: str | None
    person_id: int | None
    approved_at: dt.datetime | None = Field(description="None until a second administrator "
                                                        "approves the account's role or link.")
    pending_role: str | None = Field(description="A role or link waiting for approval.")
    requested_by: int | None = Field(description="The administrator who asked (None: the system).")


class TokenOut(BaseModel):
    token: str
    token_type: str = "bearer"
    expires_at: dt.datetime
    user: UserOut


class UserCreate(BaseModel):
    model_config = ConfigDict(hide_input_in_errors=True)
    login: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    site_code: str | None = Field(None, max_length=64)


class RoleIn(BaseModel):
    role: Role


class PersonLink(BaseModel):
    person_id: int = Field(ge=1, le=2**31 - 1)


class ActiveIn(BaseModel):
    active: bool


class GrantDecision(BaseModel):
    decision: Literal["approve", "reject"]


class Revocation(BaseModel):
    token_id: int | None = Field(None, description="One token; without it every token and "
                                                   "browser session of the account.")


class TokenInfo(BaseModel):
    id: int
    name: str
    created_at: dt.datetime
    expires_at: dt.datetime
    last_used_at: dt.datetime | None


class AuditEntryOut(BaseModel):
    sequence: int
    timestamp: dt.datetime
    actor_id: str | None
    actor_role: str | None
    source_address: str | None
    action: str
    subject_person_id: str | None
    object_type: str | None
    object_id: str | None
    reason: str | None
    details: dict[str, Any] | None
    entry_hash: str

    @field_validator("timestamp")
    @classmethod
    def _utc(cls, value: dt.datetime) -> dt.datetime:
        """Stored in UTC; SQLite hands it back without the offset RFC 3339 requires."""
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class AuditPage(BaseModel):
    total: int
    entries: list[AuditEntryOut]


class ChainOut(BaseModel):
    ok: bool
    checked: int
    head_sequence: int
    first_bad_sequence: int | None
    problem: str | None
    message: str


class PublishedHeadOut(BaseModel):
    """A sealed chain head as published (``ilja audit publish-head``)."""

    sequence: int
    entry_hash: str
    sealed_at: dt.datetime
    key_id: str
    mac: str


class MonthlyReportOut(BaseModel):
    month: str
    entries: int
    by_action: dict[str, int]
    by_actor: dict[str, int]
    personal_data_reads: int
    downloads: int
    downloads_without_reason: int
    night_entries: int
    chain: ChainOut
    retention_cutoff: dt.datetime
    reviewed: bool
    published_head: PublishedHeadOut | None = Field(description="The month's last published head.")


class ReviewIn(BaseModel):
    month: str = Field(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")
    findings: str = Field(min_length=1, max_length=5000)


def _user_out(user: User) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def chain_out(report) -> ChainOut:
    return ChainOut(ok=report.ok, checked=report.checked, head_sequence=report.head.sequence,
                    first_bad_sequence=report.first_bad_sequence, problem=report.problem,
                    message=report.message)


@router.post("/auth/token", response_model=TokenOut, dependencies=[Depends(public())],
             responses={401: {"description": "Wrong login or password"},
                        429: {"description": "Too many failures: wait Retry-After seconds"}})
def create_token(body: TokenRequest, request: Request, db: DbSession) -> Any:
    """Log in with a login and password; returns a bearer token for the API."""
    outcome = service.authenticate(db, body.login, body.password, client_address(request))
    if outcome.user is None:
        return api_answer(outcome.refusal)  # answered, not raised: the failed attempt is kept
    row, token = service.issue_token(db, outcome.user, body.name, client_address(request))
    return TokenOut(token=token, expires_at=row.expires_at, user=_user_out(outcome.user))


@router.get("/me", response_model=UserOut, dependencies=[Depends(authenticated())])
def me(principal: CurrentPrincipal, db: DbSession) -> UserOut:
    """The logged-in user."""
    return _user_out(db.get(User, principal.user.id))


ACCOUNT_ERRORS = {409: {"description": "Conflicts with the account's state"},
                  404: {"description": "No such account"},
                  403: {"description": "Four eyes: another administrator must approve"}}


@router.get("/users", response_model=list[UserOut], dependencies=[Depends(requires(Permission.USERS_MANAGE))])
def list_users(db: DbSession) -> list[UserOut]:
    return [_user_out(u) for u in service.list_users(db)]


@router.get("/users/pending", response_model=list[UserOut],
            dependencies=[Depends(requires(Permission.USERS_MANAGE))])
def pending_grants(db: DbSession) -> list[UserOut]:
    """Roles and links waiting for a second administrator's approval."""
    return [_user_out(u) for u in service.pending_grants(db)]


@router.post("/users", response_model=UserOut, status_code=201,
             responses={409: {"description": "Login taken"}, 422: {"description": "Password policy"}})
def create_user(body: UserCreate, db: DbSession, principal: UserManager) -> UserOut:
    """Create an account; a role that reads personal data waits for another administrator."""
    user = service.create_user(db, login=body.login, password=body.password, role=body.role,
                               display_name=body.display_name, actor=principal.actor,
                               site_code=body.site_code)
    return _user_out(user)


def _change(action, *args) -> UserOut:
    return _user_out(action(*args))


@router.put("/users/{user_id}/role", response_model=UserOut, responses=ACCOUNT_ERRORS)
def change_role(user_id: int, body: RoleIn, db: DbSession, principal: UserManager) -> UserOut:
    """Ask for a role; one that reads personal data waits for another administrator."""
    return _change(service.change_role, db, user_id, body.role, principal.actor)


@router.put("/users/{user_id}/person", response_model=UserOut, responses=ACCOUNT_ERRORS)
def link_person(user_id: int, body: PersonLink, db: DbSession, principal: UserManager) -> UserOut:
    """Link a citizen account to a registered person (one account per person); waits for
    another administrator's approval."""
    return _change(service.link_person, db, user_id, body.person_id, principal.actor)


@router.post("/users/{user_id}/grant", response_model=UserOut, responses=ACCOUNT_ERRORS)
def decide_grant(user_id: int, body: GrantDecision, db: DbSession, principal: UserManager) -> UserOut:
    """Approve (not your own request) or reject a pending role or link."""
    decide = service.approve_grant if body.decision == "approve" else service.reject_grant
    return _change(decide, db, user_id, principal.actor)


@router.put("/users/{user_id}/active", response_model=UserOut, responses=ACCOUNT_ERRORS)
def set_active(user_id: int, body: ActiveIn, db: DbSession, principal: UserManager) -> UserOut:
    """Deactivate (every session and token stops at once) or reactivate an account."""
    return _change(service.set_active, db, user_id, body.active, principal.actor)


@router.post("/users/{user_id}/revocations", responses={404: {"description": "No such account or token"}})
def revoke_user_tokens(user_id: int, body: Revocation, db: DbSession, principal: UserManager) -> dict[str, int]:
    """Revoke one token of an account, or all its tokens and browser sessions."""
    return _revoked(db, user_id, principal, body.token_id)


def _revoked(db: DbSession, user_id: int, principal: Principal, token_id: int | None) -> dict[str, int]:
    count = service.revoke_tokens(db, user_id, principal.actor, token_id)
    if token_id is not None and count == 0:
        raise NotFound("해당 토큰이 없습니다.", "No such token.", code="token_unknown")
    return {"revoked": count}


@router.get("/users/me/tokens", response_model=list[TokenInfo], dependencies=[Depends(authenticated())])
def my_tokens(principal: CurrentPrincipal, db: DbSession) -> list[TokenInfo]:
    """Your API tokens still in force."""
    return [TokenInfo.model_validate(t, from_attributes=True) for t in service.active_tokens(db, principal.user.id)]


@router.delete("/users/me/tokens/{token_id}", dependencies=[Depends(authenticated())],
               responses={404: {"description": "No such token of yours"}})
def revoke_my_token(token_id: int, principal: CurrentPrincipal, db: DbSession) -> dict[str, int]:
    """Revoke one of your tokens; it stops at once."""
    return _revoked(db, principal.user.id, principal, token_id)


@router.get("/audit", response_model=AuditPage)
def search_audit(
    db: DbSession,
    principal: Annotated[Principal, Depends(requires(Permission.AUDIT_READ))],
    actor_id: Annotated[str | None, Query(max_length=100)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    subject_person_id: Annotated[str | None, Query(max_length=64)] = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=paging.cap())] = 100,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
) -> AuditPage:
    """Search the audit log (the search itself is audited)."""
    query = audit.AuditQuery(actor_id, action, subject_person_id, since, until, limit, offset)
    rows, total = audit.search(db, query)
    audit.record(db, principal.actor, "audit.search", details={
        k: v for k, v in {"actor_id": actor_id, "action": action, "subject_person_id": subject_person_id}.items() if v})
    return AuditPage(total=total, entries=[AuditEntryOut.model_validate(r, from_attributes=True) for r in rows])


@router.get("/audit/verify", response_model=ChainOut, dependencies=[Depends(requires(Permission.AUDIT_READ))])
def verify_audit(db: DbSession) -> ChainOut:
    """Walk the hash chain, every shown column and every published head; report the first
    broken link, if any."""
    return chain_out(audit.verify(db, heads_file=audit.configured_heads_file()))


@router.get("/audit/report", response_model=MonthlyReportOut,
            dependencies=[Depends(requires(Permission.AUDIT_READ))])
def audit_report(db: DbSession,
                 month: Annotated[str, Query(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")]) -> MonthlyReportOut:
    """The monthly review report of the access log."""
    report = audit.monthly_report(db, month, heads_file=audit.configured_heads_file())
    reviewed = audit.review_for(db, month) is not None
    head = report.published_head
    return MonthlyReportOut(**{k: getattr(report, k) for k in (
        "month", "entries", "by_action", "by_actor", "personal_data_reads", "downloads",
        "downloads_without_reason", "night_entries", "retention_cutoff")},
        chain=chain_out(report.chain), reviewed=reviewed,
        published_head=PublishedHeadOut(**head.as_dict()) if head else None)


@router.post("/audit/reviews", status_code=201, responses={409: {"description": "Month already reviewed"}})
def record_review(body: ReviewIn, db: DbSession,
                  principal: Annotated[Principal, Depends(requires(Permission.AUDIT_REVIEW))]) -> dict[str, Any]:
    """Record the monthly review of the access log (who, when, findings)."""
    try:
        review = audit.record_review(db, principal.actor, principal.user.id, body.month, body.findings,
                                     heads_file=audit.configured_heads_file())
    except audit.AlreadyReviewed:
        raise Conflict(f"{body.month} 점검은 이미 기록되었습니다.", f"{body.month} is already reviewed",
                       code="already_reviewed") from None
    return {"id": review.id, "month": body.month, "chain_ok": review.chain_ok}
