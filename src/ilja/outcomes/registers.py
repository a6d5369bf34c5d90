"""Reads behind the outcomes forms: the alumni and alliance registers, the staff-entered KPI
figures and the follow-ups due with their participation (ids, programme and dates only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.outcomes.models import (
    AllianceMember,
    AlumniActivity,
    AlumniMember,
    FollowUp,
    KpiActual,
    Participation,
)
from ilja.people import registry


def person_missing(session: Session, person_id: int) -> bool:
    return registry.get_person(session, person_id) is None


def alumni(session: Session, limit: int = 500) -> list[tuple[AlumniMember, int]]:
    """Members with their number of activities, newest first."""
    counts = (select(AlumniActivity.member_id, func.count().label("n"))
              .group_by(AlumniActivity.member_id).subquery())
    rows = session.execute(select(AlumniMember, func.coalesce(counts.c.n, 0))
                           .outerjoin(counts, counts.c.member_id == AlumniMember.id)
                           .order_by(AlumniMember.joined_on.desc(), AlumniMember.id.desc())
                           .limit(limit)).all()
    return [(m, int(n)) for m, n in rows]


def alumni_activities(session: Session, limit: int = 100) -> list[AlumniActivity]:
    return list(session.scalars(select(AlumniActivity)
                                .order_by(AlumniActivity.on.desc(), AlumniActivity.id.desc())
                                .limit(limit)))


def alliance(session: Session) -> list[AllianceMember]:
    return list(session.scalars(select(AllianceMember)
                                .order_by(AllianceMember.joined_on, AllianceMember.name)))


def kpi_actuals(session: Session) -> list[KpiActual]:
    return list(session.scalars(select(KpiActual).order_by(
        KpiActual.year.desc(), KpiActual.scope, KpiActual.metric)))


def due_with_participation(session: Session, on: dt.date, limit: int = 100,
                           scope: Scope = SYSTEM) -> list[tuple[FollowUp, Participation]]:
    """Open follow-ups due by ``on`` with the participation they ask about, oldest first, of the
    participations within ``scope``."""
    return [(f, p) for f, p in session.execute(
        select(FollowUp, Participation).join(Participation,
                                             Participation.id == FollowUp.participation_id)
        .where(FollowUp.done_on.is_(None), FollowUp.due_on <= on,
               scope.where(Kind.PARTICIPATION))
        .order_by(FollowUp.due_on, FollowUp.id).limit(limit)).all()]


def follow_up(session: Session, follow_up_id: int) -> tuple[FollowUp, Participation] | None:
    row = session.get(FollowUp, follow_up_id)
    if row is None:
        return None
    participation = session.get(Participation, row.participation_id)
    return None if participation is None else (row, participation)
