"""Status changes: staff moves with a note, and the bulk lines of a draw or a promotion chain;
every one checked against the life cycle (``lifecycle``) and written with its history line — the
one writer of the status history — and each adverse move recorded as a decision with the reasons
its caller words (``adverse``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications.adverse import InHand, Wording, eligibility_wording, notify_adverse
from ilja.applications.errors import ApplicationNotFound, ConcurrentChange, InvalidTransition
from ilja.applications.lifecycle import check_transition, selection_owns
from ilja.applications.models import Application, ApplicationEvent, ApplicationStatus, table_of
from ilja.applications.rounds import get_round, now_utc, program_kind
from ilja.db import insert_rows

S = ApplicationStatus
REMEDY_PREFIX = "appeal."  # a move that undoes a decision an objection overturned


@dataclass(frozen=True)
class Move:
    """One status change to record: the application, the new status, why, and its details."""

    application: Application
    status: S
    reason_code: str
    details: dict[str, Any] = field(default_factory=dict)


def apply_moves(session: Session, moves: Sequence[Move], *, actor: audit.Actor,
                note: str | None = None, now: dt.datetime | None = None,
                wording: Wording | None = None) -> None:
    """Move each application through the life cycle and write its history line; an adverse move
    needs ``wording`` for its decision's reasons (``adverse.notify_adverse``).

    Every move is checked against the life cycle first; nothing is written if one is refused.
    """
    now = now or now_utc()
    kinds: dict[int, str] = {}
    for move in moves:
        round_id = move.application.round_id
        if round_id not in kinds:
            kinds[round_id] = program_kind(get_round(session, round_id).program_code)
        check_transition(S(move.application.status), move.status, program_kind=kinds[round_id],
                         remedy=move.reason_code.startswith(REMEDY_PREFIX))
    adverse = [(move.application.id, move.application.status, move.status, move.reason_code, move.details)
               for move in moves]
    for move in moves:
        session.add(ApplicationEvent(
            application_id=move.application.id, from_status=move.application.status,
            to_status=move.status.value, actor_id=actor.id, actor_role=actor.role,
            reason_code=move.reason_code, note=note, details=move.details or None, at=now))
        move.application.status = move.status.value
        move.application.status_changed_at = now
    session.flush()
    notify_adverse(session, actor, adverse, wording)


@dataclass(frozen=True)
class BulkMove:
    """A status line for many applications at once (a draw, a promotion chain).

    ``previous == status`` records a change of unit or seat without a change of status.
    """

    application_id: int
    previous: str
    status: S
    reason_code: str
    details: dict[str, Any] | None = None


def record_moves(session: Session, moves: Sequence[BulkMove], *, actor: audit.Actor,
                 program_kind: str, note: str | None = None,
                 now: dt.datetime | None = None, wording: Wording | None = None) -> None:
    """Write many status changes and their history lines with two bulk statements; an adverse
    move needs ``wording`` for its decision's reasons (``adverse.notify_adverse``).

    Every move is checked against the life cycle before anything is written.
    """
    now = now or now_utc()
    for move in moves:
        if move.previous != move.status:
            check_transition(S(move.previous), move.status, program_kind=program_kind)
    session.flush()  # the statements below bypass the unit of work
    changed = [{"b_id": m.application_id, "b_previous": m.previous, "b_status": m.status.value,
                "b_at": now} for m in moves if m.previous != m.status]
    table = table_of(Application)
    if changed:
        # Compare and set: a row another transaction moved meanwhile is not overwritten.
        result = session.execute(
            update(table).where(table.c.id == bindparam("b_id"),
                                table.c.status == bindparam("b_previous"))
            .values(status=bindparam("b_status"), status_changed_at=bindparam("b_at")), changed)
        if result.rowcount != len(changed):  # type: ignore[attr-defined]
            raise ConcurrentChange()
    if moves:
        session.execute(table_of(ApplicationEvent).insert(), [
            {"application_id": m.application_id, "from_status": m.previous,
             "to_status": m.status.value, "actor_id": actor.id, "actor_role": actor.role,
             "reason_code": m.reason_code, "note": note, "details": m.details, "at": now}
            for m in moves])
    notify_adverse(session, actor, [(m.application_id, m.previous, m.status, m.reason_code, m.details)
                                    for m in moves], wording)
    session.expire_all()


@dataclass(frozen=True)
class Opening:
    """A new application's screening: the status it opens with, the reason code and details."""

    application_id: int
    status: S
    reason_code: str
    details: dict[str, Any] | None = None
    application: InHand | None = None  # the row, where the caller has it: not read back for the wording


