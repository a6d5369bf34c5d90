"""Resident registration numbers as numbers: parse (with the check digit and the date of
birth), and mask for display."""

from __future__ import annotations

import datetime as dt
import operator
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ilja import clock
from ilja.people.rrn.errors import InvalidRrn


class CheckDigit(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    NOT_APPLICABLE = "not_applicable"  # random serial since 2020-10-05


@dataclass(frozen=True, slots=True)
class RrnWarning:
    code: str
    message: str
    message_ko: str


WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_ZERO_CODES = 48 * sum(WEIGHTS)
RANDOM_SERIAL_SINCE = dt.date(2020, 10, 5)
"""Numbers issued or changed since this date end in random digits: no region, no check digit."""

_CENTURY = {9: 1800, 0: 1800, 1: 1900, 2: 1900, 3: 2000, 4: 2000,
            5: 1900, 6: 1900, 7: 2000, 8: 2000}
_SHAPE = re.compile(r"([0-9]{6})-?([0-9]{7})", re.ASCII)
_KST = dt.timezone(dt.timedelta(hours=9))

CHECK_DIGIT_WARNING = RrnWarning(
    "rrn_check_digit",
    "The check digit does not match; the number may have been issued or changed since "
    "2020-10-05 (random serial). Please confirm it.",
    "검증번호가 맞지 않습니다. 2020년 10월 5일 이후 부여·변경된 번호일 수 있으니 확인해 주세요.",
)


@dataclass(frozen=True, slots=True, repr=False)
class Rrn:
    """A validated RRN. ``str()`` and ``repr()`` are masked; ``digits`` is the full number."""

    digits: str
    birth_date: dt.date
    check_digit: CheckDigit
    warnings: tuple[RrnWarning, ...] = ()

    @property
    def gender_digit(self) -> int:
        return int(self.digits[6])

    @property
    def foreign_resident(self) -> bool:
        """7th digit 5–8: a foreign resident's registration number (외국인등록번호)."""
        return 5 <= self.gender_digit <= 8

    @property
    def sex(self) -> str:
        return "male" if self.gender_digit % 2 else "female"

    @property
    def formatted(self) -> str:
        """The full ``YYMMDD-GNNNNNN``: only for a role allowed to see it, and audit that read."""
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6]}******"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Rrn({self.masked!r})"


def expected_check_digit(digits: str) -> int:
    """(11 − Σ dᵢwᵢ mod 11) mod 10; for foreign residents (5–8) the usual variant uses 13."""
    # on the ASCII codes (``ord("0")`` is 48): an import checks one a row
    total = sum(map(operator.mul, digits[:12].encode("ascii"), WEIGHTS)) - _ZERO_CODES
    base = 13 if "5" <= digits[6] <= "8" else 11
    return (base - total % 11) % 10


def _invalid(code: str, message: str, message_ko: str, **context: Any) -> InvalidRrn:
    return InvalidRrn(code, message, message_ko, **context)


def parse_rrn(text: object, *, today: dt.date | None = None) -> Rrn:
    """Validate ``YYMMDD-GNNNNNN`` or 13 digits (full-width digits are accepted).

    Format and birth date are errors; a wrong check digit is only a warning, because numbers
    issued since 2020-10-05 have none (personal-information-act). ``today`` (Korean date by default)
    rejects a birth date in the future.
    """
    if not isinstance(text, str):
        raise _invalid("rrn_type", "A resident registration number must be text.",
                       "주민등록번호는 문자열이어야 합니다.")
    match = _SHAPE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise _invalid("rrn_format",
                       "A resident registration number is 13 digits: YYMMDD-GNNNNNN.",
                       "주민등록번호는 13자리 숫자(YYMMDD-GNNNNNN)입니다.")
    digits = match.group(1) + match.group(2)
    year = _CENTURY[int(digits[6])] + int(digits[:2])
    try:
        birth = dt.date(year, int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise _invalid("rrn_birth_date", "The birth date in the number does not exist.",
                       "주민등록번호의 생년월일이 올바르지 않습니다.") from None
    if birth > (today or clock.today()):
        raise _invalid("rrn_birth_date_future", "The birth date in the number is in the future.",
                       "주민등록번호의 생년월일이 미래입니다.")
    if birth >= RANDOM_SERIAL_SINCE:
        return Rrn(digits, birth, CheckDigit.NOT_APPLICABLE)
    if expected_check_digit(digits) == int(digits[12]):
        return Rrn(digits, birth, CheckDigit.VALID)
    return Rrn(digits, birth, CheckDigit.INVALID, (CHECK_DIGIT_WARNING,))


def mask(rrn: Rrn | str) -> str:
    """``900101-1******``: birth date and the 7th digit, the rest hidden (DESIGN.md)."""
    return (rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)).masked
