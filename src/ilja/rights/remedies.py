"""What a decision does when it takes effect after its prior notice (``EFFECTS``), and what an
upheld objection re-runs to undo it (``REMEDIES``), per kind of decision.

A remedy returns the ids and figures of what it changed (stored on the objection and audited);
it goes through the owning domain's services wherever one does the step, so their own checks,
history lines and audit entries follow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications import service as applications
from ilja.applications import statuses
from ilja.applications.models import Application, ApplicationStatus, Round
from ilja.decisions.catalogue import DecisionKind
from ilja.people import registry
from ilja.publicjobs import service as publicjobs
from ilja.publicjobs.models import Placement, PlacementStatus, TimesheetCorrection
from ilja.publicjobs.timesheet import EntryKind, TimesheetEntry
from ilja.selection import offers_made
from ilja.selection import service as selection
from ilja.selection.round_run import completed_run
from ilja.support import certification_service as cert
from ilja.support.certification_service import ClaimStatus
from ilja.support.models import FeeClaim
from ilja.training import service as training
from ilja.training.models import Enrolment, EnrolmentStatus, TrainingCohort

Effect = Callable[[Session, Any, audit.Actor, dt.date], None]
Remedy = Callable[[Session, Any, audit.Actor], dict[str, Any]]

UPHELD = "appeal.upheld"


def _move(session: Session, application_id: int | None, target: str, actor: audit.Actor,
          decision: Any) -> str | None:
    """Move the decision's application back (a remedy move of ``applications.lifecycle``)."""
    if application_id is None:
        return None
    application = session.get_one(Application, application_id)
    previous = application.status
    statuses.apply_moves(session, [statuses.Move(
        application, ApplicationStatus(target), UPHELD, {"decision": decision.id})], actor=actor,
        note=f"이의신청 인용 (결정 #{decision.id})")
    return previous


# ------------------------------------------------------------------------------ effects
def _drop(session: Session, decision: Any, actor: audit.Actor, on: dt.date) -> None:
    enrolment = training.get_enrolment(session, decision.details["enrolment_id"])
    training.drop(session, enrolment=enrolment, on=dt.date.fromisoformat(decision.details["on"]),
                  reason=decision.reasons_ko, actor=actor)


def _exclude(session: Session, decision: Any, actor: audit.Actor, on: dt.date) -> None:
    enrolment = training.get_enrolment(session, decision.details["enrolment_id"])
    enrolment.quit_with_notice = False
    training.write_history(session, enrolment)


def _end_placement(session: Session, decision: Any, actor: audit.Actor, on: dt.date) -> None:
    publicjobs.leave(session, decision.details["placement_id"],
                     left_on=dt.date.fromisoformat(decision.details["end_on"]),
                     reason=f"배치 종료 결정 #{decision.id}", actor=actor)


def _nothing(session: Session, decision: Any, actor: audit.Actor, on: dt.date) -> None:
    """The decision was made when it was recorded; taking effect changes nothing more."""


EFFECTS: dict[DecisionKind, Effect] = {
    DecisionKind.DROPOUT: _drop,
    DecisionKind.REPARTICIPATION_EXCLUDED: _exclude,
    DecisionKind.PLACEMENT_ENDED: _end_placement,
    **{kind: _nothing for kind in (DecisionKind.NOT_ELIGIBLE, DecisionKind.NOT_SELECTED,
                                   DecisionKind.WAITLISTED, DecisionKind.PAY_CORRECTION,
                                   DecisionKind.CLAIM_REFUSED)},
}


# ------------------------------------------------------------------------------ remedies
class RemedyRefused(Exception):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


