"""Employer events: create, list, sign up (a seat or the waitlist, never over-booked under
concurrency), cancel (the first waitlisted moves up), attendance and the hire follow-up.

A seat is taken by ``UPDATE … SET confirmed = confirmed + 1 WHERE confirmed < capacity``: the
database decides, so two trainees pressing the button at once cannot both get the last seat."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

from ilja.accounts import audit
from ilja.accounts.models import AuditIntake
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.db import DriverStatement
from ilja.matching import service as matching
from ilja.support.budgets import now
from ilja.support.errors import Conflict, Full, Invalid, NotFound
from ilja.support.errors import required_text as _text
from ilja.support.events import EventKind, Place, hire_counts, signups_close_at, uses_on
from ilja.support.models import EmployerEvent, EventSignup


def create_event(session: Session, *, kind: str, title: str, starts_at: dt.datetime, place: str, capacity: int,
                 organisation_code: str | None = None, organisation_name: str | None = None,
                 university: str | None = None, campus_code: str | None = None, actor: audit.Actor) -> EmployerEvent:
    """An event with a company (a matching organisation, by code, or a name) and, for the
    visiting academy, the university that hosts it."""
    if kind not in {k.value for k in EventKind}:
        raise Invalid("행사 종류가 올바르지 않습니다.", "kind is one of " + ", ".join(EventKind), field="kind")
    if capacity < 1:
        raise Invalid("정원은 1명 이상입니다.", "The capacity is at least 1.", field="capacity")
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=dt.UTC)
    name = (organisation_name or "").strip()
    code = (organisation_code or "").strip() or None
    if code:
        organisation = matching.organisation_by_code(session, code)
        if organisation is None:
            raise NotFound("organisation", code)
        name = organisation.name
    if kind == EventKind.VISITING_ACADEMY and not (university or "").strip():
        raise Invalid("찾아가는 청년취업사관학교는 대학을 입력해야 합니다.",
                      "A visiting-academy session names its university.", field="university")
    row = EmployerEvent(kind=kind, title=_text(title, "title"), organisation_code=code,
                        organisation_name=_text(name, "organisation_name"),
                        university=(university or "").strip() or None,
                        campus_code=(campus_code or "").strip() or None, place=_text(place, "place"),
                        starts_at=starts_at, capacity=capacity, confirmed=0, waitlisted=0, cancelled=False,
                        created_at=now(), created_by=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "support.event.create", object_type="event", object_id=row.id,
                 details={"kind": kind, "capacity": capacity})
    return row


def get_event(session: Session, event_id: int) -> EmployerEvent:
    row = session.get(EmployerEvent, event_id)
    if row is None:
        raise NotFound("event", event_id)
    return row


def events(session: Session, *, upcoming_from: dt.datetime | None = None,
           kind: str | None = None) -> list[EmployerEvent]:
    query = select(EmployerEvent).order_by(EmployerEvent.starts_at, EmployerEvent.id)
    if upcoming_from is not None:
        query = query.where(EmployerEvent.starts_at >= upcoming_from, EmployerEvent.cancelled.is_(False))
    if kind:
        query = query.where(EmployerEvent.kind == kind)
    return list(session.scalars(query))


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


_EVENTS, _SIGNUPS = EmployerEvent.__table__, EventSignup.__table__
_TAKE = {column: update(_EVENTS).where(_EVENTS.c.id == bindparam("event_id"),
                                       _EVENTS.c[column] < bindparam("limit"))
         .values({column: _EVENTS.c[column] + 1}).returning(_EVENTS.c[column])
         for column in ("confirmed", "waitlisted")}


def _take(session: Session, event_id: int, column: str, limit: int) -> bool:
    """A seat (or waitlist place) when one is free, by one conditional UPDATE (a Core statement
    on the session's connection: the ORM's bulk-update path cost more than the statement)."""
    return session.connection().execute(
        _TAKE[column], {"event_id": event_id, "limit": limit}).first() is not None


# A sign-up's statements, built once: the event's closing facts and counts with the person's
# earlier sign-up, the conditional UPDATEs that take a seat or a place, the sign-up's insert and
# its audit entry's.
_SIGNUP_VALUES = ["event_id", "person_id", "status", "signed_up_at", "attended", "hired", "hired_on",
                  "follow_up_note"]
_EVENT_AND_SIGNUP = DriverStatement(
    select(_EVENTS.c.cancelled, _EVENTS.c.starts_at, _EVENTS.c.capacity, _EVENTS.c.confirmed,
           _EVENTS.c.waitlisted, _SIGNUPS.c.id, _SIGNUPS.c.status)
    .select_from(_EVENTS.outerjoin(_SIGNUPS, and_(_SIGNUPS.c.event_id == _EVENTS.c.id,
                                                   _SIGNUPS.c.person_id == bindparam("person_id"))))
    .where(_EVENTS.c.id == bindparam("event_id")))
_TAKE_PLACE = {column: DriverStatement(statement) for column, statement in _TAKE.items()}
_INSERT_SIGNUP = DriverStatement(insert(_SIGNUPS).returning(_SIGNUPS.c.id), _SIGNUP_VALUES)
_INSERT_AUDIT = DriverStatement(insert(AuditIntake.__table__).inline(),
                                [column.key for column in AuditIntake.__table__.columns if column.key != "id"])


def sign_up(session: Session, *, event_id: int, person_id: int, at: dt.datetime | None = None,
            actor: audit.Actor) -> EventSignup:
    """A seat when one is free, else a place on the waitlist, else ``Full``.

    One read of the event's closing facts and counts with the person's earlier sign-up (no mapped
    objects); when it shows the seats and the waitlist taken, ``Full`` at once, nothing to write
    (as if the request came at the read: a place freed after it goes to the next request).
    Otherwise the conditional UPDATE that takes the place (the database decides, so never
    over-booked), the sign-up and its audit entry: each statement built once."""
    found = _EVENT_AND_SIGNUP.run(session, {"event_id": event_id, "person_id": person_id})
    if not found:
        raise NotFound("event", event_id)
    cancelled, starts_at, capacity, confirmed, waitlisted, earlier_id, earlier_status = found[0]
    at = at or now()
    uses = uses_on(at.date())
    if cancelled or _aware(at) > signups_close_at(_aware(starts_at), uses):
        raise Conflict("신청이 마감된 행사입니다.", "Sign-ups for this event are closed.", field="event_id")
    if earlier_id is not None and earlier_status != "cancelled":
        raise Conflict("이미 신청한 행사입니다.", "Already signed up.", field="event_id")
    waitlist = int(uses["waitlist_size"].value)
    if confirmed >= capacity and waitlisted >= waitlist:
        raise _full()
    if _TAKE_PLACE["confirmed"].run(session, {"event_id": event_id, "limit": capacity}):
        status = Place.CONFIRMED
    elif _TAKE_PLACE["waitlisted"].run(session, {"event_id": event_id, "limit": waitlist}):
        status = Place.WAITLISTED
    else:
        raise _full()
    if earlier_id is None:
        # inserted by the driver (the unit of work's flush of one row cost more), then put in the
        # session as the row it wrote: every column given, so nothing is read back
        values = {"event_id": event_id, "person_id": person_id, "status": status.value, "signed_up_at": at,
                  "attended": None, "hired": None, "hired_on": None, "follow_up_note": None}
        signup = EventSignup(id=_INSERT_SIGNUP.run(session, values)[0][0], **values)
        make_transient_to_detached(signup)
        session.add(signup)
    else:
        signup = session.get_one(EventSignup, earlier_id)
        signup.status, signup.signed_up_at = status.value, at
        session.flush()
    entry = {"action": "support.event.signup", "subject_person_id": person_id, "object_type": "event",
             "object_id": event_id, "details": {"status": status.value}}
    for row in audit.intake_rows(session, actor, [entry]):
        _INSERT_AUDIT.run(session, row)
    return signup


def _full() -> Full:
    return Full("정원과 대기 인원이 모두 찼습니다.", "The event and its waitlist are full.", field="event_id")


def cancel(session: Session, *, event_id: int, person_id: int, actor: audit.Actor) -> EventSignup | None:
    """Cancel a sign-up; a freed seat goes to the longest-waiting person. Returns who moved up."""
    event = get_event(session, event_id)
    row = session.execute(select(EventSignup).where(EventSignup.event_id == event.id,
                                                    EventSignup.person_id == person_id,
                                                    EventSignup.status != "cancelled")).scalar_one_or_none()
    if row is None:
        raise NotFound("signup", person_id)
    was = row.status
    row.status = "cancelled"
    column = EmployerEvent.confirmed if was == "confirmed" else EmployerEvent.waitlisted
    session.execute(update(EmployerEvent).where(EmployerEvent.id == event.id)
                    .values({column.key: column - 1}).execution_options(synchronize_session=False))
    promoted = None
    if was == "confirmed":
        promoted = session.execute(select(EventSignup).where(EventSignup.event_id == event.id,
                                                             EventSignup.status == "waitlisted")
                                   .order_by(EventSignup.signed_up_at, EventSignup.id).limit(1)).scalar_one_or_none()
        if promoted is not None and _take(session, event.id, "confirmed", event.capacity):
            promoted.status = "confirmed"
            session.execute(update(EmployerEvent).where(EmployerEvent.id == event.id)
                            .values(waitlisted=EmployerEvent.waitlisted - 1)
                            .execution_options(synchronize_session=False))
        else:
            promoted = None
    session.flush()
    session.refresh(event)
    audit.record(session, actor, "support.event.cancel", subject_person_id=person_id, object_type="event",
                 object_id=event.id, details={"promoted": promoted.person_id if promoted else None})
    return promoted


def signups(session: Session, event_id: int, scope: Scope = SYSTEM) -> list[EventSignup]:
    """The event's sign-ups within ``scope`` (a coordinator's: their caseload's)."""
    return list(session.scalars(select(EventSignup).where(EventSignup.event_id == event_id,
                                                          scope.where(Kind.EVENT_SIGNUP))
                                .order_by(EventSignup.status, EventSignup.signed_up_at, EventSignup.id)))


