"""Matching-day interviews: no overlaps, at most k each, slots filled by fit."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.matching import schedule_interviews, schedule_problems

SEED = bytes(range(16))


def _ids(n, prefix):
    return [f"{prefix}{i}" for i in range(n)]


def test_hand_checked_day():
    """Two companies with two slots each; three trainees; at most two interviews each.

    Fit: t0 → A 90, B 80; t1 → A 70; t2 → A 60, B 50. Pass 1 (one each): t0–A@0, t1–A@1, t2–B@0.
    Pass 2: t0–B: B's slot 0 is taken, slot 1 is free and t0 is busy only at 0 → t0–B@1.
    A is full, so t2 gets one interview.
    """
    fit = np.array([[90, 80], [70, 0], [60, 50]])
    schedule = schedule_interviews(fit, [[0, 1], [0, 1]], 2, 30, candidate_ids=_ids(3, "t"),
                                   organisation_ids=["A", "B"], seed=SEED)
    got = {(i.candidate, i.organisation, i.slot) for i in schedule}
    assert got == {(0, 0, 0), (1, 0, 1), (2, 1, 0), (0, 1, 1)}


def test_below_minimum_fit_gets_no_interview():
    schedule = schedule_interviews(np.array([[10]]), [[0]], 3, 30, candidate_ids=["t"],
                                   organisation_ids=["A"], seed=SEED)
    assert schedule == []


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_schedules_are_valid(data):
    n_c = data.draw(st.integers(0, 10))
    n_o = data.draw(st.integers(1, 4))
    k = data.draw(st.integers(0, 3))
    fit = np.array(data.draw(st.lists(st.lists(st.integers(0, 5), min_size=n_o, max_size=n_o),
                                      min_size=n_c, max_size=n_c)), dtype=np.int64)
    fit = fit.reshape(n_c, n_o)
    slots = [data.draw(st.lists(st.integers(0, 5), unique=True, max_size=4)) for _ in range(n_o)]
    schedule = schedule_interviews(fit, slots, k, 2, candidate_ids=_ids(n_c, "t"),
                                   organisation_ids=_ids(n_o, "o"), seed=SEED)
    assert schedule_problems(schedule, slots, k) == []
    assert all(i.fit >= 2 for i in schedule)
    # Maximal: no eligible pair could still be added.
    busy = {(i.candidate, i.slot) for i in schedule}
    taken = {(i.organisation, i.slot) for i in schedule}
    met = {(i.candidate, i.organisation) for i in schedule}
    count = np.bincount([i.candidate for i in schedule], minlength=n_c)
    for c in range(n_c):
        for o in range(n_o):
            if fit[c, o] < 2 or (c, o) in met or count[c] >= k:
                continue
            assert all((o, t) in taken or (c, t) in busy for t in slots[o])
