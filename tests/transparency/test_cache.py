"""The public pages' kept figures: the same build while nothing changed, a fresh one after a new
participation (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.accounts.audit import Actor
from ilja.db import engine_for, transaction
from ilja.outcomes import service
from ilja.outcomes.service import ParticipationInput
from ilja.transparency import cache, scorecards

STAFF = Actor("7", "job_coordinator")


def _card(url: str) -> scorecards.Scorecard:
    with transaction(engine_for(url)) as session:
        return scorecards.cached_build(session, year=2025)


def test_a_kept_scorecard_is_rebuilt_when_a_participation_is_added(database_url):
    cache.clear()
    with clock.frozen(dt.datetime(2025, 12, 20, 3, tzinfo=dt.UTC)):
        first = _card(database_url)
        assert _card(database_url) is first
        with transaction(engine_for(database_url)) as session:
            service.add_participation(session, ParticipationInput(
                program_code="youth_academy", started_on=dt.date(2025, 3, 3), source_ref="cache:1",
                status="dropped", campus_code="campus.mapo"), actor=STAFF)
        second = _card(database_url)
        assert second is not first
        mapo = next(r for r in second.raw if r.code == "campus.mapo")
        assert (mapo.ended, mapo.dropped) == (1, 1)
    cache.clear()
