"""Adverse status moves become decisions about the applicant (``lifecycle.ADVERSE``): every status
line passes ``notify_adverse``, which records each adverse move through the one writer
(``ilja.decisions``) with its reasons, the round's notice as its basis, and a notice to the person.

The reasons are worded by the caller that knows them (a ``Wording``): the screening's eligibility
lines here (``eligibility_wording``), the draw's score and rank in ``selection``, the one
participant per household rule in ``verification``. A move no wording covers is refused, never
passed over: every adverse decision is told with its reasons.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications import snapshot as snapshots
from ilja.applications.eligibility import eligibility_context
from ilja.applications.lifecycle import adverse_decision
from ilja.applications.models import Application, Round
from ilja.applications.models import ApplicationStatus as S
from ilja.decisions.catalogue import DecisionKind
from ilja.decisions.service import NewDecision, write_decisions
from ilja.errors import IljaError
from ilja.rules.engine import HELD

Reasons = tuple[str, str]
"""A decision's reasons in Korean and in English."""


@dataclass(frozen=True)
class AdverseMove:
    """An adverse move just written: the application's row (``id``, ``person_id``, ``round_id``,
    ``score``, ``eligibility``, ``eligibility_context_id``), the kind of decision, and the move's
    reason code and details."""

    application: Any
    kind: DecisionKind
    reason_code: str
    details: dict[str, Any] | None


class InHand(NamedTuple):
    """A new application's row as its writer has it (an import's): the columns ``notify_adverse``
    would read back for the wordings."""

    id: int
    person_id: int
    round_id: int
    score: float | None
    eligibility: dict[str, Any] | None
    eligibility_context_id: int | None


Wording = Callable[[Session, Sequence[AdverseMove]], Sequence[Reasons | None]]
"""The reasons of each move, in order; ``None`` for a move the wording does not cover."""

StatusLine = tuple[int, str | None, str, str, dict[str, Any] | None]
"""A status line: application id, from, to, reason code, details."""


class Unworded(IljaError):
    """An adverse move whose caller gave no reasons for it: a decision may not go without them."""

    code = "decision_unworded"
    status_code = 500

    def __init__(self, reason_code: str):
        super().__init__(f"사유 없이 불리한 결정을 기록할 수 없습니다 ({reason_code}).",
                         f"An adverse move has no wording for its decision's reasons ({reason_code}).")


def eligibility_wording(session: Session, moves: Sequence[AdverseMove]) -> list[Reasons | None]:
    """A not-eligible decision's reasons: the eligibility snapshot's decision lines — the
    conditions not met or to be verified, the full check staying with the application — (the shared
    contexts read once each: an import's thousands of applications share a few), worded from the
    snapshot, once for the snapshots of the call that share their conditions not held
    (``_eligibility_reasons``) — not through ``eligibility.reasons``' memo, keyed by the snapshot's
    JSON: a serialisation a decision."""
    contexts = _kept(session, _CONTEXTS, 256)
    said: dict[tuple[Any, ...], tuple[list[Any], Reasons]] = {}
    return [_eligibility_reasons(session, move.application, contexts, said)
            if move.kind == DecisionKind.NOT_ELIGIBLE else None for move in moves]


def _eligibility_reasons(session: Session, application: Any, contexts: dict[int, Any],
                         said: dict[tuple[Any, ...], tuple[list[Any], Reasons]]) -> Reasons:
    """The reasons of one not-eligible snapshot. A decision's reasons are its verdict line and its
    conditions not met or to be verified (``explain.decision_lines``), so only those are read back
    (the held ones, most of a snapshot, are not: the lines are the same); and they are said once
    for every snapshot of the call with the same verdict and the very same stored conditions not
    held (``said``): an import's snapshots share the engine's condition outcomes (``snapshot.take``)."""
    person = application.eligibility or {}
    open_ = [c for c in person.get("conditions") or () if c.get("status") != HELD]
    if not open_:  # told in full (``decision_lines``)
        return _worded(session, application, application.eligibility, contexts)
    key = (application.eligibility_context_id, person.get("eligible"), len(person.get("to_verify") or ()),
           *map(id, open_))
    known = said.get(key)
    if known is not None and all(a is b for a, b in zip(known[0], open_, strict=True)):
        return known[1]
    reasons = _worded(session, application, {**person, "conditions": open_}, contexts)
    said[key] = (open_, reasons)  # kept: their ids are not reused while the call lasts
    return reasons


