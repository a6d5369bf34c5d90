"""The choice rule: who gets which seat, with seats and the priority quota inside the rule.

Order of merit (고득점자 순, companion-jobs-notices): the higher score first; equal scores are ordered by
the lottery number, smaller first (one number per applicant for the whole round, ``lottery.py``).

Each unit (a project, a cohort) has ``capacity`` seats, of which ``reserved`` are priority seats
(우선선발): ``priority_share × capacity`` rounded as the policy says — for 기술교육원 "정원의 30%
이내" (seoul-2025-jobs-plan §3). A unit may belong to a group (a field, 분야) whose own seat
total also binds. The seats fill in phases, each taking candidates in order of merit while the
unit and its group have room:

* ``reserved_first``: priority applicants fill the reserved seats; then everyone not yet chosen
  (priority applicants included) competes for the seats left — so reserved seats nobody took
  revert to the open pool within the same rule;
* ``open_first``: everyone competes for the open seats; then the priority applicants still
  waiting fill the reserved seats; then reserved seats still empty revert to the open pool and go
  to the next in order of merit.

At most ``reserved`` seats of a unit are filled through the quota; priority applicants also
compete for the open seats on merit. A field's own total is drawn on in the same order: with
``reserved_first`` the reserved seats take from it first; with ``open_first`` a reserved seat
reverts only after the open seats of the whole field are filled, and may find the field full.
Where applicants list several units (1지망, 2지망 …) the assignment is applicant-proposing
deferred acceptance with this choice rule at every group, so no one loses a unit they asked for
to someone ranked below them, unless that person holds a priority seat; with one unit each
(동행일자리) it ends after one pass.

Everything is numpy over columns: one lexsort for the order of merit, then per round two argsorts
and a few linear passes, whatever the number of units.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

import numpy as np

from ilja.selection.columns import Problem, build_problem
from ilja.selection.model import (
    REASONS,
    SEATS,
    STATUSES,
    FillOrder,
    Outcome,
    Reason,
    Seat,
    SelectionInputError,
    SelectionInputs,
    SelectionPolicy,
    Status,
    reserved_seats_of,
)

_NO_CAP = np.iinfo(np.int64).max // 4
_S = {s: np.int8(i) for i, s in enumerate(STATUSES)}
_R = {r: np.int8(i) for i, r in enumerate(REASONS)}
_RESERVED, _OPEN = np.int8(SEATS.index(Seat.RESERVED)), np.int8(SEATS.index(Seat.OPEN))


def merit_order(score: np.ndarray, lottery: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Each applicant's place in the order of merit (0 = first); the ineligible come last.

    Higher score first, then the smaller lottery number — all 256 bits, so the order is total.
    """
    order = np.lexsort((lottery[:, 3], lottery[:, 2], lottery[:, 1], lottery[:, 0], -score,
                        ~eligible))
    place = np.empty(len(order), dtype=np.int64)
    place[order] = np.arange(len(order), dtype=np.int64)
    return place


