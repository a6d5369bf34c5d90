"""Hypothesis strategies for small two-sided matching problems: few postings and keys, so ties,
full postings and empty lists are common."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from ilja.matching import MatchingProblem, build_problem

seeds = st.binary(min_size=16, max_size=32)


@st.composite
def problems(draw: st.DrawFn, max_candidates: int = 12, max_postings: int = 5) -> MatchingProblem:
    n_c = draw(st.integers(0, max_candidates))
    n_p = draw(st.integers(1, max_postings))
    capacity = draw(st.lists(st.integers(0, 3), min_size=n_p, max_size=n_p))
    cand: list[int] = []
    post: list[int] = []
    for c in range(n_c):
        chosen = draw(st.lists(st.integers(0, n_p - 1), max_size=n_p, unique=True))
        cand += [c] * len(chosen)
        post += chosen
    n = len(cand)
    ckey = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    pkey = draw(st.lists(st.integers(0, 2), min_size=n, max_size=n))
    return build_problem(np.array(capacity), np.array(cand, dtype=np.int64),
                         np.array(post, dtype=np.int64), np.array(ckey), np.array(pkey),
                         candidate_ids=[f"c{i}" for i in range(n_c)],
                         posting_ids=[f"p{j}" for j in range(n_p)], seed=draw(seeds))
