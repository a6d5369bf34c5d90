"""Where other domains' decisions become ``rights`` decisions: each builds the reasons and
basis it has at hand and calls ``service.record_decisions`` in the same transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications import service as applications
from ilja.applications.models import Application, Round
from ilja.rights.catalogue import DecisionKind
from ilja.rights.service import NewDecision, record_decisions, write_decisions
from ilja.selection.model import REASON_LABELS, Reason
from ilja.selection.models import SelectionOutcomeRow
from ilja.verification.gate import HOUSEHOLD_REASONS


@dataclass(frozen=True)
class AdverseMove:
    """An application's status move that is an adverse decision (``applications.lifecycle.ADVERSE``)."""

    application_id: int
    kind: str
    reason_code: str
    details: dict[str, Any] | None


def _round_basis(title: str, announced: dt.date, round_id: int) -> dict[str, Any]:
    return {"ref": f"round:{round_id}", "ko": f"모집 공고 「{title}」 (공고일 {announced.isoformat()})",
            "en": f"The round's notice “{title}” (announced {announced.isoformat()})"}


def _eligibility_reasons(session: Session, application: Any, contexts: dict[int, Any]) -> tuple[str, str]:
    """The snapshot's reason lines (``contexts``: the shared contexts already read, by id — an
    import's thousands of applications share a few)."""
    context = contexts.get(application.eligibility_context_id)
    if context is None:
        context = contexts[application.eligibility_context_id] = applications.eligibility_context(session, application)
    lines = applications.reasons(session, application, context=context)
    failed = ", ".join((application.eligibility or {}).get("failed") or [])
    ko = "\n".join(lines.get("ko") or [f"충족하지 못한 조건: {failed}"])
    en = "\n".join(lines.get("en") or [f"Conditions not met: {failed}"])
    return ko, en


def _selection_reasons(kind: str, row: Any, outcome: Any, details: dict[str, Any]) -> tuple[str, str]:
    label_ko, label_en = REASON_LABELS.get(Reason(outcome.reason), (outcome.reason, outcome.reason)) \
        if outcome is not None else ("", "")
    score = f"{row.score:g}"
    rank = details.get("rank")
    place = (details.get("waitlist") or [[None, None]])[0]
    rank_ko = f", 순위 {rank}위" if rank else ""
    rank_en = f", rank {rank}" if rank else ""
    if kind == DecisionKind.WAITLISTED:
        where_ko = f" 예비 {place[1]}번 ({place[0]})" if place[1] else ""
        where_en = f" Waitlist place {place[1]} ({place[0]})" if place[1] else ""
        return (f"점수 {score}점{rank_ko}: 모집 인원 안에 들지 못해 예비 선발되었습니다.{where_ko} "
                f"사유: {label_ko}",
                f"Score {score}{rank_en}: not within the seats, so waitlisted.{where_en} Why: {label_en}")
    return (f"점수 {score}점{rank_ko}: 모집 인원과 예비 순번 안에 들지 못했습니다. 사유: {label_ko}",
            f"Score {score}{rank_en}: not within the seats or the waitlist. Why: {label_en}")


def application_moves(session: Session, actor: audit.Actor, moves: Sequence[AdverseMove]) -> None:
    """Record the adverse application moves just written (screening, the draw, a correction)."""
    if not moves:
        return
    ids = [m.application_id for m in moves]
    apps = {a.id: a for a in session.execute(  # the columns read below: no ORM object each
        select(Application.id, Application.person_id, Application.round_id, Application.score,
               Application.eligibility, Application.eligibility_context_id)
        .where(Application.id.in_(ids)))}
    rounds = {r.id: r for r in session.scalars(select(Round).where(
        Round.id.in_({a.round_id for a in apps.values()})))}
    outcomes = {o.application_id: o for o in session.scalars(select(SelectionOutcomeRow).where(
        SelectionOutcomeRow.application_id.in_(ids)))}
    items, contexts = [], {}
    for move in moves:
        application = apps[move.application_id]
        row = rounds[application.round_id]
        if move.reason_code == "withdrawal.household":  # one participant per household
            reasons = HOUSEHOLD_REASONS
        elif move.kind == DecisionKind.NOT_ELIGIBLE:
            reasons = _eligibility_reasons(session, application, contexts)
        else:
            reasons = _selection_reasons(move.kind, application, outcomes.get(application.id),
                                         move.details or {})
        items.append(NewDecision(
            application.person_id, DecisionKind(move.kind), f"application:{application.id}", *reasons,
            basis=[_round_basis(row.title, row.announced_on, row.id)],
            details={"application_id": application.id, "round_id": row.id, "reason_code": move.reason_code}))
    write_decisions(session, actor, items)


def dropout_found(session: Session, actor: audit.Actor, *, enrolment: Any, finding: Any) -> None:
    """A dropout finding proposes the dropout (prior notice); ``remedies.EFFECTS`` drops later."""
    record_decisions(session, actor, [NewDecision(
        enrolment.person_id, DecisionKind.DROPOUT, f"enrolment:{enrolment.id}",
        finding.reason_ko, finding.reason_en, basis=list(finding.parameters or []),
        details={"enrolment_id": enrolment.id, "finding_id": finding.id, "on": finding.on.isoformat()})])


def quit_without_notice(session: Session, actor: audit.Actor, *, enrolment: Any, on: dt.date) -> None:
    """Leaving without notice proposes the re-participation restriction (prior notice)."""
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


def claim_refused(session: Session, actor: audit.Actor, *, claim: Any) -> None:
    reason = claim.decision_reason or ""
    record_decisions(session, actor, [NewDecision(
        claim.person_id, DecisionKind.CLAIM_REFUSED, f"fee_claim:{claim.id}",
        f"자격증 응시료 지원 신청이 반려되었습니다. 사유: {reason}",
        f"The certification fee claim was refused. Reason (as written by staff): {reason}",
        basis=[{"ref": "support.certification", "ko": "자격증 응시료 지원 기준",
                "en": "Certification fee support rules"}],
        details={"claim_id": claim.id})])


def pay_corrected(session: Session, actor: audit.Actor, *, placement: Any, correction: Any) -> None:
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


def placement_end_proposed(session: Session, actor: audit.Actor, *, placement: Any, end_on: dt.date,
                           reason: str) -> None:
    """Staff propose to end a placement: prior notice, then ``remedies.EFFECTS`` ends it."""
    record_decisions(session, actor, [NewDecision(
        placement.person_id, DecisionKind.PLACEMENT_ENDED, f"placement:{placement.id}",
        f"{end_on.isoformat()}자로 배치를 종료하려 합니다. 사유: {reason}",
        f"The placement is to end on {end_on.isoformat()}. Reason (as written by staff): {reason}",
        basis=[{"ref": "publicjobs.placement", "ko": "일자리 사업 근무 중단 기준",
                "en": "The program's rules for ending a placement"}],
        details={"placement_id": placement.id, "end_on": end_on.isoformat()})])
