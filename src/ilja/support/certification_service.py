"""Certification support: the catalogue, attempts and results, fee claims with receipts,
approval against the budget, payment, and pass rates per course and campus.

The rule is ``certification.fee_entitlement``; this module gathers its facts from the records
(training enrolments through the training service) and stamps what it said on the claim."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.service import NewDecision, record_decisions
from ilja.outcomes import service as outcomes
from ilja.people import stored_files
from ilja.people.keys import get_keyring
from ilja.people.rrn import KeyRing
from ilja.rules.parameters import default_tree
from ilja.support import budgets, receipts
from ilja.support.certification import (
    PREFIX,
    AttemptFacts,
    Entitlement,
    PassRate,
    Result,
    fee_entitlement,
    uses_on,
)
from ilja.support.errors import Conflict, Invalid, NotEntitled, NotFound
from ilja.support.errors import required_text as _text
from ilja.support.models import Certification, ExamAttempt, FeeClaim
from ilja.support.parameters import in_force
from ilja.training import service as training
from ilja.training.errors import NotFound as TrainingNotFound

BUDGET_KIND = "certification_fee"


class ClaimStatus:
    SUBMITTED = "submitted"  # 신청
    APPROVED = "approved"  # 승인
    REJECTED = "rejected"  # 반려
    PAID = "paid"  # 지급


# ------------------------------------------------------------------ catalogue
def add_certification(session: Session, *, code: str, vendor: str, name: str, fee_won: int,
                      actor: audit.Actor) -> Certification:
    code = _text(code, "code")
    if fee_won < 0:
        raise Invalid("응시료는 0원 이상입니다.", "The fee is not negative.", field="fee_won")
    if session.execute(select(Certification).where(Certification.code == code)).scalar_one_or_none():
        raise Conflict(f"자격증 코드 {code}가 이미 있습니다.", f"Certification {code} exists.", field="code")
    row = Certification(code=code, vendor=_text(vendor, "vendor").lower(), name=_text(name, "name"),
                        fee_won=fee_won, active=True, created_at=budgets.now())
    audit.created(session, actor, row, "support.certification.add", object_type="certification")
    return row


def certifications(session: Session, *, active_only: bool = False) -> list[Certification]:
    query = select(Certification).order_by(Certification.vendor, Certification.name)
    if active_only:
        query = query.where(Certification.active.is_(True))
    return list(session.scalars(query))


def get_certification(session: Session, certification_id: int) -> Certification:
    row = session.get(Certification, certification_id)
    if row is None:
        raise NotFound("certification", certification_id)
    return row


# ------------------------------------------------------------------ attempts
def _training_place(session: Session, enrolment_id: int | None, person_id: int) -> tuple[str | None, str | None]:
    """(course code, campus code) of the enrolment, read through the training service."""
    if enrolment_id is None:
        return None, None
    try:
        enrolment = training.get_enrolment(session, enrolment_id)
    except TrainingNotFound:
        raise NotFound("enrolment", enrolment_id) from None
    if enrolment.person_id != person_id:
        raise Invalid("다른 사람의 교육 이력입니다.", "The enrolment is another person's.", field="enrolment_id")
    cohort = training.get_cohort(session, enrolment.cohort_id)
    course = training.get_course(session, cohort.course_id)
    return course.code, training.get_department(session, course.department_id).site_code


def latest_enrolment_id(session: Session, person_id: int) -> int | None:
    enrolments = training.enrolments_of_person(session, person_id)
    return enrolments[-1].id if enrolments else None


def record_attempt(session: Session, *, person_id: int, certification_id: int, exam_on: dt.date,
                   fee_paid_won: int, result: str = Result.PENDING, enrolment_id: int | None = None,
                   actor: audit.Actor) -> ExamAttempt:
    """Record a sitting; its number counts the person's earlier sittings of the same exam."""
    certification = get_certification(session, certification_id)
    if result not in {r.value for r in Result}:
        raise Invalid("결과 값이 올바르지 않습니다.", "result is one of " + ", ".join(Result), field="result")
    if fee_paid_won < 0:
        raise Invalid("응시료는 0원 이상입니다.", "The fee is not negative.", field="fee_paid_won")
    enrolment_id = enrolment_id if enrolment_id is not None else latest_enrolment_id(session, person_id)
    course_code, campus_code = _training_place(session, enrolment_id, person_id)
    number = session.execute(select(func.count()).select_from(ExamAttempt).where(
        ExamAttempt.person_id == person_id, ExamAttempt.certification_id == certification.id)).scalar_one() + 1
    row = ExamAttempt(person_id=person_id, certification_id=certification.id, attempt_no=number,
                      exam_on=exam_on, fee_paid_won=fee_paid_won, result=result, enrolment_id=enrolment_id,
                      course_code=course_code, campus_code=campus_code, created_at=budgets.now(),
                      created_by=actor.id)
    audit.created(session, actor, row, "support.attempt.record", object_type="exam_attempt",
                  subject_person_id=person_id, details={"certification_id": certification.id, "attempt_no": number})
    return row


