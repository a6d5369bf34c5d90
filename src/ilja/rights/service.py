"""Decisions about a person after they are recorded, and the objections to them (issue 18 §1–2).

Every domain records its adverse decisions itself, through the one writer low in the layers
(``ilja.decisions.service.record_decisions``): with reasons and basis, the deadlines to contest
them, and a notice. A decision that takes something away is first *proposed*: it takes effect
after its answer window (``take_effect_due``), or sooner if the person agrees (``agree``); staff
may withdraw it after reading the answer. Its effect (dropping the trainee, ending the placement)
runs then, through ``remedies.EFFECTS``.

An objection (이의신청) is filed against an effective decision within its period; staff assign
it and decide it with reasons, and an upheld one re-runs what the decision did
(``remedies.REMEDIES``) — each step audited and the person notified.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.models import User
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.decisions import deadlines
from ilja.decisions import service as decisions
from ilja.decisions.catalogue import (
    APPEAL_DECIDED_TOPIC,
    APPEAL_DECISION_COUNTING,
    APPEAL_DECISION_DAYS,
    CATALOGUE,
    DecisionKind,
)
from ilja.decisions.models import Appeal, AppealStatus, Decision, DecisionStatus
from ilja.decisions.service import RightsError
from ilja.people import stored_files
from ilja.people.rrn import KeyRing, decrypt_value, encrypt_value
from ilja.rights import attachments, remedies
from ilja.rules.parameters import ParameterTree, default_tree
from ilja.text import TEXT_PROBLEMS, text_problem

APPEAL_PURPOSE = "rights_appeal"
ANSWER_PURPOSE = "rights_answer"
TEXT_MAX = 4000


class NotFound(RightsError):
    code = "not_found"
    status_code = 404

    def __init__(self, what: str):
        super().__init__("찾을 수 없습니다.", f"{what} not found")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def get_decision(session: Session, decision_id: int, scope: Scope = SYSTEM) -> Decision:
    row = scope.get(session, Kind.DECISION, decision_id)
    if row is None:
        raise NotFound("decision")
    return row


def decisions_of(session: Session, person_id: int) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.person_id == person_id)
                                .order_by(Decision.created_at.desc(), Decision.id.desc())))


def decisions_about(session: Session, subject_ref: str) -> list[Decision]:
    return list(session.scalars(select(Decision).where(Decision.subject_ref == subject_ref)
                                .order_by(Decision.id)))


def get_appeal(session: Session, appeal_id: int, scope: Scope = SYSTEM) -> Appeal:
    row = scope.get(session, Kind.APPEAL, appeal_id)
    if row is None:
        raise NotFound("appeal")
    return row


def appeals_of_decision(session: Session, decision_id: int) -> list[Appeal]:
    return list(session.scalars(select(Appeal).where(Appeal.decision_id == decision_id).order_by(Appeal.id)))


def queue(session: Session, scope: Scope = SYSTEM, *, open_only: bool = True) -> list[tuple[Appeal, Decision]]:
    """Objections within ``scope``, the nearest deadline first."""
    query = (select(Appeal, Decision).join(Decision, Decision.id == Appeal.decision_id)
             .where(scope.where(Kind.APPEAL)).order_by(Appeal.due_on, Appeal.id))
    if open_only:
        query = query.where(Appeal.status.in_([AppealStatus.FILED.value, AppealStatus.ASSIGNED.value]))
    return [(a, d) for a, d in session.execute(query)]


def answered_proposals(session: Session, scope: Scope = SYSTEM) -> list[Decision]:
    """Prior notices the person answered, within ``scope``: staff read each and confirm or
    withdraw it (행정절차법 §27: the answer is considered before deciding)."""
    return list(session.scalars(select(Decision).where(
        Decision.status == DecisionStatus.PROPOSED.value, Decision.answer_token.is_not(None),
        scope.where(Kind.DECISION)).order_by(Decision.answer_by, Decision.id)))


def appeal_text(row: Appeal, keyring: KeyRing) -> str:
    return decrypt_value(row.text_token, keyring, purpose=APPEAL_PURPOSE,
                         context=f"decision:{row.decision_id}").decode("utf-8")


def answer_text(row: Decision, keyring: KeyRing) -> str | None:
    if row.answer_token is None:
        return None
    return decrypt_value(row.answer_token, keyring, purpose=ANSWER_PURPOSE,
                         context=f"decision:{row.id}").decode("utf-8")


# --------------------------------------------------------------------------------------------
# Prior notice: answer, agree, withdraw, take effect
# --------------------------------------------------------------------------------------------
def _proposed(session: Session, decision_id: int, scope: Scope) -> Decision:
    row = get_decision(session, decision_id, scope)
    if row.status != DecisionStatus.PROPOSED:
        raise RightsError("의견제출 기간 중인 결정이 아닙니다.", "The decision is not awaiting an answer.", "status")
    return row


def _checked(text: str, label_ko: str, label_en: str, field_name: str) -> str:
    value = (text or "").strip()
    if not value:
        raise RightsError(f"{label_ko}을(를) 입력하십시오.", f"Write the {label_en}.", field_name)
    if len(value) > TEXT_MAX:
        raise RightsError(f"{label_ko}은(는) {TEXT_MAX:,}자 이하로 써 주십시오.",
                          f"The {label_en} must be at most {TEXT_MAX:,} characters.", field_name)
    problem = text_problem(value, line_breaks=True)
    if problem is not None:
        en, ko = TEXT_PROBLEMS[problem]
        raise RightsError(f"{label_ko}: {ko}", f"{label_en}: {en}", field_name)
    return value


def answer(session: Session, actor: audit.Actor, *, decision_id: int, text: str, keyring: KeyRing,
           scope: Scope = SYSTEM) -> Decision:
    """The person's answer to a prior notice (의견제출); staff read it before it takes effect."""
    row = _proposed(session, decision_id, scope)
    body = _checked(text, "의견", "answer", "answer")
    row.answer_token = encrypt_value(body.encode("utf-8"), keyring, purpose=ANSWER_PURPOSE,
                                     context=f"decision:{row.id}")
    row.answered_at = clock.now()
    audit.record(session, actor, "rights.decision.answer", subject_person_id=row.person_id,
                 object_type="decision", object_id=row.id)
    return row


