"""Competition rates (경쟁률) and selection statistics per round, unit and group (field).

경쟁률 = applicants / seats, the way notices and the Academy's reports state it ("3.3:1",
seoul-2025-academy-2-0-release): every application counts, eligible or not, at its first choice
(1지망), and the rate is rounded half up to two decimals. A group's seats are the sum of its
units' seats, or its own total where that is smaller.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np

from ilja.selection.allocation import Allocation
from ilja.selection.model import SEATS, STATUSES, Seat, Status

_HUNDREDTH = Decimal("0.01")
_RESERVED = SEATS.index(Seat.RESERVED)


def competition_rate(applicants: int, seats: int) -> Decimal | None:
    """경쟁률 as a Decimal to two places (half up); ``None`` where there are no seats."""
    if seats <= 0:
        return None
    return (Decimal(applicants) / Decimal(seats)).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Figures:
    """The counts shared by a unit, a group and the round."""

    seats: int
    reserved_seats: int
    applicants: int
    eligible_applicants: int
    selected: int
    selected_reserved: int
    selected_open: int
    reverted_seats: int
    vacant_seats: int
    waitlisted: int
    competition_rate: Decimal | None
    lowest_selected_score: float | None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if self.competition_rate is not None:
            data["competition_rate"] = str(self.competition_rate)
        return data


@dataclass(frozen=True)
class UnitStats(Figures):
    unit: str = ""
    group: str | None = None


@dataclass(frozen=True)
class GroupStats(Figures):
    group: str | None = None
    units: int = 0
    unit_seats: int = 0
    group_capacity: int | None = None


@dataclass(frozen=True)
class RoundStats(Figures):
    """The round's totals, its status counts and the per-unit and per-group figures."""

    statuses: dict[str, int] | None = None
    units: tuple[UnitStats, ...] = ()
    groups: tuple[GroupStats, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        data = Figures.as_dict(self)
        data["statuses"] = self.statuses
        data["units"] = [u.as_dict() for u in self.units]
        data["groups"] = [g.as_dict() for g in self.groups]
        return data


def _lowest(scores: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    lowest = np.full(size, np.inf)
    np.minimum.at(lowest, index, scores)
    return lowest


def selection_stats(allocation: Allocation) -> RoundStats:
    """Every figure of a round from its allocation, in one pass of bincounts.

    A unit's ``waitlisted`` counts the places on its waitlist; the round's counts persons
    (an applicant may wait for several units). ``reverted_seats`` are reserved seats the
    priority applicants left and others took from the open pool.
    """
    p = allocation.problem
    m = len(p.unit_ids)
    first = p.preferences[:, 0].astype(np.int64)
    applied = first >= 0
    selected = allocation.unit >= 0
    reserved_seat = selected & (allocation.seat == _RESERVED)
    sel_units = allocation.unit[selected]

    def per_unit(mask: np.ndarray, units: np.ndarray) -> np.ndarray:
        return np.bincount(units[mask], minlength=m).astype(np.int64)

    applicants = per_unit(applied, first)
    eligible = per_unit(applied & p.eligible, first)
    chosen = per_unit(selected, allocation.unit)
    chosen_reserved = per_unit(reserved_seat, allocation.unit)
    w_rows, w_cols = np.nonzero(allocation.waitlist)
    waitlisted = np.bincount(p.preferences[w_rows, w_cols], minlength=m).astype(np.int64)
    lowest = _lowest(p.score[selected], sel_units, m)
    capacity = p.capacity
    reserved = allocation.reserved
    chosen_open = chosen - chosen_reserved
    reverted = np.maximum(0, chosen_open - (capacity - reserved))

    def figures(seats: int, pick: np.ndarray) -> dict[str, Any]:
        low = float(lowest[pick].min()) if pick.any() else np.inf
        picked_selected = int(chosen[pick].sum())
        total_applicants = int(applicants[pick].sum())
        return {
            "seats": seats,
            "reserved_seats": int(reserved[pick].sum()),
            "applicants": total_applicants,
            "eligible_applicants": int(eligible[pick].sum()),
            "selected": picked_selected,
            "selected_reserved": int(chosen_reserved[pick].sum()),
            "selected_open": int(chosen_open[pick].sum()),
            "reverted_seats": int(reverted[pick].sum()),
            "vacant_seats": seats - picked_selected,
            "waitlisted": int(waitlisted[pick].sum()),
            "competition_rate": competition_rate(total_applicants, seats),
            "lowest_selected_score": None if np.isinf(low) else low,
        }

    units = [
        UnitStats(
            seats=c, reserved_seats=r, applicants=a, eligible_applicants=e, selected=s,
            selected_reserved=sr, selected_open=so, reverted_seats=rv, vacant_seats=c - s,
            waitlisted=w, competition_rate=competition_rate(a, c),
            lowest_selected_score=None if np.isinf(low) else low,
            unit=unit, group=p.group_ids[g] if g >= 0 else None,
        )
        for unit, g, c, r, a, e, s, sr, so, rv, w, low in zip(
            p.unit_ids, p.unit_group.tolist(), capacity.tolist(), reserved.tolist(),
            applicants.tolist(), eligible.tolist(), chosen.tolist(), chosen_reserved.tolist(),
            chosen_open.tolist(), reverted.tolist(), waitlisted.tolist(), lowest.tolist(),
            strict=True)
    ]
    groups = []
    for g in range(-1, len(p.group_ids)):
        pick = p.unit_group == g
        if g < 0 and not pick.any():
            continue
        unit_seats = int(capacity[pick].sum())
        cap = int(p.group_capacity[g]) if g >= 0 and p.group_capacity[g] >= 0 else None
        seats = unit_seats if cap is None else min(unit_seats, cap)
        groups.append(GroupStats(**figures(seats, pick), group=p.group_ids[g] if g >= 0 else None,
                                 units=int(pick.sum()), unit_seats=unit_seats, group_capacity=cap))
    everything = np.ones(m, dtype=bool)
    seats = sum(g.seats for g in groups)
    totals = figures(seats, everything)
    totals["applicants"] = int(len(p.applicant_ids))
    totals["eligible_applicants"] = int(p.eligible.sum())
    totals["competition_rate"] = competition_rate(totals["applicants"], seats)
    counts = np.bincount(allocation.status, minlength=len(STATUSES))
    statuses = {s.value: int(counts[i]) for i, s in enumerate(STATUSES)}
    totals["waitlisted"] = statuses[Status.WAITLISTED.value]
    return RoundStats(**totals, statuses=statuses, units=tuple(units), groups=tuple(groups))
