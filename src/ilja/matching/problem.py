"""A matching problem as columns: who finds whom acceptable, in which order, and the seats.

Issue 5 §3: preferences come from both sides — a ranked list where one was given, the fit score
where not — and ties are broken by the seeded, verifiable lottery of the selection
(``ilja.selection.lottery``, scheme ``ilja-lottery-v1``):

- a posting's tie between candidates goes to the smaller lottery number of the candidate id
  (one number per candidate for the whole run, as in the selection's single tie-breaking);
- a candidate's tie between postings goes to the smaller lottery number of ``"posting:" + id``.

The problem is stored as compressed rows over candidates: entry ``e`` of candidate ``c`` (in
``pref_ptr[c] … pref_ptr[c+1]``) is their ``e - pref_ptr[c]``-th choice ``pref_posting[e]``, and
``posting_rank[e]`` is where that posting ranks that candidate (0 = best, strict per posting).
Only pairs acceptable to both sides are entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ilja.matching.errors import MatchingInputError
from ilja.selection.lottery import lottery_keys
from ilja.selection.model import SelectionInputError


@dataclass(frozen=True)
class MatchingProblem:
    """Seats per posting and both sides' strict preferences over acceptable pairs."""

    capacity: np.ndarray  # int64, per posting
    pref_ptr: np.ndarray  # int64, n_candidates + 1
    pref_posting: np.ndarray  # int64, per entry
    posting_rank: np.ndarray  # int64, per entry

    @property
    def n_candidates(self) -> int:
        return len(self.pref_ptr) - 1

    @property
    def n_postings(self) -> int:
        return len(self.capacity)

    @property
    def n_entries(self) -> int:
        return len(self.pref_posting)

    def candidate_of_entry(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_candidates, dtype=np.int64), np.diff(self.pref_ptr))

    def candidate_list(self, candidate: int) -> list[int]:
        """The candidate's acceptable postings, best first."""
        return self.pref_posting[self.pref_ptr[candidate]:self.pref_ptr[candidate + 1]].tolist()

    def posting_lists(self) -> list[list[int]]:
        """Each posting's acceptable candidates, best first."""
        cand = self.candidate_of_entry()
        order = np.lexsort((self.posting_rank, self.pref_posting))
        bounds = np.searchsorted(self.pref_posting[order], np.arange(self.n_postings + 1))
        ordered = cand[order]
        return [ordered[bounds[p]:bounds[p + 1]].tolist() for p in range(self.n_postings)]


def lottery_words(seed: bytes, ids: Sequence[str]) -> np.ndarray:
    """The ``ilja-lottery-v1`` numbers of ``ids`` as (n, 4) words; a bad seed is a matching error."""
    try:
        return lottery_keys(seed, ids)
    except SelectionInputError as error:
        raise MatchingInputError("seed", error.code, error.message) from None


def lottery_places(words: np.ndarray) -> tuple[np.ndarray, int]:
    """Each lottery number's place among the distinct numbers of ``words`` ((n, 4) words, most
    significant first; equal numbers share a place, smaller first), and how many there are."""
    if len(words) == 0:
        return np.zeros(0, dtype=np.int64), 0
    order = np.lexsort(words.T[::-1])
    ordered = words[order]
    place = np.empty(len(words), dtype=np.int64)
    place[order[0]] = 0
    place[order[1:]] = np.cumsum((ordered[1:] != ordered[:-1]).any(axis=1))
    return place, int(place[order[-1]]) + 1


