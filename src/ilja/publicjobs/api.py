"""Public-jobs API under ``/api/v1/publicjobs``: timesheets for hosts, payroll and budget for
managers, pay for the participant. The services keep each caller to their scope
(``ilja.accounts.scope``): a host (operator) reaches only the projects, placements and pay lines
of their site code, and anything else is 404."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ilja import clock
from ilja.accounts.deps import DbSession, Principal, requires
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.errors import AccountNotLinked, Invalid, missing
from ilja.publicjobs import (
    attendance,
    documents,
    payment_service,
    payments,
    payroll_service,
    service,
)
from ilja.publicjobs.bank_results import MAX_BYTES as MAX_RESULT_BYTES
from ilja.publicjobs.models import PayLine, Project
from ilja.publicjobs.service import NotFound
from ilja.publicjobs.timesheet import EntryKind, TimesheetEntry
from ilja.text import FreeText
from ilja.web.errors import api_answer

router = APIRouter(prefix="/publicjobs", tags=["publicjobs"])
MONTH = r"^[1-9]\d{3}-(0[1-9]|1[0-2])$"


def project_for(db, project_id: int, principal: Principal) -> Project:
    """The project if it exists and the caller may see it (404 otherwise, never 403: no probing)."""
    return service.get_project(db, project_id, Scope.of(principal))


def _month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); any other text names no month there is (404)."""
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise NotFound(*missing("month", text)) from None
    return day.year, day.month


class ProjectOut(BaseModel):
    id: int
    code: str
    program_code: str
    track_code: str | None
    name: str
    host_name: str


class EntryIn(BaseModel):
    placement_id: int
    day: dt.date
    kind: EntryKind
    milli_hours: int = Field(ge=0, le=24_000)


class EntryOut(EntryIn):
    pass


class MonthOut(BaseModel):
    project_id: int
    month: str
    approved: bool
    placements: list[dict[str, Any]]
    entries: list[EntryOut]


class CorrectionIn(EntryIn):
    reason: FreeText = Field(min_length=1, max_length=500)


class RunIn(BaseModel):
    program: str
    month: str = Field(pattern=MONTH)


class RunOut(BaseModel):
    id: int
    program_code: str
    month: int
    sequence: int
    totals: dict[str, int]


class LineOut(BaseModel):
    id: int
    placement_id: int
    month: int
    gross: int
    adjustment: int
    deductions_total: int
    net: int
    components: dict[str, int]
    deductions: dict[str, int]


def _line(line: PayLine) -> LineOut:
    return LineOut(id=line.id, placement_id=line.placement_id, month=line.month, gross=line.gross,
                   adjustment=line.adjustment, deductions_total=line.deductions_total, net=line.net,
                   components=line.components or {}, deductions=line.deductions or {})


@router.get("/projects", response_model=list[ProjectOut])
def list_projects(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))],
                  ) -> list[ProjectOut]:
    return [ProjectOut.model_validate(p, from_attributes=True)
            for p in service.projects(db, scope=Scope.of(principal))]


@router.get("/projects/{project_id}/timesheets/{month}", response_model=MonthOut)
def month_timesheet(project_id: int, month: str, db: DbSession,
                    principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]) -> MonthOut:
    project = project_for(db, project_id, principal)
    year, number = _month(month)
    placements = service.project_placements(db, project.id, year, number)
    entries = service.month_entries(db, [p.id for p in placements], year, number)
    return MonthOut(project_id=project.id, month=month, approved=service.is_approved(db, project.id, year, number),
                    placements=[{"id": p.id, "start_on": p.start_on.isoformat(), "end_on": p.end_on.isoformat(),
                                 "daily_milli_hours": p.daily_milli_hours, "status": p.status} for p in placements],
                    entries=[EntryOut(placement_id=e.placement_id, day=e.day, kind=e.kind.value,
                                      milli_hours=e.milli_hours) for e in entries])


@router.put("/projects/{project_id}/timesheets/{month}", response_model=dict)
def enter_month(project_id: int, month: str, body: list[EntryIn], db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]) -> dict:
    project = project_for(db, project_id, principal)
    year, number = _month(month)
    entries = [TimesheetEntry(e.placement_id, e.day, e.kind, e.milli_hours) for e in body]
    count = service.enter_month(db, project.id, year, number, entries, actor=principal.actor)
    return {"entries": count}


