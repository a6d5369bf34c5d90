"""The reasons of the selection's adverse decisions (``applications.adverse.Wording``): not
selected or waitlisted by the draw — the score, the rank, the waitlist place and why — and not
eligible when the draw or a withdrawal after it finds so (the eligibility snapshot's lines). A move
another domain makes through the selection (a household passed over) is worded by that domain."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.applications.adverse import AdverseMove, Reasons, eligibility_wording
from ilja.decisions.catalogue import DecisionKind
from ilja.selection.model import REASON_LABELS, Reason
from ilja.selection.models import SelectionOutcomeRow

RANKED = (DecisionKind.NOT_SELECTED, DecisionKind.WAITLISTED)
NOT_ELIGIBLE_CODES = ("selection.", "withdrawal.ineligible")
"""Reason codes of the moves the selection itself finds not eligible: the draw's, and a seat
left because the applicant was found not eligible after it."""


def selection_wording(session: Session, moves: Sequence[AdverseMove]) -> list[Reasons | None]:
    ranked = [m.application.id for m in moves if m.kind in RANKED]
    outcomes = {o.application_id: o for o in session.scalars(select(SelectionOutcomeRow).where(
        SelectionOutcomeRow.application_id.in_(ranked)))} if ranked else {}
    ineligible = [m for m in moves if m.kind == DecisionKind.NOT_ELIGIBLE
                  and m.reason_code.startswith(NOT_ELIGIBLE_CODES)]
    by_eligibility = dict(zip((id(m) for m in ineligible), eligibility_wording(session, ineligible), strict=True))
    return [_ranked_reasons(m.kind, m.application, outcomes.get(m.application.id), m.details or {})
            if m.kind in RANKED else by_eligibility.get(id(m)) for m in moves]


def _ranked_reasons(kind: DecisionKind, row: Any, outcome: Any, details: dict[str, Any]) -> Reasons:
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
