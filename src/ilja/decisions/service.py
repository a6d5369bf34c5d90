"""The one writer of decisions about a person (issue 18 §1), low in the layers so that every
domain records its own adverse decisions where it makes them, in the same transaction.

``record_decisions`` (and ``write_decisions`` for a draw's or an import's thousands) records each
decision with its reasons and basis, the deadlines to contest it, and a notice sent at once
(``ilja.messages``). A decision that takes something away (``catalogue.Entry.takes_away``) is
first *proposed*: the person is told the facts, the basis and a window to answer (행정절차법 §21);
``ilja.rights`` makes it take effect, and handles the answers and the objections.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, make_transient_to_detached

from ilja import clock
from ilja.accounts import audit
from ilja.db import insert_ids
from ilja.decisions import deadlines
from ilja.decisions.catalogue import (
    ADMINISTRATIVE_APPEAL,
    APPEAL_FROM_DECISION_DAYS,
    CATALOGUE,
    OBJECTION,
    PRIOR_NOTICE_DAYS,
    DecisionKind,
)
from ilja.decisions.models import Decision, DecisionStatus
from ilja.errors import IljaError
from ilja.messages import outbox
from ilja.rules.parameters import ParameterTree, default_tree


class RightsError(IljaError):
    """A refused step about a decision or an objection, said in both languages, with the form
    field it concerns."""

    code = "rights_refused"
    status_code = 422

    def __init__(self, ko: str, en: str, field: str | None = None):
        super().__init__(ko, en, loc=("body", field) if field else None)
        self.ko, self.en, self.field = ko, en, field


@dataclass(frozen=True)
class NewDecision:
    """What a domain knows when it decides: whose, what kind, about what, why and on which basis.

    ``basis`` lists what the decision rests on beyond the catalogue's legal basis: parameters
    used (``ParameterUse.as_dict()``) or ``{"ko": …, "en": …}`` texts. ``details`` hold ids and
    figures a remedy needs (an enrolment id, a correction id), never personal data.
    """

    person_id: int
    kind: DecisionKind
    subject_ref: str
    reasons_ko: str
    reasons_en: str
    basis: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def days(tree: ParameterTree, name: str, on: dt.date) -> int:
    return int(tree.value(name, on))


def contest_deadlines(on: dt.date, tree: ParameterTree) -> dict[str, dt.date]:
    """The objection and administrative-appeal deadlines from ``on``, when the notice of the
    effective decision is sent (the day the person learns of it, at the latest)."""
    return {"objection_by": deadlines.deadline(on, days(tree, OBJECTION.parameter, on), OBJECTION.counting),
            "appeal_by": deadlines.administrative_appeal_deadline(
                on, on, days(tree, ADMINISTRATIVE_APPEAL.parameter, on),
                days(tree, APPEAL_FROM_DECISION_DAYS, on))}


def notice_context(row: Any) -> dict[str, Any]:
    """What a decision's message says: plain values only (the templates are per language)."""
    parts = _notice_parts(row.kind, row.decided_on, row.answer_by, row.objection_by, row.appeal_by)
    return _notice_context(row.id, row.reasons_ko, row.reasons_en, parts)


def _notice_parts(kind: str, decided_on: dt.date, answer_by: dt.date | None, objection_by: dt.date | None,
                  appeal_by: dt.date | None) -> dict[str, str]:
    """A notice's values but its decision's own: the same for every decision of a kind in a call."""
    entry = CATALOGUE[DecisionKind(kind)]
    return {"kind_ko": entry.label.ko, "kind_en": entry.label.en, "basis_ko": entry.basis.ko,
            "basis_en": entry.basis.en, "decided_on": decided_on.isoformat(),
            "answer_by": answer_by.isoformat() if answer_by else "",
            "objection_by": objection_by.isoformat() if objection_by else "",
            "appeal_by": appeal_by.isoformat() if appeal_by else ""}


def _notice_context(decision_id: int, reasons_ko: str, reasons_en: str, parts: dict[str, str]) -> dict[str, Any]:
    return {"decision_id": decision_id, **parts, "reasons_ko": reasons_ko, "reasons_en": reasons_en,
            "link": f"/my/decisions/{decision_id}"}


def send(session: Session, row: Decision, topic: str, extra: dict[str, Any] | None = None) -> None:
    """A later notice about a decision (it took effect, its objection was decided)."""
    outbox.send(session, person_id=row.person_id, topic=topic, context={**notice_context(row), **(extra or {})},
                mandatory=True, subject_ref=f"decision:{row.id}")


def record_decisions(session: Session, actor: audit.Actor, items: Sequence[NewDecision], *,
                     tree: ParameterTree | None = None, now: dt.datetime | None = None) -> list[Decision]:
    """Record each decision and send its notice (or its prior notice), in the caller's transaction
    (``write_decisions``); the rows come back attached to the session, as written."""
    rows = []
    for values in write_decisions(session, actor, items, tree=tree, now=now):
        row = Decision(**values)
        make_transient_to_detached(row)
        session.add(row)
        rows.append(row)
    return rows


