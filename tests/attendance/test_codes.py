"""The check-in code: valid for its window, expired after, wrong otherwise; the failure limit."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.attendance.codes import (
    CheckinRules,
    Verdict,
    code_of,
    current,
    normalise,
    too_many_failures,
    verify,
)

RULES = CheckinRules.at(dt.date(2025, 12, 1))
OPENED = dt.datetime(2025, 12, 1, 0, 0, tzinfo=dt.UTC)
SECRET = "ab" * 32


def test_the_rules_are_the_dated_parameters():
    assert RULES.rotation == dt.timedelta(seconds=60) and RULES.validity == dt.timedelta(minutes=3)
    assert RULES.digits == 6 and RULES.max_failures == 5
    assert all(use.source for use in RULES.uses)


@given(st.integers(min_value=0, max_value=3 * 60 * 60), st.integers(min_value=0, max_value=179))
def test_a_code_is_accepted_for_its_validity_from_when_it_is_shown(shown_after, typed_after):
    shown_at = OPENED + dt.timedelta(seconds=shown_after)
    shown = current(SECRET, shown_at, RULES)
    typed_at = shown.shown_from + dt.timedelta(seconds=typed_after)
    assert verify(SECRET, shown.code, typed_at, RULES, opened_at=OPENED) is Verdict.ACCEPTED


@given(st.integers(min_value=0, max_value=3 * 60 * 60), st.integers(min_value=180, max_value=6 * 60 * 60))
def test_after_its_validity_a_code_is_expired_not_wrong(shown_after, typed_after):
    shown = current(SECRET, OPENED + dt.timedelta(seconds=shown_after), RULES)
    typed_at = shown.shown_from + dt.timedelta(seconds=typed_after)
    verdict = verify(SECRET, shown.code, typed_at, RULES, opened_at=OPENED)
    # a later window may show the same six digits by chance (one in a million a window)
    later = {code_of(SECRET, w, 6) for w in range(int(typed_at.timestamp()) // 60 - 2,
                                                  int(typed_at.timestamp()) // 60 + 1)}
    assert verdict is (Verdict.ACCEPTED if shown.code in later else Verdict.EXPIRED)


def test_a_code_of_another_board_is_wrong():
    now = OPENED + dt.timedelta(minutes=10)
    other = current("cd" * 32, now, RULES)
    assert other.code != current(SECRET, now, RULES).code
    assert verify(SECRET, other.code, now, RULES, opened_at=OPENED) is Verdict.WRONG


def test_a_code_shown_before_the_board_opened_does_not_count():
    opened = OPENED + dt.timedelta(minutes=30)
    before = current(SECRET, opened - dt.timedelta(minutes=1), RULES)
    assert verify(SECRET, before.code, opened + dt.timedelta(seconds=30), RULES, opened_at=opened) is Verdict.WRONG


def test_what_a_person_types_is_read_forgivingly_but_only_as_digits():
    now = OPENED + dt.timedelta(minutes=1)
    code = current(SECRET, now, RULES).code
    assert verify(SECRET, f"{code[:3]} {code[3:]}", now, RULES, opened_at=OPENED) is Verdict.ACCEPTED
    assert normalise(" 12-34 56 ") == "123456"
    for bad in ("", "12345", "1234567", "abcdef", "１２３４５６"):
        assert verify(SECRET, bad, now, RULES, opened_at=OPENED) is Verdict.WRONG


def test_the_failure_limit():
    assert not too_many_failures(4, RULES) and too_many_failures(5, RULES)
