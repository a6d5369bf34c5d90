"""The payment loop's pure rules (issue 19 §1): the status machine, due dates, days late."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ilja.publicjobs import payments
from ilja.publicjobs.payments import BadMove, Event, Status, next_status
from ilja.rules.parameters import default_tree


@given(st.lists(st.sampled_from(list(Event)), max_size=40))
def test_never_paid_twice_and_resent_only_after_a_rejection(events):
    """Whatever the bank and the operators do, in any order: at most one payment into an account,
    nothing after it, and every send after the first follows a rejection and a corrected account."""
    status, paid, sends, since_send = Status.SCHEDULED, 0, 0, []
    for event in events:
        try:
            new = next_status(status, event)
        except BadMove:
            continue
        if event is Event.SEND:
            assert sends == 0 or (Event.REJECT in since_send and Event.CORRECT_ACCOUNT in since_send)
            sends, since_send = sends + 1, []
        else:
            since_send.append(event)
        paid += new is Status.PAID
        if status is Status.PAID:
            pytest.fail("a paid payment moved")
        status = new
    assert paid <= 1 and paid <= sends


def test_moves():
    assert next_status("scheduled", "send") is Status.SENT
    assert next_status("sent", "reject") is Status.REJECTED
    assert next_status("rejected", "correct_account") is Status.REISSUED
    assert next_status("reissued", "send") is Status.SENT
    for status, event in [("paid", "send"), ("paid", "paid"), ("rejected", "send"), ("scheduled", "paid"),
                          ("sent", "send"), ("nonsense", "send")]:
        with pytest.raises(BadMove):
            next_status(status, event)


def test_references_round_trip():
    assert payments.reference(42, 3) == "ILJA-00000042-3"
    assert payments.parse_reference(" ILJA-00000042-3 ") == (42, 3)
    assert payments.parse_reference("ILJA-42") is None


@pytest.mark.parametrize(("program", "month", "left_on", "due"), [
    ("companion_jobs", 202506, None, dt.date(2025, 7, 10)),  # a Thursday
    ("companion_jobs", 202507, None, dt.date(2025, 8, 8)),  # the 10th is a Sunday: the Friday before
    ("attractive_jobs", 202509, None, dt.date(2025, 10, 10)),  # 10-10 is a Friday, after 추석 (10-3 … 10-9)
    ("attractive_jobs", 202412, None, dt.date(2025, 1, 10)),  # December's pay in January
    ("attractive_jobs", 202504, None, dt.date(2025, 5, 9)),  # 2025-05-10 is a Saturday
    ("attractive_jobs", 202509, dt.date(2025, 9, 19), dt.date(2025, 10, 2)),  # §36: 10-03 is 개천절
    ("attractive_jobs", 202507, dt.date(2025, 7, 31), dt.date(2025, 8, 8)),  # pay day comes first
    ("companion_jobs", 202512, dt.date(2025, 12, 20), dt.date(2026, 1, 2)),  # 01-03 Sat; 01-01 holiday
])
def test_due_dates_with_pay_days_holidays_and_leaving(program, month, left_on, due):
    assert payments.due_date(default_tree(), program, month, left_on) == due


def test_days_late_counts_calendar_days_after_the_due_date():
    due = dt.date(2025, 10, 2)
    assert payments.days_late(due, dt.date(2025, 10, 1)) == 0
    assert payments.days_late(due, due) == 0
    assert payments.days_late(due, dt.date(2025, 10, 10)) == 8  # across 추석, still calendar days


@given(st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)), st.booleans())
def test_a_due_day_is_a_banking_day_next_to_the_day_asked(day, earlier):
    moved = payments.banking_day(day, earlier=earlier)
    assert payments.is_banking_day(moved)
    assert abs((moved - day).days) <= 10 and (moved <= day if earlier else moved >= day)