def written_opening(application_id: int, values: dict[str, Any], status: S, reason_code: str,
                    details: dict[str, Any] | None) -> Opening:
    """A new application's opening with its row as inserted (``values``) in hand, so the wording
    of an adverse screening does not read it back (a submission's, an import's)."""
    return Opening(application_id, status, reason_code, details, application=InHand(
        application_id, values["person_id"], values["round_id"], values["score"], values["eligibility"],
        values["eligibility_context_id"]))


def record_openings(session: Session, openings: Sequence[Opening], *, channel: str,
                    actor: audit.Actor, now: dt.datetime) -> list[dict[str, Any]]:
    """The first two history lines of new applications — submitted (by whom, through which
    channel), then the screening's result (by the system) — in one statement, and the adverse
    screenings' decisions with their notices. One submission or a whole import; returns the
    lines written."""
    lines = opening_lines(openings, channel=channel, actor=actor, now=now)
    insert_rows(session, table_of(ApplicationEvent), lines)
    notify_openings(session, openings)
    return lines


def opening_lines(openings: Sequence[Opening], *, channel: str, actor: audit.Actor,
                  now: dt.datetime) -> list[dict[str, Any]]:
    """``record_openings``' lines, for a caller that writes them with the application in one
    statement (``applications.linked``) and then calls ``notify_openings``."""
    lines: list[dict[str, Any]] = []
    for opening in openings:
        lines += [
            {"application_id": opening.application_id, "from_status": None,
             "to_status": S.SUBMITTED.value, "actor_id": actor.id, "actor_role": actor.role,
             "reason_code": f"submitted.{channel}", "note": None, "details": None, "at": now},
            {"application_id": opening.application_id, "from_status": S.SUBMITTED.value,
             "to_status": S(opening.status).value, "actor_id": None, "actor_role": audit.SYSTEM,
             "reason_code": opening.reason_code, "note": None, "details": opening.details or None,
             "at": now},
        ]
    return lines


def notify_openings(session: Session, openings: Sequence[Opening]) -> None:
    """The adverse screenings' decisions with their notices (``notify_adverse``), worded from
    the eligibility snapshot."""
    notify_adverse(session, audit.SYSTEM_ACTOR, [
        (o.application_id, S.SUBMITTED.value, S(o.status).value, o.reason_code, o.details or None)
        for o in openings], eligibility_wording,
        in_hand={o.application_id: o.application for o in openings if o.application is not None})


def change_status(session: Session, application_id: int, status: S | str, *,
                  actor: audit.Actor, note: str | None = None,
                  now: dt.datetime | None = None) -> Application:
    """A staff member moves an application (screening, enrolment or placement, completion,
    dropping out), with a note saying why.

    Moves that free or fill a seat belong to the selection (``ilja.selection.service``): they
    are refused here so that a seat is never left empty while someone waits for it.
    """
    target = S(status)
    application = session.execute(select(Application).where(Application.id == application_id)
                                  .with_for_update()).scalar_one_or_none()
    if application is None:
        raise ApplicationNotFound(application_id)
    previous = S(application.status)
    if selection_owns(previous, target):
        raise InvalidTransition(previous, target,
                                "선발·예비 순번과 관련된 변경은 선발 메뉴에서 합니다.",
                                "Moves into or out of a seat or the waitlist go through the "
                                "selection, which refills the seat.")
    if not (note and note.strip()):
        raise InvalidTransition(previous, target, "변경 사유를 입력하십시오.",
                                "Say why (a note is required).")
    apply_moves(session, [Move(application, target, f"manual.{target.value}")], actor=actor,
                note=note.strip(), now=now, wording=eligibility_wording)
    audit.record(session, actor, "application.status", subject_person_id=application.person_id,
                 object_type="application", object_id=application.id,
                 details={"from": previous.value, "to": target.value})
    return application
