"""An upheld objection re-runs what each kind of decision did, audited (SQLite and PostgreSQL):
pay corrected back and settled in the next run, a refused claim approved, an ended placement
restored, a waitlisted applicant selected, a not-eligible applicant re-evaluated."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja import clock
from ilja.accounts import audit
from ilja.applications import service as applications
from ilja.db import engine_for, transaction
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.models import DecisionStatus
from ilja.publicjobs import payroll_service
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.decisions import propose_end
from ilja.publicjobs.models import Placement
from ilja.publicjobs.timesheet import EntryKind, TimesheetEntry
from ilja.rights import service as rights
from ilja.support import budgets
from ilja.support import certification_service as cert
from tests.applications.factories import apply, open_round, register
from tests.publicjobs.test_service import _fill, _setup
from tests.support.factories import MANAGER, OPERATOR, PDF, trainees

STAFF = audit.Actor("7", "program_manager", "127.0.0.1")


def _uphold(session, decision, keyring, tmp_path) -> dict:
    with clock.frozen(decision.effective_on):
        appeal = rights.file_appeal(session, STAFF, decision_id=decision.id, text="이의", attachment=None,
                                    keyring=keyring, store=tmp_path)
        rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="인용")
    assert decision.status == DecisionStatus.OVERTURNED
    return appeal.remedy


def test_a_pay_correction_overturned_is_settled_in_the_next_run(database_url, keyring, tmp_path):
    project, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        for month in (7, 8):
            _fill(session, project, 2025, month)
            publicjobs.approve_month(session, project, 2025, month, actor=STAFF)
        payroll_service.run_payroll(session, "attractive_jobs", 2025, 7, actor=STAFF)
        correction = publicjobs.correct_entry(session, ids[0], TimesheetEntry(
            ids[0], dt.date(2025, 7, 9), EntryKind.UNPAID_ABSENCE, 0), reason="무단 결근", actor=STAFF)
        decision, = rights.decisions_about(session, f"pj_correction:{correction.id}")
        assert decision.kind == DecisionKind.PAY_CORRECTION and "무단 결근" in decision.reasons_ko
        remedy = _uphold(session, decision, keyring, tmp_path)
        assert remedy["correction_id"] != correction.id
        assert rights.decisions_about(session, f"pj_correction:{remedy['correction_id']}") == []
    with transaction(engine_for(database_url)) as session:
        august = payroll_service.run_payroll(session, "attractive_jobs", 2025, 8, actor=STAFF)
        assert august.totals["adjustment"] == 0  # the deduction and its reversal cancel out


def test_a_refused_claim_overturned_is_approved(database_url, keyring, tmp_path):
    persons, _ = trainees(database_url, keyring, n=1)
    with transaction(engine_for(database_url)) as session:
        google = cert.add_certification(session, code="GCP", vendor="Google", name="GCP", fee_won=270_000,
                                        actor=OPERATOR)
        budgets.set_budget(session, kind="certification_fee", year=2025, amount_won=1_000_000, source="test",
                           actor=MANAGER)
        attempt = cert.record_attempt(session, person_id=persons[0], certification_id=google.id,
                                      exam_on=dt.date(2025, 12, 12), fee_paid_won=270_000, result="failed",
                                      actor=OPERATOR)
        claim = cert.submit_claim(session, attempt_id=attempt.id, receipt=PDF, claimed_on=dt.date(2025, 12, 12),
                                  store=tmp_path, actor=OPERATOR)
        cert.decide_claim(session, claim_id=claim.id, approve=False, reason="영수증 불명확", actor=MANAGER)
        decision, = rights.decisions_about(session, f"fee_claim:{claim.id}")
        assert "영수증 불명확" in decision.reasons_ko
        assert _uphold(session, decision, keyring, tmp_path)["status"] == "approved"


def test_an_ended_placement_waits_for_its_notice_and_is_restored(database_url, keyring, tmp_path):
    _, ids = _setup(database_url, people=1, start_on=dt.date(2025, 3, 1))
    with transaction(engine_for(database_url)) as session:
        placement = session.get_one(Placement, ids[0])
        propose_end(session, STAFF, placement=placement, end_on=dt.date(2025, 6, 30), reason="근무 태도")
        decision, = rights.decisions_about(session, f"placement:{placement.id}")
        assert decision.status == DecisionStatus.PROPOSED and placement.status == "active"
        rights.take_effect_due(session, on=decision.answer_by + dt.timedelta(days=1))
        assert placement.status == "left" and placement.end_on == dt.date(2025, 6, 30)
        _uphold(session, decision, keyring, tmp_path)
        assert placement.status == "active" and placement.end_on == placement.planned_end_on


def test_a_waitlisted_applicant_overturned_is_selected(database_url, keyring, tmp_path):
    from tests.training.factories import course_with_cohort

    setup = course_with_cohort(database_url, keyring, applicants=3, seats=1)
    with transaction(engine_for(database_url)) as session:
        waiting = [a for a in setup.applications if applications.get_application(session, a).status == "waitlisted"]
        if not waiting:
            pytest.skip("the policy put nobody on the waitlist")
        decision, = rights.decisions_about(session, f"application:{waiting[0]}")
        assert decision.kind == DecisionKind.WAITLISTED and "예비" in decision.reasons_ko
        _uphold(session, decision, keyring, tmp_path)
        assert applications.get_application(session, waiting[0]).status == "selected"
        from ilja.selection import service as selection

        others = waiting[1:]
        assert others  # three applicants for one seat: two wait
        # those behind moved up: the next promotion goes to them, never to the upheld one
        selected = next(a for a in setup.applications if a not in waiting)
        result = selection.withdraw(session, setup.round_id, {selected: "declined"}, actor=STAFF, note="포기")
        assert result.promoted == [others[0]]


def test_not_eligible_overturned_is_evaluated_again(database_url, keyring, tmp_path):
    round_id = open_round(database_url)
    person = register(database_url, keyring, household_income_krw=90_000_000)  # over the income limit
    application_id = apply(database_url, round_id, person)[0]
    with transaction(engine_for(database_url)) as session:
        application = applications.get_application(session, application_id)
        assert application.status == "ineligible"
        decision, = rights.decisions_about(session, f"application:{application_id}")
        assert decision.kind == DecisionKind.NOT_ELIGIBLE and decision.reasons_ko
        with clock.frozen(decision.effective_on):
            appeal = rights.file_appeal(session, STAFF, decision_id=decision.id, text="소득 오류",
                                        attachment=None, keyring=keyring, store=tmp_path)
            with pytest.raises(rights.RightsError, match="still not eligible"):
                rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="인용")
        assert decision.status == DecisionStatus.EFFECTIVE  # nothing changed
        from ilja.people.models import Person

        session.get_one(Person, person).household_income_krw = 1_000_000  # the record corrected first
        rights.decide_appeal(session, STAFF, appeal_id=appeal.id, upheld=True, reasons="인용")
        assert applications.get_application(session, application_id).status == "eligible"
