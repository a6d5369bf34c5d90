"""The dashboard's kept build (issue 16: /outcomes took 1.5 s a view): a second view of the same
figures comes from the cache, and any change to what they count (a completion, an outcome, a
KPI figure) shows at the next view, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from ilja import clock
from ilja.accounts.audit import Actor
from ilja.db import engine_for, transaction
from ilja.outcomes import dashboard, service
from ilja.outcomes.service import OutcomeInput, ParticipationInput

STAFF = Actor("7", "job_coordinator")
YEAR = 2025


def completed(ref: str, done: dt.date) -> ParticipationInput:
    return ParticipationInput(program_code="youth_academy", started_on=done - dt.timedelta(days=150),
                              source_ref=ref, status="completed", completed_on=done,
                              campus_code="campus.mapo")


def view(url: str) -> dashboard.Dashboard:
    with transaction(engine_for(url)) as session:
        return dashboard.cached_build(session, year=YEAR)


def test_the_dashboard_is_kept_until_its_figures_change(database_url):
    with clock.frozen(dt.datetime(2025, 12, 20, 3, tzinfo=dt.UTC)):
        with transaction(engine_for(database_url)) as session:
            first = service.add_participation(session, completed("cache:1", dt.date(2025, 6, 30)), actor=STAFF)
        before = view(database_url)
        assert view(database_url) is before  # nothing changed: the kept build
        assert before.rates[0].group.denominator == 1 and before.rates[0].group.numerator == 0

        with transaction(engine_for(database_url)) as session:  # an outcome recorded
            service.record_outcome(session, OutcomeInput(first.id, "startup", dt.date(2025, 8, 1),
                                                         dt.date(2025, 8, 2)), actor=STAFF)
        after = view(database_url)
        assert after is not before and after.rates[0].group.numerator == 1

        with transaction(engine_for(database_url)) as session:  # a completion changed in place
            service.complete(session, first.id, dt.date(2025, 7, 31), actor=STAFF)
        moved = view(database_url)
        assert moved is not after and moved.months[6][1] is not None  # July now holds the completer

        with transaction(engine_for(database_url)) as session:  # a staff-entered figure
            service.set_kpi_actual(session, scope="youth_academy", metric="budget_executed", year=YEAR,
                                   value=10, source="test", actor=STAFF)
        assert view(database_url) is not moved
