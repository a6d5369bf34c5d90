"""Alumni participation: mentoring pairs, talent-donation sessions and scholarships, each also
written as an activity of the alumni register through ``outcomes.service.add_alumni_activity``,
and the year's active members published to the outcomes KPI actuals.

The outcomes service has no look-up of a member; ``member`` reads ``alumni_members`` (read only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.outcomes import service as outcomes
from ilja.outcomes.models import AlumniActivity, AlumniMember
from ilja.people import registry
from ilja.support.alumni import mentor_has_room, session_counts, uses_on
from ilja.support.errors import Conflict, Invalid, NotFound
from ilja.support.models import MentoringPair, Scholarship, TalentSession


def member(session: Session, member_id: int) -> Any:
    row = session.get(AlumniMember, member_id)
    if row is None or (row.left_on is not None and row.left_on <= clock.today()):
        raise NotFound("alumni member", member_id)
    return row


def _person(session: Session, person_id: int, scope: Scope = SYSTEM) -> None:
    if registry.get_person(session, person_id, scope) is None:
        raise NotFound("person", person_id)


def _activity(session: Session, member_id: int, kind: str, on: dt.date, amount_won: int | None,
              actor: audit.Actor) -> int:
    return outcomes.add_alumni_activity(session, member_id=member_id, kind=kind, on=on, amount_won=amount_won,
                                        actor=actor).id


def pair(session: Session, *, mentor_member_id: int, mentee_person_id: int, started_on: dt.date,
         actor: audit.Actor, scope: Scope = SYSTEM) -> MentoringPair:
    mentor = member(session, mentor_member_id)
    _person(session, mentee_person_id, scope)
    if mentor.person_id == mentee_person_id:
        raise Invalid("본인을 멘토링할 수 없습니다.", "A mentor cannot mentor themselves.", field="mentee_person_id")
    open_pairs = session.execute(select(func.count()).select_from(MentoringPair).where(
        MentoringPair.mentor_member_id == mentor.id, MentoringPair.ended_on.is_(None))).scalar_one()
    if not mentor_has_room(int(open_pairs), uses_on(started_on)):
        raise Conflict("이 멘토의 멘티 정원이 찼습니다.", "This mentor has as many mentees as allowed.",
                       field="mentor_member_id")
    row = MentoringPair(mentor_member_id=mentor.id, mentee_person_id=mentee_person_id, started_on=started_on,
                        meetings=0, created_by=actor.id)
    row.activity_id = _activity(session, mentor.id, "mentoring", started_on, None, actor)
    audit.created(session, actor, row, "support.alumni.pair", object_type="mentoring_pair",
                  subject_person_id=mentee_person_id, details={"mentor_member_id": mentor.id})
    return row


def record_meeting(session: Session, *, pair_id: int, on: dt.date, actor: audit.Actor,
                   scope: Scope = SYSTEM) -> MentoringPair:
    """A mentoring meeting: counted as the mentor's activity on that day."""
    row = scope.get(session, Kind.MENTORING_PAIR, pair_id)
    if row is None:
        raise NotFound("pair", pair_id)
    if row.ended_on is not None:
        raise Conflict("끝난 멘토링입니다.", "The mentoring has ended.", field="pair_id")
    row.meetings += 1
    _activity(session, row.mentor_member_id, "mentoring", on, None, actor)
    session.flush()
    audit.record(session, actor, "support.alumni.meeting", object_type="mentoring_pair", object_id=row.id)
    return row


def end_pair(session: Session, *, pair_id: int, on: dt.date, actor: audit.Actor,
             scope: Scope = SYSTEM) -> MentoringPair:
    row = scope.get(session, Kind.MENTORING_PAIR, pair_id)
    if row is None:
        raise NotFound("pair", pair_id)
    row.ended_on = on
    session.flush()
    audit.record(session, actor, "support.alumni.pair_end", object_type="mentoring_pair", object_id=row.id)
    return row