def take_effect(session: Session, actor: audit.Actor, row: Decision, *, on: dt.date | None = None,
                tree: ParameterTree | None = None) -> Decision:
    """Make a proposed decision effective: run its effect, set its deadlines, send its notice."""
    if row.status != DecisionStatus.PROPOSED:
        raise RightsError("의견제출 기간 중인 결정이 아닙니다.", "The decision is not awaiting an answer.", "status")
    on = on or clock.today()
    remedies.EFFECTS[DecisionKind(row.kind)](session, row, actor, on)
    row.status = DecisionStatus.EFFECTIVE.value
    row.effective_on = on
    for name, value in decisions.contest_deadlines(on, tree or default_tree()).items():
        setattr(row, name, value)
    session.flush()
    decisions.send(session, row, CATALOGUE[DecisionKind(row.kind)].topic)
    audit.record(session, actor, "rights.decision.effective", subject_person_id=row.person_id,
                 object_type="decision", object_id=row.id, details={"kind": row.kind})
    return row


def agree(session: Session, actor: audit.Actor, *, decision_id: int, scope: Scope = SYSTEM) -> Decision:
    """The person accepts the proposed decision: it takes effect now, without waiting."""
    return take_effect(session, actor, _proposed(session, decision_id, scope))


def confirm(session: Session, actor: audit.Actor, *, decision_id: int, scope: Scope = SYSTEM) -> Decision:
    """Staff confirm a proposed decision after reading the answer, once the window has passed."""
    row = _proposed(session, decision_id, scope)
    if row.answer_by is not None and clock.today() <= row.answer_by and row.answer_token is None:
        raise RightsError(f"의견제출 기한({row.answer_by.isoformat()})이 지나야 확정할 수 있습니다.",
                          f"It can be confirmed after the answer window ({row.answer_by.isoformat()}).", "status")
    return take_effect(session, actor, row)


