"""Pages of training subsidies: the manager's funding programs and monthly payment run, the
operator's grants and online-course progress, and the trainee's own grants and payments."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import subsidy_service as sub
from ilja.support.errors import Invalid, SupportError
from ilja.support.pages import page, parse_date, parse_int, person_names
from ilja.web.templating import translator

router = APIRouter(include_in_schema=False)


def _context(db: DbSession, principal: Principal) -> dict[str, Any]:
    grants = sub.grants(db, scope=Scope.of(principal))[:200]
    return {"programs": sub.programs(db), "grants": grants, "values": {},
            "names": person_names(db, principal, (g.person_id for g in grants)),
            "can_run": principal.can(Permission.PAYROLL_RUN), "can_grant": principal.can(Permission.TRAINING_MANAGE),
            "month": clock.today().strftime("%Y-%m")}


def _errors(request: Request, error: SupportError) -> list[str]:
    t = translator(request)
    refusals = getattr(error, "refusals", None)
    return [t("support.subsidy.refusal." + r) for r in refusals] if refusals else [error.message(t.lang)]


@router.get("/support/subsidies", response_class=HTMLResponse)
def desk(request: Request, db: DbSession,
         principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> HTMLResponse:
    return page(request, "support/subsidies.html", _context(db, principal))


def _form(form: Any, *names: str) -> dict[str, str]:
    return {n: str(form.get(n, ""))[:300] for n in names}


async def _handle(request: Request, db: DbSession, principal: Principal, action: Any) -> Response:
    form = await request.form()
    try:
        with db.begin_nested():
            message = action(form)
    except SupportError as error:
        return page(request, "support/subsidies.html", {**_context(db, principal), "errors": _errors(request, error)},
                    status_code=422)
    target = "/support/subsidies" + (f"?done={message}" if message else "")
    return RedirectResponse(target, status_code=303)


def _date(value: str, field: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise Invalid("날짜를 YYYY-MM-DD로 입력해 주세요.", "Enter the date as YYYY-MM-DD.", field=field)
    return day


def _number(value: str, field: str) -> int:
    number = parse_int(value)
    if number is None:
        raise Invalid("0 이상의 정수로 입력해 주세요.", "Enter a whole number, not negative.", field=field)
    return number


@router.post("/support/subsidies/programs", response_model=None)
async def add_program(request: Request, db: DbSession,
                      principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))]) -> Response:
    def action(form: Any) -> str:
        f = _form(form, "code", "company", "name", "budget_won", "starts_on", "ends_on")
        sub.add_program(db, code=f["code"], company=f["company"], name=f["name"],
                        budget_won=_number(f["budget_won"], "budget_won"), starts_on=_date(f["starts_on"], "starts_on"),
                        ends_on=_date(f["ends_on"], "ends_on"), actor=principal.actor)
        return ""
    return await _handle(request, db, principal, action)


@router.post("/support/subsidies/grants", response_model=None)
async def add_grant(request: Request, db: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))]) -> Response:
    def action(form: Any) -> str:
        f = _form(form, "person_id", "program_id", "starts_on", "course_label", "enrolment_id", "months")
        sub.grant(db, person_id=_number(f["person_id"], "person_id"), program_id=_number(f["program_id"], "program_id"),
                  starts_on=_date(f["starts_on"], "starts_on"), course_label=f["course_label"],
                  enrolment_id=parse_int(f["enrolment_id"]) if f["enrolment_id"].strip() else None,
                  months=parse_int(f["months"]) if f["months"].strip() else None, actor=principal.actor,
                  scope=Scope.of(principal))
        return ""
    return await _handle(request, db, principal, action)


@router.post("/support/subsidies/progress", response_model=None)
async def progress(request: Request, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))]) -> Response:
    def action(form: Any) -> str:
        f = _form(form, "grant_id", "month", "progress_percent")
        percent = _number(f["progress_percent"], "progress_percent")
        sub.record_progress(db, grant_id=_number(f["grant_id"], "grant_id"), month=f["month"].strip(),
                            progress_milli=percent * 10, actor=principal.actor, scope=Scope.of(principal))
        return ""
    return await _handle(request, db, principal, action)


@router.post("/support/subsidies/runs", response_model=None)
async def run(request: Request, db: DbSession,
              principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))]) -> Response:
    def action(form: Any) -> str:
        result = sub.run_month(db, month=str(form.get("month", "")).strip()[:7], run_on=clock.today(),
                               actor=principal.actor)
        return f"{result.month}:{result.paid}:{result.withheld}"
    return await _handle(request, db, principal, action)


@router.get("/support/me/subsidies", response_class=HTMLResponse)
def mine(request: Request, db: DbSession,
         principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    person_id = principal.user.person_id
    return page(request, "support/my_subsidies.html",
                {"grants": sub.grants_of(db, person_id) if person_id is not None else []})