def get_attempt(session: Session, attempt_id: int, scope: Scope = SYSTEM) -> ExamAttempt:
    """The attempt, if it is within ``scope``; else not found, as for an id that does not exist."""
    row = scope.get(session, Kind.EXAM_ATTEMPT, attempt_id)
    if row is None:
        raise NotFound("attempt", attempt_id)
    return row


def set_result(session: Session, *, attempt_id: int, result: str, actor: audit.Actor,
               scope: Scope = SYSTEM) -> ExamAttempt:
    row = get_attempt(session, attempt_id, scope)
    if result not in {r.value for r in Result}:
        raise Invalid("결과 값이 올바르지 않습니다.", "result is one of " + ", ".join(Result), field="result")
    row.result = result
    session.flush()
    audit.record(session, actor, "support.attempt.result", subject_person_id=row.person_id,
                 object_type="exam_attempt", object_id=row.id, details={"result": result})
    return row


def attempts_of(session: Session, person_id: int, scope: Scope = SYSTEM,
                ) -> list[tuple[ExamAttempt, Certification, FeeClaim | None]]:
    """A person's attempts with their claims; not found when the person is outside ``scope``."""
    if scope.get(session, Kind.PERSON, person_id) is None:
        raise NotFound("person", person_id)
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ExamAttempt, Certification, FeeClaim)
        .join(Certification, Certification.id == ExamAttempt.certification_id)
        .outerjoin(FeeClaim, FeeClaim.attempt_id == ExamAttempt.id)
        .where(ExamAttempt.person_id == person_id).order_by(ExamAttempt.exam_on, ExamAttempt.id))]


# ------------------------------------------------------------------ entitlement and claims
def facts_for(session: Session, attempt: ExamAttempt, claimed_on: dt.date) -> AttemptFacts:
    certification = get_certification(session, attempt.certification_id)
    enrolled, completed = False, None
    for enrolment in training.enrolments_of_person(session, attempt.person_id):
        started = training.get_cohort(session, enrolment.cohort_id).starts_on
        if started <= attempt.exam_on and (enrolment.ended_on is None or enrolment.ended_on >= attempt.exam_on):
            enrolled = True
        if enrolment.status == "completed" and enrolment.ended_on is not None:
            completed = max(completed or enrolment.ended_on, enrolment.ended_on)
    supported = session.execute(
        select(func.count()).select_from(FeeClaim).join(ExamAttempt, ExamAttempt.id == FeeClaim.attempt_id)
        .where(ExamAttempt.person_id == attempt.person_id,
               ExamAttempt.certification_id == attempt.certification_id,
               ExamAttempt.id != attempt.id, FeeClaim.status != ClaimStatus.REJECTED)).scalar_one()
    return AttemptFacts(vendor=certification.vendor, fee_paid_won=attempt.fee_paid_won,
                        exam_on=attempt.exam_on, result=attempt.result, enrolled_on_exam_day=enrolled,
                        completed_on=completed, supported_before=int(supported), claimed_on=claimed_on)


def entitlement_for(session: Session, attempt: ExamAttempt, claimed_on: dt.date) -> Entitlement:
    """The rule under the parameters in force on the exam day."""
    return fee_entitlement(facts_for(session, attempt, claimed_on), uses_on(attempt.exam_on))