def signups_of(session: Session, person_id: int) -> list[tuple[EventSignup, EmployerEvent]]:
    return [tuple(r) for r in session.execute(  # type: ignore[misc]
        select(EventSignup, EmployerEvent).join(EmployerEvent, EmployerEvent.id == EventSignup.event_id)
        .where(EventSignup.person_id == person_id).order_by(EmployerEvent.starts_at))]


def _signup(session: Session, signup_id: int, scope: Scope) -> EventSignup:
    row = scope.get(session, Kind.EVENT_SIGNUP, signup_id)
    if row is None:
        raise NotFound("signup", signup_id)
    return row


def mark_attendance(session: Session, *, signup_id: int, attended: bool, actor: audit.Actor,
                    scope: Scope = SYSTEM) -> EventSignup:
    row = _signup(session, signup_id, scope)
    if row.status != "confirmed":
        raise Conflict("확정된 신청만 출석을 기록합니다.", "Only confirmed sign-ups have attendance.", field="status")
    row.attended = attended
    session.flush()
    audit.record(session, actor, "support.event.attendance", subject_person_id=row.person_id, object_type="event",
                 object_id=row.event_id, details={"attended": attended})
    return row


def follow_up(session: Session, *, signup_id: int, hired: bool, hired_on: dt.date | None = None, note: str = "",
              actor: audit.Actor, scope: Scope = SYSTEM) -> EventSignup:
    """Did a hire come of it: a hire counts only for an attendee, within the follow-up window."""
    row = _signup(session, signup_id, scope)
    event = get_event(session, row.event_id)
    if hired:
        if not row.attended:
            raise Conflict("참석한 사람만 채용 연계로 기록합니다.", "Only attendees can be followed up as hired.",
                           field="hired")
        if hired_on is None or not hire_counts(event.starts_at.date(), hired_on, uses_on(event.starts_at.date())):
            raise Invalid("채용일이 행사 후 인정 기간 밖입니다.",
                          "The hire date is outside the event's follow-up window.", field="hired_on")
    row.hired, row.hired_on, row.follow_up_note = hired, hired_on if hired else None, note.strip() or None
    session.flush()
    audit.record(session, actor, "support.event.follow_up", subject_person_id=row.person_id, object_type="event",
                 object_id=row.event_id, details={"hired": hired})
    return row