def _segment_positions(keys_sorted: np.ndarray) -> np.ndarray:
    """For each element of a sorted key array, the index where its run of equal keys starts."""
    n = len(keys_sorted)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(keys_sorted[1:], keys_sorted[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return starts[np.cumsum(first) - 1]


class _Round:
    """One deferred-acceptance round: proposals sorted by (unit, merit) and by (group, merit)."""

    def __init__(self, units: np.ndarray, places: np.ndarray, group_of_unit: np.ndarray,
                 capped: bool, n: int):
        self.units = units
        self.by_unit = np.argsort(units.astype(np.int64) * n + places)
        self.unit_sorted = units[self.by_unit]
        self.unit_start = _segment_positions(self.unit_sorted)
        self.capped = capped
        if capped:
            self.groups = group_of_unit[units]
            self.by_group = np.argsort(self.groups.astype(np.int64) * n + places)
            self.group_sorted = self.groups[self.by_group]
            self.group_start = _segment_positions(self.group_sorted)

    def take(self, candidates: np.ndarray, unit_room: np.ndarray,
             group_room: np.ndarray) -> np.ndarray:
        """Candidates in order of merit while their unit and their group have room.

        Taking the first ``unit_room`` per unit and then the first ``group_room`` of those per
        group equals the one-by-one greedy: once a group is full nobody later in order gets in.
        """
        chosen = np.zeros(len(candidates), dtype=bool)
        c = candidates[self.by_unit]
        before = np.cumsum(c) - c
        position = before - before[self.unit_start]
        chosen[self.by_unit] = c & (position < unit_room[self.unit_sorted])
        if self.capped:
            c = chosen[self.by_group]
            before = np.cumsum(c) - c
            position = before - before[self.group_start]
            chosen[self.by_group] = c & (position < group_room[self.group_sorted])
        return chosen

    def count(self, chosen: np.ndarray, size: int, of: np.ndarray) -> np.ndarray:
        return np.bincount(of[chosen], minlength=size).astype(np.int64)


def _choose(rnd: _Round, priority: np.ndarray, capacity: np.ndarray, reserved: np.ndarray,
            group_capacity: np.ndarray, order: FillOrder) -> tuple[np.ndarray, np.ndarray]:
    """The choice rule over one round's proposals: (chosen, seat code) per proposal."""
    m, k = len(capacity), len(group_capacity)  # k: the capped groups, then one per unit
    p = len(priority)
    seat = np.zeros(p, dtype=np.int8)
    groups = rnd.groups if rnd.capped else None

    def counts(chosen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        per_unit = rnd.count(chosen, m, rnd.units)
        per_group = rnd.count(chosen, k, groups) if groups is not None else np.zeros(k, np.int64)
        return per_unit, per_group

    if order is FillOrder.RESERVED_FIRST:
        first = rnd.take(priority, reserved, group_capacity)
        unit_used, group_used = counts(first)
        second = rnd.take(~first, capacity - unit_used, group_capacity - group_used)
        seat[first] = _RESERVED
        seat[second] = _OPEN
        return first | second, seat
    first = rnd.take(np.ones(p, dtype=bool), capacity - reserved, group_capacity)
    unit_used, group_used = counts(first)
    second = rnd.take(priority & ~first, reserved, group_capacity - group_used)
    unit_more, group_more = counts(second)
    taken = first | second
    third = rnd.take(~taken, capacity - unit_used - unit_more,
                     group_capacity - group_used - group_more)
    seat[first | third] = _OPEN
    seat[second] = _RESERVED
    return taken | third, seat


def _match(problem: Problem, place: np.ndarray, reserved: np.ndarray,
           order: FillOrder) -> tuple[np.ndarray, np.ndarray, int]:
    """Deferred acceptance: (index of the choice held or -1, seat code, rounds) per applicant."""
    n, width = problem.preferences.shape
    m = len(problem.capacity)
    k = len(problem.group_ids)
    capped = bool((problem.group_capacity >= 0).any())
    # Units outside any capped group get a group of their own without a cap.
    group_of_unit = np.where(problem.unit_group >= 0, problem.unit_group, k + np.arange(m))
    group_capacity = np.concatenate([
        np.where(problem.group_capacity >= 0, problem.group_capacity, _NO_CAP),
        np.full(m, _NO_CAP, dtype=np.int64),
    ])
    prefs, allowed = problem.preferences, problem.allowed
    alive = problem.eligible & ~problem.withdrawn
    pointer = np.zeros(n, dtype=np.int64)

    def skip_disallowed(rows: np.ndarray) -> None:
        while rows.size:
            rows = rows[pointer[rows] < width]
            rows = rows[~allowed[rows, pointer[rows]]]
            pointer[rows] += 1

    skip_disallowed(np.flatnonzero(alive))
    held = np.full(n, -1, dtype=np.int64)
    seat_of = np.zeros(n, dtype=np.int8)
    rounds = 0
    while True:
        proposers = np.flatnonzero(alive & (pointer < width))
        if proposers.size == 0:
            break
        rounds += 1
        units = prefs[proposers, pointer[proposers]]
        rnd = _Round(units, place[proposers], group_of_unit, capped, n)
        chosen, seat = _choose(rnd, problem.priority[proposers], problem.capacity, reserved,
                               group_capacity, order)
        rejected = proposers[~chosen]
        if rejected.size == 0 or not (pointer[rejected] + 1 < width).any():
            # Nobody rejected has another choice: by the rule's irrelevance of rejected
            # candidates, the next round would choose the same people.
            held[proposers[chosen]] = pointer[proposers[chosen]]
            seat_of[proposers[chosen]] = seat[chosen]
            break
        pointer[rejected] += 1
        skip_disallowed(rejected)
    return held, seat_of, rounds


@dataclass
class Allocation:
    """The outcome of a selection as columns aligned with ``problem.applicant_ids``.

    ``status``, ``reason`` and ``seat`` are int8 codes into ``STATUSES``, ``REASONS`` and
    ``SEATS``; ``unit`` is a unit index (-1: none); ``choice`` the 0-based preference held (-1);
    ``place`` the 0-based place in the order of merit; ``waitlist[i, j]`` the 1-based place of
    applicant i on the waitlist of their (j+1)-th choice (0: not on it); ``pool`` the choices
    still in play for promotions.
    """

    problem: Problem
    policy: SelectionPolicy
    reserved: np.ndarray
    status: np.ndarray
    reason: np.ndarray
    unit: np.ndarray
    seat: np.ndarray
    choice: np.ndarray
    place: np.ndarray
    waitlist: np.ndarray
    pool: np.ndarray
    rounds: int

    def __post_init__(self) -> None:
        self._index: dict[str, int] | None = None

    def __len__(self) -> int:
        return self.problem.size

    def index_of(self, applicant_id: str) -> int:
        if self._index is None:
            self._index = {a: i for i, a in enumerate(self.problem.applicant_ids)}
        try:
            return self._index[applicant_id]
        except KeyError:
            raise SelectionInputError("applicant", "unknown_applicant",
                                      f"application {applicant_id!r} is not in the round") from None

    def unit_index(self, unit_id: str) -> int:
        try:
            return list(self.problem.unit_ids).index(unit_id)
        except ValueError:
            raise SelectionInputError("unit", "unknown_unit",
                                      f"unit {unit_id!r} is not in the round") from None

    def outcome(self, i: int) -> Outcome:
        p = self.problem
        unit = int(self.unit[i])
        waits = tuple((p.unit_ids[int(p.preferences[i, j])], int(self.waitlist[i, j]))
                      for j in np.flatnonzero(self.waitlist[i]))
        return Outcome(
            applicant_id=p.applicant_ids[i],
            status=STATUSES[self.status[i]],
            reason=REASONS[self.reason[i]],
            unit=p.unit_ids[unit] if unit >= 0 else None,
            seat=SEATS[self.seat[i]],
            choice=int(self.choice[i]) + 1 if self.choice[i] >= 0 else None,
            rank=int(self.place[i]) + 1 if p.eligible[i] else None,
            waitlist=waits,
        )

    def outcome_of(self, applicant_id: str) -> Outcome:
        return self.outcome(self.index_of(applicant_id))

    def outcomes(self) -> list[Outcome]:
        return [self.outcome(i) for i in range(len(self))]

    def selected(self, unit_id: str) -> list[str]:
        """The applicants seated at a unit, in order of merit."""
        u = self.unit_index(unit_id)
        rows = np.flatnonzero(self.unit == u)
        rows = rows[np.argsort(self.place[rows])]
        return [self.problem.applicant_ids[i] for i in rows.tolist()]

    def waitlist_of(self, unit_id: str) -> list[str]:
        """A unit's waitlist, place 1 first."""
        u = self.unit_index(unit_id)
        rows, cols = np.nonzero((self.waitlist > 0) & (self.problem.preferences == u))
        rows = rows[np.argsort(self.waitlist[rows, cols])]
        return [self.problem.applicant_ids[i] for i in rows.tolist()]

    def canonical_rows(self) -> list[list[Any]]:
        """Every outcome as plain JSON values, sorted by application id (the output hash).

        Equal to ``[o.canonical() for o in sorted(outcomes)]`` without building the objects.
        """
        p = self.problem
        status = np.array([s.value for s in STATUSES], dtype=object)[self.status].tolist()
        reason = np.array([r.value for r in REASONS], dtype=object)[self.reason].tolist()
        seat = np.array([None if s is None else s.value for s in SEATS],
                        dtype=object)[self.seat].tolist()
        unit_ids = np.array([*p.unit_ids, None], dtype=object)
        unit = unit_ids[self.unit].tolist()
        choice = [c + 1 if c >= 0 else None for c in self.choice.tolist()]
        rank = [r + 1 if e else None for r, e in zip(self.place.tolist(), p.eligible.tolist(),
                                                      strict=True)]
        waits: list[list[list[Any]]] = [[] for _ in range(len(self))]
        rows, cols = np.nonzero(self.waitlist)
        for i, u, w in zip(rows.tolist(), p.preferences[rows, cols].tolist(),
                           self.waitlist[rows, cols].tolist(), strict=True):
            waits[i].append([p.unit_ids[u], w])
        ids = p.applicant_ids
        return [[ids[i], status[i], reason[i], unit[i], seat[i], choice[i], rank[i], waits[i]]
                for i in sorted(range(len(ids)), key=ids.__getitem__)]


def allocate_problem(problem: Problem, policy: SelectionPolicy) -> Allocation:
    """Run the choice rule on a round in columns (see the module docstring)."""
    n, width = problem.preferences.shape
    reserved = np.asarray(reserved_seats_of(problem.capacity, policy.priority_share,
                                            policy.rounding), dtype=np.int64)
    place = merit_order(problem.score, problem.lottery, problem.eligible)
    held, seat, rounds = _match(problem, place, reserved, policy.order)
    matched = held >= 0
    rows = np.flatnonzero(matched)
    unit = np.full(n, -1, dtype=np.int64)
    unit[rows] = problem.preferences[rows, held[rows]]
    alive = problem.eligible & ~problem.withdrawn

    # Waitlists: every choice still in play above the one held, ordered by merit per unit.
    columns = np.arange(width)
    limit = np.where(matched, held, width)
    waiting = problem.allowed & alive[:, None] & (columns[None, :] < limit[:, None])
    w_rows, w_cols = np.nonzero(waiting)
    w_units = problem.preferences[w_rows, w_cols].astype(np.int64)
    by_unit = np.lexsort((place[w_rows], w_units))
    w_rows, w_cols, w_units = w_rows[by_unit], w_cols[by_unit], w_units[by_unit]
    w_place = np.arange(len(w_rows)) - _segment_positions(w_units) + 1
    if policy.waitlist_ratio is not None:
        length = problem.capacity * policy.waitlist_ratio.numerator // policy.waitlist_ratio.denominator
        w_place = np.where(w_place <= length[w_units], w_place, 0)
    waitlist = np.zeros((n, width), dtype=np.int32)
    waitlist[w_rows, w_cols] = w_place
    pool = waitlist > 0
    pool[rows, held[rows]] = True

    status = np.full(n, _S[Status.NOT_SELECTED], dtype=np.int8)
    status[(waitlist > 0).any(axis=1)] = _S[Status.WAITLISTED]
    status[matched] = _S[Status.SELECTED]
    status[problem.withdrawn] = _S[Status.WITHDRAWN]
    status[~problem.eligible] = _S[Status.INELIGIBLE]
    reason = _reasons(problem, place, unit, seat, held, matched, alive)
    return Allocation(problem=problem, policy=policy, reserved=reserved, status=status,
                      reason=reason, unit=unit, seat=seat, choice=held, place=place,
                      waitlist=waitlist, pool=pool, rounds=rounds)


def _worst(units: np.ndarray, places: np.ndarray, m: int) -> np.ndarray:
    worst = np.full(m, -1, dtype=np.int64)
    np.maximum.at(worst, units, places)
    return worst


def _reasons(problem: Problem, place: np.ndarray, unit: np.ndarray, seat: np.ndarray,
             held: np.ndarray, matched: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Why each applicant stands where they stand (selected: at their unit; not: at choice 1)."""
    n = problem.size
    m = len(problem.capacity)
    score = problem.score
    # Score at each place of merit; index -1 and index n (no one) read the trailing NaN.
    score_at = np.append(score[np.argsort(place)], np.nan)
    reason = np.full(n, _R[Reason.SCORE], dtype=np.int8)

    rows = np.flatnonzero(matched)
    holders = np.bincount(unit[rows], minlength=m)
    res = rows[seat[rows] == _RESERVED]
    opn = rows[seat[rows] == _OPEN]
    worst_reserved = _worst(unit[res], place[res], m)
    worst_open = _worst(unit[opn], place[opn], m)
    worst_reserved_score = score_at[worst_reserved]
    worst_open_score = score_at[worst_open]
    # Who wanted each unit and did not get it, from the applicants' own lists (not the pool of
    # a promotion re-run), so a reason never changes just because a waitlist was cut.
    width = problem.preferences.shape[1]
    above = np.arange(width)[None, :] < np.where(matched, held, width)[:, None]
    w_rows, w_cols = np.nonzero((problem.preferences >= 0) & alive[:, None] & above)
    best_waiting = np.full(m, n, dtype=np.int64)
    np.minimum.at(best_waiting, problem.preferences[w_rows, w_cols], place[w_rows])
    best_waiting_score = score_at[best_waiting]

    reason[res] = _R[Reason.PRIORITY]
    reason[opn[score[opn] == best_waiting_score[unit[opn]]]] = _R[Reason.LOTTERY]

    out = np.flatnonzero(alive & ~matched)
    first = problem.preferences[out, 0].astype(np.int64)
    has = first >= 0
    u = np.where(has, first, 0)
    mine = np.full(len(out), _R[Reason.SCORE], dtype=np.int8)
    tie = (score[out] == worst_open_score[u]) | (problem.priority[out]
                                                 & (score[out] == worst_reserved_score[u]))
    mine[tie] = _R[Reason.LOTTERY]
    mine[~problem.priority[out] & (worst_reserved[u] > place[out])] = _R[Reason.QUOTA]
    mine[holders[u] < problem.capacity[u]] = _R[Reason.CAPACITY]
    mine[problem.capacity[u] == 0] = _R[Reason.NO_SEATS]
    mine[~has] = _R[Reason.NO_PREFERENCE]
    reason[out] = mine
    reason[problem.withdrawn] = _R[Reason.WITHDRAWN]
    reason[~problem.eligible] = _R[Reason.INELIGIBLE]
    return reason


def allocate(inputs: SelectionInputs, lottery: np.ndarray, policy: SelectionPolicy,
             withdrawn: Collection[str] = ()) -> Allocation:
    """Select a round: ``lottery`` from ``lottery.lottery_keys(seed, ids)`` in applicant order."""
    return allocate_problem(build_problem(inputs, lottery, withdrawn), policy)