@router.post("/projects/{project_id}/timesheets/import", response_model=dict)
def import_timesheet(project_id: int, file: UploadFile, db: DbSession,
                     principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]) -> dict:
    """XLSX rows (placement, date, kind, hours — Korean headers accepted): all or nothing."""
    project = project_for(db, project_id, principal)
    try:
        rows = service.read_xlsx(file.file)
    except Exception:  # noqa: BLE001 - any unreadable upload is the same answer
        raise Invalid("XLSX 파일을 읽을 수 없습니다.", "not a readable XLSX file",
                      code="unreadable_file", loc=("body", "file")) from None
    count = service.import_rows(db, project.id, rows, actor=principal.actor)
    return {"entries": count}


@router.post("/projects/{project_id}/timesheets/{month}/approve", response_model=dict)
def approve(project_id: int, month: str, db: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]) -> dict:
    project = project_for(db, project_id, principal)
    year, number = _month(month)
    service.approve_month(db, project.id, year, number, actor=principal.actor)
    return {"approved": True}


@router.post("/placements/{placement_id}/corrections", response_model=dict)
def correct(placement_id: int, body: CorrectionIn, db: DbSession,
            principal: Annotated[Principal, Depends(requires(Permission.PLACEMENT_MANAGE))]) -> dict:
    service.get_placement(db, placement_id, Scope.of(principal))
    entry = TimesheetEntry(placement_id, body.day, body.kind, body.milli_hours)
    correction = service.correct_entry(db, placement_id, entry, reason=body.reason, actor=principal.actor)
    return {"correction": correction.id}


@router.post("/payroll/runs", response_model=RunOut)
def run_payroll(body: RunIn, db: DbSession,
                principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))]) -> RunOut:
    year, number = _month(body.month)
    with db.begin_nested():
        result = payroll_service.run_payroll(db, body.program, year, number, actor=principal.actor)
    return RunOut(id=result.run_id, program_code=body.program, month=year * 100 + number,
                  sequence=result.sequence, totals=result.totals)


@router.get("/payroll/runs/{run_id}", response_model=list[LineOut])
def run_lines(run_id: int, db: DbSession,
              principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> list[LineOut]:
    scope = Scope.of(principal)
    payroll_service.get_run(db, run_id, scope)
    return [_line(line) for line in payroll_service.run_lines(db, run_id, scope)]


@router.post("/payroll/runs/{run_id}/transfer", response_model=None)
def transfer_file(run_id: int, db: DbSession,
                  principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))],
                  reason: Annotated[FreeText, Query(max_length=500)] = "",
                  format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx") -> Response:
    return transfer_response(db, run_id, principal, reason, format)


def transfer_response(db, run_id: int, principal: Principal, reason: str, format: str) -> Response:
    """The run's next bank-transfer file (``payment_service.write_transfer``: its payments not yet
    sent and the program's reissued ones, now sent; or its latest file again), names included, so
    audited with the reason; shared by the API and the run page. Raises PublicJobError outside
    scope, without a reason, or with nothing to send."""
    run = payroll_service.get_run(db, run_id, Scope.of(principal))
    transfer = payment_service.write_transfer(db, run.program_code, actor=principal.actor, reason=reason,
                                              run_id=run_id)
    return written_transfer(db, transfer, principal, reason, format)


def written_transfer(db, transfer, principal: Principal, reason: str, format: str) -> Response:
    """A written transfer file as CSV or XLSX; the names and accounts in it are an audited download."""
    items = payment_service.transfer_items(db, transfer.id)
    names = payroll_service.participant_names(db, items, actor=principal.actor, reason=reason,
                                              run_id=transfer.run_id)
    accounts = payment_service.accounts_for_file(db, items)
    name = f"transfer-{transfer.program_code}-{transfer.id}"
    if format == "csv":
        return Response(documents.transfer_csv(items, names, accounts), media_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="{name}.csv"',
                                 "Cache-Control": "no-store"})
    return Response(documents.transfer_xlsx(items, names, accounts),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"',
                             "Cache-Control": "no-store"})


