"""The adverse decisions training makes about a trainee, worded here where the facts are and
recorded through the one writer (``ilja.decisions``) in the same transaction. Both take something
away, so each is first proposed (prior notice); ``ilja.rights.remedies.EFFECTS`` carries it out
once it takes effect."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.service import NewDecision, record_decisions
from ilja.training.models import Enrolment, Finding


def propose_dropout(session: Session, actor: audit.Actor, *, enrolment: Enrolment, finding: Finding) -> None:
    """A dropout finding proposes the dropout, with the finding's reasons and parameters."""
    record_decisions(session, actor, [NewDecision(
        enrolment.person_id, DecisionKind.DROPOUT, f"enrolment:{enrolment.id}",
        finding.reason_ko, finding.reason_en, basis=list(finding.parameters or []),
        details={"enrolment_id": enrolment.id, "finding_id": finding.id, "on": finding.on.isoformat()})])


def propose_exclusion(session: Session, actor: audit.Actor, *, enrolment: Enrolment, on: dt.date) -> None:
    """Leaving without notice proposes the re-participation restriction."""
    record_decisions(session, actor, [NewDecision(
        enrolment.person_id, DecisionKind.REPARTICIPATION_EXCLUDED, f"enrolment:{enrolment.id}",
        f"{on.isoformat()}에 사전 통보 없이 과정을 그만둔 것으로 기록되었습니다 (무단 포기). 이 경우 정해진 기간 동안 "
        "같은 사업에 다시 참여할 수 없습니다.",
        f"You were recorded as leaving the course on {on.isoformat()} without notice, which bars taking "
        "part again in the program for a set period.",
        basis=[{"ref": "youth_academy.reparticipation.quit_without_notice_restriction_months",
                "ko": "재참여 제한 기간 (무단 포기)",
                "en": "Re-participation restriction after leaving without notice"}],
        details={"enrolment_id": enrolment.id})])
