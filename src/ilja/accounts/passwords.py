"""Passwords: the composition rule, argon2id hashing, and login throttling as pure logic.

Sources (docs/sources.md):
- 개인정보의 안전성 확보조치 기준 §5 (접근 권한의 관리): a password composition rule
  (비밀번호 작성규칙), and access restricted after a number of failed attempts (계정정보 또는
  비밀번호를 일정 횟수 이상 잘못 입력한 경우 접근 제한).
- Its 해설서 (2020-12): at least 8 characters of two or more character types, or 10 characters
  of one type; types are upper-case letters, lower-case letters, digits and special characters;
  a password must not be easy to guess (the login id, sequences, repeats).

Decision on Korean letters: the standard names four types and Hangul is not one of them. Hangul
(and any other letter outside ASCII) is allowed and counts towards the length, but is not a type
of its own. So a 10-syllable Hangul passphrase passes on length; a shorter password needs two
of the four types. Text is NFKC-normalised before checking and hashing (NIST SP 800-63B
§5.1.1.2), so full-width input from a Korean IME and the same password typed on another system
(NFC/NFD Hangul) are the same password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
import string
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ilja import clock

# --- composition rule -----------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordPolicy:
    """Parameters of the rule; the defaults are the 해설서's example rule (see module doc)."""

    min_length_mixed: int = 8
    min_types_mixed: int = 2
    min_length_single: int = 10
    max_length: int = 128  # bounds the work per login; NIST asks to allow at least 64
    max_run: int = 3  # 4 or more sequential or repeated characters are refused


DEFAULT_POLICY = PasswordPolicy()


class CharacterType(StrEnum):
    UPPER = "upper"
    LOWER = "lower"
    DIGIT = "digit"
    SYMBOL = "symbol"


_SYMBOLS = frozenset(string.punctuation + " ")

_SEQUENCES = tuple(unicodedata.normalize("NFKC", seq) for seq in (  # ㄱ → U+1100 under NFKC
    string.ascii_lowercase,
    string.digits,
    "1234567890",
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "!@#$%^&*()",
    "가나다라마바사아자차카타파하",  # the 가나다 order people type as a "sequence"
    "ㄱㄴㄷㄹㅁㅂㅅㅇㅈㅊㅋㅌㅍㅎ",
))

COMMON_PASSWORDS = frozenset(unicodedata.normalize("NFKC", word) for word in {
    "password", "password1", "password12", "password123", "passw0rd", "p@ssw0rd", "p@ssword",
    "qwerty123", "qwer1234", "1q2w3e4r", "1q2w3e4r!", "1q2w3e4r5t", "q1w2e3r4", "iloveyou",
    "sarang123", "saranghae", "admin1234", "welcome1", "letmein1", "비밀번호", "사랑해",
})


@dataclass(frozen=True, slots=True)
class PolicyViolation:
    """One broken rule, with a stable code; messages never repeat the password."""

    code: str
    message_ko: str
    message_en: str
    context: Mapping[str, Any]