@dataclass(frozen=True)
class EventFigures:
    kind: str
    events: int
    signups: int
    attended: int
    hired: int


def figures(session: Session, *, year: int) -> list[EventFigures]:
    """Events, confirmed sign-ups, attendees and hires by kind, for the year's events."""
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    end = dt.datetime(year + 1, 1, 1, tzinfo=dt.UTC)
    in_year = (EmployerEvent.starts_at >= start, EmployerEvent.starts_at < end, EmployerEvent.cancelled.is_(False))
    counts = dict(session.execute(select(EmployerEvent.kind, func.count()).where(*in_year)
                                  .group_by(EmployerEvent.kind)).all())
    rows = session.execute(
        select(EmployerEvent.kind, func.count(EventSignup.id),
               func.count(EventSignup.id).filter(EventSignup.attended.is_(True)),
               func.count(EventSignup.id).filter(EventSignup.hired.is_(True)))
        .join(EventSignup, EventSignup.event_id == EmployerEvent.id)
        .where(*in_year, EventSignup.status == "confirmed").group_by(EmployerEvent.kind)).all()
    by_kind = {k: (int(s), int(a), int(h)) for k, s, a, h in rows}
    return [EventFigures(k.value, int(counts.get(k.value, 0)), *by_kind.get(k.value, (0, 0, 0))) for k in EventKind]
