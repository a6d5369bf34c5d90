"""Brute force over every matching of a tiny problem: the stable ones and the best total fit."""

from __future__ import annotations

import itertools

import numpy as np

from ilja.matching import Matching, MatchingProblem, blocking_pairs, matching_from_postings


def all_matchings(problem: MatchingProblem) -> list[Matching]:
    """Every assignment of candidates to acceptable postings (or none) within the seats."""
    options = [[-1, *problem.candidate_list(c)] for c in range(problem.n_candidates)]
    result = []
    for choice in itertools.product(*options):
        posting = np.array(choice, dtype=np.int64)
        count = np.bincount(posting[posting >= 0], minlength=problem.n_postings)
        if (count <= problem.capacity).all():
            result.append(matching_from_postings(problem, posting))
    return result


def stable_matchings(problem: MatchingProblem) -> list[Matching]:
    return [m for m in all_matchings(problem) if len(blocking_pairs(problem, m)) == 0]


def candidate_position(problem: MatchingProblem, m: Matching, c: int) -> int:
    """Where the candidate's match is on their list (their list's length when unmatched)."""
    if m.entry[c] < 0:
        return int(problem.pref_ptr[c + 1] - problem.pref_ptr[c])
    return int(m.entry[c] - problem.pref_ptr[c])
