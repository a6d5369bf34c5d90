"""Pages of the payment loop: a run's payments, the bank's result file, payments refused by the
bank waiting for an account, days late and the reconciliation; the participant's own payments and
their corrected account. Thin: ``payment_service`` does the work, within the caller's scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ilja import clock
from ilja.accounts.deps import DbSession, PayrollReader, PayrollRunner, PlacementManager, Principal, requires
from ilja.accounts.roles import Permission, Role
from ilja.accounts.scope import Scope
from ilja.applications.manage_views import _masked_names
from ilja.publicjobs import payment_service, payroll_service, reconciliation
from ilja.publicjobs.api import written_transfer
from ilja.publicjobs.bank_results import HEADER, MAX_BYTES, ResultFileRefused
from ilja.publicjobs.payments import Status, reference
from ilja.publicjobs.service import NotFound, PublicJobError
from ilja.web.templating import private_page, render, translator

router = APIRouter(include_in_schema=False)


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    return private_page(request, template, {"active": "publicjobs", "errors": [], **context}, status_code=status_code)


def _not_found(request: Request) -> HTMLResponse:
    return render(request, "not_found.html", {"what": translator(request)("payments.payment")}, status_code=404)


def _message(request: Request, exc: PublicJobError) -> str:
    return exc.ko if translator(request).lang == "ko" else exc.en


def _rows(db, payments: list, *, names: bool = True) -> dict[str, Any]:
    return {"payments": payments, "references": {p.id: reference(p.id, p.attempt) for p in payments},
            "names": _masked_names(db, {p.person_id for p in payments}) if names else {}, "today": clock.today()}


@router.get("/publicjobs/payroll/runs/{run_id}/payments", response_class=HTMLResponse)
def run_payments(request: Request, run_id: int, db: DbSession, principal: PayrollReader) -> HTMLResponse:
    scope = Scope.of(principal)
    try:
        run = payroll_service.get_run(db, run_id, scope)
    except NotFound:
        return _not_found(request)
    payments = payment_service.run_payments(db, run_id, scope)
    counts = {s.value: sum(1 for p in payments if p.status == s) for s in Status}
    return _page(request, "publicjobs/payments_run.html", {"run": run, "counts": counts, **_rows(db, payments[:1000])})


def _import_page(request: Request, status_code: int = 200, **context: Any) -> HTMLResponse:
    return _page(request, "publicjobs/payments_import.html",
                 {"header": HEADER, "problems": [], "summary": None, **context}, status_code=status_code)


@router.get("/publicjobs/payments/import", response_class=HTMLResponse)
def import_form(request: Request, principal: PayrollRunner) -> HTMLResponse:
    return _import_page(request)


@router.post("/publicjobs/payments/import", response_class=HTMLResponse)
def import_file(request: Request, db: DbSession, principal: PayrollRunner,
                file: Annotated[UploadFile | None, File()] = None) -> HTMLResponse:
    """The bank's result file: applied whole, or refused with every row and reason, nothing changed."""
    t = translator(request)
    data = file.file.read(MAX_BYTES + 1) if file is not None else b""
    if not data:
        return _import_page(request, 422, errors=[t("payments.import_choose")])
    try:
        with db.begin_nested():
            summary = payment_service.import_results(db, data, file.filename or "", actor=principal.actor)
    except ResultFileRefused as exc:
        problems = [(p.row, p.column, p.ko if t.lang == "ko" else p.en) for p in exc.problems[:500]]
        return _import_page(request, 422, refused=t("payments.import_refused", count=len(exc.problems)),
                            problems=problems, more=max(len(exc.problems) - 500, 0))
    return _import_page(request, summary=summary)


@router.get("/publicjobs/payments/rejected", response_class=HTMLResponse)
def rejected_page(request: Request, db: DbSession, principal: PayrollReader) -> HTMLResponse:
    payments = payment_service.rejected(db, Scope.of(principal))
    return _page(request, "publicjobs/payments_rejected.html", {
        **_rows(db, payments[:1000]), "programs": payroll_service.PROGRAMS,
        "may_send": principal.user.role == Role.PROGRAM_MANAGER,
        "may_correct": principal.user.role == Role.OPERATOR})


@router.post("/publicjobs/payments/transfer", response_model=None)
def reissue_transfer(request: Request, db: DbSession, principal: PayrollRunner,
                     program: Annotated[str, Form(max_length=64)] = "",
                     reason: Annotated[str, Form(max_length=500)] = "",
                     format: Annotated[str, Form(max_length=4)] = "xlsx") -> Response:
    """The next transfer file of a program's reissued payments (corrected accounts); a POST, as
    writing it marks them sent."""
    try:
        if program not in payroll_service.PROGRAMS:
            raise PublicJobError("사업을 고르십시오.", "Choose a program")
        transfer = payment_service.write_transfer(db, program, actor=principal.actor, reason=reason)
        return written_transfer(db, transfer, principal, reason, "csv" if format == "csv" else "xlsx")
    except PublicJobError as exc:
        payments = payment_service.rejected(db, Scope.of(principal))
        return _page(request, "publicjobs/payments_rejected.html", {
            **_rows(db, payments[:1000]), "programs": payroll_service.PROGRAMS, "may_send": True,
            "may_correct": False, "errors": [_message(request, exc)]}, status_code=409)