def talent_session(session: Session, *, member_id: int, topic: str, held_on: dt.date, minutes: int, attendees: int,
                   campus_code: str | None = None, actor: audit.Actor) -> TalentSession:
    donor = member(session, member_id)
    if minutes <= 0 or attendees < 0:
        raise Invalid("시간과 참석 인원을 확인해 주세요.", "Check the minutes and attendees.", field="minutes")
    if not (topic or "").strip():
        raise Invalid("주제를 입력해 주세요.", "topic is required.", field="topic")
    counted = session_counts(minutes, uses_on(held_on))
    row = TalentSession(member_id=donor.id, topic=topic.strip(), campus_code=(campus_code or "").strip() or None,
                        held_on=held_on, minutes=minutes, attendees=attendees, counted=counted, created_by=actor.id)
    if counted:
        row.activity_id = _activity(session, donor.id, "talent_donation", held_on, None, actor)
    audit.created(session, actor, row, "support.alumni.talent", object_type="talent_session",
                  details={"counted": counted})
    return row


def scholarship(session: Session, *, donor_member_id: int, recipient_person_id: int, amount_won: int,
                awarded_on: dt.date, actor: audit.Actor) -> Scholarship:
    donor = member(session, donor_member_id)
    _person(session, recipient_person_id)
    if amount_won <= 0:
        raise Invalid("장학금은 0원보다 커야 합니다.", "The amount must be positive.", field="amount_won")
    row = Scholarship(donor_member_id=donor.id, recipient_person_id=recipient_person_id, amount_won=amount_won,
                      awarded_on=awarded_on, created_by=actor.id)
    row.activity_id = _activity(session, donor.id, "scholarship_given", awarded_on, amount_won, actor)
    audit.created(session, actor, row, "support.alumni.scholarship", object_type="scholarship",
                  subject_person_id=recipient_person_id, details={"amount_won": amount_won})
    return row


def figures(session: Session, *, year: int) -> dict[str, int]:
    """The year's participation: active members (any counted activity), pairs started, meetings,
    counted talent sessions and their attendees, scholarships and their total."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    active = session.execute(select(func.count(func.distinct(AlumniActivity.member_id))).where(
        AlumniActivity.on >= start, AlumniActivity.on <= end,
        AlumniActivity.kind.in_(("mentoring", "talent_donation", "scholarship_given")))).scalar_one()
    pairs, meetings = session.execute(select(func.count(), func.coalesce(func.sum(MentoringPair.meetings), 0)).where(
        MentoringPair.started_on >= start, MentoringPair.started_on <= end)).one()
    sessions, attendees = session.execute(select(func.count(), func.coalesce(func.sum(TalentSession.attendees), 0))
                                          .where(TalentSession.held_on >= start, TalentSession.held_on <= end,
                                                 TalentSession.counted.is_(True))).one()
    given, total = session.execute(select(func.count(), func.coalesce(func.sum(Scholarship.amount_won), 0)).where(
        Scholarship.awarded_on >= start, Scholarship.awarded_on <= end)).one()
    return {"alumni_active_members": int(active), "mentoring_pairs": int(pairs), "mentoring_meetings": int(meetings),
            "talent_sessions": int(sessions), "talent_attendees": int(attendees), "scholarships": int(given),
            "scholarships_won": int(total)}


def publish(session: Session, *, year: int, actor: audit.Actor) -> dict[str, int]:
    """The year's participation figures into the outcomes KPI actuals (records, with the source)."""
    found = figures(session, year=year)
    for metric, value in found.items():
        outcomes.set_kpi_actual(session, scope="youth_academy", metric=metric, year=year, value=value,
                                source="support: alumni mentoring, talent donation and scholarships", actor=actor)
    return found


def recent(session: Session, *, limit: int = 100, scope: Scope = SYSTEM) -> dict[str, list[Any]]:
    return {
        "pairs": list(session.scalars(select(MentoringPair).where(scope.where(Kind.MENTORING_PAIR))
                                      .order_by(MentoringPair.started_on.desc()).limit(limit))),
        "sessions": list(session.scalars(select(TalentSession).order_by(TalentSession.held_on.desc()).limit(limit))),
        "scholarships": list(session.scalars(select(Scholarship).order_by(Scholarship.awarded_on.desc()).limit(limit))),
    }
