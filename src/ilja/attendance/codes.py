"""The short-lived check-in code (출석 코드) an operator shows at the site and a person types on
their phone.

Each check-in board has its own random secret; the code of a time window is an HMAC of the window
number under that secret, cut to ``digits`` decimal digits (the HOTP truncation of RFC 4226), so
nothing but the secret is stored and a code cannot be worked out from earlier ones. The code on the
screen changes every ``rotation_seconds`` and each one is accepted for ``validity`` from the moment
it was first shown: a person typing while it rotates is not refused, a photo sent home soon expires.

``verify`` compares the entered code with every candidate window in constant time (``hmac.
compare_digest``, all of them, no early exit), so how long a check takes tells nothing about how
close a guess was. Guessing is further slowed by the failure limit (``too_many_failures``), which
the services count per person in the database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree

EXPIRED_LOOKBACK = dt.timedelta(hours=12)
"""How far back a code is still recognised as "expired" rather than "wrong" (a board's day)."""


@dataclass(frozen=True, slots=True)
class CheckinRules:
    """The check-in parameters in force on a day (``attendance.checkin.*``)."""

    rotation: dt.timedelta
    validity: dt.timedelta
    digits: int
    max_failures: int
    failure_window: dt.timedelta
    uses: tuple[ParameterUse, ...]

    @classmethod
    def at(cls, on: dt.date, tree: ParameterTree | None = None) -> CheckinRules:
        tree = tree or default_tree()
        names = ("code_rotation_seconds", "code_validity_minutes", "code_digits",
                 "max_failed_attempts", "failure_window_minutes")
        uses = {n: tree.get(f"attendance.checkin.{n}").use_at(on) for n in names}
        return cls(rotation=dt.timedelta(seconds=int(uses["code_rotation_seconds"].value)),
                   validity=dt.timedelta(minutes=int(uses["code_validity_minutes"].value)),
                   digits=int(uses["code_digits"].value),
                   max_failures=int(uses["max_failed_attempts"].value),
                   failure_window=dt.timedelta(minutes=int(uses["failure_window_minutes"].value)),
                   uses=tuple(uses.values()))


MESSAGES = {
    "wrong": ("출석 코드가 맞지 않습니다. 화면의 숫자를 다시 확인하십시오.",
              "The check-in code is not right. Check the digits on the screen."),
    "expired": ("출석 코드의 유효 시간이 지났습니다. 화면에 지금 보이는 코드를 입력하십시오.",
                "The check-in code has expired. Enter the code the screen shows now."),
    "no_board": ("지금 출석 확인을 받는 곳이 없습니다. 운영 기관에 문의하십시오.",
                 "Nowhere of yours is taking check-ins now. Ask the site's staff."),
    "already": ("오늘 출석은 이미 기록되어 있습니다 (하루 한 번).",
                "Today's attendance is already recorded (once a day)."),
}
"""What a person is told when a check-in is refused, by reason (Korean, English)."""


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    EXPIRED = "expired"  # a code this board showed, but longer ago than its validity
    WRONG = "wrong"  # not a code this board showed (or not the board's day at all)


def new_secret() -> str:
    """A board's secret: 32 random bytes, hex."""
    return secrets.token_hex(32)


def _window(instant: dt.datetime, rotation: dt.timedelta) -> int:
    return int(instant.timestamp()) // int(rotation.total_seconds())


def _start(window: int, rotation: dt.timedelta) -> dt.datetime:
    return dt.datetime.fromtimestamp(window * int(rotation.total_seconds()), dt.UTC)


def code_of(secret: str, window: int, digits: int) -> str:
    """The code of one window (RFC 4226 dynamic truncation of HMAC-SHA256)."""
    mac = hmac.new(bytes.fromhex(secret), window.to_bytes(8, "big"), hashlib.sha256).digest()
    offset = mac[-1] & 0x0F
    number = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(number % 10 ** digits).zfill(digits)


@dataclass(frozen=True, slots=True)
class ShownCode:
    code: str
    shown_from: dt.datetime  # when this code first appeared
    changes_at: dt.datetime  # when the screen shows the next one
    valid_until: dt.datetime  # when a person typing it is refused as expired


def current(secret: str, now: dt.datetime, rules: CheckinRules) -> ShownCode:
    """What the screen shows at ``now``."""
    window = _window(now, rules.rotation)
    start = _start(window, rules.rotation)
    return ShownCode(code_of(secret, window, rules.digits), start, start + rules.rotation,
                     start + rules.validity)


def normalise(entered: str) -> str:
    """The digits a person typed, without spaces or dashes ("123 456" is "123456")."""
    return "".join(ch for ch in str(entered) if not ch.isspace() and ch != "-")


def verify(secret: str, entered: str, now: dt.datetime, rules: CheckinRules, *,
           opened_at: dt.datetime) -> Verdict:
    """Whether ``entered`` is a code the board shows or showed within its validity (accepted),
    one it showed earlier on the same board (expired), or neither (wrong). Windows before the
    board was opened never count."""
    code = normalise(entered)
    if len(code) != rules.digits or not code.isascii() or not code.isdigit():
        return Verdict.WRONG
    now_window = _window(now, rules.rotation)
    first = max(_window(opened_at, rules.rotation), _window(now - EXPIRED_LOOKBACK, rules.rotation))
    accepted = expired = False
    for window in range(first, now_window + 1):
        match = hmac.compare_digest(code_of(secret, window, rules.digits), code)
        fresh = _start(window, rules.rotation) + rules.validity > now
        accepted |= match & fresh
        expired |= match & (not fresh)
    if accepted:
        return Verdict.ACCEPTED
    return Verdict.EXPIRED if expired else Verdict.WRONG


def judge(boards: list[tuple[str, dt.datetime]], entered: str, now: dt.datetime,
          rules: CheckinRules) -> tuple[Verdict, int]:
    """The verdict on ``entered`` against every board open to the person (secret, opened at),
    all compared, and the index of the board it was accepted by (else of the first)."""
    verdicts = [verify(secret, entered, now, rules, opened_at=opened) for secret, opened in boards]
    if Verdict.ACCEPTED in verdicts:
        return Verdict.ACCEPTED, verdicts.index(Verdict.ACCEPTED)
    return (Verdict.EXPIRED if Verdict.EXPIRED in verdicts else Verdict.WRONG), 0


def wait_minutes(failures: list[dt.datetime], now: dt.datetime, rules: CheckinRules) -> int | None:
    """Minutes a person with these failed attempts (times, oldest first, within the failure
    window) must wait before trying again, or None if they may try now."""
    if not too_many_failures(len(failures), rules):
        return None
    free_at = failures[-rules.max_failures] + rules.failure_window
    return max(1, -(-int((free_at - now).total_seconds()) // 60))


def too_many_failures(failures: int, rules: CheckinRules) -> bool:
    """Whether a person with ``failures`` wrong or expired codes in the failure window must wait."""
    return failures >= rules.max_failures