def withdraw(session: Session, actor: audit.Actor, *, decision_id: int, reason: str,
             scope: Scope = SYSTEM) -> Decision:
    """Staff drop a proposed decision (the answer showed it wrong): nothing is taken away."""
    row = _proposed(session, decision_id, scope)
    note = _checked(reason, "사유", "reason", "reason")
    row.status = DecisionStatus.WITHDRAWN.value
    audit.record(session, actor, "rights.decision.withdraw", subject_person_id=row.person_id,
                 object_type="decision", object_id=row.id, reason=note)
    return row


def take_effect_due(session: Session, *, on: dt.date | None = None,
                    actor: audit.Actor = audit.SYSTEM_ACTOR) -> list[Decision]:
    """Proposed decisions whose answer window closed before ``on`` and that got no answer take
    effect (those answered wait for staff to ``confirm`` or ``withdraw``)."""
    on = on or clock.today()
    due = list(session.scalars(select(Decision).where(
        Decision.status == DecisionStatus.PROPOSED.value, Decision.answer_by < on,
        Decision.answer_token.is_(None)).order_by(Decision.id)))
    return [take_effect(session, actor, row, on=on) for row in due]


# --------------------------------------------------------------------------------------------
# Objections (이의신청)
# --------------------------------------------------------------------------------------------
def file_appeal(session: Session, actor: audit.Actor, *, decision_id: int, text: str,
                attachment: bytes | None, keyring: KeyRing, store: Path,
                scope: Scope = SYSTEM, tree: ParameterTree | None = None) -> Appeal:
    """The person objects to an effective decision within its period, with their reasons and
    optionally one file (PDF, PNG or JPEG, checked by content, stored encrypted)."""
    row = get_decision(session, decision_id, scope)
    today = clock.today()
    if row.status != DecisionStatus.EFFECTIVE:
        raise RightsError("효력이 있는 결정에만 이의신청을 할 수 있습니다. 사전 통지 중에는 의견을 내 주십시오.",
                          "Only an effective decision can be objected to; answer a prior notice instead.", "text")
    if row.objection_by is not None and today > row.objection_by:
        raise RightsError(f"이의신청 기한({row.objection_by.isoformat()})이 지났습니다. 행정심판은 "
                          f"{row.appeal_by.isoformat() if row.appeal_by else '-'}까지 청구할 수 있습니다.",
                          f"The objection period ended on {row.objection_by.isoformat()}; an administrative "
                          "appeal remains open (see the decision).", "text")
    if any(a.status in (AppealStatus.FILED, AppealStatus.ASSIGNED) for a in appeals_of_decision(session, row.id)):
        raise RightsError("이 결정에 대한 이의신청이 이미 처리 중입니다.",
                          "An objection to this decision is already being handled.", "text")
    body = _checked(text, "이의신청 내용", "objection", "text")
    try:
        stored = attachments.store(store, attachment, keyring) if attachment else None
    except stored_files.AttachmentError as error:
        raise RightsError(error.ko, error.en, "attachment") from error
    tree = tree or default_tree()
    appeal = Appeal(decision_id=row.id, person_id=row.person_id, status=AppealStatus.FILED.value,
                    text_token=encrypt_value(body.encode("utf-8"), keyring, purpose=APPEAL_PURPOSE,
                                             context=f"decision:{row.id}"),
                    attachment_sha256=stored.sha256 if stored else None,
                    attachment_type=stored.media_type if stored else None,
                    attachment_bytes=stored.size if stored else None,
                    filed_at=clock.now(), filed_on=today,
                    due_on=deadlines.deadline(today, decisions.days(tree, APPEAL_DECISION_DAYS, today),
                                              APPEAL_DECISION_COUNTING))
    audit.created(session, actor, appeal, "rights.appeal.file", object_type="appeal", subject_person_id=row.person_id,
                  details={"decision": row.id, "kind": row.kind})
    return appeal


