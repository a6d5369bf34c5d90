"""Pages: log in and out, my account (with API tokens), the administrator's accounts page, the
auditor's log search and monthly review."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit, service
from ilja.accounts.deps import (
    SESSION_COOKIE,
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
from ilja.accounts.roles import PERSONAL_DATA_ROLES, Permission, Role, permissions_for
from ilja.paging import Page
from ilja.programs.loader import load_plan
from ilja.training.models import TrainingDepartment
from ilja.web.templating import render, request_language

router = APIRouter(include_in_schema=False)
SEOUL = ZoneInfo("Asia/Seoul")

HOME_BY_ROLE = {  # where a log-in without ``next`` goes: each role to its work page
    "citizen": "/my",
    "program_manager": "/manage/rounds",
    "job_coordinator": "/matching",
    "auditor": "/audit",
    "admin": "/users",
}


def _home(db: Session, user: User) -> str:
    """The page a log-in lands on: an operator on their site's training page when the site trains
    (a campus or institute of the plan, or a site with a department), else on the public-job
    host page of the projects it hosts; every other role by ``HOME_BY_ROLE``."""
    if user.role != "operator":
        return HOME_BY_ROLE.get(user.role, "/")

    plan = load_plan()
    trains = user.site_code in {c.code for c in plan.campuses} | {i.code for i in plan.institutes}
    trains = trains or db.scalar(select(TrainingDepartment.id)
                                 .where(TrainingDepartment.site_code == user.site_code)
                                 .limit(1)) is not None
    return "/training" if trains else "/publicjobs/host"
DONE = frozenset({"created", "pending", "approved", "rejected", "deactivated", "reactivated",
                  "role", "revoked"})


def _safe_next(target: str | None) -> str | None:
    """Only local paths: never redirect a log-in to another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@router.get("/login", response_class=HTMLResponse, dependencies=[Depends(public())])
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    return render(request, "accounts/login.html", {"next": _safe_next(next) or "", "error": None, "login": ""})


@router.post("/login", response_class=HTMLResponse, dependencies=[Depends(public(csrf=True))])
def login(request: Request, db: DbSession, login: Annotated[str, Form(max_length=100)] = "",
          password: Annotated[str, Form(max_length=1024)] = "",
          next: Annotated[str, Form(max_length=500)] = "") -> Response:
    outcome = service.authenticate(db, login, password, client_address(request))
    if outcome.user is None:
        refusal = outcome.refusal
        status = 429 if refusal.code == "login_throttled" else 401
        response = render(request, "accounts/login.html",
                          {"next": _safe_next(next) or "", "login": login, "has_errors": True,
                           "error": refusal.message_ko if request_language(request)[0] == "ko" else refusal.message_en},
                          status_code=status)
        if status == 429:
            response.headers["Retry-After"] = str(refusal.retry_after)
        return response
    new = service.start_session(db, outcome.user, client_address(request))
    target = _safe_next(next) or _home(db, outcome.user)
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, new.token, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https", max_age=int(service.SESSION_LIFETIME.total_seconds()))
    return response


@router.post("/logout", dependencies=[Depends(authenticated())])
def logout(request: Request, db: DbSession, principal: CurrentPrincipal) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        service.end_session(db, token)
        audit.record(db, principal.actor, "auth.logout", object_type="user", object_id=principal.user.id)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def _account_page(request: Request, db: DbSession, principal: Principal, new_token: str | None = None,
                  done: str | None = None) -> HTMLResponse:
    permissions = sorted(permissions_for(principal.role), key=lambda p: p.value)
    return render(request, "accounts/account.html", {
        "permissions": permissions, "new_token": new_token, "done": done,
        "tokens": service.active_tokens(db, principal.user.id)})


@router.get("/account", response_class=HTMLResponse, dependencies=[Depends(authenticated())])
def account(request: Request, db: DbSession, principal: CurrentPrincipal, done: str = "") -> HTMLResponse:
    return _account_page(request, db, principal, done=done if done == "revoked" else None)


