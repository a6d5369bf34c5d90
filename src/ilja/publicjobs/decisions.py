"""The adverse decisions a public job makes about a participant, worded here where the facts are
and recorded through the one writer (``ilja.decisions``) in the same transaction: a corrected
day of pay, and ending a placement (first proposed: ``ilja.rights.remedies.EFFECTS`` ends it once
the prior notice has run)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.service import NewDecision, record_decisions
from ilja.publicjobs.models import Placement, TimesheetCorrection


def pay_corrected(session: Session, actor: audit.Actor, *, placement: Placement,
                  correction: TimesheetCorrection) -> None:
    before = correction.before or {}
    after = correction.after
    record_decisions(session, actor, [NewDecision(
        placement.person_id, DecisionKind.PAY_CORRECTION, f"pj_correction:{correction.id}",
        f"{correction.day.isoformat()} 근무기록 정정: {before.get('kind', '없음')} "
        f"{before.get('milli_hours', 0) / 1000:g}시간 → {after['kind']} {after['milli_hours'] / 1000:g}시간. "
        f"사유: {correction.reason}. 차액은 다음 급여에 반영됩니다.",
        f"Timesheet for {correction.day.isoformat()} corrected: {before.get('kind', 'none')} "
        f"{before.get('milli_hours', 0) / 1000:g} h → {after['kind']} {after['milli_hours'] / 1000:g} h. "
        f"Reason (as written by staff): {correction.reason}. The difference is settled in the next payroll run.",
        basis=[{"ref": "publicjobs.timesheet", "ko": "승인된 근무기록과 임금 계산 기준",
                "en": "The approved timesheet and the pay rules"}],
        details={"placement_id": placement.id, "correction_id": correction.id})])


def propose_end(session: Session, actor: audit.Actor, *, placement: Placement, end_on: dt.date,
                reason: str) -> None:
    """Staff propose to end a placement: prior notice first."""
    record_decisions(session, actor, [NewDecision(
        placement.person_id, DecisionKind.PLACEMENT_ENDED, f"placement:{placement.id}",
        f"{end_on.isoformat()}자로 배치를 종료하려 합니다. 사유: {reason}",
        f"The placement is to end on {end_on.isoformat()}. Reason (as written by staff): {reason}",
        basis=[{"ref": "publicjobs.placement", "ko": "일자리 사업 근무 중단 기준",
                "en": "The program's rules for ending a placement"}],
        details={"placement_id": placement.id, "end_on": end_on.isoformat()})])