def normalise(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def character_types(password: str) -> frozenset[CharacterType]:
    """The standard's four types present; Hangul and other non-ASCII letters are none of them."""
    found: set[CharacterType] = set()
    for char in password:
        if "A" <= char <= "Z":
            found.add(CharacterType.UPPER)
        elif "a" <= char <= "z":
            found.add(CharacterType.LOWER)
        elif "0" <= char <= "9":
            found.add(CharacterType.DIGIT)
        elif char in _SYMBOLS:
            found.add(CharacterType.SYMBOL)
    return frozenset(found)


def _has_run(text: str, run: int) -> tuple[bool, bool]:
    """(repeated, sequential): a window of ``run`` equal chars, or one inside a known sequence."""
    repeated = any(len(set(text[i:i + run])) == 1 for i in range(len(text) - run + 1))
    sequential = False
    for i in range(len(text) - run + 1):
        window = text[i:i + run]
        if len(set(window)) == 1:
            continue
        steps = {ord(b) - ord(a) for a, b in zip(window, window[1:], strict=False)}
        if (steps in ({1}, {-1}) and window.isascii() and window.isalnum()) or any(
                window in seq or window[::-1] in seq for seq in _SEQUENCES):
            sequential = True
            break
    return repeated, sequential


def _violation(code: str, ko: str, en: str, **context: Any) -> PolicyViolation:
    return PolicyViolation(code, ko, en, context)


def check_policy(password: str, login: str, *, related: Iterable[str] = (),
                 policy: PasswordPolicy = DEFAULT_POLICY) -> list[PolicyViolation]:
    """Every rule the password breaks (empty when it is acceptable).

    ``related`` are other guessable values of the same person (birth date, phone number); a
    password containing one of them is refused, as the 해설서 advises.
    """
    text = normalise(password)
    folded = text.casefold()
    violations: list[PolicyViolation] = []
    length, types = len(text), character_types(text)
    if any(unicodedata.category(c) == "Cc" for c in text):
        violations.append(_violation(
            "password_control_character", "비밀번호에 제어 문자를 쓸 수 없습니다.",
            "The password contains a control character."))
    if length > policy.max_length:
        violations.append(_violation(
            "password_too_long", f"비밀번호는 {policy.max_length}자 이하여야 합니다.",
            f"The password must be at most {policy.max_length} characters.",
            max_length=policy.max_length, length=length))
    mixed_ok = length >= policy.min_length_mixed and len(types) >= policy.min_types_mixed
    if not (mixed_ok or length >= policy.min_length_single):
        violations.append(_violation(
            "password_too_weak",
            f"비밀번호는 영문 대문자·영문 소문자·숫자·특수문자 중 {policy.min_types_mixed}종류 "
            f"이상을 조합해 {policy.min_length_mixed}자 이상으로 하거나, "
            f"{policy.min_length_single}자 이상으로 해야 합니다.",
            f"Use at least {policy.min_length_mixed} characters with {policy.min_types_mixed} "
            "or more of upper-case, lower-case, digits and symbols, or at least "
            f"{policy.min_length_single} characters.",
            length=length, types=len(types), min_length_mixed=policy.min_length_mixed,
            min_types_mixed=policy.min_types_mixed, min_length_single=policy.min_length_single))
    login_folded = normalise(login).casefold().strip()
    login_parts = {p for p in (login_folded, login_folded.split("@")[0]) if len(p) >= 4}
    if login_folded and folded == login_folded:
        violations.append(_violation(
            "password_same_as_login", "비밀번호는 아이디와 같을 수 없습니다.",
            "The password must not be the same as the login id."))
    elif any(part in folded for part in login_parts):
        violations.append(_violation(
            "password_contains_login", "비밀번호에 아이디를 포함할 수 없습니다.",
            "The password must not contain the login id."))
    related_parts = {normalise(v).casefold().replace("-", "").replace(" ", "") for v in related}
    if any(len(part) >= 4 and part in folded for part in related_parts):
        violations.append(_violation(
            "password_contains_personal_data",
            "비밀번호에 생년월일, 전화번호 같은 개인정보를 쓸 수 없습니다.",
            "The password must not contain personal data such as a birth date or phone number."))
    run = policy.max_run + 1
    repeated, sequential = _has_run(folded, run)
    if repeated:
        violations.append(_violation(
            "password_repeated", f"같은 문자를 {run}번 이상 연속해서 쓸 수 없습니다.",
            f"The password must not repeat a character {run} or more times in a row.", run=run))
    if sequential:
        violations.append(_violation(
            "password_sequential",
            f"연속된 문자나 숫자, 키보드 배열을 {run}자 이상 쓸 수 없습니다(예: 1234, abcd, qwer).",
            f"The password must not contain {run} or more sequential characters "
            "(e.g. 1234, abcd, qwer).", run=run))
    if folded in COMMON_PASSWORDS:
        violations.append(_violation(
            "password_common", "너무 흔한 비밀번호입니다.", "This password is too common."))
    return violations


# --- hashing --------------------------------------------------------------------------------

DEFAULT_HASHER = PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)
"""argon2id, RFC 9106's second recommended profile (t=3, m=64 MiB, p=4, 16-byte salt)."""


@dataclass(frozen=True, slots=True)
class PasswordCheck:
    ok: bool
    needs_rehash: bool = False
    invalid_hash: bool = False  # the stored value is not an argon2 hash: log the account id


def hash_password(password: str, *, hasher: PasswordHasher | None = None) -> str:
    """A salted one-way hash (안전성 확보조치 기준 §7: passwords stored one-way encrypted)."""
    return (hasher or DEFAULT_HASHER).hash(normalise(password))


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_urlsafe(24))


def dummy_verify(password: str, *, hasher: PasswordHasher | None = None) -> None:
    """Spend the same work as a real check, for an unknown login: timing tells nothing."""
    hasher = hasher or DEFAULT_HASHER
    with contextlib.suppress(VerificationError):
        hasher.verify(_dummy_hash(hasher), normalise(password))


def verify_password(stored_hash: str | None, password: str, *,
                    hasher: PasswordHasher | None = None) -> PasswordCheck:
    """Check a password; ``stored_hash=None`` (no such user) runs the dummy check and fails.

    argon2 compares in constant time. ``needs_rehash`` is set when the hash was made with
    other parameters: the caller re-hashes the just-verified password and stores it.
    """
    hasher = hasher or DEFAULT_HASHER
    if stored_hash is None:
        dummy_verify(password, hasher=hasher)
        return PasswordCheck(ok=False)
    try:
        hasher.verify(stored_hash, normalise(password))
    except VerifyMismatchError:
        return PasswordCheck(ok=False)
    except (InvalidHashError, VerificationError):
        dummy_verify(password, hasher=hasher)
        return PasswordCheck(ok=False, invalid_hash=True)
    return PasswordCheck(ok=True, needs_rehash=hasher.check_needs_rehash(stored_hash))


