"""The pure side of offers (issue 18 §3), with hypothesis: when a seat's offer ends (declined,
lapsed, no-show), the waitlist is promoted in order, no seat is filled twice, and every seat is
filled while the waitlist lasts; an offer's deadline is the end of the n-th working day in Korea
time, capped by the start."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ilja.clock import SEOUL
from ilja.programs.holidays import is_public_holiday
from ilja.selection import SelectionPolicy, withdraw
from ilja.selection.offers import LEAVING, OfferState, lapsed, offer_deadline
from tests.selection.strategies import policies, rounds, seeds
from tests.selection.test_allocation import select

ENDINGS = ("declined", "lapsed", "no_show")


def _seated(allocation, unit: str) -> int:
    return int((allocation.unit == allocation.unit_index(unit)).sum())


def _end_offers(allocation, data):
    """A batch of offers ending at once: some of those seated, each with a way of ending."""
    seated = [o.applicant_id for o in allocation.outcomes() if o.unit is not None]
    if not seated:
        return {}
    chosen = data.draw(st.lists(st.sampled_from(seated), min_size=1, max_size=3, unique=True))
    return {a: data.draw(st.sampled_from(ENDINGS)) for a in chosen}


@settings(max_examples=200, deadline=None)
@given(rounds(max_choices=1, groups=False), seeds, st.data())
def test_ended_offers_promote_the_waitlist_in_order(inputs, seed, data):
    allocation = select(inputs, SelectionPolicy(priority_share="0"), seed)
    for _ in range(data.draw(st.integers(1, 4))):
        leavers = _end_offers(allocation, data)
        if not leavers:
            break
        units = {u.id: u for u in inputs.units}
        freed = {u: sum(1 for a in leavers if allocation.outcome_of(a).unit == u) for u in units}
        lines = {u: allocation.waitlist_of(u) for u in units}
        promotion = withdraw(allocation, leavers)
        after = promotion.allocation
        for unit in units:
            promoted = sorted((c for c in promotion.changes
                               if c.unit_after == unit and c.unit_before is None),
                              key=lambda c: c.waitlist_place)
            assert [c.applicant_id for c in promoted] == lines[unit][:freed[unit]]
            assert [c.waitlist_place for c in promoted] == list(range(1, len(promoted) + 1))
            assert after.waitlist_of(unit) == lines[unit][freed[unit]:]  # the rest move up
        allocation = after


@settings(max_examples=200, deadline=None)
@given(rounds(max_choices=2, groups=False), policies.filter(lambda p: p.waitlist_ratio is None),
       seeds, st.data())
def test_no_seat_is_filled_twice_and_every_seat_is_filled_while_the_waitlist_lasts(
        inputs, policy, seed, data):
    allocation = select(inputs, policy, seed)
    for _ in range(data.draw(st.integers(1, 4))):
        leavers = _end_offers(allocation, data)
        if not leavers:
            break
        allocation = withdraw(allocation, leavers).allocation
        held = allocation.unit[allocation.unit >= 0]
        assert len(held) == len(set(np.flatnonzero(allocation.unit >= 0)))
        for unit in inputs.units:
            assert _seated(allocation, unit.id) <= unit.capacity
            if allocation.waitlist_of(unit.id):
                assert _seated(allocation, unit.id) == unit.capacity
        for leaver in leavers:
            assert allocation.outcome_of(leaver).unit is None


def test_every_way_an_offer_ends_frees_the_seat_with_its_own_state():
    assert {LEAVING[kind] for kind in ENDINGS} == {OfferState.DECLINED, OfferState.LAPSED,
                                                   OfferState.NO_SHOW}


@st.composite
def instants(draw):
    day = draw(st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 1)))
    at = dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59)))
    return dt.datetime.combine(day, at, SEOUL)


@settings(max_examples=300, deadline=None)
@given(instants(), st.integers(1, 10), st.integers(-5, 60))
def test_the_deadline_is_the_end_of_the_nth_working_day_capped_by_the_start(made, days, lead):
    starts = made.date() + dt.timedelta(days=lead)
    deadline = offer_deadline(made.astimezone(dt.UTC), days, starts, is_public_holiday)
    local = deadline.astimezone(SEOUL)
    assert local.time() == dt.time(0) and deadline > made  # 24:00 Korea time, after the offer
    last = local.date() - dt.timedelta(days=1)  # the last day to answer
    cap = max(made.date(), starts - dt.timedelta(days=1))
    counted = sum(1 for i in range(1, (last - made.date()).days + 1)
                  if _working(made.date() + dt.timedelta(days=i)))
    assert made.date() <= last <= cap
    if last < cap:  # not capped by the start: exactly n working days, the last one a working day
        assert counted == days and _working(last)
    else:
        assert counted <= days
    assert not lapsed("open", deadline, deadline - dt.timedelta(seconds=1))
    assert lapsed("open", deadline, deadline) and not lapsed("accepted", deadline, deadline)


def _working(day: dt.date) -> bool:
    return day.weekday() < 5 and not is_public_holiday(day)


def test_an_offer_made_before_chuseok_runs_past_the_holidays():
    made = dt.datetime(2025, 10, 2, 15, tzinfo=SEOUL)  # Thursday; 3 Oct and 6–9 Oct are holidays
    deadline = offer_deadline(made, 3, dt.date(2025, 11, 3), is_public_holiday)
    assert deadline.astimezone(SEOUL) == dt.datetime(2025, 10, 15, tzinfo=SEOUL)
