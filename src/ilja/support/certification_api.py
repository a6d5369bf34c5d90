"""REST API for certification support under /api/v1/support: the catalogue, attempts and
results, fee claims with receipts (staff on behalf, or the trainee's own), decisions, payments,
budgets and pass rates."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Form, Path, Query, Response, UploadFile
from pydantic import BaseModel, ConfigDict, Field

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.deps import (
    DbSession,
    PayrollReader,
    PayrollRunner,
    Principal,
    TrainingManager,
    TrainingReader,
    requires,
)
from ilja.accounts.roles import Permission
from ilja.accounts.scope import Scope
from ilja.config import get_settings
from ilja.errors import AccountNotLinked, PersonNotFound
from ilja.people import registry
from ilja.rules.parameters import default_tree
from ilja.support import budgets
from ilja.support import certification_service as cert
from ilja.support.bounds import MAX_INT
from ilja.support.certification import PREFIX
from ilja.support.errors import NotFound
from ilja.support.models import Certification, ExamAttempt, FeeClaim, SupportBudget
from ilja.text import FreeText, MultilineText

router = APIRouter()
Year = Annotated[int, Path(ge=2000, le=2100)]


def store() -> Any:
    return get_settings().data_dir


async def read_upload(upload: UploadFile, on: dt.date) -> bytes:
    """At most the limit plus one byte, so an oversized file is refused without reading it all."""
    limit = int(default_tree().value(PREFIX + "receipt_max_bytes", max(on, clock.today())))
    return await upload.read(limit + 1)


def certification_out(row: Certification) -> dict[str, Any]:
    return {"id": row.id, "code": row.code, "vendor": row.vendor, "name": row.name, "fee_won": row.fee_won,
            "active": row.active}


def attempt_out(row: ExamAttempt) -> dict[str, Any]:
    return {"id": row.id, "person_id": row.person_id, "certification_id": row.certification_id,
            "attempt_no": row.attempt_no, "exam_on": row.exam_on.isoformat(), "fee_paid_won": row.fee_paid_won,
            "result": row.result, "course_code": row.course_code, "campus_code": row.campus_code}


def claim_out(row: FeeClaim) -> dict[str, Any]:
    return {"id": row.id, "attempt_id": row.attempt_id, "person_id": row.person_id,
            "claimed_on": row.claimed_on.isoformat(), "status": row.status,
            "amount_entitled_won": row.amount_entitled_won, "amount_approved_won": row.amount_approved_won,
            "receipt": {"type": row.receipt_type, "bytes": row.receipt_bytes, "sha256": row.receipt_sha256},
            "entitlement": row.entitlement, "decision_reason": row.decision_reason,
            "paid_on": row.paid_on.isoformat() if row.paid_on else None, "payment_ref": row.payment_ref}


def budget_out(row: SupportBudget) -> dict[str, Any]:
    return {"kind": row.kind, "year": row.year, "amount_won": row.amount_won, "committed_won": row.committed_won,
            "paid_won": row.paid_won, "left_won": row.amount_won - row.committed_won, "source": row.source}


class CertificationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=64)
    vendor: str = Field(max_length=64)
    name: FreeText = Field(max_length=200)
    fee_won: int = Field(ge=0, le=MAX_INT)


@router.get("/certifications")
def list_certifications(db: DbSession, _: TrainingReader) -> list[dict[str, Any]]:
    return [certification_out(c) for c in cert.certifications(db)]


@router.post("/certifications", status_code=201)
def add_certification(body: CertificationIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    return certification_out(cert.add_certification(db, **body.model_dump(), actor=principal.actor))


class AttemptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    person_id: int
    certification_id: int
    exam_on: dt.date
    fee_paid_won: int = Field(ge=0, le=MAX_INT)
    result: Literal["pending", "passed", "failed", "absent"] = "pending"
    enrolment_id: int | None = None


@router.post("/attempts", status_code=201)
def record_attempt(body: AttemptIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    if registry.get_person(db, body.person_id, Scope.of(principal)) is None:
        raise PersonNotFound(body.person_id)
    return attempt_out(cert.record_attempt(db, **body.model_dump(), actor=principal.actor))


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    result: Literal["pending", "passed", "failed", "absent"]


@router.patch("/attempts/{attempt_id}")
def set_result(attempt_id: int, body: ResultIn, db: DbSession, principal: TrainingManager) -> dict[str, Any]:
    return attempt_out(cert.set_result(db, attempt_id=attempt_id, result=body.result, actor=principal.actor,
                                       scope=Scope.of(principal)))


@router.get("/persons/{person_id}/attempts")
def attempts_of_person(person_id: int, db: DbSession, principal: TrainingReader) -> list[dict[str, Any]]:
    """A trainee's attempts and claims (none outside the caller's scope); a staff read of personal
    records, audited."""
    rows = cert.attempts_of(db, person_id, Scope.of(principal))
    audit.record(db, principal.actor, "support.attempts.read", subject_person_id=person_id if rows else None,
                 object_type="person", object_id=person_id)
    return [{**attempt_out(a), "certification": c.code, "claim": claim_out(k) if k else None} for a, c, k in rows]


@router.post("/attempts/{attempt_id}/claim", status_code=201)
async def claim_on_behalf(attempt_id: int, db: DbSession, principal: TrainingManager,
                          receipt: Annotated[UploadFile, File()],
                          claimed_on: Annotated[dt.date | None, Form()] = None) -> dict[str, Any]:
    day = claimed_on or clock.today()
    content = await read_upload(receipt, day)
    return claim_out(cert.submit_claim(db, attempt_id=attempt_id, receipt=content, claimed_on=day,
                                       store=store(), actor=principal.actor, scope=Scope.of(principal)))


@router.get("/claims")
def list_claims(db: DbSession, principal: PayrollReader, status: str | None = None) -> list[dict[str, Any]]:
    return [claim_out(c) for c in cert.claims(db, status=status, scope=Scope.of(principal))]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    reason: MultilineText = Field(default="", max_length=2000)


@router.post("/claims/{claim_id}/decision")
def decide(claim_id: int, body: DecisionIn, db: DbSession, principal: PayrollRunner) -> dict[str, Any]:
    with db.begin_nested():
        row = cert.decide_claim(db, claim_id=claim_id, approve=body.approve, reason=body.reason,
                                actor=principal.actor, scope=Scope.of(principal))
    return claim_out(row)


class PaymentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paid_on: dt.date
    payment_ref: FreeText = Field(max_length=100)


@router.post("/claims/{claim_id}/payment")
def pay(claim_id: int, body: PaymentIn, db: DbSession, principal: PayrollRunner) -> dict[str, Any]:
    return claim_out(cert.record_payment(db, claim_id=claim_id, paid_on=body.paid_on,
                                         payment_ref=body.payment_ref, actor=principal.actor,
                                         scope=Scope.of(principal)))


@router.get("/claims/{claim_id}/receipt")
def receipt(claim_id: int, db: DbSession, principal: PayrollReader) -> Response:
    try:
        claim = cert.get_claim(db, claim_id, Scope.of(principal))
        content = cert.receipt_of(db, claim, store(), actor=principal.actor)
    except FileNotFoundError:
        raise NotFound("document", claim_id) from None
    return Response(content, media_type=claim.receipt_type, headers={
        "Content-Disposition": f'attachment; filename="receipt-{claim.id}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff"})


@router.get("/budgets")
def list_budgets(db: DbSession, _: PayrollReader) -> list[dict[str, Any]]:
    return [budget_out(b) for b in budgets.budgets(db)]


class BudgetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount_won: int = Field(ge=0, le=MAX_INT)
    source: FreeText = Field(max_length=300)


@router.put("/budgets/{kind}/{year}")
def set_budget(kind: str, year: Year, body: BudgetIn, db: DbSession, principal: PayrollRunner) -> dict[str, Any]:
    return budget_out(budgets.set_budget(db, kind=kind, year=year, amount_won=body.amount_won,
                                         source=body.source, actor=principal.actor))


@router.get("/pass-rates")
def pass_rates(db: DbSession, _: Annotated[Principal, Depends(requires(Permission.REPORT_READ))],
               by: Literal["course", "campus", "all"] = "campus",
               year: Annotated[int | None, Query(ge=2000, le=2100)] = None) -> list[dict[str, Any]]:
    return [{"key": r.key, "sat": r.sat, "passed": r.passed, "percent": float(r.percent) if r.percent else None}
            for r in cert.pass_rate_rows(db, by, year=year)]


@router.get("/me/attempts")
def my_attempts(db: DbSession, principal: Annotated[Principal, Depends(requires(Permission.PROFILE_READ_OWN))],
                ) -> list[dict[str, Any]]:
    person_id = principal.user.person_id
    if person_id is None:
        return []
    return [{**attempt_out(a), "certification": c.code, "claim": claim_out(k) if k else None}
            for a, c, k in cert.attempts_of(db, person_id)]


@router.post("/me/claims", status_code=201)
async def my_claim(db: DbSession,
                   principal: Annotated[Principal, Depends(requires(Permission.APPLICATION_SUBMIT_OWN))],
                   certification_id: Annotated[int, Form()], exam_on: Annotated[dt.date, Form()],
                   fee_paid_won: Annotated[int, Form(ge=0, le=MAX_INT)], receipt: Annotated[UploadFile, File()],
                   result: Annotated[Literal["pending", "passed", "failed"], Form()] = "pending") -> dict[str, Any]:
    """The trainee reports a sitting and claims its fee in one step; nothing is kept if refused."""
    person_id = principal.user.person_id
    if person_id is None:
        raise AccountNotLinked()
    day = clock.today()
    content = await read_upload(receipt, day)
    with db.begin_nested():
        attempt = cert.record_attempt(db, person_id=person_id, certification_id=certification_id,
                                      exam_on=exam_on, fee_paid_won=fee_paid_won, result=result,
                                      actor=principal.actor)
        claim = cert.submit_claim(db, attempt_id=attempt.id, receipt=content, claimed_on=day, store=store(),
                                  actor=principal.actor)
    return claim_out(claim)
