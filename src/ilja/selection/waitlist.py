"""Promotion from the waitlist when a selected person declines or drops before the start.

Issue 3 §4: "when a selected person declines or drops before starting, the next eligible person
is promoted, and the history says so". Ilja does this by running the same choice rule again
without the leavers, on the choices still in play (the seat each person holds and the waitlist
places they were given at the draw — nobody beyond a waitlist limit comes back). Removing an
applicant can only help the others, so the re-run fills the vacancy with the next person in
order of merit *as the quota policy says* (a reserved seat goes to the next priority applicant,
and reverts to the open pool if there is none), and nobody who holds a seat loses it. If the
next person held a lower choice elsewhere, that seat is freed in turn and filled the same way:
every move of such a chain is reported as a change with its cause.

A person found ineligible after the draw is withdrawn the same way, with their reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ilja.selection.allocation import Allocation, allocate_problem
from ilja.selection.model import SEATS, STATUSES, Seat, SelectionInputError, Status


class PromotionError(RuntimeError):
    """A promotion would take a seat from someone who holds it; nothing is changed."""


class ChangeKind(StrEnum):
    WITHDRAWN = "withdrawn"
    PROMOTED = "promoted"
    MOVED_UP = "moved_up"
    SEAT_CHANGED = "seat_changed"


@dataclass(frozen=True, slots=True)
class Change:
    """One line of an application's history caused by a withdrawal.

    ``waitlist_place`` is the place the person held on the unit's waitlist when promoted;
    ``caused_by`` the leavers whose seats opened the chain; ``note`` the leaver's own reason.
    """

    applicant_id: str
    kind: ChangeKind
    status_before: Status
    status_after: Status
    unit_before: str | None
    unit_after: str | None
    seat_before: Seat | None
    seat_after: Seat | None
    waitlist_place: int | None
    caused_by: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Promotion:
    """The allocation after the withdrawals and the changes that lead there from the last one."""

    allocation: Allocation
    changes: tuple[Change, ...]

    @property
    def promoted(self) -> list[str]:
        return [c.applicant_id for c in self.changes
                if c.kind in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP)]


def withdraw(current: Allocation, leavers: Mapping[str, str] | Iterable[str]) -> Promotion:
    """Withdraw ``leavers`` (id → reason, e.g. "declined", "dropped") and promote in their place.

    ``current`` is the allocation in force: the draw's, or the one a previous ``withdraw``
    returned. Only selected or waitlisted applicants can be withdrawn.
    """
    notes = dict(leavers) if isinstance(leavers, Mapping) else dict.fromkeys(leavers, "")
    rows = []
    for applicant_id in notes:
        i = current.index_of(applicant_id)
        if STATUSES[current.status[i]] not in (Status.SELECTED, Status.WAITLISTED):
            raise SelectionInputError(
                "leavers", "not_withdrawable",
                f"application {applicant_id!r} is {STATUSES[current.status[i]].value}, "
                "only a selected or waitlisted application can be withdrawn")
        rows.append(i)
    problem = current.problem
    withdrawn = problem.withdrawn.copy()
    withdrawn[rows] = True
    after = allocate_problem(problem.with_changes(withdrawn=withdrawn, allowed=current.pool),
                             current.policy)
    _check_nobody_loses(current, after, withdrawn)
    return Promotion(after, tuple(_changes(current, after, notes)))


def replay(drawn: Allocation,
           withdrawals: Sequence[Mapping[str, str] | Iterable[str]]) -> list[Promotion]:
    """Apply stored withdrawals, batch by batch in their order, to the draw's allocation.

    The history stores each ``withdraw`` call's leavers; replaying them on the reproduced draw
    gives back the allocation in force, exactly, because every step is deterministic.
    """
    promotions = []
    current = drawn
    for leavers in withdrawals:
        promotion = withdraw(current, leavers)
        promotions.append(promotion)
        current = promotion.allocation
    return promotions


def _check_nobody_loses(before: Allocation, after: Allocation, withdrawn: np.ndarray) -> None:
    held = (before.choice >= 0) & ~withdrawn
    lost = held & ((after.choice < 0) | (after.choice > before.choice))
    if lost.any():
        who = before.problem.applicant_ids[int(np.flatnonzero(lost)[0])]
        raise PromotionError(f"the re-run would move application {who!r} off its seat; "
                             "the allocation is left as it was")


def _changes(before: Allocation, after: Allocation, notes: Mapping[str, str]) -> list[Change]:
    ids = before.problem.applicant_ids
    units = before.problem.unit_ids
    caused_by = tuple(notes)
    differs = ((before.unit != after.unit) | (before.seat != after.seat)
               | (before.status != after.status))
    changes = []
    for i in np.flatnonzero(differs).tolist():
        status_before, status_after = STATUSES[before.status[i]], STATUSES[after.status[i]]
        unit_before, unit_after = int(before.unit[i]), int(after.unit[i])
        place = None
        if ids[i] in notes:
            kind = ChangeKind.WITHDRAWN
        elif unit_before < 0 and unit_after >= 0:
            kind = ChangeKind.PROMOTED
        elif unit_before != unit_after:
            kind = ChangeKind.MOVED_UP
        elif before.seat[i] != after.seat[i]:
            kind = ChangeKind.SEAT_CHANGED
        else:
            continue
        if kind in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP):
            place = int(before.waitlist[i, after.choice[i]])
        changes.append(Change(
            applicant_id=ids[i], kind=kind, status_before=status_before, status_after=status_after,
            unit_before=units[unit_before] if unit_before >= 0 else None,
            unit_after=units[unit_after] if unit_after >= 0 else None,
            seat_before=SEATS[before.seat[i]], seat_after=SEATS[after.seat[i]],
            waitlist_place=place, caused_by=caused_by, note=notes.get(ids[i], ""),
        ))
    order = {ChangeKind.WITHDRAWN: 0, ChangeKind.PROMOTED: 2, ChangeKind.MOVED_UP: 1,
             ChangeKind.SEAT_CHANGED: 3}
    changes.sort(key=lambda c: (order[c.kind], c.unit_after or "", c.applicant_id))
    return changes