@router.post("/account/tokens", response_class=HTMLResponse, dependencies=[Depends(authenticated())])
def new_token(request: Request, db: DbSession, principal: CurrentPrincipal,
              name: Annotated[str, Form(min_length=1, max_length=100)] = "api") -> HTMLResponse:
    _, token = service.issue_token(db, db.get(User, principal.user.id), name, client_address(request))
    return _account_page(request, db, principal, new_token=token)


@router.post("/account/tokens/{token_id}/revoke", dependencies=[Depends(authenticated())])
def revoke_my_token(token_id: int, db: DbSession, principal: CurrentPrincipal) -> Response:
    """The owner revokes one of their tokens (someone else's token id revokes nothing)."""
    service.revoke_tokens(db, principal.user.id, principal.actor, token_id)
    return RedirectResponse("/account?done=revoked", status_code=303)




def _users_page(request: Request, db: DbSession, principal: Principal, *, error: str | None = None,
                status_code: int = 200, done: str | None = None, form: dict | None = None) -> HTMLResponse:
    users = service.list_users(db)
    logins = {u.id: u.login for u in users}
    return render(request, "accounts/users.html", {
        "users": users, "pending": [u for u in users if u.pending_role], "logins": logins,
        "roles": list(Role), "personal_roles": PERSONAL_DATA_ROLES, "me": principal.user.id,
        "error": error, "has_errors": error is not None, "done": done if done in DONE else None,
        "form": form or {}, "active": "users"}, status_code=status_code)


def _refused(request: Request, db: DbSession, principal: Principal, exc: service.AccountError,
             form: dict | None = None) -> HTMLResponse:
    db.rollback()  # nothing half-done stays; the page shows the accounts as they are
    message = exc.message_ko if request_language(request)[0] == "ko" else exc.message_en
    return _users_page(request, db, principal, error=message, status_code=exc.status, form=form)


def _done(key: str) -> Response:
    return RedirectResponse(f"/users?done={key}", status_code=303)


@router.get("/users", response_class=HTMLResponse)
def users(request: Request, db: DbSession, principal: UserManager, done: str = "") -> HTMLResponse:
    """Accounts, the grants waiting for a second administrator, and what can be done to them."""
    return _users_page(request, db, principal, done=done)


@router.post("/users", response_class=HTMLResponse)
def create_user(request: Request, db: DbSession, principal: UserManager,
                login: Annotated[str, Form(max_length=100)], display_name: Annotated[str, Form(max_length=200)],
                role: Annotated[Role, Form()], password: Annotated[str, Form(max_length=1024)],
                site_code: Annotated[str, Form(max_length=64)] = "") -> Response:
    try:
        user = service.create_user(db, login=login, password=password, role=role, display_name=display_name,
                                   actor=principal.actor, site_code=site_code or None)
    except service.AccountError as exc:
        return _refused(request, db, principal, exc,
                        {"login": login, "display_name": display_name, "role": role, "site_code": site_code})
    return _done("pending" if user.pending_role else "created")


def _account_action(request: Request, db: DbSession, principal: Principal, action, *args,
                    done: str) -> Response:
    try:
        action(*args)
    except service.AccountError as exc:
        return _refused(request, db, principal, exc)
    return _done(done)


@router.post("/users/{user_id}/grant", response_class=HTMLResponse)
def decide_grant(request: Request, db: DbSession, principal: UserManager, user_id: int,
                 decision: Annotated[str, Form(pattern="^(approve|reject)$")]) -> Response:
    approve = decision == "approve"
    return _account_action(request, db, principal, service.approve_grant if approve else service.reject_grant,
                           db, user_id, principal.actor, done="approved" if approve else "rejected")


@router.post("/users/{user_id}/active", response_class=HTMLResponse)
def set_active(request: Request, db: DbSession, principal: UserManager, user_id: int,
               active: Annotated[bool, Form()]) -> Response:
    return _account_action(request, db, principal, service.set_active, db, user_id, active, principal.actor,
                           done="reactivated" if active else "deactivated")


