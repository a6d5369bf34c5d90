"""Password rule (안전성 확보조치 기준), argon2id hashing and the login throttle."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from argon2 import PasswordHasher, Type, profiles

from ilja.accounts.passwords import (
    DEFAULT_HASHER,
    CharacterType,
    LoginThrottle,
    PasswordPolicy,
    ThrottlePolicy,
    ThrottleState,
    ThrottleStatus,
    character_types,
    check_policy,
    hash_password,
    verify_password,
)

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def codes(password: str, login: str = "citizen01", **kwargs) -> set[str]:
    return {v.code for v in check_policy(password, login, **kwargs)}


# --- composition rule -----------------------------------------------------------------------

POLICY_TABLE = [
    # (password, login, expected violation codes)
    ("tiger7Xm", "citizen01", set()),  # 8 characters, 3 types
    ("tigerxm7", "citizen01", set()),  # 8 characters, 2 types
    ("tiger7X", "citizen01", {"password_too_weak"}),  # 7 characters
    ("tigerxmq", "citizen01", {"password_too_weak"}),  # 8 characters, 1 type
    ("tigerxmqpz", "citizen01", set()),  # 10 characters of one type
    ("tigerxmqp", "citizen01", {"password_too_weak"}),  # 9 of one type
    ("73914062958", "citizen01", set()),  # 11 digits, no run
    ("1234567890", "citizen01", {"password_sequential"}),
    ("Zk9876!wq", "citizen01", {"password_sequential"}),  # descending
    ("tigAAAA7x", "citizen01", {"password_repeated"}),
    ("wxyz11119", "citizen01", {"password_repeated", "password_sequential"}),
    ("qwer!7Tz", "citizen01", {"password_sequential"}),  # keyboard row
    ("Pl!@#$7z", "citizen01", {"password_sequential"}),  # shifted number row
    ("Tiger7Xm2", "tiger7xm2", {"password_same_as_login"}),  # case does not help
    ("Minsoo7!Xz", "minsoo", {"password_contains_login"}),
    ("Minsoo7!Xz", "minsoo@seoul.go.kr", {"password_contains_login"}),
    ("Abc7!Xz", "ab", {"password_too_weak"}),  # a 2-letter id is not looked for inside
    ("password123", "citizen01", {"password_common"}),
    ("P@ssw0rd", "citizen01", {"password_common"}),
    ("tiger\x007Xm", "citizen01", {"password_control_character"}),
    ("xQ7!m" * 26, "citizen01", {"password_too_long"}),
    # Korean: Hangul counts towards length but is not a character type of its own
    ("한국어비밀번호입니다", "citizen01", set()),  # 10 syllables
    ("한국어비밀번호입니", "citizen01", {"password_too_weak"}),  # 9 syllables, no type
    ("서울시청사랑해7", "citizen01", {"password_too_weak"}),  # 8 characters, 1 type
    ("서울시청사랑해7a", "citizen01", set()),  # 9 characters, 2 types
    ("가나다라Tz9!", "citizen01", {"password_sequential"}),  # the 가나다 order
    ("ㄱㄴㄷㄹTz9!", "citizen01", {"password_sequential"}),
    ("하하하하Tz9!", "citizen01", {"password_repeated"}),
    ("비밀번호", "citizen01", {"password_too_weak", "password_common"}),
    ("ｔｉｇｅｒ７Ｘｍ", "citizen01", set()),  # full-width input normalised to ASCII
]


@pytest.mark.parametrize(("password", "login", "expected"), POLICY_TABLE)
def test_password_policy_table(password: str, login: str, expected: set[str]) -> None:
    assert codes(password, login) == expected


def test_personal_data_is_refused() -> None:
    assert codes("Tiger19900101", related=["1990-01-01"]) == {"password_contains_personal_data"}
    assert codes("zK!01048205937", related=["010-4820-5937"]) == {
        "password_contains_personal_data"}
    assert codes("Tiger19900101", related=["01"]) == set()  # too short to be meaningful


def test_character_types() -> None:
    assert character_types("aZ9!") == set(CharacterType)
    assert character_types("한글 ") == {CharacterType.SYMBOL}  # the space is a symbol
    assert character_types("한글") == frozenset()


def test_messages_are_bilingual_and_never_repeat_the_password() -> None:
    for password, login, _ in POLICY_TABLE:
        if password == "비밀번호":  # the word itself is in the messages
            continue
        for violation in check_policy(password, login):
            assert violation.message_ko and violation.message_en
            assert violation.code.startswith("password_")
            assert password not in violation.message_ko + violation.message_en
            assert password not in str(violation.context)


def test_policy_parameters_are_respected() -> None:
    stricter = PasswordPolicy(min_length_mixed=10, min_types_mixed=3, min_length_single=14)
    assert codes("tigerxm7Q!", policy=stricter) == set()
    assert codes("tigerxm7Qa", policy=stricter) == set()
    assert codes("tigerxm7qa", policy=stricter) == {"password_too_weak"}
    violation = check_policy("tiger7X", "citizen01")[0]
    assert violation.context["min_length_mixed"] == 8
    assert "8자" in violation.message_ko and "10자" in violation.message_ko


# --- hashing --------------------------------------------------------------------------------


def test_default_hasher_is_argon2id_with_rfc9106_parameters() -> None:
    assert DEFAULT_HASHER.type is Type.ID
    assert DEFAULT_HASHER.time_cost == profiles.RFC_9106_LOW_MEMORY.time_cost
    assert DEFAULT_HASHER.memory_cost == profiles.RFC_9106_LOW_MEMORY.memory_cost
    stored = hash_password("tiger7Xm")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(stored, "tiger7Xm") == verify_password(stored, "tiger7Xm")
    assert verify_password(stored, "tiger7Xm").ok


def test_hash_and_verify() -> None:
    stored = hash_password("tiger7Xm", hasher=FAST)
    assert "tiger7Xm" not in stored
    assert stored != hash_password("tiger7Xm", hasher=FAST)  # salted
    check = verify_password(stored, "tiger7Xm", hasher=FAST)
    assert check.ok and not check.needs_rehash and not check.invalid_hash
    assert not verify_password(stored, "tiger7XM", hasher=FAST).ok


def test_same_password_typed_as_nfd_or_full_width_verifies() -> None:
    password = "서울시청사랑해7a"
    stored = hash_password(unicodedata.normalize("NFC", password), hasher=FAST)
    assert verify_password(stored, unicodedata.normalize("NFD", password), hasher=FAST).ok
    assert verify_password(hash_password("tiger7Xm", hasher=FAST), "ｔｉｇｅｒ７Ｘｍ",
                           hasher=FAST).ok


def test_needs_rehash_when_parameters_change() -> None:
    old = PasswordHasher(time_cost=1, memory_cost=16, parallelism=1)
    stored = hash_password("tiger7Xm", hasher=old)
    check = verify_password(stored, "tiger7Xm", hasher=FAST)
    assert check.ok and check.needs_rehash


class CountingHasher(PasswordHasher):
    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.verifications = 0

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        self.verifications += 1
        return super().verify(hash, password)


def test_unknown_user_costs_a_real_verification() -> None:
    hasher = CountingHasher()
    check = verify_password(None, "tiger7Xm", hasher=hasher)
    assert not check.ok and hasher.verifications == 1


def test_a_broken_stored_hash_fails_closed_and_is_flagged() -> None:
    hasher = CountingHasher()
    check = verify_password("not-a-hash", "tiger7Xm", hasher=hasher)
    assert not check.ok and check.invalid_hash
    assert hasher.verifications >= 1


# --- throttle -------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2025, 11, 11, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def test_throttle_timeline_delays_then_locks_for_30_minutes() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    state = ThrottleState()
    for _ in range(2):  # the first two failures cost nothing
        assert throttle.check(state).allowed
        state = throttle.record_failure(state)
    assert throttle.check(state).allowed

    state = throttle.record_failure(state)  # 3rd: 2 s
    decision = throttle.check(state)
    assert decision.status is ThrottleStatus.DELAYED
    assert decision.retry_after == dt.timedelta(seconds=2)
    assert decision.message_ko == "2초 후에 다시 시도하세요."
    clock.advance(seconds=1)
    assert throttle.check(state).retry_after == dt.timedelta(seconds=1)
    clock.advance(seconds=1)
    assert throttle.check(state).allowed

    state = throttle.record_failure(state)  # 4th: 4 s
    assert throttle.check(state).retry_after == dt.timedelta(seconds=4)
    clock.advance(seconds=4)

    state = throttle.record_failure(state)  # 5th: locked
    decision = throttle.check(state)
    assert decision.status is ThrottleStatus.LOCKED
    assert decision.retry_after == dt.timedelta(minutes=30)
    assert "30분" in decision.message_ko and "30 minutes" in decision.message_en

    clock.advance(minutes=29)
    assert throttle.record_failure(state) == state  # attempts while locked change nothing
    assert throttle.check(state).status is ThrottleStatus.LOCKED
    clock.advance(minutes=1)
    assert throttle.check(state).allowed

    state = throttle.record_failure(state)  # a fresh count after the lock
    assert state.failures == 1 and state.locked_until is None
    assert throttle.check(state).allowed


def test_success_resets_the_count() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    state = ThrottleState()
    for _ in range(4):
        state = throttle.record_failure(state)
        clock.advance(minutes=1)
    state = throttle.record_success(state)
    assert state == ThrottleState()
    for _ in range(4):
        state = throttle.record_failure(state)
        clock.advance(minutes=1)
    assert throttle.check(state).allowed  # 4 + 4 failures, never 5 in a row


def test_failures_outside_the_window_are_forgiven() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    state = ThrottleState()
    for _ in range(20):
        state = throttle.record_failure(state)
        clock.advance(minutes=16)  # four failures per hour at most
        if state.failures == 4:
            clock.advance(hours=1)
        assert throttle.check(state).status is not ThrottleStatus.LOCKED


def test_delays_are_capped_and_policy_is_a_parameter() -> None:
    clock = Clock()
    policy = ThrottlePolicy(free_failures=0, base_delay=dt.timedelta(seconds=10),
                            max_delay=dt.timedelta(seconds=25), lockout_failures=10,
                            lockout=dt.timedelta(minutes=5))
    throttle = LoginThrottle(policy, clock=clock)
    state, delays = ThrottleState(), []
    for _ in range(9):
        state = throttle.record_failure(state)
        delays.append(throttle.check(state).retry_after.total_seconds())
        clock.advance(seconds=30)
    assert delays == [10, 20, 25, 25, 25, 25, 25, 25, 25]
    state = throttle.record_failure(state)
    assert throttle.check(state).retry_after == dt.timedelta(minutes=5)


def test_state_survives_storage() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    state = ThrottleState()
    for _ in range(5):
        state = throttle.record_failure(state)
    assert ThrottleState.from_dict(state.as_dict()) == state
    assert ThrottleState.from_dict(ThrottleState().as_dict()) == ThrottleState()
