"""The payment loop's rules, free of the database: status moves, due dates, days late.

A payment is scheduled when its payroll run is made, sent when a transfer file carries it, then
paid or rejected by the bank's result file. A rejected payment waits for a corrected account; once
one is entered it is reissued, and the next transfer file sends it again. Nothing else moves a
payment: a paid payment is final, so it can never be paid twice, and only a scheduled or reissued
payment can go into a transfer file, so a payment is in two transfer files only with a rejection
between them.

Due date (근로기준법 §43 ②: in full, at least monthly, on a fixed day): the program's pay day of the
month after the month worked (``publicjobs.payment.<program>_pay_day``, an assumption where the
documents are silent); for a participant who left in the month, the leaving date plus 14 days
(§36) when that is earlier. A due day on which banks are closed (weekend, public holiday) moves
to the banking day before it (a parameter). Days late are Seoul calendar days from the due date
to the bank's processing date, 0 when on time.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from enum import StrEnum

from ilja.programs.holidays import public_holidays
from ilja.rules.parameters import ParameterTree


class Status(StrEnum):
    SCHEDULED = "scheduled"  # 지급 예정
    SENT = "sent"  # 이체 파일 작성
    PAID = "paid"  # 입금 완료
    REJECTED = "rejected"  # 입금 불능
    REISSUED = "reissued"  # 재지급 대기 (계좌 정정됨)


class Event(StrEnum):
    SEND = "send"  # written into a transfer file
    PAID = "paid"  # the bank's result: credited
    REJECT = "reject"  # the bank's result: refused
    CORRECT_ACCOUNT = "correct_account"  # a corrected account was entered


class Reason(StrEnum):
    """The bank's reasons for a rejection, as our result file codes them."""

    WRONG_NUMBER = "01"  # 계좌번호 오류
    CLOSED_ACCOUNT = "02"  # 해지 계좌
    NAME_MISMATCH = "03"  # 예금주 불일치
    ACCOUNT_FROZEN = "04"  # 압류·지급정지 계좌
    OTHER = "99"  # 기타


MOVES: dict[tuple[Status, Event], Status] = {
    (Status.SCHEDULED, Event.SEND): Status.SENT,
    (Status.SENT, Event.PAID): Status.PAID,
    (Status.SENT, Event.REJECT): Status.REJECTED,
    (Status.REJECTED, Event.CORRECT_ACCOUNT): Status.REISSUED,
    (Status.REISSUED, Event.CORRECT_ACCOUNT): Status.REISSUED,  # corrected again before sending
    (Status.REISSUED, Event.SEND): Status.SENT,
}
SENDABLE = frozenset(status for (status, event) in MOVES if event is Event.SEND)
SETTLED = frozenset({Status.PAID, Status.REJECTED, Status.REISSUED})


class BadMove(ValueError):
    def __init__(self, status: str, event: str) -> None:
        super().__init__(f"a payment that is {status} cannot take {event}")
        self.status, self.event = status, event


def next_status(status: str, event: str) -> Status:
    """The status after ``event``; ``BadMove`` for any move not in ``MOVES``."""
    try:
        return MOVES[(Status(status), Event(event))]
    except (KeyError, ValueError):
        raise BadMove(status, event) from None


REFERENCE = re.compile(r"^ILJA-(\d{1,12})-(\d{1,4})$")


def reference(payment_id: int, attempt: int) -> str:
    """The payment's reference in a transfer file: one per payment and attempt."""
    return f"ILJA-{payment_id:08d}-{attempt}"


def parse_reference(text: str) -> tuple[int, int] | None:
    match = REFERENCE.match(text.strip())
    return (int(match[1]), int(match[2])) if match else None


def is_banking_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def banking_day(day: dt.date, *, earlier: bool) -> dt.date:
    """``day`` itself if banks are open, else the nearest banking day before (or after) it."""
    step = dt.timedelta(days=-1 if earlier else 1)
    while not is_banking_day(day):
        day += step
    return day


def due_date(tree: ParameterTree, program: str, month: int, left_on: dt.date | None = None) -> dt.date:
    """When the pay of ``month`` (YYYYMM) of ``program`` is due (see the module docstring)."""
    year, number = divmod(month, 100)
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    first = dt.date(year, number, 1)
    pay_day = int(tree.value(f"publicjobs.payment.{program}_pay_day", first))
    due = dt.date(year, number, min(pay_day, calendar.monthrange(year, number)[1]))
    if left_on is not None:
        settle = left_on + dt.timedelta(
            days=int(tree.value("publicjobs.payment.settlement_days_after_leaving", left_on)))
        due = min(due, settle)
    return banking_day(due, earlier=bool(tree.value("publicjobs.payment.non_banking_day_moves_earlier", due)))


def days_late(due: dt.date, paid: dt.date) -> int:
    """Calendar days after the due date (0 on or before it)."""
    return max((paid - due).days, 0)
