"""A round as columns: the checked, numpy form of ``SelectionInputs`` the choice rule runs on."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from ilja.selection.model import Applicant, SelectionInputError, SelectionInputs


@dataclass(frozen=True)
class Problem:
    """A round as columns: what ``allocate_problem`` works on.

    ``preferences[i, j]`` is the unit index of applicant i's (j+1)-th choice, -1 where the list
    is shorter; ``allowed[i, j]`` says whether that choice is still in play (a promotion re-run
    keeps only the units an applicant is seated at or waitlisted for); ``lottery`` holds each
    applicant's 256-bit lottery number as four big-endian uint64 words, most significant first.
    """

    applicant_ids: Sequence[str]
    eligible: np.ndarray
    withdrawn: np.ndarray
    score: np.ndarray
    priority: np.ndarray
    lottery: np.ndarray
    preferences: np.ndarray
    allowed: np.ndarray
    unit_ids: Sequence[str]
    capacity: np.ndarray
    unit_group: np.ndarray
    group_ids: Sequence[str]
    group_capacity: np.ndarray

    @property
    def size(self) -> int:
        return len(self.applicant_ids)

    def with_changes(self, *, withdrawn: np.ndarray | None = None,
                     allowed: np.ndarray | None = None) -> Problem:
        return Problem(
            self.applicant_ids, self.eligible,
            self.withdrawn if withdrawn is None else withdrawn,
            self.score, self.priority, self.lottery, self.preferences,
            self.allowed if allowed is None else allowed,
            self.unit_ids, self.capacity, self.unit_group, self.group_ids, self.group_capacity,
        )


def build_problem(inputs: SelectionInputs, lottery: np.ndarray,
                  withdrawn: Collection[str] = ()) -> Problem:
    """Check the inputs and turn them into columns; ``lottery`` is aligned with the applicants."""
    applicants: Sequence[Applicant] = inputs.applicants
    n = len(applicants)
    lottery = np.asarray(lottery, dtype=np.uint64)
    if lottery.shape != (n, 4):
        raise SelectionInputError("lottery", "lottery_shape",
                                  f"expected {n} lottery numbers as ({n}, 4) uint64 words, "
                                  f"got shape {lottery.shape}")
    group_index: dict[str, int] = {}
    group_capacity = np.full(len(inputs.groups), -1, dtype=np.int64)
    for g, group in enumerate(inputs.groups):
        if group.id in group_index:
            raise SelectionInputError(f"groups[{g}]", "duplicate_group", f"group {group.id!r} twice")
        if group.capacity is not None and group.capacity < 0:
            raise SelectionInputError(f"groups[{g}].capacity", "capacity_negative",
                                      f"group {group.id!r} has {group.capacity} seats")
        group_index[group.id] = g
        group_capacity[g] = -1 if group.capacity is None else group.capacity
    unit_index: dict[str, int] = {}
    m = len(inputs.units)
    capacity = np.zeros(m, dtype=np.int64)
    unit_group = np.full(m, -1, dtype=np.int32)
    for u, unit in enumerate(inputs.units):
        if unit.id in unit_index:
            raise SelectionInputError(f"units[{u}]", "duplicate_unit", f"unit {unit.id!r} twice")
        if unit.capacity < 0:
            raise SelectionInputError(f"units[{u}].capacity", "capacity_negative",
                                      f"unit {unit.id!r} has {unit.capacity} seats")
        if unit.group is not None:
            if unit.group not in group_index:
                raise SelectionInputError(f"units[{u}].group", "unknown_group",
                                          f"unit {unit.id!r} names unknown group {unit.group!r}")
            unit_group[u] = group_index[unit.group]
        unit_index[unit.id] = u
        capacity[u] = unit.capacity

    ids = [a.id for a in applicants]
    if len(set(ids)) != n:
        seen: set[str] = set()
        for i, applicant_id in enumerate(ids):
            if applicant_id in seen:
                raise SelectionInputError(f"applicants[{i}]", "duplicate_applicant",
                                          f"application {applicant_id!r} appears twice")
            seen.add(applicant_id)
    width = max(1, max((len(a.preferences) for a in applicants), default=0))
    preferences = np.full((n, width), -1, dtype=np.int32)
    try:
        if width == 1:
            preferences[:, 0] = [unit_index[a.preferences[0]] if a.preferences else -1
                                 for a in applicants]
        else:
            for i, applicant in enumerate(applicants):
                row = [unit_index[unit_id] for unit_id in applicant.preferences]
                preferences[i, :len(row)] = row
                if len(set(row)) != len(row):
                    raise SelectionInputError(
                        f"applicants[{i}].preferences", "duplicate_preference",
                        f"application {applicant.id!r} lists a unit twice")
    except KeyError:
        for i, applicant in enumerate(applicants):
            for j, unit_id in enumerate(applicant.preferences):
                if unit_id not in unit_index:
                    raise SelectionInputError(
                        f"applicants[{i}].preferences[{j}]", "unknown_unit",
                        f"application {applicant.id!r} names unknown unit {unit_id!r}") from None
    score = np.fromiter((a.score for a in applicants), dtype=np.float64, count=n)
    if not np.isfinite(score).all():
        i = int(np.flatnonzero(~np.isfinite(score))[0])
        raise SelectionInputError(f"applicants[{i}].score", "score_not_finite",
                                  f"application {ids[i]!r} has score {applicants[i].score!r}")
    eligible = np.fromiter((bool(a.eligible) for a in applicants), dtype=bool, count=n)
    priority = np.fromiter((bool(a.priority) for a in applicants), dtype=bool, count=n)
    unknown = set(withdrawn) - set(ids)
    if unknown:
        raise SelectionInputError("withdrawn", "unknown_applicant",
                                  f"{len(unknown)} withdrawn id(s) are not in the round")
    withdrawn_mask = np.zeros(n, dtype=bool)
    if withdrawn:
        position = {applicant_id: i for i, applicant_id in enumerate(ids)}
        withdrawn_mask[[position[w] for w in withdrawn]] = True
    return Problem(
        applicant_ids=ids, eligible=eligible, withdrawn=withdrawn_mask, score=score,
        priority=priority, lottery=lottery, preferences=preferences, allowed=preferences >= 0,
        unit_ids=[u.id for u in inputs.units], capacity=capacity, unit_group=unit_group,
        group_ids=[g.id for g in inputs.groups], group_capacity=group_capacity,
    )
