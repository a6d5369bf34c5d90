"""Employer events besides matching days (seoul-2025-jobs-plan §1): hiring briefings (채용설명회), company
visits (기업탐방) and the "visiting academy" sessions run with universities (찾아가는
청년취업사관학교). Pure rules: when sign-ups are open, where a new sign-up lands (a seat, the
waitlist, or neither), and whether a hire counts as coming from the event. Figures are
parameters in ``rules/parameters/support/events.yaml`` (assumptions marked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse
from ilja.support.parameters import in_force

PREFIX = "support.events."


class EventKind(StrEnum):
    HIRING_BRIEFING = "hiring_briefing"  # 채용설명회
    COMPANY_VISIT = "company_visit"  # 기업탐방
    VISITING_ACADEMY = "visiting_academy"  # 찾아가는 청년취업사관학교


class Place(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    FULL = "full"


def uses_on(on: dt.date, tree: ParameterTree | None = None) -> dict[str, ParameterUse]:
    return in_force(PREFIX, ("signup_closes_hours_before", "waitlist_size", "hire_follow_up_days"), on, tree)


def signups_close_at(starts_at: dt.datetime, uses: Mapping[str, ParameterUse]) -> dt.datetime:
    return starts_at - dt.timedelta(hours=int(uses["signup_closes_hours_before"].value))


def place_for(confirmed: int, capacity: int, waitlisted: int, uses: Mapping[str, ParameterUse]) -> Place:
    """Where the next sign-up lands; the service makes the same test in one conditional UPDATE."""
    if confirmed < capacity:
        return Place.CONFIRMED
    if waitlisted < int(uses["waitlist_size"].value):
        return Place.WAITLISTED
    return Place.FULL


def hire_counts(event_day: dt.date, hired_on: dt.date, uses: Mapping[str, ParameterUse]) -> bool:
    """A hire counts for the event when it comes on or after the event, within the follow-up window."""
    return event_day <= hired_on <= event_day + dt.timedelta(days=int(uses["hire_follow_up_days"].value))
