"""Alumni participation (동문회, seoul-2025-jobs-plan §1 "alumni network … (mentoring, talent donation,
scholarships)"): pure rules that make the alumni target measure activity, not only head count —
how many mentees a mentor takes, which talent-donation sessions count, and who was active in a
year. Figures are parameters (``rules/parameters/support/alumni.yaml``, assumptions marked)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from ilja.rules.parameters import ParameterTree, ParameterUse
from ilja.support.parameters import in_force

PREFIX = "support.alumni."


def uses_on(on: dt.date, tree: ParameterTree | None = None) -> dict[str, ParameterUse]:
    return in_force(PREFIX, ("mentees_per_mentor", "talent_session_min_minutes"), on, tree)


def mentor_has_room(open_pairs: int, uses: Mapping[str, ParameterUse]) -> bool:
    return open_pairs < int(uses["mentees_per_mentor"].value)


def session_counts(minutes: int, uses: Mapping[str, ParameterUse]) -> bool:
    return minutes >= int(uses["talent_session_min_minutes"].value)


def active_members(activities: Iterable[tuple[int, dt.date]], year: int) -> int:
    """Distinct members with at least one counted activity in ``year``, from (member id, day)."""
    return len({member for member, day in activities if day.year == year})
