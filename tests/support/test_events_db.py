"""Employer events on SQLite and PostgreSQL: seats, waitlist and promotion, no over-booking under
concurrency, attendance and the hire follow-up, figures by kind."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select, update

from ilja.accounts import audit
from ilja.accounts.models import AuditIntake, AuditRecord
from ilja.db import engine_for, transaction
from ilja.support import event_service as ev
from ilja.support.errors import Conflict, Full, Invalid
from ilja.support.models import EmployerEvent, EventSignup
from tests.applications.factories import register
from tests.support.factories import OPERATOR

STARTS = dt.datetime(2026, 3, 10, 5, tzinfo=dt.UTC)
BEFORE = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def people(url, keyring, n):
    return [register(url, keyring, program="youth_academy", birth_date="2000-01-01") for _ in range(n)]


def test_seats_waitlist_promotion_attendance_and_follow_up(database_url, keyring):
    persons = people(database_url, keyring, 4)
    with transaction(engine_for(database_url)) as session:
        with pytest.raises(Invalid):
            ev.create_event(session, kind="visiting_academy", title="찾아가는 청년취업사관학교", starts_at=STARTS,
                            place="서울대", capacity=2, organisation_name="서울시", actor=OPERATOR)
        event = ev.create_event(session, kind="hiring_briefing", title="네이버 채용설명회", starts_at=STARTS,
                                place="마포 캠퍼스", capacity=2, organisation_name="네이버", actor=OPERATOR)
        statuses = [ev.sign_up(session, event_id=event.id, person_id=p, at=BEFORE, actor=OPERATOR).status
                    for p in persons[:3]]
        assert statuses == ["confirmed", "confirmed", "waitlisted"]
        with pytest.raises(Conflict):
            ev.sign_up(session, event_id=event.id, person_id=persons[0], at=BEFORE, actor=OPERATOR)
        with pytest.raises(Conflict):  # closed a day before
            ev.sign_up(session, event_id=event.id, person_id=persons[3], at=STARTS - dt.timedelta(hours=23),
                       actor=OPERATOR)
        promoted = ev.cancel(session, event_id=event.id, person_id=persons[0], actor=OPERATOR)
        assert promoted is not None and promoted.person_id == persons[2]
        assert (event.confirmed, event.waitlisted) == (2, 0)
        rows = {r.person_id: r for r in ev.signups(session, event.id)}
        ev.mark_attendance(session, signup_id=rows[persons[1]].id, attended=True, actor=OPERATOR)
        with pytest.raises(Conflict):
            ev.follow_up(session, signup_id=rows[persons[2]].id, hired=True, hired_on=dt.date(2026, 4, 1),
                         actor=OPERATOR)
        with pytest.raises(Invalid):
            ev.follow_up(session, signup_id=rows[persons[1]].id, hired=True, hired_on=dt.date(2026, 7, 1),
                         actor=OPERATOR)
        ev.follow_up(session, signup_id=rows[persons[1]].id, hired=True, hired_on=dt.date(2026, 4, 1),
                     note="백엔드 인턴", actor=OPERATOR)
        figures = {f.kind: f for f in ev.figures(session, year=2026)}
        assert (figures["hiring_briefing"].events, figures["hiring_briefing"].signups,
                figures["hiring_briefing"].attended, figures["hiring_briefing"].hired) == (1, 2, 1, 1)
        assert figures["company_visit"].events == 0


def test_signing_up_again_after_cancelling_takes_a_place_on_the_same_row(database_url, keyring):
    persons = people(database_url, keyring, 2)
    with transaction(engine_for(database_url)) as session:
        event = ev.create_event(session, kind="hiring_briefing", title="채용설명회", starts_at=STARTS,
                                place="마포 캠퍼스", capacity=1, organisation_name="네이버", actor=OPERATOR)
        first = ev.sign_up(session, event_id=event.id, person_id=persons[0], at=BEFORE, actor=OPERATOR)
        assert (first.status, first.attended, first.hired_on) == ("confirmed", None, None)
        ev.cancel(session, event_id=event.id, person_id=persons[0], actor=OPERATOR)
        assert ev.sign_up(session, event_id=event.id, person_id=persons[1], at=BEFORE,
                          actor=OPERATOR).status == "confirmed"
        again = ev.sign_up(session, event_id=event.id, person_id=persons[0], at=BEFORE, actor=OPERATOR)
        assert (again.id, again.status) == (first.id, "waitlisted")
    with transaction(engine_for(database_url)) as session:
        rows = ev.signups(session, event.id)
        assert sorted((r.person_id, r.status) for r in rows) == [(persons[0], "waitlisted"),
                                                                 (persons[1], "confirmed")]
        assert (ev.get_event(session, event.id).confirmed, ev.get_event(session, event.id).waitlisted) == (1, 1)


def test_no_overbooking_when_everyone_signs_up_at_once(database_url, keyring):
    persons = people(database_url, keyring, 8)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        event = ev.create_event(session, kind="company_visit", title="기업탐방", starts_at=STARTS, place="판교",
                                capacity=3, organisation_name="카카오", actor=OPERATOR)
        event_id = event.id
    barrier = threading.Barrier(len(persons))
    results: list[str] = []

    def go(person_id: int) -> None:
        barrier.wait()
        for _ in range(20):
            try:
                with transaction(engine) as session:
                    results.append(ev.sign_up(session, event_id=event_id, person_id=person_id, at=BEFORE,
                                              actor=OPERATOR).status)
                return
            except Full:
                results.append("full")
                return
            except Exception:  # SQLite's single writer: busy, try again
                continue

    threads = [threading.Thread(target=go, args=(p,)) for p in persons]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(engine) as session:
        event = ev.get_event(session, event_id)
        confirmed = [s for s in ev.signups(session, event_id) if s.status == "confirmed"]
        assert len(confirmed) == event.confirmed == 3
        assert event.waitlisted == len(persons) - 3
    assert results.count("confirmed") == 3


def test_a_full_event_is_answered_from_the_read_and_a_sign_up_is_audited(database_url, keyring):
    """The sign-up runs on the driver's cursor (issue 20 §4): its audit entry is chained with the
    person, the event and the place; a full event writes nothing, not even a refused attempt."""
    first, second = people(database_url, keyring, 2)
    engine = engine_for(database_url)
    with transaction(engine) as session:
        event_id = ev.create_event(session, kind="company_visit", title="기업탐방", starts_at=STARTS, place="판교",
                                   capacity=1, organisation_name="카카오", actor=OPERATOR).id
    with transaction(engine) as session:
        signup = ev.sign_up(session, event_id=event_id, person_id=first, at=BEFORE, actor=OPERATOR)
        assert (signup.status, signup.signed_up_at) == ("confirmed", BEFORE)
    limit = int(ev.uses_on(BEFORE.date())["waitlist_size"].value)
    with transaction(engine) as session:
        session.execute(update(EmployerEvent).where(EmployerEvent.id == event_id).values(waitlisted=limit))
    with pytest.raises(Full), transaction(engine) as session:
        ev.sign_up(session, event_id=event_id, person_id=second, at=BEFORE, actor=OPERATOR)
    audit.seal_committed(engine)
    with transaction(engine) as session:
        event = ev.get_event(session, event_id)
        assert (event.confirmed, event.waitlisted) == (1, limit)
        rows = session.execute(select(EventSignup.person_id, EventSignup.status, EventSignup.signed_up_at)
                               .where(EventSignup.event_id == event_id)).all()
        assert [(p, s, at.astimezone(dt.UTC)) for p, s, at in rows] == [(first, "confirmed", BEFORE)]
        entries = session.execute(select(AuditRecord.subject_person_id, AuditRecord.object_id, AuditRecord.details,
                                         AuditRecord.actor_id)
                                  .where(AuditRecord.action == "support.event.signup")).all()
        assert entries == [(str(first), str(event_id), {"status": "confirmed"}, OPERATOR.id)]
        assert session.execute(select(func.count()).select_from(AuditIntake)).scalar_one() == 0