def key_places(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Each key as a place from 0 that orders as the key does (equal keys share it), and the
    number of places: integers of a narrow range less their minimum, else their rank among the
    distinct keys."""
    key = np.asarray(key)
    if key.dtype.kind in "iu" and len(key) and int(key.max()) - int(key.min()) < 2 ** 32:
        low = key.min()
        return (key - low).astype(np.int64), int(key.max()) - int(low) + 1
    values, inverse = np.unique(key, return_inverse=True)
    return inverse.astype(np.int64).reshape(-1), len(values)


def sort_order(keys: Sequence[tuple[np.ndarray, int]], *, distinct: bool) -> np.ndarray:
    """The stable order by several integer keys, most significant first, each ``(values,
    size)`` with values in ``0 … size - 1``: one sort of a combined key where it fits in 63 bits
    (one argsort of int64 against a lexsort of every column), else ``np.lexsort``. ``distinct``:
    no two rows have all keys equal, so any sort gives that order and the faster one is used."""
    if int(np.prod([max(size, 1) for _, size in keys], dtype=object)) < 2 ** 63:
        combined = np.zeros(len(keys[0][0]), dtype=np.int64)
        for values, size in keys:
            combined *= max(size, 1)
            combined += values
        return np.argsort(combined, kind="quicksort" if distinct else "stable")
    return np.lexsort([values for values, _ in reversed(keys)])


def build_problem(capacity: Sequence[int] | np.ndarray, candidate: np.ndarray,
                  posting: np.ndarray, candidate_key: np.ndarray, posting_key: np.ndarray, *,
                  candidate_ids: Sequence[str], posting_ids: Sequence[str],
                  seed: bytes) -> MatchingProblem:
    """Build the strict problem from acceptable pairs and both sides' keys (lower = preferred).

    ``candidate_key`` orders a candidate's postings (a rank, or minus the fit); ``posting_key``
    orders a posting's candidates. Equal keys are ties, broken by the lottery.

    Each side's 256-bit lottery numbers are replaced by their places among that side's numbers
    and each key by its place among its distinct values, so the two orders are single sorts of
    one int64 key each: the same order as sorting by the keys and the whole numbers.
    """
    capacity = np.asarray(capacity, dtype=np.int64)
    candidate = np.asarray(candidate, dtype=np.int64)
    posting = np.asarray(posting, dtype=np.int64)
    n_c, n_p = len(candidate_ids), len(posting_ids)
    if len(capacity) != n_p:
        raise MatchingInputError("capacity", "length", "one capacity per posting")
    if (capacity < 0).any():
        bad = int(np.flatnonzero(capacity < 0)[0])
        raise MatchingInputError(f"postings[{bad}].capacity", "capacity_negative",
                                 "seats cannot be negative")
    for name, arr, bound in (("candidate", candidate, n_c), ("posting", posting, n_p)):
        if len(arr) and (arr.min() < 0 or arr.max() >= bound):
            raise MatchingInputError(f"pairs.{name}", "index_out_of_range",
                                     f"a pair names a {name} that does not exist")
    pair_key = np.sort(candidate * max(n_p, 1) + posting)
    if (pair_key[1:] == pair_key[:-1]).any():
        raise MatchingInputError("pairs", "duplicate_pair", "a candidate lists a posting twice")
    cand_lot = lottery_places(lottery_words(seed, list(candidate_ids)))
    post_lot = lottery_places(lottery_words(seed, [f"posting:{p}" for p in posting_ids]))

    # the pairs are distinct, so the keys are when no two postings (candidates) drew the same
    order = sort_order([(candidate, n_c), key_places(candidate_key),
                        (post_lot[0][posting], post_lot[1])], distinct=post_lot[1] == n_p)
    candidate, posting = candidate[order], posting[order]
    posting_key = np.asarray(posting_key)[order]
    counts = np.bincount(candidate, minlength=n_c)
    pref_ptr = np.zeros(n_c + 1, dtype=np.int64)
    np.cumsum(counts, out=pref_ptr[1:])

    by_posting = sort_order([(posting, n_p), key_places(posting_key),
                             (cand_lot[0][candidate], cand_lot[1])], distinct=cand_lot[1] == n_c)
    starts = np.searchsorted(posting[by_posting], np.arange(n_p))
    rank = np.empty(len(posting), dtype=np.int64)
    rank[by_posting] = np.arange(len(posting)) - starts[posting[by_posting]]
    return MatchingProblem(capacity=capacity, pref_ptr=pref_ptr, pref_posting=posting,
                           posting_rank=rank)


def pairs_from_fit(scores: np.ndarray, min_fit: int, list_length: int, *,
                   candidate_rankings: Mapping[int, Sequence[int]] | None = None,
                   posting_rankings: Mapping[int, Sequence[int]] | None = None,
                   excluded: np.ndarray | None = None,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Acceptable pairs and keys from a fit matrix (candidates × postings) and ranked lists.

    A pair needs at least ``min_fit`` (stored units). A candidate who ranked postings keeps their
    order (their unranked postings are unacceptable to them); one who did not gets their
    ``list_length`` best-fitting postings. A posting that ranked candidates keeps its order and
    refuses the rest; one that did not ranks by fit. A pair a hard filter excluded (``excluded``
    non-zero, ``ilja.matching.filters``) is never acceptable, whatever its fit or rank. Returns
    (candidate, posting, candidate_key, posting_key).
    """
    candidate_rankings = candidate_rankings or {}
    posting_rankings = posting_rankings or {}
    n_c, n_p = scores.shape
    acceptable = scores >= min_fit
    if excluded is not None:
        acceptable &= excluded == 0
    for p, ranked in posting_rankings.items():
        allowed = np.zeros(n_c, dtype=bool)
        allowed[list(ranked)] = True
        acceptable[:, p] &= allowed
    masked = np.where(acceptable, scores.astype(np.int32), -1)
    ranked_rows = np.array(sorted(candidate_rankings), dtype=np.int64)
    free_rows = np.setdiff1d(np.arange(n_c), ranked_rows)
    k = min(list_length, n_p)
    cand_parts, post_parts, ckey_parts = [], [], []
    if k > 0 and len(free_rows):
        sub = masked[free_rows]
        top = np.argpartition(-sub, k - 1, axis=1)[:, :k] if k < n_p else np.tile(
            np.arange(n_p), (len(free_rows), 1))
        top_scores = np.take_along_axis(sub, top, axis=1)
        keep = top_scores >= 0
        cand_parts.append(np.repeat(free_rows, k).reshape(-1, k)[keep])
        post_parts.append(top[keep])
        ckey_parts.append(-top_scores[keep].astype(np.int64))
    for c in ranked_rows.tolist():
        ranked = list(dict.fromkeys(candidate_rankings[c]))
        for position, p in enumerate(ranked):
            if acceptable[c, p]:
                cand_parts.append(np.array([c]))
                post_parts.append(np.array([p]))
                ckey_parts.append(np.array([position]))
    if not cand_parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty, empty
    cand = np.concatenate(cand_parts).astype(np.int64)
    post = np.concatenate(post_parts).astype(np.int64)
    ckey = np.concatenate(ckey_parts).astype(np.int64)
    pkey = -scores[cand, post].astype(np.int64)
    for p, ranked in posting_rankings.items():
        place = {c: i for i, c in enumerate(ranked)}
        rows = np.flatnonzero(post == p)
        pkey[rows] = [place[int(c)] for c in cand[rows]]
    return cand, post, ckey, pkey