def _open(session: Session, appeal_id: int, scope: Scope) -> Appeal:
    row = get_appeal(session, appeal_id, scope)
    if row.status not in (AppealStatus.FILED, AppealStatus.ASSIGNED):
        raise RightsError("이미 결정된 이의신청입니다.", "The objection has been decided already.", "status")
    return row


def assign(session: Session, actor: audit.Actor, *, appeal_id: int, user_id: int,
           scope: Scope = SYSTEM) -> Appeal:
    """Give the objection to a staff member to decide."""
    row = _open(session, appeal_id, scope)
    user = session.get(User, user_id)
    if user is None or user.role == "citizen":
        raise RightsError("담당자를 찾을 수 없습니다.", "No such staff member.", "user_id")
    row.assigned_user_id, row.assigned_at = user.id, clock.now()
    row.status = AppealStatus.ASSIGNED.value
    audit.record(session, actor, "rights.appeal.assign", subject_person_id=row.person_id,
                 object_type="appeal", object_id=row.id, details={"user": user.id})
    return row


def decide_appeal(session: Session, actor: audit.Actor, *, appeal_id: int, upheld: bool, reasons: str,
                  scope: Scope = SYSTEM) -> Appeal:
    """Uphold (인용) or dismiss (기각) an objection, with reasons; an upheld one re-runs what the
    decision did, and the person is told the outcome either way."""
    row = _open(session, appeal_id, scope)
    note = _checked(reasons, "결정 사유", "reasons", "reasons")
    decision = get_decision(session, row.decision_id)
    if upheld:
        try:
            with session.begin_nested():
                row.remedy = remedies.REMEDIES[DecisionKind(decision.kind)](session, decision, actor)
        except remedies.RemedyRefused as error:
            raise RightsError(error.ko, error.en, "upheld") from error
        decision.status = DecisionStatus.OVERTURNED.value
    row.status = (AppealStatus.UPHELD if upheld else AppealStatus.DISMISSED).value
    row.reasons, row.decided_by = note, actor.id
    row.decided_at, row.decided_on = clock.now(), clock.today()
    session.flush()
    outcome = CATALOGUE[DecisionKind(decision.kind)].remedy
    decisions.send(session, decision, APPEAL_DECIDED_TOPIC, {
        "appeal_id": row.id, "upheld": upheld, "appeal_reasons": note,
        "outcome_ko": ("인용: " + outcome.ko) if upheld else "기각: 결정을 유지합니다.",
        "outcome_en": ("Upheld: " + outcome.en) if upheld else "Dismissed: the decision stands."})
    audit.record(session, actor, "rights.appeal.decide", subject_person_id=row.person_id,
                 object_type="appeal", object_id=row.id,
                 details={"decision": decision.id, "kind": decision.kind, "upheld": upheld,
                          "remedy": row.remedy or {}})
    return row


# --------------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportRow:
    kind: str
    status: str
    count: int
    mean_days: float | None
    max_days: int | None
    overdue: int


def report(session: Session, *, today: dt.date | None = None) -> list[ReportRow]:
    """Objections by decision type and outcome, with the days taken to decide (filed → decided)
    and how many were decided late or are still open past their deadline."""
    today = today or clock.today()
    rows: dict[tuple[str, str], list[Appeal]] = {}
    for appeal, kind in session.execute(select(Appeal, Decision.kind).join(Decision,
                                                                            Decision.id == Appeal.decision_id)):
        rows.setdefault((kind, appeal.status), []).append(appeal)
    result = []
    for (kind, status), appeals in sorted(rows.items()):
        days = [(a.decided_on - a.filed_on).days for a in appeals if a.decided_on is not None]
        overdue = sum(1 for a in appeals if (a.decided_on or today) > a.due_on)
        result.append(ReportRow(kind, status, len(appeals), sum(days) / len(days) if days else None,
                                max(days) if days else None, overdue))
    return result