def write_decisions(session: Session, actor: audit.Actor, items: Sequence[NewDecision], *,
                    tree: ParameterTree | None = None, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The one writer of decisions: each with its status and deadlines (computed once a kind, as
    every decision of a call is taken on the same day, and so are their notices' values but the
    decision's own), all in one insert, their notices in one more (``outbox.send_many``) and the
    audit entry. Returns the rows' values, ids included, without an ORM object each (an import's
    or a draw's thousands)."""
    tree = tree or default_tree()
    now = now or clock.now()
    today = now.astimezone(clock.SEOUL).date()
    dates: dict[DecisionKind, dict[str, Any]] = {}
    notices: dict[str, tuple[str, dict[str, str]]] = {}  # by kind: the topic and the notice's parts
    bases: dict[int, list[dict[str, Any]]] = {}  # a basis shared by many items is one list: written once
    rows = []
    for item in items:
        entry = CATALOGUE[DecisionKind(item.kind)]
        if not (item.reasons_ko.strip() and item.reasons_en.strip()):
            raise RightsError("결정에는 사유가 있어야 합니다.", "A decision needs its reasons.", "reasons")
        if entry.kind not in dates:
            dates[entry.kind] = kind_dates = _status_dates(entry.takes_away, today, tree)
            notices[entry.kind.value] = (entry.prior_notice_topic or entry.topic, _notice_parts(
                entry.kind.value, today, kind_dates["answer_by"], kind_dates["objection_by"],
                kind_dates["appeal_by"]))
        rows.append({"person_id": item.person_id, "kind": entry.kind.value, "subject_ref": item.subject_ref,
                     "reasons_ko": item.reasons_ko.strip(), "reasons_en": item.reasons_en.strip(),
                     "basis": bases.setdefault(id(item.basis), list(item.basis)),
                     "details": dict(item.details) or None, "decided_on": today,
                     **dates[entry.kind], "answer_token": None, "answered_at": None,
                     "actor_id": actor.id, "actor_role": actor.role, "created_at": now})
    if not rows:
        return rows
    table = Decision.__table__
    ids = insert_ids(session, table, rows)
    for row, new_id in zip(rows, ids, strict=True):
        row["id"] = new_id
    outbox.send_many(session, [
        (row["person_id"], notices[row["kind"]][0],
         _notice_context(row["id"], row["reasons_ko"], row["reasons_en"], notices[row["kind"]][1]),
         f"decision:{row['id']}") for row in rows])
    first = rows[0]
    if len(rows) == 1:
        audit.record(session, actor, f"rights.decision.{first['status']}", subject_person_id=first["person_id"],
                     object_type="decision", object_id=first["id"], details={"kind": first["kind"]}, now=now)
    else:  # a draw's or an import's: one entry (the decisions are their own record)
        kinds: dict[str, int] = {}
        for row in rows:
            kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
        audit.record(session, actor, "rights.decisions", object_type="decision", object_id=first["id"],
                     details={"count": len(rows), "first": first["id"], "last": rows[-1]["id"], **kinds}, now=now)
    return rows


def _status_dates(takes_away: bool, today: dt.date, tree: ParameterTree) -> dict[str, Any]:
    """A new decision's status and dates: proposed with a day to answer by (one that takes
    something away), else effective today with its contest deadlines."""
    if takes_away:
        return {"status": DecisionStatus.PROPOSED.value, "effective_on": None, "objection_by": None,
                "appeal_by": None,
                "answer_by": deadlines.calendar_deadline(today, days(tree, PRIOR_NOTICE_DAYS, today))}
    return {"status": DecisionStatus.EFFECTIVE.value, "effective_on": today, "answer_by": None,
            **contest_deadlines(today, tree)}


def record_decision(session: Session, actor: audit.Actor, *, person_id: int, kind: DecisionKind | str,
                    subject_ref: str, reasons: tuple[str, str], basis: Sequence[dict[str, Any]] = (),
                    details: dict[str, Any] | None = None, tree: ParameterTree | None = None,
                    now: dt.datetime | None = None) -> Decision:
    """Record one decision (``reasons`` in Korean and English); see ``record_decisions``."""
    item = NewDecision(person_id, DecisionKind(kind), subject_ref, reasons[0], reasons[1], list(basis),
                       dict(details or {}))
    return record_decisions(session, actor, [item], tree=tree, now=now)[0]


def proposed(session: Session, subject_ref: str, kind: DecisionKind) -> Decision | None:
    """The decision of ``kind`` about ``subject_ref`` still in its prior notice, if any."""
    return session.scalars(select(Decision).where(
        Decision.subject_ref == subject_ref, Decision.kind == kind.value,
        Decision.status == DecisionStatus.PROPOSED.value)).first()
