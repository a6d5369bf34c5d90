"""Offers of a seat (issue 18 §3), the pure part: when an offer lapses, and how a seat's leaving
ends its offer.

A selected applicant answers by a deadline: the end (24:00 Korea time) of the
``selection.offers.response_working_days``-th working day after the day the offer is made,
weekends and public holidays not counted — but never past the day before the program starts,
and never before the end of the day the offer is made. What happens to the seat is the
waitlist's rule (``waitlist.withdraw``): a decline, a lapse or a no-show frees it, and the next in
order of merit is promoted with an offer of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from enum import StrEnum

from ilja.clock import SEOUL


class OfferState(StrEnum):
    """Where an offer stands: waiting for an answer, or how it ended."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    LAPSED = "lapsed"
    NO_SHOW = "no_show"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"


LEAVING = {"declined": OfferState.DECLINED, "lapsed": OfferState.LAPSED,
           "no_show": OfferState.NO_SHOW, "dropped": OfferState.WITHDRAWN,
           "ineligible": OfferState.WITHDRAWN, "household": OfferState.WITHDRAWN}
"""How a withdrawal kind ends the leaver's open offer."""

HELD = frozenset({OfferState.OPEN, OfferState.ACCEPTED})
"""Offers that hold a seat: waiting for an answer, or accepted (until a no-show)."""


def offer_deadline(made_at: dt.datetime, working_days: int, starts_on: dt.date,
                   is_holiday: Callable[[dt.date], bool]) -> dt.datetime:
    """The instant (UTC) an offer made at ``made_at`` lapses."""
    day = made_at.astimezone(SEOUL).date()
    made_on = day
    left = working_days
    while left > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and not is_holiday(day):
            left -= 1
    last = max(made_on, min(day, starts_on - dt.timedelta(days=1)))
    return dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), SEOUL).astimezone(dt.UTC)


def lapsed(state: str, deadline_at: dt.datetime, now: dt.datetime) -> bool:
    """An open offer whose deadline has passed."""
    return state == OfferState.OPEN and now >= deadline_at
