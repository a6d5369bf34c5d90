"""Certification support on SQLite and PostgreSQL: attempts with their course and campus, claims
with receipts, approval against the budget (also under concurrency), payment, pass rates."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from ilja.accounts import audit
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.support import budgets
from ilja.support import certification_service as cert
from ilja.support.errors import BudgetExceeded, Conflict, Invalid, NotEntitled
from tests.support.factories import MANAGER, OPERATOR, PDF, trainees

EXAM = dt.date(2025, 12, 12)


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "support_" in repr(d)]
    assert diffs == []


def _catalogue(session) -> tuple[int, int]:
    google = cert.add_certification(session, code="GCP-MLE", vendor="Google",
                                    name="Professional Machine Learning Engineer", fee_won=270_000, actor=OPERATOR)
    other = cert.add_certification(session, code="XYZ-AI", vendor="xyz", name="XYZ AI Basics",
                                   fee_won=100_000, actor=OPERATOR)
    return google.id, other.id


def test_a_claim_from_attempt_to_payment(database_url, keyring, tmp_path):
    persons, enrolments = trainees(database_url, keyring, n=2)
    with transaction(engine_for(database_url)) as session:
        google, other = _catalogue(session)
        budgets.set_budget(session, kind="certification_fee", year=2025, amount_won=300_000,
                           source="2025 예산서 (test)", actor=MANAGER)
        attempt = cert.record_attempt(session, person_id=persons[0], certification_id=google, exam_on=EXAM,
                                      fee_paid_won=270_000, result="failed", actor=OPERATOR)
        assert (attempt.attempt_no, attempt.course_code, attempt.campus_code) == (1, "MAPO-AI", "campus.mapo")
        assert attempt.enrolment_id == enrolments[0]
        claim = cert.submit_claim(session, attempt_id=attempt.id, receipt=PDF, claimed_on=EXAM,
                                  store=tmp_path, actor=OPERATOR)
        assert claim.amount_entitled_won == 270_000 and claim.receipt_type == "application/pdf"
        assert claim.entitlement["refusals"] == [] and claim.entitlement["version"]
        with pytest.raises(Conflict):
            cert.submit_claim(session, attempt_id=attempt.id, receipt=PDF, claimed_on=EXAM, store=tmp_path,
                              actor=OPERATOR)
        cert.decide_claim(session, claim_id=claim.id, approve=True, actor=MANAGER)
        cert.record_payment(session, claim_id=claim.id, paid_on=dt.date(2025, 12, 20), payment_ref="TX-1",
                            actor=MANAGER)
        budget = budgets.find_budget(session, "certification_fee", 2025)
        assert (budget.committed_won, budget.paid_won) == (270_000, 270_000)
        assert cert.receipt_of(session, claim, tmp_path, actor=MANAGER) == PDF

        second = cert.record_attempt(session, person_id=persons[0], certification_id=google,
                                     exam_on=EXAM + dt.timedelta(days=3), fee_paid_won=270_000, result="passed",
                                     actor=OPERATOR)
        claim2 = cert.submit_claim(session, attempt_id=second.id, receipt=PDF, claimed_on=EXAM, store=tmp_path,
                                   actor=OPERATOR)
        with pytest.raises(BudgetExceeded):
            cert.decide_claim(session, claim_id=claim2.id, approve=True, actor=MANAGER)
        with pytest.raises(Invalid):
            cert.decide_claim(session, claim_id=claim2.id, approve=False, reason=" ", actor=MANAGER)
        cert.decide_claim(session, claim_id=claim2.id, approve=False, reason="예산 소진", actor=MANAGER)

        third = cert.record_attempt(session, person_id=persons[0], certification_id=google,
                                    exam_on=EXAM + dt.timedelta(days=4), fee_paid_won=270_000, actor=OPERATOR)
        assert third.attempt_no == 3  # the rejected claim does not use up a supported attempt
        assert cert.entitlement_for(session, third, EXAM).entitled
        odd = cert.record_attempt(session, person_id=persons[1], certification_id=other, exam_on=EXAM,
                                  fee_paid_won=100_000, actor=OPERATOR)
        with pytest.raises(NotEntitled) as refused:
            cert.submit_claim(session, attempt_id=odd.id, receipt=PDF, claimed_on=EXAM, store=tmp_path,
                              actor=OPERATOR)
        assert refused.value.refusals == ("vendor_not_supported",)
        audit.seal(session)  # chain this transaction's entries to read them before the commit
        actions = set(session.scalars(select(AuditRecord.action)))
        assert {"support.claim.submit", "support.claim.decide", "support.claim.pay",
                "support.claim.receipt_read"} <= actions


def test_receipts_are_checked_by_content_and_size(database_url, keyring, tmp_path):
    persons, _ = trainees(database_url, keyring, n=1)
    with transaction(engine_for(database_url)) as session:
        google, _ = _catalogue(session)
        attempt = cert.record_attempt(session, person_id=persons[0], certification_id=google, exam_on=EXAM,
                                      fee_paid_won=270_000, actor=OPERATOR)
        for bad in (b"", b"MZ\x90\x00 not a receipt", b"%PDF-" + b"0" * (5 * 1024 * 1024)):
            with pytest.raises(Invalid):
                cert.submit_claim(session, attempt_id=attempt.id, receipt=bad, claimed_on=EXAM, store=tmp_path,
                                  actor=OPERATOR)
    assert not any(p.is_file() for p in tmp_path.rglob("*.pdf"))


def test_pass_rates_per_course_and_campus_reach_the_outcomes_figures(database_url, keyring, tmp_path):
    persons, _ = trainees(database_url, keyring, n=3)
    with transaction(engine_for(database_url)) as session:
        google, _ = _catalogue(session)
        for person, result in zip(persons, ["passed", "failed", "pending"], strict=True):
            cert.record_attempt(session, person_id=person, certification_id=google, exam_on=EXAM,
                                fee_paid_won=270_000, result=result, actor=OPERATOR)
        by_campus = cert.pass_rate_rows(session, "campus", year=2025)
        assert [(r.key, r.sat, r.passed, str(r.percent)) for r in by_campus] == [("campus.mapo", 2, 1, "50.0")]
        assert [(r.key, r.sat) for r in cert.pass_rate_rows(session, "course")] == [("MAPO-AI", 2)]
        assert cert.publish_figures(session, year=2025, actor=MANAGER) == {
            "certification_exams_sat": 2, "certifications_passed": 1}
        from ilja.outcomes import queries

        actuals = {a.metric: a.value for a in queries.record_actuals(session, 2025)}
        assert actuals["certifications_passed"] == 1 and float(actuals["certification_pass_rate"]) == 50.0


def test_concurrent_approvals_never_overspend_the_budget(database_url, keyring, tmp_path):
    persons, _ = trainees(database_url, keyring, n=4)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        google, _ = _catalogue(session)
        budgets.set_budget(session, kind="certification_fee", year=2025, amount_won=600_000,
                           source="test", actor=MANAGER)
        claim_ids = []
        for person in persons:
            attempt = cert.record_attempt(session, person_id=person, certification_id=google, exam_on=EXAM,
                                          fee_paid_won=270_000, actor=OPERATOR)
            claim_ids.append(cert.submit_claim(session, attempt_id=attempt.id, receipt=PDF, claimed_on=EXAM,
                                               store=tmp_path, actor=OPERATOR).id)
    outcomes: list[str] = []
    barrier = threading.Barrier(len(claim_ids))

    def approve(claim_id: int) -> None:
        barrier.wait()
        try:
            with transaction(engine) as session:
                cert.decide_claim(session, claim_id=claim_id, approve=True, actor=MANAGER)
            outcomes.append("approved")
        except BudgetExceeded:
            outcomes.append("refused")
        except Exception as error:  # SQLite's single writer may refuse a busy write
            outcomes.append(type(error).__name__)

    threads = [threading.Thread(target=approve, args=(c,)) for c in claim_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(engine) as session:
        budget = budgets.find_budget(session, "certification_fee", 2025)
        approved = [c for c in cert.claims(session, status="approved")]
        assert budget.committed_won == 270_000 * len(approved) <= budget.amount_won
    assert outcomes.count("approved") == len(approved) <= 2