# --- login throttling -----------------------------------------------------------------------


@dataclass(frozen=True)
class ThrottlePolicy:
    """Delays, then a lock-out, after failed logins (일정 횟수 이상 실패 시 접근 제한).

    Defaults (assumption: the standard names no figure): the first 2 failures cost nothing,
    then delays of 2 s, 4 s, … up to 60 s; the 5th failure within an hour locks for 30 minutes.
    """

    free_failures: int = 2
    base_delay: dt.timedelta = dt.timedelta(seconds=2)
    max_delay: dt.timedelta = dt.timedelta(seconds=60)
    lockout_failures: int = 5
    lockout: dt.timedelta = dt.timedelta(minutes=30)
    window: dt.timedelta = dt.timedelta(hours=1)


@dataclass(frozen=True)
class ThrottleState:
    """Per account (or per source address); store it with ``as_dict`` between requests."""

    failures: int = 0
    window_start: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    locked_until: dt.datetime | None = None

    def as_dict(self) -> dict[str, Any]:
        def text(moment: dt.datetime | None) -> str | None:
            return moment.isoformat() if moment else None

        return {"failures": self.failures, "window_start": text(self.window_start),
                "next_attempt_at": text(self.next_attempt_at),
                "locked_until": text(self.locked_until)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ThrottleState:
        def when(key: str) -> dt.datetime | None:
            value = data.get(key)
            return dt.datetime.fromisoformat(value) if value else None

        return cls(int(data.get("failures", 0)), when("window_start"), when("next_attempt_at"),
                   when("locked_until"))


class ThrottleStatus(StrEnum):
    ALLOWED = "allowed"
    DELAYED = "delayed"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class ThrottleDecision:
    status: ThrottleStatus
    retry_after: dt.timedelta = dt.timedelta(0)

    @property
    def allowed(self) -> bool:
        return self.status is ThrottleStatus.ALLOWED

    @property
    def message_ko(self) -> str:
        seconds = _ceil_seconds(self.retry_after)
        if self.status is ThrottleStatus.LOCKED:
            return (f"로그인에 여러 번 실패하여 접근이 제한되었습니다. "
                    f"{(seconds + 59) // 60}분 후에 다시 시도하세요.")
        if self.status is ThrottleStatus.DELAYED:
            return f"{seconds}초 후에 다시 시도하세요."
        return ""

    @property
    def message_en(self) -> str:
        seconds = _ceil_seconds(self.retry_after)
        if self.status is ThrottleStatus.LOCKED:
            return (f"Too many failed logins: access is locked. Try again in "
                    f"{(seconds + 59) // 60} minutes.")
        if self.status is ThrottleStatus.DELAYED:
            return f"Try again in {seconds} seconds."
        return ""


def _ceil_seconds(delta: dt.timedelta) -> int:
    return -int(-delta.total_seconds() // 1)


def _utc_now() -> dt.datetime:
    return clock.now()


class LoginThrottle:
    """The lock-out state machine; the clock is injected so tests can walk a timeline.

    Use: ``check`` before verifying (refuse without verifying unless allowed), then
    ``record_failure`` or ``record_success`` and store the new state.
    """

    def __init__(self, policy: ThrottlePolicy = ThrottlePolicy(), *,
                 clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self.policy = policy
        self.clock = clock

    def check(self, state: ThrottleState) -> ThrottleDecision:
        now = self.clock()
        if state.locked_until and now < state.locked_until:
            return ThrottleDecision(ThrottleStatus.LOCKED, state.locked_until - now)
        if state.next_attempt_at and now < state.next_attempt_at:
            return ThrottleDecision(ThrottleStatus.DELAYED, state.next_attempt_at - now)
        return ThrottleDecision(ThrottleStatus.ALLOWED)

    def record_failure(self, state: ThrottleState) -> ThrottleState:
        now, p = self.clock(), self.policy
        if state.locked_until and now < state.locked_until:
            return state  # refused attempts while locked neither count nor extend the lock
        expired = (state.window_start is None or now - state.window_start > p.window
                   or state.locked_until is not None)
        if expired:
            state = ThrottleState(window_start=now)
        failures = state.failures + 1
        if failures >= p.lockout_failures:
            until = now + p.lockout
            return replace(state, failures=failures, next_attempt_at=until, locked_until=until)
        delay = None
        if failures > p.free_failures:
            delay = min(p.base_delay * 2 ** (failures - p.free_failures - 1), p.max_delay)
        return replace(state, failures=failures,
                       next_attempt_at=now + delay if delay else None)

    def record_success(self, state: ThrottleState) -> ThrottleState:
        return ThrottleState()
