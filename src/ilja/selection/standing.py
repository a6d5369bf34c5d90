"""Why an applicant was (not) selected, and a round's figures for the public (issue 18 §3).

Read from what the draw stored — each application's score, priority, rank, outcome and reason,
the seed, and the places in force after promotions — never recomputed another way: the lottery
number is ``lottery.lottery_number`` of the revealed seed, the cut-offs are the lowest score and
last rank seated in each unit and kind of seat (우선선발 / 일반).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds
from ilja.applications.models import Application, Round
from ilja.selection import offer_service, service
from ilja.selection.lottery import lottery_number, shown
from ilja.selection.models import (
    SelectionOffer,
    SelectionOutcomeRow,
    SelectionRunRow,
    SelectionWithdrawal,
)
from ilja.selection.offers import OfferState


@dataclass(frozen=True)
class Cutoff:
    """The last seat of a unit and kind filled: its score and its rank in the order of merit."""

    unit: str
    seat: str
    seats: int
    filled: int
    score: float | None
    rank: int | None


@dataclass(frozen=True)
class Standing:
    """One application's place in the draw and now (``drawn`` False: no draw yet; ``outside``:
    the application left before the draw, so the draw says nothing about it)."""

    drawn: bool
    outside: bool = False
    score: float | None = None
    priority: bool = False
    eligible: bool = True
    rank: int | None = None
    ranked: int = 0
    lottery_number: str | None = None
    drawn_status: str | None = None
    reason: str | None = None
    status: str | None = None
    unit: str | None = None
    seat: str | None = None
    choice: int | None = None
    waitlist_drawn: list[list[Any]] = field(default_factory=list)
    waitlist_now: list[list[Any]] = field(default_factory=list)
    cutoffs: list[dict[str, Any]] = field(default_factory=list)
    offer: SelectionOffer | None = None


def cutoffs(session: Session, run_row: SelectionRunRow, *, now: bool) -> dict[tuple[str, str], Cutoff]:
    """Per (unit, seat kind): the seats and the last seated score and rank, at the draw or now."""
    status, unit, seat = ((SelectionOutcomeRow.current_status, SelectionOutcomeRow.current_unit_code,
                           SelectionOutcomeRow.current_seat) if now else
                          (SelectionOutcomeRow.status, SelectionOutcomeRow.unit_code,
                           SelectionOutcomeRow.seat))
    rows = session.execute(
        select(unit, seat, func.count(), func.min(SelectionOutcomeRow.score),
               func.max(SelectionOutcomeRow.rank))
        .where(SelectionOutcomeRow.run_id == run_row.id, status == "selected")
        .group_by(unit, seat)).all()
    filled = {(u, s): (n, low, last) for u, s, n, low, last in rows}
    result = {}
    for unit_stats in (run_row.stats or {}).get("units", []):
        code, total = unit_stats["unit"], int(unit_stats["seats"])
        reserved = int(unit_stats.get("reserved_seats") or 0)
        for kind, seats in (("reserved", reserved), ("open", total - reserved)):
            n, low, last = filled.get((code, kind), (0, None, None))
            if seats or n:
                result[(code, kind)] = Cutoff(code, kind, seats, int(n),
                                              None if low is None else float(low), last)
    return result


def standing(session: Session, application: Application) -> Standing:
    """The applicant's own figures beside their units' cut-offs, at the draw and now."""
    run_row = service.get_run(session, application.round_id)
    if run_row is None or run_row.status != "completed":
        return Standing(drawn=False)
    row = session.execute(select(SelectionOutcomeRow).where(
        SelectionOutcomeRow.run_id == run_row.id,
        SelectionOutcomeRow.application_id == application.id)).scalar_one_or_none()
    if row is None:  # withdrawn before the draw
        return Standing(drawn=False, outside=True)
    ranked = session.execute(select(func.count()).where(
        SelectionOutcomeRow.run_id == run_row.id, SelectionOutcomeRow.eligible.is_(True))
    ).scalar_one()
    waitlist_now = row.current_waitlist
    if waitlist_now is None:  # a run stored before the column: replay its withdrawals
        outcome = service.current_allocation(session, run_row).outcome_of(row.applicant_key)
        waitlist_now = [list(w) for w in outcome.waitlist]
    at_draw, in_force = cutoffs(session, run_row, now=False), cutoffs(session, run_row, now=True)
    lines = []
    for code in row.preferences:
        for kind in ("reserved", "open"):
            if (code, kind) in at_draw or (code, kind) in in_force:
                lines.append({"unit": code, "seat": kind, "drawn": at_draw.get((code, kind)),
                              "now": in_force.get((code, kind))})
    offer = offer_service.current_offer(session, application.id)
    return Standing(
        drawn=True, score=row.score, priority=row.priority, eligible=row.eligible, rank=row.rank,
        ranked=int(ranked),
        lottery_number=shown(lottery_number(bytes.fromhex(run_row.seed or ""), row.applicant_key)),
        drawn_status=row.status, reason=row.reason, status=row.current_status,
        unit=row.current_unit_code, seat=row.current_seat, choice=row.choice,
        waitlist_drawn=list(row.waitlist), waitlist_now=list(waitlist_now), cutoffs=lines,
        offer=offer)


def waitlists(session: Session, run_row: SelectionRunRow, *, scope: Scope = SYSTEM
              ) -> dict[str, list[tuple[int, int, int]]]:
    """Each unit's waitlist in force, place 1 first: (place, application id, person id) of the
    applications within ``scope`` (the places are the unit's own, counted over everyone)."""
    rows = session.execute(
        select(SelectionOutcomeRow.application_id, SelectionOutcomeRow.applicant_key,
               SelectionOutcomeRow.current_waitlist, Application.person_id)
        .join(Application, Application.id == SelectionOutcomeRow.application_id)
        .where(SelectionOutcomeRow.run_id == run_row.id,
               SelectionOutcomeRow.current_status.in_(("selected", "waitlisted")),
               scope.where(Kind.APPLICATION))).all()
    current = None
    lines: dict[str, list[tuple[int, int, int]]] = {}
    for app_id, key, places, person_id in rows:
        if places is None:  # a run stored before the column: replay its withdrawals
            current = current or service.current_allocation(session, run_row)
            places = [list(w) for w in current.outcome_of(key).waitlist]
        for unit, place in places:
            lines.setdefault(unit, []).append((int(place), app_id, person_id))
    return {unit: sorted(line) for unit, line in lines.items()}


@dataclass(frozen=True)
class PublicRound:
    """What anyone may see of a round: seats, the commitment, the seed after the draw, the
    cut-offs per unit and kind of seat, and the offers' counts — no person."""

    round: Round
    seats: list[dict[str, Any]]
    commitment: str | None
    seed: str | None
    drawn: bool
    cutoffs: list[tuple[Cutoff, Cutoff | None]]
    """Each unit and kind of seat: its cut-off at the draw and now."""
    offers: dict[str, int]
    withdrawals: int


def public_round(session: Session, round_row: Round) -> PublicRound:
    units = rounds.round_units(session, round_row.id)
    run_row = service.get_run(session, round_row.id)
    drawn = run_row is not None and run_row.status == "completed"
    reserved = {u["unit"]: u.get("reserved_seats", 0)
                for u in ((run_row.stats or {}).get("units", []) if drawn and run_row else [])}
    seats = [{"unit": u.code, "name": u.name, "seats": u.seats or 0,
              "reserved": reserved.get(u.code), "parent": u.parent_code}
             for u in rounds.choosable(units)]
    offers: dict[str, int] = {}
    withdrawals = 0
    at_draw: dict[tuple[str, str], Cutoff] = {}
    in_force: dict[tuple[str, str], Cutoff] = {}
    if drawn and run_row is not None:
        at_draw, in_force = cutoffs(session, run_row, now=False), cutoffs(session, run_row, now=True)
        offers = {state: int(n) for state, n in session.execute(
            select(SelectionOffer.state, func.count()).where(SelectionOffer.run_id == run_row.id)
            .group_by(SelectionOffer.state)).all() if state != OfferState.SUPERSEDED}
        withdrawals = session.execute(select(func.count()).where(
            SelectionWithdrawal.run_id == run_row.id)).scalar_one()
    return PublicRound(
        round=round_row, seats=seats,
        commitment=(run_row.commitment if run_row else None) or round_row.seed_commitment,
        seed=run_row.seed if drawn and run_row else None, drawn=drawn,
        cutoffs=[(c, in_force.get(key)) for key, c in at_draw.items()],
        offers=offers, withdrawals=withdrawals)
