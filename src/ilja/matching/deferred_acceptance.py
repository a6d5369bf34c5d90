"""Candidate-proposing deferred acceptance with capacities (many-to-one, Gale–Shapley / Roth).

Issue 5 §3. Every free candidate proposes to the next posting on their list; a posting holds its
best ``capacity`` proposals so far and rejects the rest; rejected candidates propose again. With
strict preferences the result is the candidate-optimal stable matching, whatever the order of
proposals, so proposing in simultaneous rounds (as here, vectorised with numpy) gives the same
matching as one-at-a-time proposing (as the ``matching`` package and the textbook do).

A posting's held proposals live in its own slots (``capacity`` of them, best first). In a round
only the postings that receive proposals are re-sorted, so late rounds with few proposers stay
cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ilja.matching.problem import MatchingProblem

UNMATCHED = -1


@dataclass(frozen=True)
class Matching:
    """For each candidate: the posting (or -1) and the problem entry (or -1) they are matched by."""

    posting: np.ndarray
    entry: np.ndarray
    rounds: int
    proposals: int

    def matched_count(self) -> int:
        return int((self.posting >= 0).sum())

    def posting_members(self, n_postings: int) -> list[list[int]]:
        """Candidates matched to each posting, in candidate order."""
        members: list[list[int]] = [[] for _ in range(n_postings)]
        for c in np.flatnonzero(self.posting >= 0).tolist():
            members[int(self.posting[c])].append(c)
        return members


def deferred_acceptance(problem: MatchingProblem) -> Matching:
    """The candidate-optimal stable matching of ``problem``."""
    n_c, n_p = problem.n_candidates, problem.n_postings
    ptr, post_of = problem.pref_ptr, problem.pref_posting
    cand_of = problem.candidate_of_entry()
    rank_of = problem.posting_rank
    capacity = problem.capacity
    width = int(rank_of.max()) + 2 if len(rank_of) else 2
    empty_rank = width - 1
    # Slots: posting p owns slots[slot_ptr[p] : slot_ptr[p] + capacity[p]], best first.
    slot_ptr = np.zeros(n_p + 1, dtype=np.int64)
    np.cumsum(capacity, out=slot_ptr[1:])
    slot_rank = np.full(int(slot_ptr[-1]), empty_rank, dtype=np.int64)
    slot_entry = np.full(int(slot_ptr[-1]), UNMATCHED, dtype=np.int64)
    last_slot = slot_ptr[1:] - 1
    full_cap = capacity > 0

    next_entry = ptr[:-1].copy()
    end = ptr[1:]
    free = np.flatnonzero(next_entry < end)
    rounds = proposals = 0
    while free.size:
        rounds += 1
        entries = next_entry[free]
        next_entry[free] += 1
        proposals += entries.size
        posts = post_of[entries]
        ranks = rank_of[entries]
        # A proposal worse than a full posting's worst held one is refused at once.
        worst = np.full(posts.size, -1, dtype=np.int64)
        open_ = full_cap[posts]
        worst[open_] = slot_rank[last_slot[posts[open_]]]
        accepted = ranks < worst
        refused = entries[~accepted]
        entries, posts, ranks = entries[accepted], posts[accepted], ranks[accepted]
        if entries.size:
            touched = np.unique(posts)
            lengths = capacity[touched]
            total = int(lengths.sum())
            offsets = np.repeat(slot_ptr[touched] - np.cumsum(lengths) + lengths, lengths)
            slot_index = offsets + np.arange(total)
            all_post = np.concatenate((np.repeat(touched, lengths), posts))
            all_rank = np.concatenate((slot_rank[slot_index], ranks))
            all_entry = np.concatenate((slot_entry[slot_index], entries))
            order = np.argsort(all_post * width + all_rank, kind="stable")
            all_post, all_rank, all_entry = all_post[order], all_rank[order], all_entry[order]
            group_start = np.searchsorted(all_post, touched)
            position = np.arange(all_post.size) - np.repeat(group_start, np.diff(
                np.append(group_start, all_post.size)))
            kept = position < capacity[all_post]
            target = slot_ptr[all_post[kept]] + position[kept]
            slot_rank[target] = all_rank[kept]
            slot_entry[target] = all_entry[kept]
            dropped = all_entry[~kept]
            refused = np.concatenate((refused, dropped[dropped >= 0]))
        free = cand_of[refused]
        free = free[next_entry[free] < end[free]]

    entry = np.full(n_c, UNMATCHED, dtype=np.int64)
    held = slot_entry[slot_entry >= 0]
    entry[cand_of[held]] = held
    posting = np.full(n_c, UNMATCHED, dtype=np.int64)
    posting[cand_of[held]] = post_of[held]
    return Matching(posting=posting, entry=entry, rounds=rounds, proposals=proposals)


def matching_from_postings(problem: MatchingProblem, posting: np.ndarray) -> Matching:
    """A ``Matching`` from a posting per candidate (e.g. another solver's result)."""
    posting = np.asarray(posting, dtype=np.int64)
    cand_of = problem.candidate_of_entry()
    entry = np.full(problem.n_candidates, UNMATCHED, dtype=np.int64)
    hit = problem.pref_posting == posting[cand_of]
    entry[cand_of[hit]] = np.flatnonzero(hit)
    if ((posting >= 0) & (entry < 0)).any():
        bad = int(np.flatnonzero((posting >= 0) & (entry < 0))[0])
        raise ValueError(f"candidate {bad} is matched to a posting they did not find acceptable")
    return Matching(posting=posting, entry=entry, rounds=0, proposals=0)


def blocking_pairs(problem: MatchingProblem, matching: Matching) -> np.ndarray:
    """Entries (candidate, posting) that would both rather be matched to each other.

    A pair blocks when the candidate prefers the posting to their match (or is unmatched) and
    the posting has a free seat or holds someone it ranks below the candidate. Vectorised over
    all entries: the proof of stability that the tests and every run check.
    """
    n_p = problem.n_postings
    cand_of = problem.candidate_of_entry()
    position = np.arange(problem.n_entries) - problem.pref_ptr[cand_of]
    matched_position = np.where(matching.entry >= 0,
                                matching.entry - problem.pref_ptr[:-1], np.iinfo(np.int64).max)
    wants = position < matched_position[cand_of]
    held = matching.entry[matching.entry >= 0]
    held_posting = problem.pref_posting[held]
    count = np.bincount(held_posting, minlength=n_p)
    worst = np.full(n_p, -1, dtype=np.int64)
    np.maximum.at(worst, held_posting, problem.posting_rank[held])
    has_room = count[problem.pref_posting] < problem.capacity[problem.pref_posting]
    prefers = problem.posting_rank < worst[problem.pref_posting]
    return np.flatnonzero(wants & (has_room | prefers))


def over_capacity(problem: MatchingProblem, matching: Matching) -> np.ndarray:
    """Postings holding more candidates than they have seats (empty for a valid matching)."""
    count = np.bincount(matching.posting[matching.posting >= 0], minlength=problem.n_postings)
    return np.flatnonzero(count > problem.capacity)