def statement_response(db, line: PayLine, principal: Principal, reason: str) -> Response:
    placement = service.get_placement(db, line.placement_id)
    project = db.get(Project, placement.project_id)
    names = payroll_service.participant_names(db, [line], actor=principal.actor, reason=reason,
                                              run_id=line.run_id)
    pdf = documents.statement_pdf(line, name=names.get(line.person_id, ""), program=placement.program_code,
                                  project=project.name if project else "")
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="statement-{line.month}-{line.placement_id}.pdf"',
        "Cache-Control": "no-store"})


@router.get("/payroll/lines/{line_id}/statement", response_model=None)
def statement(line_id: int, db: DbSession,
              principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))],
              reason: Annotated[FreeText, Query(max_length=500)] = "급여명세서 발급") -> Response:
    line = payroll_service.get_line(db, line_id, Scope.of(principal))
    return statement_response(db, line, principal, reason)


@router.get("/budget", response_model=list[dict])
def budget(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))],
           year: Annotated[int, Query(ge=2020, le=2100)] = 2025) -> list[dict]:
    return [payroll_service.budget_status(db, p, year).as_dict() for p in payroll_service.PROGRAMS]


@router.get("/me/pay", response_model=list[LineOut])
def my_pay(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
           ) -> list[LineOut]:
    if principal.user.person_id is None:
        return []
    return [_line(line) for line in payroll_service.lines_of_person(db, principal.user.person_id)]


class PaymentOut(BaseModel):
    id: int
    reference: str
    run_id: int
    month: int
    amount: int
    status: str
    due_on: dt.date
    paid_on: dt.date | None
    days_late: int | None
    reject_reason: str | None


def _payment(payment) -> PaymentOut:
    return PaymentOut(id=payment.id, reference=payments.reference(payment.id, payment.attempt), run_id=payment.run_id,
                      month=payment.month, amount=payment.amount, status=payment.status, due_on=payment.due_on,
                      paid_on=payment.paid_on, days_late=payment.days_late, reject_reason=payment.reject_reason)


@router.post("/payments/results/import", response_model=dict)
def import_results(file: UploadFile, db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_RUN))]) -> dict:
    """The bank's result file (README "Transfer and result files"): all rows or none; 422 lists
    every problem with its row, column and reason."""
    with db.begin_nested():
        summary = payment_service.import_results(db, file.file.read(MAX_RESULT_BYTES + 1), file.filename or "",
                                                 actor=principal.actor)
    return {"rows": summary.rows, "paid": summary.paid, "rejected": summary.rejected}


@router.get("/payroll/runs/{run_id}/payments", response_model=list[PaymentOut])
def run_payments(run_id: int, db: DbSession,
                 principal: Annotated[Principal, Depends(requires(Permission.PAYROLL_READ))]) -> list[PaymentOut]:
    scope = Scope.of(principal)
    payroll_service.get_run(db, run_id, scope)
    return [_payment(p) for p in payment_service.run_payments(db, run_id, scope)]


@router.get("/me/payments", response_model=list[PaymentOut])
def my_payments(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
                ) -> list[PaymentOut]:
    if principal.user.person_id is None:
        return []
    return [_payment(p) for p in payment_service.payments_of_person(db, principal.user.person_id)]


class CheckinIn(BaseModel):
    """The code shown at the work site, as the participant typed it."""

    code: str = Field(min_length=1, max_length=32)


class CheckinOut(BaseModel):
    placement_id: int
    day: dt.date
    kind: str
    method: str


@router.post("/me/checkin", status_code=201, response_model=CheckinOut,
             responses={422: {"description": "A wrong or expired code, no check-in open, or the day already "
                                             "recorded (``detail.reason``)"},
                        429: {"description": "Too many wrong codes: wait"}})
def my_checkin(body: CheckinIn, db: DbSession,
               principal: Annotated[Principal, Depends(requires(Permission.PROFILE_EDIT_OWN))]
               ) -> CheckinOut | JSONResponse:
    """The participant's check-in (issue 19 §3); a refusal is answered, not raised, so the attempt
    is kept and counts towards the failure limit."""
    person_id = principal.user.person_id if principal.user else None
    if person_id is None:
        raise AccountNotLinked()
    outcome = attendance.check_in(db, person_id=person_id, code=body.code, actor=principal.actor)
    if outcome.refused is not None:
        return api_answer(outcome.refused)
    return CheckinOut(placement_id=outcome.placement.id, day=clock.today(), kind=EntryKind.WORKED.value,
                      method="checkin")
