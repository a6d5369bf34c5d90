"""Preferences from fit and ranked lists; the max-fit alternative against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.matching import (
    blocking_pairs,
    build_problem,
    deferred_acceptance,
    max_fit_assignment,
    over_capacity,
    pairs_from_fit,
    total_fit,
)
from tests.matching.reference import all_matchings
from tests.matching.strategies import problems

SEED = bytes(range(16))


def test_fit_lists_respect_minimum_and_length():
    scores = np.array([[9000, 2000, 5000, 7000], [100, 200, 300, 400]], dtype=np.int16)
    cand, post, ckey, pkey = pairs_from_fit(scores, min_fit=3000, list_length=2)
    assert list(zip(cand.tolist(), post.tolist(), strict=True)) in (
        [(0, 0), (0, 3)], [(0, 3), (0, 0)])
    assert sorted(ckey.tolist()) == [-9000, -7000]
    assert sorted(pkey.tolist()) == [-9000, -7000]


def test_ranked_lists_override_fit_and_refuse_the_unranked():
    scores = np.full((3, 2), 8000, dtype=np.int16)
    scores[2, 1] = 1000  # below the minimum: refused even though ranked
    cand, post, ckey, pkey = pairs_from_fit(
        scores, min_fit=3000, list_length=5,
        candidate_rankings={0: [1, 0], 2: [1, 0]}, posting_rankings={1: [2, 0]})
    pairs = {(c, p): (ck, pk) for c, p, ck, pk in zip(cand.tolist(), post.tolist(),
                                                      ckey.tolist(), pkey.tolist(), strict=True)}
    assert pairs[(0, 1)] == (0, 1)  # candidate 0's first choice; posting 1 ranks them second
    assert pairs[(0, 0)] == (1, -8000)
    assert (1, 1) not in pairs  # posting 1 did not rank candidate 1
    assert (2, 1) not in pairs  # below the minimum fit
    problem = build_problem([1, 1], cand, post, ckey, pkey,
                            candidate_ids=["a", "b", "c"], posting_ids=["x", "y"], seed=SEED)
    assert deferred_acceptance(problem).posting[0] == 1


@settings(max_examples=150, deadline=None)
@given(problems(max_candidates=5, max_postings=3), st.randoms(use_true_random=False))
def test_max_fit_is_the_best_total_within_seats(problem, rnd):
    fit = np.array([rnd.randint(0, 100) for _ in range(problem.n_entries)], dtype=np.int64)
    best = max_fit_assignment(problem, fit)
    assert len(over_capacity(problem, best)) == 0
    brute = max(total_fit(m, fit) for m in all_matchings(problem))
    assert total_fit(best, fit) == brute


def test_max_fit_beats_stable_on_total_but_may_be_unstable():
    # Candidate 0 prefers A; A prefers candidate 0. Candidate 1 fits only A, and much better.
    fit_by_pair = {(0, 0): 60, (0, 1): 55, (1, 0): 90}
    cand = np.array([c for c, _ in fit_by_pair])
    post = np.array([p for _, p in fit_by_pair])
    values = np.array(list(fit_by_pair.values()))
    problem = build_problem([1, 1], cand, post, -values, np.array([0, 0, 1]),
                            candidate_ids=["a", "b"], posting_ids=["A", "B"], seed=SEED)
    fit = np.array([fit_by_pair[(c, p)] for c, p in zip(
        problem.candidate_of_entry().tolist(), problem.pref_posting.tolist(), strict=True)])
    stable = deferred_acceptance(problem)
    best = max_fit_assignment(problem, fit)
    assert stable.posting.tolist() == [0, -1] and total_fit(stable, fit) == 60
    assert best.posting.tolist() == [1, 0] and total_fit(best, fit) == 145
    assert len(blocking_pairs(problem, best)) == 1
