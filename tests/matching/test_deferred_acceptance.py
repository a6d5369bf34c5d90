"""Deferred acceptance: stable, within the seats, candidate-optimal, reproducible, hand-checked."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.matching import (
    MatchingInputError,
    blocking_pairs,
    build_problem,
    deferred_acceptance,
    matching_from_postings,
    over_capacity,
)
from tests.matching.reference import candidate_position, stable_matchings
from tests.matching.strategies import problems, seeds

SEED = bytes(range(16))


def _problem(capacity, lists, posting_lists, seed=SEED):
    """Build from ranked lists on both sides: ``lists[c]`` postings, ``posting_lists[p]`` candidates."""
    cand, post, ckey, pkey = [], [], [], []
    for c, ranked in enumerate(lists):
        for i, p in enumerate(ranked):
            if c in posting_lists[p]:
                cand.append(c)
                post.append(p)
                ckey.append(i)
                pkey.append(posting_lists[p].index(c))
    return build_problem(np.array(capacity), np.array(cand, dtype=np.int64),
                         np.array(post, dtype=np.int64), np.array(ckey), np.array(pkey),
                         candidate_ids=[f"c{i}" for i in range(len(lists))],
                         posting_ids=[f"p{j}" for j in range(len(capacity))], seed=seed)


def test_hand_checked_instance():
    """Three trainees, two internships (A: 1 seat, B: 1 seat).

    Trainees: 0: A > B, 1: A > B, 2: A. Company A ranks 2 > 0 > 1, B ranks 0 > 1.
    Round 1: all propose to A; A keeps 2. Round 2: 0 and 1 propose to B; B keeps 0.
    1 is rejected by B with nobody left, so two rounds. Result: A–2, B–0, 1 unmatched.
    """
    problem = _problem([1, 1], [[0, 1], [0, 1], [0]], [[2, 0, 1], [0, 1]])
    result = deferred_acceptance(problem)
    assert result.posting.tolist() == [1, -1, 0]
    assert result.rounds == 2
    assert len(blocking_pairs(problem, result)) == 0


def test_candidate_optimal_differs_from_posting_optimal():
    """The classic 2×2 with opposed preferences: candidates get their first choices."""
    problem = _problem([1, 1], [[0, 1], [1, 0]], [[1, 0], [0, 1]])
    assert deferred_acceptance(problem).posting.tolist() == [0, 1]


def test_blocking_pair_found_in_an_unstable_matching():
    problem = _problem([1, 1], [[0, 1], [1, 0]], [[0, 1], [1, 0]])
    swapped = matching_from_postings(problem, np.array([1, 0]))
    assert len(blocking_pairs(problem, swapped)) == 2


def test_zero_seats_and_empty_lists():
    problem = _problem([0, 2], [[0, 1], [], [0]], [[0, 2], [0]])
    assert deferred_acceptance(problem).posting.tolist() == [1, -1, -1]


def test_bad_input_is_a_clear_error():
    with pytest.raises(MatchingInputError, match="duplicate_pair"):
        build_problem([1], np.array([0, 0]), np.array([0, 0]), np.zeros(2), np.zeros(2),
                      candidate_ids=["c"], posting_ids=["p"], seed=SEED)
    with pytest.raises(MatchingInputError, match="capacity_negative"):
        build_problem([-1], np.array([0]), np.array([0]), np.zeros(1), np.zeros(1),
                      candidate_ids=["c"], posting_ids=["p"], seed=SEED)
    with pytest.raises(MatchingInputError, match="seed"):
        build_problem([1], np.array([0]), np.array([0]), np.zeros(1), np.zeros(1),
                      candidate_ids=["c"], posting_ids=["p"], seed=b"short")


@settings(max_examples=300, deadline=None)
@given(problems())
def test_stable_and_within_seats(problem):
    result = deferred_acceptance(problem)
    assert len(blocking_pairs(problem, result)) == 0
    assert len(over_capacity(problem, result)) == 0
    held = result.entry[result.entry >= 0]
    assert (problem.pref_posting[held] == result.posting[result.entry >= 0]).all()


@settings(max_examples=150, deadline=None)
@given(problems(max_candidates=5, max_postings=3))
def test_candidate_optimal_among_all_stable_matchings(problem):
    """Every candidate does at least as well as in any stable matching (brute force)."""
    result = deferred_acceptance(problem)
    stable = stable_matchings(problem)
    assert stable
    for c in range(problem.n_candidates):
        mine = candidate_position(problem, result, c)
        assert all(mine <= candidate_position(problem, other, c) for other in stable)


@settings(max_examples=100, deadline=None)
@given(st.data(), seeds)
def test_same_inputs_and_seed_give_the_same_matching(data, seed):
    n_c, n_p = 20, 4
    cand = np.repeat(np.arange(n_c), n_p)
    post = np.tile(np.arange(n_p), n_c)
    keys = np.zeros(len(cand), dtype=np.int64)  # all ties: only the lottery decides
    capacity = data.draw(st.lists(st.integers(0, 4), min_size=n_p, max_size=n_p))
    ids = dict(candidate_ids=[f"c{i}" for i in range(n_c)],
               posting_ids=[f"p{j}" for j in range(n_p)])
    first = deferred_acceptance(build_problem(capacity, cand, post, keys, keys, seed=seed, **ids))
    again = deferred_acceptance(build_problem(capacity, cand[::-1].copy(), post[::-1].copy(),
                                              keys, keys, seed=seed, **ids))
    assert first.posting.tolist() == again.posting.tolist()


def test_another_seed_breaks_ties_differently():
    n_c = 40
    cand = np.arange(n_c)
    post = np.zeros(n_c, dtype=np.int64)
    keys = np.zeros(n_c, dtype=np.int64)
    ids = dict(candidate_ids=[f"c{i}" for i in range(n_c)], posting_ids=["p"])
    winners = {tuple(np.flatnonzero(deferred_acceptance(build_problem(
        [5], cand, post, keys, keys, seed=bytes([s]) * 16, **ids)).posting >= 0))
        for s in range(4)}
    assert len(winners) > 1


@settings(max_examples=100, deadline=None)
@given(problems(max_candidates=15, max_postings=5))
def test_same_matching_as_the_matching_package(problem):
    """The peer's hospital–resident solver (resident-optimal) agrees on every instance."""
    pytest.importorskip("matching")
    from matching.algorithms.hospital_resident import hospital_resident
    from matching.games.hospital_resident import _make_players

    residents = {c: problem.candidate_list(c) for c in range(problem.n_candidates)
                 if problem.candidate_list(c)}
    lists = problem.posting_lists()
    hospitals = {p: lists[p] for p in range(problem.n_postings) if lists[p]}
    capacities = {p: int(problem.capacity[p]) for p in hospitals}
    if not residents or 0 in capacities.values():
        return
    players = _make_players(residents, hospitals, capacities)
    expected = np.full(problem.n_candidates, -1)
    for hospital, matched in hospital_resident(*players, optimal="resident").items():
        for resident in matched:
            expected[resident.name] = hospital.name
    assert deferred_acceptance(problem).posting.tolist() == expected.tolist()
