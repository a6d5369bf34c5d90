"""Interview slots on a matching day (일자리 매칭데이) or a job fair (채용박람회).

Issue 5 §4: each organisation offers interview slots (numbered times of the day), each candidate
has at most ``k`` interviews (``matching.coordination.max_interviews_per_candidate``) and never two
at the same time, and each organisation's slots are filled by fit.

Pairs are taken best fit first (ties by the lottery of the candidate id, then of the
organisation). The schedule is built in ``k`` passes — the first gives each candidate at most one
interview, the next at most two, … — so a few strong candidates cannot take every slot of the day
before others get a first interview. A pair gets the earliest time the organisation still has
free and the candidate is not busy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ilja.matching.errors import MatchingInputError
from ilja.matching.problem import lottery_words


@dataclass(frozen=True, slots=True)
class Interview:
    candidate: int
    organisation: int
    slot: int  # time index of the day
    fit: int


def schedule_interviews(fit: np.ndarray, organisation_slots: Sequence[Sequence[int]],
                        max_per_candidate: int, min_fit: int, *,
                        candidate_ids: Sequence[str], organisation_ids: Sequence[str],
                        seed: bytes) -> list[Interview]:
    """Interviews for candidates × organisations with fit ≥ ``min_fit``; see the module."""
    fit = np.asarray(fit)
    n_c, n_o = len(candidate_ids), len(organisation_ids)
    if fit.shape != (n_c, n_o):
        raise MatchingInputError("fit", "shape", "fit must be candidates × organisations")
    if len(organisation_slots) != n_o:
        raise MatchingInputError("organisation_slots", "length", "one slot list per organisation")
    if max_per_candidate < 0:
        raise MatchingInputError("max_per_candidate", "negative", "cannot be negative")
    free_times = []
    for o, slots in enumerate(organisation_slots):
        times = sorted(int(s) for s in slots)
        if len(set(times)) != len(times) or (times and times[0] < 0):
            raise MatchingInputError(f"organisation_slots[{o}]", "slots_invalid",
                                     "slot times are distinct and not negative")
        free_times.append(times)
    cand, org = np.nonzero(fit >= min_fit)
    if cand.size == 0 or max_per_candidate == 0:
        return []
    c_lot = lottery_words(seed, list(candidate_ids))[cand]
    o_lot = lottery_words(seed, [f"organisation:{o}" for o in organisation_ids])[org]
    order = np.lexsort((o_lot[:, 3], o_lot[:, 2], o_lot[:, 1], o_lot[:, 0],
                        c_lot[:, 3], c_lot[:, 2], c_lot[:, 1], c_lot[:, 0],
                        -fit[cand, org].astype(np.int64)))
    pairs = list(zip(cand[order].tolist(), org[order].tolist(), strict=True))
    busy: list[set[int]] = [set() for _ in range(n_c)]
    done: set[tuple[int, int]] = set()
    schedule: list[Interview] = []
    for allowed in range(1, max_per_candidate + 1):
        for c, o in pairs:
            if len(busy[c]) >= allowed or (c, o) in done or not free_times[o]:
                continue
            time = next((t for t in free_times[o] if t not in busy[c]), None)
            if time is None:
                continue
            free_times[o].remove(time)
            busy[c].add(time)
            done.add((c, o))
            schedule.append(Interview(candidate=c, organisation=o, slot=time,
                                      fit=int(fit[c, o])))
    schedule.sort(key=lambda i: (i.organisation, i.slot))
    return schedule


def schedule_problems(schedule: Sequence[Interview], organisation_slots: Sequence[Sequence[int]],
                      max_per_candidate: int) -> list[str]:
    """What is wrong with a schedule (empty when valid): overlaps, unknown slots, too many."""
    problems: list[str] = []
    seen_candidate: set[tuple[int, int]] = set()
    seen_slot: set[tuple[int, int]] = set()
    seen_pair: set[tuple[int, int]] = set()
    per_candidate: dict[int, int] = {}
    for i in schedule:
        if i.slot not in organisation_slots[i.organisation]:
            problems.append(f"organisation {i.organisation} has no slot {i.slot}")
        if (i.organisation, i.slot) in seen_slot:
            problems.append(f"organisation {i.organisation} slot {i.slot} used twice")
        if (i.candidate, i.slot) in seen_candidate:
            problems.append(f"candidate {i.candidate} has two interviews at {i.slot}")
        if (i.candidate, i.organisation) in seen_pair:
            problems.append(f"candidate {i.candidate} meets organisation {i.organisation} twice")
        seen_pair.add((i.candidate, i.organisation))
        seen_slot.add((i.organisation, i.slot))
        seen_candidate.add((i.candidate, i.slot))
        per_candidate[i.candidate] = per_candidate.get(i.candidate, 0) + 1
    problems += [f"candidate {c} has {n} interviews" for c, n in per_candidate.items()
                 if n > max_per_candidate]
    return problems
