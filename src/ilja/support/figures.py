"""Every support figure of a year into the outcomes KPI actuals (scope ``youth_academy``), where
the outcomes figures page and reports read them: certification pass rates, start-ups launched
and funding raised, employer events with attendance and hires, alumni participation. Launched
start-ups are also outcomes of their members (``startup_service``), counted by the rates."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.outcomes import service as outcomes
from ilja.support import alumni_service, certification_service, event_service
from ilja.support.models import Startup, StartupFunding

SCOPE = "youth_academy"


def startup_figures(session: Session, *, year: int) -> dict[str, int]:
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    launched = session.execute(select(func.count()).select_from(Startup).where(
        Startup.launched_on >= start, Startup.launched_on <= end)).scalar_one()
    raised = session.execute(select(func.coalesce(func.sum(StartupFunding.amount_won), 0)).where(
        StartupFunding.received_on >= start, StartupFunding.received_on <= end)).scalar_one()
    return {"startups_launched": int(launched), "startup_funding_won": int(raised)}


def event_figures(session: Session, *, year: int) -> dict[str, int]:
    rows = event_service.figures(session, year=year)
    return {"employer_events": sum(r.events for r in rows), "employer_event_attendees": sum(r.attended for r in rows),
            "employer_event_hires": sum(r.hired for r in rows)}


def publish_all(session: Session, *, year: int, actor: audit.Actor) -> dict[str, int]:
    found = certification_service.publish_figures(session, year=year, actor=actor)
    found |= alumni_service.publish(session, year=year, actor=actor)
    for source, figures in (("support: start-up incubation", startup_figures(session, year=year)),
                            ("support: employer events", event_figures(session, year=year))):
        for metric, value in figures.items():
            outcomes.set_kpi_actual(session, scope=SCOPE, metric=metric, year=year, value=value, source=source,
                                    actor=actor)
        found |= figures
    return found
