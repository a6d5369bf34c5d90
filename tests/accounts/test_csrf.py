"""Masked CSRF tokens: every mask unmasks to its token and to no other."""

from __future__ import annotations

import secrets

from hypothesis import given
from hypothesis import strategies as st

from ilja.accounts import csrf

TOKENS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
                 min_size=20, max_size=64)


@given(TOKENS, TOKENS)
def test_a_mask_matches_its_token_only(token, other):
    masked = csrf.mask(token)
    assert csrf.matches(masked, token)
    assert csrf.matches(token, token)  # a script may send the token itself
    assert csrf.matches(masked, other) == (other == token)


def test_masks_differ_every_time_and_garbage_never_matches():
    token = secrets.token_urlsafe(32)
    assert len({csrf.mask(token) for _ in range(50)}) == 50
    for junk in ("", "!!!", "a", csrf.mask(token)[:-4], "한글", None):
        assert not csrf.matches(junk, token)
    assert not csrf.matches(csrf.mask(token), None)
