"""The strict problem's two orders are exactly the documented ones: a candidate's postings by
their key, then by the 256-bit lottery number of ``"posting:" + id``; a posting's candidates by
its key, then by the candidate id's number — whatever the sorts build_problem uses to get there."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.matching import build_problem
from ilja.matching.problem import key_places, lottery_places, sort_order
from ilja.selection.lottery import lottery_keys, lottery_number
from tests.matching.strategies import seeds

KEYS = {
    "narrow integers": st.integers(0, 2),
    "wide integers": st.integers(-2 ** 62, 2 ** 62),
    "floats": st.sampled_from([-1.5, 0.0, 0.25, 3.0]),
}


@st.composite
def pairs(draw: st.DrawFn) -> dict:
    n_c = draw(st.integers(0, 10))
    n_p = draw(st.integers(1, 5))
    chosen = [draw(st.lists(st.integers(0, n_p - 1), max_size=n_p, unique=True)) for _ in range(n_c)]
    cand = [c for c, posts in enumerate(chosen) for _ in posts]
    post = [p for posts in chosen for p in posts]
    order = draw(st.permutations(range(len(cand))))
    ckey, pkey = (draw(st.lists(draw(st.sampled_from(list(KEYS.values()))), min_size=len(cand),
                                max_size=len(cand))) for _ in range(2))
    twins = draw(st.booleans())  # two candidates or postings under one id: equal numbers
    return {"capacity": [1] * n_p, "candidate": np.array(cand, dtype=np.int64)[order],
            "posting": np.array(post, dtype=np.int64)[order], "candidate_key": np.array(ckey)[order],
            "posting_key": np.array(pkey)[order],
            "candidate_ids": [f"c{i // 2 if twins else i}" for i in range(n_c)],
            "posting_ids": [f"p{j // 2 if twins else j}" for j in range(n_p)]}


@settings(max_examples=300, deadline=None)
@given(pairs(), seeds)
def test_orders_are_the_keys_then_the_lottery_numbers(data, seed):
    problem = build_problem(data["capacity"], data["candidate"], data["posting"], data["candidate_key"],
                            data["posting_key"], candidate_ids=data["candidate_ids"],
                            posting_ids=data["posting_ids"], seed=seed)
    cand_number = [lottery_number(seed, i) for i in data["candidate_ids"]]
    post_number = [lottery_number(seed, f"posting:{i}") for i in data["posting_ids"]]
    n = len(data["candidate"])
    # a candidate's list: the key, then the posting's number; equal both ways, the order given
    entries = sorted(range(n), key=lambda e: (data["candidate"][e], data["candidate_key"][e],
                                              post_number[data["posting"][e]]))
    assert problem.pref_posting.tolist() == [int(data["posting"][e]) for e in entries]
    assert np.diff(problem.pref_ptr).tolist() == np.bincount(
        data["candidate"], minlength=len(data["candidate_ids"])).tolist()
    # a posting's ranking over those entries: the key, then the candidate's number
    rank = [0] * n
    for p in range(len(data["posting_ids"])):
        mine = [i for i, e in enumerate(entries) if data["posting"][e] == p]
        ranked = sorted(mine, key=lambda i: (data["posting_key"][entries[i]],
                                             cand_number[data["candidate"][entries[i]]]))
        for place, i in enumerate(ranked):
            rank[i] = place
    assert problem.posting_rank.tolist() == rank


@settings(max_examples=100, deadline=None)
@given(seeds, st.lists(st.sampled_from(["a", "b", "c", "김", "d"]), max_size=8))
def test_lottery_places_order_as_the_numbers(seed, ids):
    place, count = lottery_places(lottery_keys(seed, ids))
    numbers = [lottery_number(seed, i) for i in ids]
    assert count == len(set(numbers))
    assert place.tolist() == [sorted(set(numbers)).index(x) for x in numbers]


@given(st.lists(st.one_of(st.integers(-2 ** 63, 2 ** 63 - 1), st.floats(allow_nan=False)), max_size=20))
def test_key_places_order_as_the_keys(values):
    key = np.array(values)
    place, count = key_places(key)
    distinct = sorted(set(key.tolist()))
    assert count == len(distinct) or (key.dtype.kind == "i" and count >= len(distinct))
    assert all((place[i] < place[j]) == (key[i] < key[j]) and (place[i] == place[j]) == (key[i] == key[j])
               for i in range(len(key)) for j in range(len(key)))


def test_sort_order_beyond_63_bits_is_the_lexsort():
    rng = np.random.default_rng(7)
    keys = [(rng.integers(0, 3, 500), 2 ** 40), (rng.integers(0, 2 ** 30, 500), 2 ** 30)]
    assert sort_order(keys, distinct=False).tolist() == np.lexsort([keys[1][0], keys[0][0]]).tolist()
    narrow = [(keys[0][0], 3), (keys[1][0], 2 ** 30)]
    assert sort_order(narrow, distinct=False).tolist() == np.lexsort([keys[1][0], keys[0][0]]).tolist()


def test_key_places_of_unsigned_keys_near_the_top():
    place, count = key_places(np.array([2 ** 64 - 1, 2 ** 64 - 10, 2 ** 64 - 3], dtype=np.uint64))
    assert place.tolist() == [9, 0, 7] and count == 10