@router.post("/users/{user_id}/role", response_class=HTMLResponse)
def change_role(request: Request, db: DbSession, principal: UserManager, user_id: int,
                role: Annotated[Role, Form()]) -> Response:
    return _account_action(request, db, principal, service.change_role, db, user_id, role, principal.actor,
                           done="pending" if role in PERSONAL_DATA_ROLES else "role")


@router.post("/users/{user_id}/person", response_class=HTMLResponse)
def link_person(request: Request, db: DbSession, principal: UserManager, user_id: int,
                person_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:
    return _account_action(request, db, principal, service.link_person, db, user_id, person_id,
                           principal.actor, done="pending")


@router.post("/users/{user_id}/revoke", response_class=HTMLResponse)
def revoke_tokens(request: Request, db: DbSession, principal: UserManager, user_id: int) -> Response:
    """Every token and browser session of the account stops at once."""
    return _account_action(request, db, principal, service.revoke_tokens, db, user_id, principal.actor,
                           done="revoked")


def _parse_day(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), SEOUL)
    except ValueError:
        return None


def _actor_names(db: Session, rows: list) -> dict[str, str]:
    """The display names of the accounts behind the entries, so the log reads "김감사 (감사)"."""
    ids = {int(r.actor_id) for r in rows if r.actor_id and r.actor_id.isdigit()}
    if not ids:
        return {}
    return {str(u.id): u.display_name for u in db.scalars(select(User).where(User.id.in_(ids)))}


AUDIT_PAGE_SIZE = 50


@router.get("/audit", response_class=HTMLResponse)
def audit_search(request: Request, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.AUDIT_READ))],
                 actor_id: str = "", action: str = "", subject_person_id: str = "",
                 since: str = "", until: str = "", page: int = 1) -> HTMLResponse:
    pager = Page.at(page, AUDIT_PAGE_SIZE, query={
        "actor_id": actor_id, "action": action, "subject_person_id": subject_person_id,
        "since": since, "until": until})
    until_day = _parse_day(until)
    query = audit.AuditQuery(actor_id[:100] or None, action[:64] or None, subject_person_id[:64] or None,
                             _parse_day(since), until_day + dt.timedelta(days=1) if until_day else None,
                             limit=pager.size, offset=pager.offset)
    rows, total = audit.search(db, query)
    audit.record(db, principal.actor, "audit.search",
                 details={k: v for k, v in {"actor_id": actor_id, "action": action,
                                            "subject_person_id": subject_person_id}.items() if v})
    month = clock.seoul_now().strftime("%Y-%m")
    check = audit.verify_current(db, heads_file=audit.configured_heads_file())
    return render(request, "accounts/audit.html", {
        "rows": rows, "total": total, "pager": pager.of(total),
        "actors": _actor_names(db, rows),
        "filters": {"actor_id": actor_id, "action": action, "subject_person_id": subject_person_id,
                    "since": since, "until": until},
        "chain": check.report, "chain_full_check_at": check.full_check_at, "month": month,
        "active": "audit"})


@router.get("/audit/report", response_class=HTMLResponse, dependencies=[Depends(requires(Permission.AUDIT_READ))])
def audit_report(request: Request, db: DbSession, month: str = "") -> HTMLResponse:
    try:
        audit.month_bounds(month)
    except ValueError:
        month = clock.seoul_now().strftime("%Y-%m")
    return render(request, "accounts/audit_report.html", {
        "report": audit.monthly_report(db, month, heads_file=audit.configured_heads_file()),
        "review": audit.review_for(db, month),
        "month": month, "active": "audit"})


@router.post("/audit/report", response_class=HTMLResponse)
def audit_review(request: Request, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.AUDIT_REVIEW))],
                 month: Annotated[str, Form(pattern=r"^[1-9]\d{3}-(0[1-9]|1[0-2])$")],
                 findings: Annotated[str, Form(min_length=1, max_length=5000)]) -> Response:
    with contextlib.suppress(audit.AlreadyReviewed):  # the review on record stands; the page shows it
        audit.record_review(db, principal.actor, principal.user.id, month, findings,
                            heads_file=audit.configured_heads_file())
    return RedirectResponse(f"/audit/report?month={month}", status_code=303)