def _worded(session: Session, application: Any, person: Any, contexts: dict[int, Any]) -> Reasons:
    context = contexts.get(application.eligibility_context_id)
    if context is None:
        context = contexts[application.eligibility_context_id] = eligibility_context(session, application)
    lines = snapshots.reason_lines(person, context, ("ko", "en"), decision=True)
    failed = ", ".join((person or {}).get("failed") or [])
    ko = "\n".join(lines.get("ko") or [f"충족하지 못한 조건: {failed}"])
    en = "\n".join(lines.get("en") or [f"Conditions not met: {failed}"])
    return ko, en


def _round_basis(title: str, announced: dt.date, round_id: int) -> dict[str, Any]:
    return {"ref": f"round:{round_id}", "ko": f"모집 공고 「{title}」 (공고일 {announced.isoformat()})",
            "en": f"The round's notice “{title}” (announced {announced.isoformat()})"}


def notify_adverse(session: Session, actor: audit.Actor, lines: Sequence[StatusLine],
                   wording: Wording | None, in_hand: Mapping[int, Any] | None = None) -> None:
    """Record the adverse decisions among status lines just written, each with its reasons
    (``wording``) and notice: the one place every status line passes, the opening screening's
    included. Raises ``Unworded`` for an adverse move ``wording`` does not cover.

    ``in_hand``: the rows (as ``AdverseMove.application``) a caller has just written, by id (an
    import's), so they are not read back; the others are."""
    found = [(app_id, kind, reason, details) for app_id, previous, status, reason, details in lines
             if (kind := adverse_decision(S(previous) if previous else None, S(status))) is not None]
    if not found:
        return
    apps = dict(in_hand or {})
    ids = [app_id for app_id, *_ in found if app_id not in apps]
    if ids:
        apps.update((a.id, a) for a in session.execute(  # the columns the wordings read: no ORM object each
            select(Application.id, Application.person_id, Application.round_id, Application.score,
                   Application.eligibility, Application.eligibility_context_id)
            .where(Application.id.in_(ids))))
    bases = _round_bases(session, {a.round_id for a in apps.values()})
    moves = [AdverseMove(apps[app_id], DecisionKind(kind), reason, details) for app_id, kind, reason, details in found]
    worded = wording(session, moves) if wording is not None else [None] * len(moves)
    items = []
    for move, words in zip(moves, worded, strict=True):
        if words is None:
            raise Unworded(move.reason_code)
        application, round_id = move.application, move.application.round_id
        items.append(NewDecision(
            application.person_id, move.kind, f"application:{application.id}", *words,
            basis=bases[round_id],  # one list a round: written once (``db.insert_rows``)
            details={"application_id": application.id, "round_id": round_id, "reason_code": move.reason_code}))
    write_decisions(session, actor, items)


def _round_bases(session: Session, round_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    """Each round's basis (its notice, ``_round_basis``), read once a call. Not kept between calls:
    an open round's title may still be amended (``rounds.amend_open_round``), and a decision names
    the notice as it stands when it is made."""
    return {row.id: [_round_basis(row.title, row.announced_on, row.id)]
            for row in session.execute(select(Round.id, Round.title, Round.announced_on)
                                       .where(Round.id.in_(round_ids)))}


def _kept(session: Session, store: weakref.WeakKeyDictionary[Any, dict[int, Any]], most: int) -> dict[int, Any]:
    """What ``store`` keeps for the session's database if it is PostgreSQL's (cleared at ``most``
    entries), else a new dict for this call only."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return {}
    known = store.setdefault(bind, {})
    if len(known) >= most:
        known.clear()
    return known


# By id, per PostgreSQL engine, what never changes under an id there (see ``_kept``): the stored
# eligibility contexts, content-addressed and committed on their own (``service.context_id``), so a
# refused submission does not read its context again.
_CONTEXTS: weakref.WeakKeyDictionary[Any, dict[int, Any]] = weakref.WeakKeyDictionary()