def _stamp(entitlement: Entitlement) -> dict[str, Any]:
    return {"amount_won": entitlement.amount_won, "refusals": [r.value for r in entitlement.refusals],
            "parameters": [u.as_dict() for u in entitlement.uses], "version": default_tree().version()}


def submit_claim(session: Session, *, attempt_id: int, receipt: bytes, claimed_on: dt.date,
                 store: Path, actor: audit.Actor, scope: Scope = SYSTEM,
                 keyring: KeyRing | None = None) -> FeeClaim:
    """A claim with its receipt; refused with the rule's reasons when the attempt is not entitled."""
    attempt = get_attempt(session, attempt_id, scope)
    if session.execute(select(FeeClaim.id).where(FeeClaim.attempt_id == attempt.id)).first():
        raise Conflict("이 응시에 대한 신청이 이미 있습니다.", "This attempt has already been claimed.",
                       field="attempt_id")
    entitlement = entitlement_for(session, attempt, claimed_on)
    if not entitlement.entitled:
        raise NotEntitled(tuple(r.value for r in entitlement.refusals))
    max_bytes = int(in_force(PREFIX, ("receipt_max_bytes",), claimed_on)["receipt_max_bytes"].value)
    stored = receipts.store(store, receipt, max_bytes, keyring or get_keyring())
    row = FeeClaim(attempt_id=attempt.id, person_id=attempt.person_id, claimed_on=claimed_on,
                   amount_entitled_won=entitlement.amount_won, entitlement=_stamp(entitlement),
                   status=ClaimStatus.SUBMITTED, receipt_sha256=stored.sha256, receipt_type=stored.media_type,
                   receipt_bytes=stored.size, created_at=budgets.now(), created_by=actor.id)
    audit.created(session, actor, row, "support.claim.submit", object_type="fee_claim",
                  subject_person_id=attempt.person_id,
                  details={"attempt_id": attempt.id, "amount_won": entitlement.amount_won})
    return row


def get_claim(session: Session, claim_id: int, scope: Scope = SYSTEM) -> FeeClaim:
    """The claim, if it is within ``scope``; else not found, as for an id that does not exist."""
    row = scope.get(session, Kind.FEE_CLAIM, claim_id)
    if row is None:
        raise NotFound("claim", claim_id)
    return row


def claims(session: Session, *, status: str | None = None, limit: int = 200,
           scope: Scope = SYSTEM) -> list[FeeClaim]:
    query = select(FeeClaim).where(scope.where(Kind.FEE_CLAIM)).order_by(FeeClaim.claimed_on.desc(),
                                                                         FeeClaim.id.desc()).limit(limit)
    if status:
        query = query.where(FeeClaim.status == status)
    return list(session.scalars(query))


def decide_claim(session: Session, *, claim_id: int, approve: bool, reason: str = "",
                 actor: audit.Actor, scope: Scope = SYSTEM) -> FeeClaim:
    """Approve (commit the amount on the claim year's budget) or reject (with a reason)."""
    claim = get_claim(session, claim_id, scope)
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict("이미 처리된 신청입니다.", f"The claim is already {claim.status}.", field="status")
    if approve:
        budget = budgets.commit(session, BUDGET_KIND, claim.claimed_on.year, claim.amount_entitled_won)
        claim.status, claim.budget_id = ClaimStatus.APPROVED, budget.id
        claim.amount_approved_won = claim.amount_entitled_won
    else:
        claim.decision_reason = _text(reason, "reason")
        claim.status = ClaimStatus.REJECTED
    if approve and reason.strip():
        claim.decision_reason = reason.strip()
    claim.decided_by, claim.decided_at = actor.id, budgets.now()
    session.flush()
    audit.record(session, actor, "support.claim.decide", subject_person_id=claim.person_id,
                 object_type="fee_claim", object_id=claim.id,
                 details={"status": claim.status, "amount_won": claim.amount_approved_won})
    if not approve:
        _refusal_decided(session, actor, claim)
    return claim


