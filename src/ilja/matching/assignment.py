"""The alternative run: the matching with the largest total fit under the seats (최대 적합도 배정).

Issue 5 §3: for postings that don't rank, a coordinator may prefer the assignment that fits best
overall to the stable one. Each posting is expanded into one column per seat, every candidate
gets a private "stay unmatched" column, and SciPy's sparse LAPJV solver
(``min_weight_full_bipartite_matching``) finds the cheapest full matching of the candidates with
cost ``top + 1 - fit`` on real seats and ``top + 1`` on their own column — i.e. the largest total
fit over acceptable pairs. Only pairs in the problem (acceptable to both sides) are allowed.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from ilja.matching.deferred_acceptance import UNMATCHED, Matching
from ilja.matching.problem import MatchingProblem


def max_fit_assignment(problem: MatchingProblem, fit: np.ndarray) -> Matching:
    """Candidates to postings maximising the sum of ``fit`` (one value per problem entry).

    Ties between equally good assignments are settled by the solver deterministically (same
    inputs → same result), not by the lottery.
    """
    fit = np.asarray(fit, dtype=np.int64)
    if fit.shape != (problem.n_entries,):
        raise ValueError("one fit value per problem entry")
    n_c = problem.n_candidates
    cand_of = problem.candidate_of_entry()
    posting = np.full(n_c, UNMATCHED, dtype=np.int64)
    entry = np.full(n_c, UNMATCHED, dtype=np.int64)
    if n_c == 0 or problem.n_entries == 0:
        return Matching(posting=posting, entry=entry, rounds=0, proposals=0)
    seat_ptr = np.zeros(problem.n_postings + 1, dtype=np.int64)
    np.cumsum(problem.capacity, out=seat_ptr[1:])
    n_seats = int(seat_ptr[-1])
    seats_per_entry = problem.capacity[problem.pref_posting]
    edge_entry = np.repeat(np.arange(problem.n_entries), seats_per_entry)
    first = np.repeat(seat_ptr[problem.pref_posting] - np.cumsum(seats_per_entry)
                      + seats_per_entry, seats_per_entry)
    edge_seat = first + np.arange(len(edge_entry))
    top = int(fit.max(initial=0)) + 1
    rows = np.concatenate((cand_of[edge_entry], np.arange(n_c)))
    cols = np.concatenate((edge_seat, n_seats + np.arange(n_c)))
    cost = np.concatenate((top - fit[edge_entry], np.full(n_c, top))).astype(np.float64)
    graph = sp.csr_matrix((cost, (rows, cols)), shape=(n_c, n_seats + n_c))
    _, matched_col = min_weight_full_bipartite_matching(graph)
    real = matched_col < n_seats
    seat_posting = np.repeat(np.arange(problem.n_postings), problem.capacity)
    posting[real] = seat_posting[matched_col[real]]
    chosen = problem.pref_posting == posting[cand_of]
    entry[cand_of[chosen]] = np.flatnonzero(chosen)
    return Matching(posting=posting, entry=entry, rounds=0, proposals=0)


def total_fit(matching: Matching, fit: np.ndarray) -> int:
    """Sum of the fit of the matched pairs."""
    held = matching.entry[matching.entry >= 0]
    return int(np.asarray(fit, dtype=np.int64)[held].sum())
