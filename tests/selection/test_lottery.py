"""The verifiable lottery: commitment, one number per applicant, the documented byte encoding."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja.selection import (
    SelectionInputError,
    commitment,
    lottery_keys,
    lottery_number,
    lottery_numbers,
    new_seed,
    verify_commitment,
)
from ilja.selection.lottery import keys_from_numbers
from tests.selection.strategies import seeds

ids = st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20, unique=True)


def test_number_is_sha256_of_seed_nul_utf8_id_as_big_endian_integer():
    seed = bytes(range(32))
    expected = int.from_bytes(hashlib.sha256(seed + b"\x00" + "신청-0001".encode()).digest(), "big")
    assert lottery_number(seed, "신청-0001") == expected


def test_commitment_is_published_before_and_checked_after():
    seed = new_seed()
    published = commitment(seed)
    assert published == hashlib.sha256(seed).hexdigest()
    assert verify_commitment(seed, published)
    assert verify_commitment(seed, published.upper())
    assert not verify_commitment(new_seed(), published)


def test_seed_must_have_at_least_16_bytes():
    assert len(new_seed()) == 32
    with pytest.raises(SelectionInputError) as error:
        lottery_number(b"short", "a")
    assert error.value.code == "seed_invalid"


@given(seeds, ids, st.text(min_size=1, max_size=12))
def test_adding_an_applicant_never_shifts_anyone_elses_number(seed, existing, newcomer):
    before = dict(zip(existing, lottery_numbers(seed, existing), strict=True))
    everyone = [newcomer, *(a for a in existing if a != newcomer)]
    after = dict(zip(everyone, lottery_numbers(seed, everyone), strict=True))
    assert all(after[a] == before[a] for a in existing)


@given(seeds, ids)
def test_keys_order_exactly_as_the_256_bit_numbers(seed, applicant_ids):
    numbers = lottery_numbers(seed, applicant_ids)
    keys = lottery_keys(seed, applicant_ids)
    assert keys.shape == (len(applicant_ids), 4) and keys.dtype == np.uint64
    by_keys = np.lexsort((keys[:, 3], keys[:, 2], keys[:, 1], keys[:, 0])).tolist()
    assert by_keys == sorted(range(len(numbers)), key=numbers.__getitem__)
    assert (keys_from_numbers(numbers) == keys).all()


@given(seeds, ids)
def test_numbers_do_not_depend_on_the_order_of_the_list(seed, applicant_ids):
    forward = dict(zip(applicant_ids, lottery_numbers(seed, applicant_ids), strict=True))
    backward = dict(zip(applicant_ids[::-1], lottery_numbers(seed, applicant_ids[::-1]),
                        strict=True))
    assert forward == backward


def test_different_seeds_give_different_draws():
    applicant_ids = [f"a{i}" for i in range(50)]
    first = lottery_numbers(new_seed(), applicant_ids)
    second = lottery_numbers(new_seed(), applicant_ids)
    assert first != second