def _re_evaluate(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    """Take the eligibility snapshot again with the round's dates and the person's record as it
    is now (staff correct the record first when the objection showed it wrong)."""
    application = session.get_one(Application, decision.details["application_id"])
    row = session.get_one(Round, application.round_id)
    snap = applications.evaluate(row, applications.applicant(session, registry.get_person(
        session, application.person_id)))
    if not snap.eligible:
        raise RemedyRefused("다시 판정해도 자격 미달입니다. 먼저 인적 정보(소득·거주지 등)를 바로잡으십시오.",
                            "Evaluated again, the person is still not eligible: correct their record first.")
    before = {"score": application.score, "eligible": application.eligible}
    application.eligible, application.score, application.priority = snap.eligible, snap.score, snap.priority
    application.eligibility = snap.person
    application.eligibility_context_id = applications.context_id(session, snap)
    application.parameter_version, application.code_version = snap.parameter_version, snap.code_version
    application.evaluated_on = snap.on
    previous = None
    if application.status == ApplicationStatus.INELIGIBLE:
        previous = _move(session, application.id, ApplicationStatus.ELIGIBLE.value, actor, decision)
    audit.record(session, actor, "application.re_evaluate", subject_person_id=application.person_id,
                 object_type="application", object_id=application.id,
                 details={"decision": decision.id, "score_before": before["score"], "score": snap.score})
    return {"application_id": application.id, "status_before": previous, "score_before": before["score"],
            "score": snap.score}


def _select(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    """Not selected or waitlisted, overturned: selected in an added seat of their first choice,
    with an offer to accept by its deadline (notified like the draw's); nobody already selected
    loses a seat. A waitlisted person first leaves the waitlist through the selection's own
    withdrawal (those behind move up, and a later promotion never picks them again)."""
    application = session.get_one(Application, decision.details["application_id"])
    if application.status == ApplicationStatus.WAITLISTED:
        selection.withdraw(session, application.round_id, {application.id: "declined"}, actor=actor,
                           note=f"이의신청 인용 (결정 #{decision.id}): 예비 순번에서 빠지고 추가 선발")
        session.refresh(application)
    previous = _move(session, application.id, ApplicationStatus.SELECTED.value, actor, decision)
    row = session.get_one(Round, application.round_id)
    unit = application.preferences[0]
    offers_made.after_draw(session, completed_run(session, row.id), row, [(application.id, unit, None)],
                           now=clock.now())
    return {"application_id": application.id, "status_before": previous,
            "status": ApplicationStatus.SELECTED.value, "unit": unit}


def _reinstate(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    """The dropout reversed: the enrolment is active again, its seat taken back."""
    enrolment = session.get_one(Enrolment, decision.details["enrolment_id"])
    if enrolment.status == EnrolmentStatus.DROPPED:
        enrolment.status, enrolment.ended_on, enrolment.end_reason = EnrolmentStatus.ENROLLED.value, None, None
        training.write_history(session, enrolment)
        session.execute(update(TrainingCohort).where(TrainingCohort.id == enrolment.cohort_id)
                        .values(enrolled=TrainingCohort.enrolled + 1).execution_options(synchronize_session=False))
        _move(session, enrolment.application_id, ApplicationStatus.ENROLLED.value, actor, decision)
    audit.record(session, actor, "training.reinstate", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id, details={"decision": decision.id})
    return {"enrolment_id": enrolment.id, "status": enrolment.status}


def _lift_exclusion(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    enrolment = session.get_one(Enrolment, decision.details["enrolment_id"])
    enrolment.quit_with_notice = True
    training.write_history(session, enrolment)
    audit.record(session, actor, "training.quit.with_notice", subject_person_id=enrolment.person_id,
                 object_type="training_enrolment", object_id=enrolment.id, details={"decision": decision.id})
    return {"enrolment_id": enrolment.id, "quit_with_notice": True}


def _restore_day(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    """The corrected day back as it was: a new correction, which the next payroll run settles."""
    correction = session.get_one(TimesheetCorrection, decision.details["correction_id"])
    if correction.before is None:
        raise RemedyRefused("정정 전 기록이 없는 날입니다. 근무기록 정정 화면에서 고치십시오.",
                            "The day had no entry before the correction: correct it on the timesheet page.")
    entry = TimesheetEntry(correction.placement_id, correction.day, EntryKind(correction.before["kind"]),
                           int(correction.before["milli_hours"]))
    restored = publicjobs.correct_entry(session, correction.placement_id, entry,
                                        reason=f"이의신청 인용 (결정 #{decision.id})", actor=actor, decision=False)
    return {"placement_id": correction.placement_id, "correction_id": restored.id}


def _approve_claim(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    claim = session.get_one(FeeClaim, decision.details["claim_id"])
    claim.status = ClaimStatus.SUBMITTED
    cert.decide_claim(session, claim_id=claim.id, approve=True, reason=f"이의신청 인용 (결정 #{decision.id})",
                      actor=actor)
    return {"claim_id": claim.id, "status": claim.status, "amount_won": claim.amount_approved_won}


def _restore_placement(session: Session, decision: Any, actor: audit.Actor) -> dict[str, Any]:
    placement = session.get_one(Placement, decision.details["placement_id"])
    placement.status, placement.end_on = PlacementStatus.ACTIVE.value, placement.planned_end_on
    _move(session, placement.application_id, ApplicationStatus.PLACED.value, actor, decision)
    audit.record(session, actor, "publicjobs.restore", subject_person_id=placement.person_id,
                 object_type="publicjob_placement", object_id=placement.id, details={"decision": decision.id})
    return {"placement_id": placement.id, "end_on": placement.end_on.isoformat()}


REMEDIES: dict[DecisionKind, Remedy] = {
    DecisionKind.NOT_ELIGIBLE: _re_evaluate,
    DecisionKind.NOT_SELECTED: _select,
    DecisionKind.WAITLISTED: _select,
    DecisionKind.DROPOUT: _reinstate,
    DecisionKind.REPARTICIPATION_EXCLUDED: _lift_exclusion,
    DecisionKind.PAY_CORRECTION: _restore_day,
    DecisionKind.CLAIM_REFUSED: _approve_claim,
    DecisionKind.PLACEMENT_ENDED: _restore_placement,
}
