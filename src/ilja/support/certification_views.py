"""Pages of certification support: the trainee's exams and fee claims (with the receipt
upload), the operator's catalogue, results and pass rates, and the manager's claims, decisions,
payments and budget."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.support import budgets
from ilja.support import certification_service as cert
from ilja.support.certification_api import read_upload, store
from ilja.support.errors import SupportError
from ilja.support.pages import page as _page
from ilja.support.pages import parse_date as _date
from ilja.support.pages import parse_int as _int
from ilja.support.pages import person_names
from ilja.web.templating import render, translator

router = APIRouter(include_in_schema=False)
RESULTS = ("pending", "passed", "failed", "absent")


# ------------------------------------------------------------------ the trainee
def _mine(request: Request, db: DbSession, principal: Principal) -> dict[str, Any]:
    person_id = principal.user.person_id
    return {"rows": cert.attempts_of(db, person_id) if person_id is not None else [],
            "catalogue": cert.certifications(db, active_only=True), "linked": person_id is not None,
            "can_claim": principal.can(Permission.APPLICATION_SUBMIT_OWN), "values": {}}


@router.get("/support/me/certifications", response_class=HTMLResponse)
def my_certifications(request: Request, db: DbSession,
                      principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    return _page(request, "support/my_certifications.html", _mine(request, db, principal))


@router.post("/support/me/certifications", response_model=None)
async def my_claim(request: Request, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))],
                   receipt: Annotated[UploadFile, File()],
                   certification_id: Annotated[str, Form(max_length=12)] = "",
                   exam_on: Annotated[str, Form(max_length=10)] = "",
                   fee_paid_won: Annotated[str, Form(max_length=12)] = "",
                   result: Annotated[str, Form(max_length=12)] = "pending") -> Response:
    t = translator(request)
    values = {"certification_id": certification_id, "exam_on": exam_on, "fee_paid_won": fee_paid_won,
              "result": result}
    errors: list[str] = []
    day, fee, cert_id = _date(exam_on), _int(fee_paid_won), _int(certification_id)
    if principal.user.person_id is None:
        errors.append(t("support.not_linked"))
    if cert_id is None:
        errors.append(t("support.cert.bad_certification"))
    if day is None:
        errors.append(t("support.bad_date"))
    if fee is None:
        errors.append(t("support.bad_amount"))
    if result not in RESULTS[:3]:
        errors.append(t("support.cert.bad_result"))
    if not errors:
        content = await read_upload(receipt, clock.today())
        try:
            with db.begin_nested():
                attempt = cert.record_attempt(db, person_id=principal.user.person_id, certification_id=cert_id,
                                              exam_on=day, fee_paid_won=fee, result=result, actor=principal.actor)
                cert.submit_claim(db, attempt_id=attempt.id, receipt=content, claimed_on=clock.today(),
                                  store=store(), actor=principal.actor)
            return RedirectResponse("/support/me/certifications?claimed=1", status_code=303)
        except SupportError as error:
            refusals = getattr(error, "refusals", None)
            errors += [t("support.cert.refusal." + r) for r in refusals] if refusals else [error.message(t.lang)]
    return _page(request, "support/my_certifications.html",
                 {**_mine(request, db, principal), "values": values, "errors": errors}, status_code=422)


# ------------------------------------------------------------------ the operator
def _desk(db: DbSession, principal: Principal, year: int) -> dict[str, Any]:
    attempts = cert.recent_attempts(db, scope=Scope.of(principal))
    return {"catalogue": cert.certifications(db), "attempts": attempts,
            "names": person_names(db, principal, (a.person_id for a, _ in attempts)),
            "by_course": cert.pass_rate_rows(db, "course", year=year),
            "by_campus": cert.pass_rate_rows(db, "campus", year=year),
            "total": cert.pass_rate_rows(db, "all", year=year), "year": year,
            "can_manage": principal.can(Permission.TRAINING_MANAGE), "results": RESULTS, "values": {}}


@router.get("/support/certifications", response_class=HTMLResponse)
def desk(request: Request, db: DbSession,
         principal: Annotated[Principal, Depends(requires(Permission.TRAINING_READ))],
         year: int = 2025) -> HTMLResponse:
    return _page(request, "support/certifications.html", _desk(db, principal, max(2020, min(year, 2100))))


@router.post("/support/certifications", response_model=None)
def add_certification(request: Request, db: DbSession,
                      principal: Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))],
                      code: Annotated[str, Form(max_length=64)] = "", vendor: Annotated[str, Form(max_length=64)] = "",
                      name: Annotated[str, Form(max_length=200)] = "",
                      fee_won: Annotated[str, Form(max_length=12)] = "") -> Response:
    t = translator(request)
    fee = _int(fee_won)
    errors = [] if fee is not None else [t("support.bad_amount")]
    if fee is not None:
        try:
            with db.begin_nested():
                cert.add_certification(db, code=code, vendor=vendor, name=name, fee_won=fee, actor=principal.actor)
            return RedirectResponse("/support/certifications", status_code=303)
        except SupportError as error:
            errors.append(error.message(t.lang))
    values = {"code": code, "vendor": vendor, "name": name, "fee_won": fee_won}
    return _page(request, "support/certifications.html",
                 {**_desk(db, principal, 2025), "values": values, "errors": errors}, status_code=422)


@router.post("/support/attempts/{attempt_id}/result", response_model=None)
def set_result(request: Request, attempt_id: int, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.TRAINING_MANAGE))],
               result: Annotated[str, Form(max_length=12)] = "") -> Response:
    try:
        cert.set_result(db, attempt_id=attempt_id, result=result, actor=principal.actor, scope=Scope.of(principal))
    except SupportError as error:
        return _page(request, "support/certifications.html",
                     {**_desk(db, principal, 2025), "errors": [error.message(translator(request).lang)]},
                     status_code=error.status_code)
    return RedirectResponse("/support/certifications", status_code=303)


# ------------------------------------------------------------------ the program manager
def _claims(db: DbSession, principal: Principal, status: str) -> dict[str, Any]:
    claims = cert.claims(db, status=status or None, scope=Scope.of(principal))
    return {"claims": claims, "names": person_names(db, principal, (k.person_id for k in claims)),
            "budgets": budgets.budgets(db), "status": status,
            "statuses": ("submitted", "approved", "rejected", "paid"), "kinds": budgets.KINDS,
            "can_decide": principal.can(Permission.PAYROLL_RUN), "today": clock.today().isoformat(), "values": {}}


@router.get("/support/claims", response_class=HTMLResponse)
def claims_page(request: Request, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))],
                status: str = "submitted") -> HTMLResponse:
    chosen = status if status in ("submitted", "approved", "rejected", "paid", "") else "submitted"
    return _page(request, "support/claims.html", _claims(db, principal, chosen))


def _after(request: Request, db: DbSession, principal: Principal, action: Any) -> Response:
    try:
        with db.begin_nested():
            action()
    except SupportError as error:
        return _page(request, "support/claims.html",
                     {**_claims(db, principal, ""), "errors": [error.message(translator(request).lang)]},
                     status_code=error.status_code)
    return RedirectResponse("/support/claims", status_code=303)


@router.post("/support/claims/{claim_id}/decision", response_model=None)
def decide(request: Request, claim_id: int, db: DbSession,
           principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
           decision: Annotated[str, Form(max_length=10)] = "", reason: Annotated[str, Form(max_length=2000)] = "",
           ) -> Response:
    return _after(request, db, principal, lambda: cert.decide_claim(
        db, claim_id=claim_id, approve=decision == "approve", reason=reason, actor=principal.actor,
        scope=Scope.of(principal)))


@router.post("/support/claims/{claim_id}/payment", response_model=None)
def pay(request: Request, claim_id: int, db: DbSession,
        principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
        paid_on: Annotated[str, Form(max_length=10)] = "", payment_ref: Annotated[str, Form(max_length=100)] = "",
        ) -> Response:
    day = _date(paid_on) or clock.today()
    return _after(request, db, principal, lambda: cert.record_payment(
        db, claim_id=claim_id, paid_on=day, payment_ref=payment_ref, actor=principal.actor,
        scope=Scope.of(principal)))


@router.post("/support/budgets", response_model=None)
def set_budget(request: Request, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
               kind: Annotated[str, Form(max_length=32)] = "", year: Annotated[str, Form(max_length=4)] = "",
               amount_won: Annotated[str, Form(max_length=15)] = "",
               source: Annotated[str, Form(max_length=300)] = "") -> Response:
    amount, chosen = _int(amount_won), _int(year)
    if amount is None or chosen is None:
        t = translator(request)
        return _page(request, "support/claims.html",
                     {**_claims(db, principal, ""), "errors": [t("support.bad_amount")]}, status_code=422)
    return _after(request, db, principal, lambda: budgets.set_budget(
        db, kind=kind, year=chosen, amount_won=amount, source=source, actor=principal.actor))


@router.get("/support/claims/{claim_id}/receipt", response_model=None)
def receipt(request: Request, claim_id: int, db: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> Response:
    try:
        claim = cert.get_claim(db, claim_id, Scope.of(principal))
        content = cert.receipt_of(db, claim, store(), actor=principal.actor)
    except (SupportError, FileNotFoundError):
        return render(request, "not_found.html", {"what": translator(request)("support.cert.receipt")},
                      status_code=404)
    return Response(content, media_type=claim.receipt_type, headers={
        "Content-Disposition": f'attachment; filename="receipt-{claim.id}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})