@router.get("/publicjobs/payments/late", response_class=HTMLResponse)
def late_page(request: Request, db: DbSession, principal: PayrollReader,
              year: Annotated[int, Query(ge=2020, le=2100)] = 2025) -> HTMLResponse:
    city = principal.user.role in (Role.PROGRAM_MANAGER, Role.AUDITOR)
    return _page(request, "publicjobs/payments_late.html", {
        "year": year, "rows": payment_service.days_late_report(db, year, Scope.of(principal)),
        "reconciliations": [reconciliation.reconcile(db, p, year) for p in payroll_service.PROGRAMS] if city else []})


def _account_page(request: Request, db, payment, status_code: int = 200, **context: Any) -> HTMLResponse:
    return _page(request, "publicjobs/payment_account.html", {
        "payment": payment, "reference": reference(payment.id, payment.attempt),
        "name": _masked_names(db, {payment.person_id}).get(payment.person_id, "—"),
        "history": payment_service.history(db, payment.id), "banks": payment_service.BANKS,
        "account": payment_service.account_of(db, payment.account_id), "values": {}, "field_errors": {},
        "action": f"/publicjobs/payments/{payment.id}/account", **context}, status_code=status_code)


@router.get("/publicjobs/payments/{payment_id}/account", response_class=HTMLResponse)
def account_form(request: Request, payment_id: int, db: DbSession, principal: PlacementManager) -> HTMLResponse:
    try:
        payment = payment_service.get_payment(db, payment_id, Scope.of(principal))
    except NotFound:
        return _not_found(request)
    return _account_page(request, db, payment)


def _enter(request: Request, db, principal: Principal, person_id: int, by: str, form: dict[str, str],
           ) -> tuple[int | None, dict[str, str], list[str]]:
    """Store the account; (reissued count, field errors, page errors)."""
    try:
        with db.begin_nested():
            _, count = payment_service.enter_account(db, person_id, bank_code=form["bank_code"],
                                                     number=form["number"], holder=form["holder"],
                                                     actor=principal.actor, by=by)
    except payment_service.AccountInvalid as exc:
        return None, {exc.field: _message(request, exc)}, [_message(request, exc)]
    except PublicJobError as exc:
        return None, {}, [_message(request, exc)]
    return count, {}, []


@router.post("/publicjobs/payments/{payment_id}/account", response_model=None)
def account_save(request: Request, payment_id: int, db: DbSession, principal: PlacementManager,
                 bank_code: Annotated[str, Form(max_length=3)] = "",
                 number: Annotated[str, Form(max_length=40)] = "",
                 holder: Annotated[str, Form(max_length=40)] = "") -> Response:
    """An operator enters the corrected account the participant gave them (audited)."""
    try:
        payment = payment_service.get_payment(db, payment_id, Scope.of(principal))
    except NotFound:
        return _not_found(request)
    form = {"bank_code": bank_code, "number": number, "holder": holder}
    count, field_errors, errors = _enter(request, db, principal, payment.person_id, "operator", form)
    if count is None:
        return _account_page(request, db, payment, 422, values={"bank_code": bank_code, "holder": holder},
                             field_errors=field_errors, errors=errors)
    return RedirectResponse(f"/publicjobs/payments/{payment.id}/account?saved={count}", status_code=303)


def _mine(request: Request, db, principal: Principal, status_code: int = 200, **context: Any) -> HTMLResponse:
    person_id = principal.user.person_id
    payments = payment_service.payments_of_person(db, person_id) if person_id is not None else []
    waiting = [p for p in payments if p.status in (Status.REJECTED, Status.REISSUED)]
    return _page(request, "publicjobs/my_payments.html", {
        "payments": payments, "waiting": waiting, "banks": payment_service.BANKS, "values": {},
        "field_errors": {}, "today": clock.today(),
        "accounts": {p.account_id: payment_service.account_of(db, p.account_id) for p in payments if p.account_id},
        **context}, status_code=status_code)


@router.get("/publicjobs/me/payments", response_class=HTMLResponse)
def my_payments(request: Request, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))]) -> HTMLResponse:
    return _mine(request, db, principal)


@router.post("/publicjobs/me/payments/account", response_model=None)
def my_account(request: Request, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))],
               bank_code: Annotated[str, Form(max_length=3)] = "",
               number: Annotated[str, Form(max_length=40)] = "",
               holder: Annotated[str, Form(max_length=40)] = "") -> Response:
    """The participant's own corrected account, for the payments the bank refused (audited)."""
    if principal.user.person_id is None:
        return _mine(request, db, principal, 422, errors=[translator(request)("payments.no_person")])
    form = {"bank_code": bank_code, "number": number, "holder": holder}
    count, field_errors, errors = _enter(request, db, principal, principal.user.person_id, "self", form)
    if count is None:
        return _mine(request, db, principal, 422, values={"bank_code": bank_code, "holder": holder},
                     field_errors=field_errors, errors=errors)
    return RedirectResponse(f"/publicjobs/me/payments?saved={count}", status_code=303)