def _refusal_decided(session: Session, actor: audit.Actor, claim: FeeClaim) -> None:
    """A refused claim is an adverse decision: recorded with the staff's reason and a notice of how
    to contest it (``ilja.decisions``), in the same transaction."""
    reason = claim.decision_reason or ""
    record_decisions(session, actor, [NewDecision(
        claim.person_id, DecisionKind.CLAIM_REFUSED, f"fee_claim:{claim.id}",
        f"자격증 응시료 지원 신청이 반려되었습니다. 사유: {reason}",
        f"The certification fee claim was refused. Reason (as written by staff): {reason}",
        basis=[{"ref": "support.certification", "ko": "자격증 응시료 지원 기준",
                "en": "Certification fee support rules"}],
        details={"claim_id": claim.id})])


def record_payment(session: Session, *, claim_id: int, paid_on: dt.date, payment_ref: str,
                   actor: audit.Actor, scope: Scope = SYSTEM) -> FeeClaim:
    claim = get_claim(session, claim_id, scope)
    if claim.status != ClaimStatus.APPROVED or claim.budget_id is None:
        raise Conflict("승인된 신청만 지급할 수 있습니다.", "Only an approved claim can be paid.", field="status")
    claim.status, claim.paid_on, claim.payment_ref = ClaimStatus.PAID, paid_on, _text(payment_ref, "payment_ref")
    budgets.pay(session, claim.budget_id, claim.amount_approved_won or 0)
    session.flush()
    audit.record(session, actor, "support.claim.pay", subject_person_id=claim.person_id,
                 object_type="fee_claim", object_id=claim.id,
                 details={"amount_won": claim.amount_approved_won})
    return claim


def receipt_of(session: Session, claim: FeeClaim, store: Path, *, actor: audit.Actor,
               keyring: KeyRing | None = None) -> bytes:
    """The receipt file, decrypted; a staff read of a person's document, so it is audited."""
    content = stored_files.load(store, claim.receipt_sha256, claim.receipt_type, keyring or get_keyring())
    audit.record(session, actor, "support.claim.receipt_read", subject_person_id=claim.person_id,
                 object_type="fee_claim", object_id=claim.id)
    return content


# ------------------------------------------------------------------ pass rates
def pass_rate_rows(session: Session, by: Literal["course", "campus", "all"], *,
                   year: int | None = None) -> list[PassRate]:
    """Pass rates from one grouped query; pending and absent attempts are not counted as sat."""
    column = {"course": ExamAttempt.course_code, "campus": ExamAttempt.campus_code}.get(by)
    passed = func.sum(case((ExamAttempt.result == Result.PASSED.value, 1), else_=0))
    key = column if column is not None else literal("all")
    query = (select(key, func.count(), passed)
             .where(ExamAttempt.result.in_([Result.PASSED.value, Result.FAILED.value])))
    if column is not None:
        query = query.where(column.is_not(None)).group_by(column).order_by(column)
    if year is not None:
        query = query.where(ExamAttempt.exam_on >= dt.date(year, 1, 1), ExamAttempt.exam_on <= dt.date(year, 12, 31))
    return [PassRate(str(k), int(n), int(p or 0)) for k, n, p in session.execute(query) if n]


def publish_figures(session: Session, *, year: int, actor: audit.Actor) -> dict[str, int]:
    """The year's certification figures into the outcomes KPI actuals (records, with the source),
    where the dashboard's figures and reports read them."""
    total = pass_rate_rows(session, "all", year=year)
    sat, passed = (total[0].sat, total[0].passed) if total else (0, 0)
    figures = {"certification_exams_sat": sat, "certifications_passed": passed}
    for metric, value in figures.items():
        outcomes.set_kpi_actual(session, scope="youth_academy", metric=metric, year=year, value=value,
                                source="support: exam attempts with a final result", actor=actor)
    if sat:
        rate = round(100 * passed / sat, 1)
        outcomes.set_kpi_actual(session, scope="youth_academy", metric="certification_pass_rate", year=year,
                                value=rate, source="support: passed / sat", actor=actor)
    return figures


def recent_attempts(session: Session, *, limit: int = 100, scope: Scope = SYSTEM,
                    ) -> list[tuple[ExamAttempt, Certification]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(ExamAttempt, Certification).join(Certification, Certification.id == ExamAttempt.certification_id)
        .where(scope.where(Kind.EXAM_ATTEMPT))
        .order_by(ExamAttempt.exam_on.desc(), ExamAttempt.id.desc()).limit(limit))]
