"""Offers stored, on SQLite and PostgreSQL (issue 18 §3): the draw offers every seat with a
deadline and a message; a decline, a lapse and a no-show promote the waitlist in order, each
promoted applicant notified with their own deadline; accepting writes a history line; the
applicant withdraws before the start; every step verifies and is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts.models import AuditRecord
from ilja.accounts.roles import Role
from ilja.accounts.scope import Scope
from ilja.applications import statuses
from ilja.applications.models import Application, ApplicationEvent, ApplicationStatus
from ilja.db import engine_for, transaction
from ilja.messages.models import OutboxMessage
from ilja.selection import offer_service, service, standing
from ilja.selection.models import SelectionOffer, SelectionOutcomeRow
from ilja.selection.offers import OfferState
from tests.applications.factories import AUDITOR, CITIZEN, MANAGER
from tests.selection.test_service import drawn_round

S = ApplicationStatus
DRAWN = dt.datetime(2025, 6, 9, 10)  # Seoul; the round starts on 1 July 2025
ACT = dt.datetime(2025, 6, 10, 1, tzinfo=dt.UTC)


def offers(url, round_id):
    with transaction(engine_for(url)) as session:
        return [(o.application_id, o.state, o.unit_code, o.sequence, o.deadline_at)
                for o in session.execute(select(SelectionOffer).join(Application).where(
                    Application.round_id == round_id).order_by(SelectionOffer.id)).scalars()]


def waiting(url, round_id, unit="care"):
    """The unit's waitlist in force, place 1 first."""
    with transaction(engine_for(url)) as session:
        rows = session.execute(select(SelectionOutcomeRow).join(
            Application, Application.id == SelectionOutcomeRow.application_id).where(
            Application.round_id == round_id)).scalars()
        places = {r.application_id: dict((u, p) for u, p in r.current_waitlist).get(unit)
                  for r in rows}
    return [a for a, p in sorted(((a, p) for a, p in places.items() if p), key=lambda x: x[1])]


def own(session, application_id) -> Scope:
    person = session.get_one(Application, application_id).person_id
    return Scope(Role.CITIZEN, person_id=person)


def selected(url, round_id, unit="care"):
    with transaction(engine_for(url)) as session:
        return sorted(session.execute(select(SelectionOutcomeRow.application_id).join(
            Application, Application.id == SelectionOutcomeRow.application_id).where(
            Application.round_id == round_id, SelectionOutcomeRow.current_unit_code == unit,
            SelectionOutcomeRow.current_status == "selected")).scalars())


def drawn_at(url, keyring, when: dt.datetime, people: int = 12):
    """``drawn_round`` drawn at ``when`` (Seoul time)."""
    round_id, ids = drawn_round(url, keyring, people=people, run=False)
    with clock.frozen(when), transaction(engine_for(url)) as session:
        service.run_selection(session, round_id, actor=MANAGER)
    return round_id, ids


@pytest.fixture
def keyring(tmp_path):
    from ilja.people.rrn import generate_key_file

    return generate_key_file(tmp_path / "keys" / "data-keys.json")


def test_the_draw_offers_every_seat_with_a_deadline_and_a_message(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, dt.datetime(2025, 6, 2, 10))  # a Monday
    made = offers(database_url, round_id)
    assert len(made) == 3 and {m[1] for m in made} == {OfferState.OPEN}
    # three working days after Monday 2 June 2025: not the 3rd (election day) nor the 6th
    # (현충일): the 4th, the 5th and Monday the 9th, to its end
    deadline = made[0][4].astimezone(clock.SEOUL)
    assert deadline == dt.datetime(2025, 6, 10, 0, 0, tzinfo=clock.SEOUL)
    with transaction(engine_for(database_url)) as session:
        topics = session.execute(select(OutboxMessage.subject_ref).where(
            OutboxMessage.topic == "offer_made")).scalars().all()
    assert sorted(topics) == sorted(f"application:{m[0]}" for m in made)


def test_a_decline_promotes_the_first_on_the_waitlist_who_is_notified(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    seated, line = selected(database_url, round_id), waiting(database_url, round_id)
    assert len(seated) == 2 and len(line) >= 2
    with transaction(engine_for(database_url)) as session:
        offer_service.withdraw(session, seated[0], scope=own(session, seated[0]), actor=CITIZEN, now=ACT)
    assert selected(database_url, round_id) == sorted([seated[1], line[0]])
    assert waiting(database_url, round_id) == line[1:]
    states = {(a, s) for a, s, *_ in offers(database_url, round_id)}
    assert (seated[0], OfferState.DECLINED) in states and (line[0], OfferState.OPEN) in states
    promoted = [o for o in offers(database_url, round_id) if o[0] == line[0]][0]
    assert promoted[3] == 1  # made by the first withdrawal
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(OutboxMessage).where(
            OutboxMessage.subject_ref == f"application:{line[0]}")).scalar_one().topic == "offer_made"
        assert service.verify(session, round_id, actor=AUDITOR).ok


def test_a_lapse_withdraws_after_the_deadline_and_promotes(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    seated, line = selected(database_url, round_id), waiting(database_url, round_id)
    with transaction(engine_for(database_url)) as session:
        offer_service.accept(session, seated[1], scope=own(session, seated[1]), actor=CITIZEN,
                             now=dt.datetime(2025, 6, 10, 1, tzinfo=dt.UTC))
    with transaction(engine_for(database_url)) as session:  # not yet: nothing lapses
        assert offer_service.lapse_offers(session, now=dt.datetime(2025, 6, 12, 14, tzinfo=dt.UTC)) == 0
    with transaction(engine_for(database_url)) as session:
        assert offer_service.lapse_offers(session, now=dt.datetime(2025, 6, 12, 15, tzinfo=dt.UTC)) == 2
    assert selected(database_url, round_id) == sorted([seated[1], line[0]])
    with transaction(engine_for(database_url)) as session:
        status = session.get_one(Application, seated[0]).status
        reasons = session.execute(select(ApplicationEvent.reason_code).where(
            ApplicationEvent.application_id == seated[1])).scalars().all()
        assert service.verify(session, round_id, actor=AUDITOR).ok
    assert status == S.WITHDRAWN and "offer.accepted" in reasons
    states = {a: s for a, s, *_ in offers(database_url, round_id)}
    assert states[seated[0]] == OfferState.LAPSED and states[seated[1]] == OfferState.ACCEPTED


def test_accepting_after_the_deadline_is_refused_and_the_seat_is_gone(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN, people=6)
    seated = selected(database_url, round_id)
    with (transaction(engine_for(database_url)) as session,
          pytest.raises(offer_service.OfferError) as refused):
        offer_service.accept(session, seated[0], scope=own(session, seated[0]), actor=CITIZEN,
                             now=dt.datetime(2025, 6, 13, tzinfo=dt.UTC))
    assert "deadline" in refused.value.message("en")
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, seated[0]).status == S.WITHDRAWN  # lapsed first


def test_a_no_show_promotes_and_is_audited(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    seated, line = selected(database_url, round_id), waiting(database_url, round_id)
    with transaction(engine_for(database_url)) as session:
        offer_service.no_show(session, seated[0], scope=Scope(Role.PROGRAM_MANAGER), actor=MANAGER, now=ACT)
    assert line[0] in selected(database_url, round_id)
    with transaction(engine_for(database_url)) as session:
        actions = session.execute(select(AuditRecord.action)).scalars().all()
        reason = session.execute(select(ApplicationEvent.reason_code).where(
            ApplicationEvent.application_id == seated[0]).order_by(ApplicationEvent.id.desc())
        ).scalars().first()
    assert "selection.withdraw" in actions and reason == "withdrawal.no_show"
    assert {a: s for a, s, *_ in offers(database_url, round_id)}[seated[0]] == OfferState.NO_SHOW


def test_a_citizen_reaches_only_their_own_offer(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN, people=6)
    seated = selected(database_url, round_id)
    from ilja.applications.errors import ApplicationNotFound

    with transaction(engine_for(database_url)) as session, pytest.raises(ApplicationNotFound):
        offer_service.accept(session, seated[0], scope=own(session, seated[1]), actor=CITIZEN,
                             now=ACT)


def test_withdrawing_before_the_draw_and_not_after_the_start(database_url, keyring):
    round_id, ids = drawn_round(database_url, keyring, people=4, run=False)
    with transaction(engine_for(database_url)) as session:
        application = offer_service.withdraw(session, ids[0], scope=own(session, ids[0]),
                                             actor=CITIZEN, now=ACT)
        assert application.status == S.WITHDRAWN
    with transaction(engine_for(database_url)) as session, clock.frozen(DRAWN):
        service.run_selection(session, round_id, actor=MANAGER)
    seated = selected(database_url, round_id)
    with transaction(engine_for(database_url)) as session, pytest.raises(offer_service.OfferError):
        offer_service.withdraw(session, seated[0], scope=own(session, seated[0]), actor=CITIZEN,
                               now=dt.datetime(2025, 7, 1, 3, tzinfo=dt.UTC))


def test_the_standing_explains_score_rank_lottery_cutoff_and_waitlist(database_url, keyring):
    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    seated, line = selected(database_url, round_id), waiting(database_url, round_id)
    with transaction(engine_for(database_url)) as session:
        offer_service.withdraw(session, seated[0], scope=own(session, seated[0]), actor=CITIZEN, now=ACT)
    with transaction(engine_for(database_url)) as session:
        mine = standing.standing(session, session.get_one(Application, line[1]))
        rows, _ = service.results(session, round_id)
    result = {r.application_id: r for r in rows}[line[1]]
    assert mine.drawn and mine.score == result.score and mine.rank == result.rank
    assert mine.waitlist_drawn == [["care", 2]] and mine.waitlist_now == [["care", 1]]
    assert len(mine.lottery_number) == 16 and mine.status == "waitlisted"
    care = {c["seat"]: c for c in mine.cutoffs if c["unit"] == "care"}["open"]
    assert care["drawn"].filled == 2 and care["drawn"].score >= mine.score
    assert care["now"].rank >= care["drawn"].rank


def test_the_periodic_job_lapses_overdue_offers(database_url, keyring, monkeypatch):
    import json

    from typer.testing import CliRunner

    from ilja.cli import app
    from ilja.config import get_settings

    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    line = waiting(database_url, round_id)
    monkeypatch.setenv("ILJA_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        with clock.frozen(dt.datetime(2025, 6, 20, 9)):
            result = CliRunner().invoke(app, ["selection", "lapse-offers", "--format", "json"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"lapsed": 3}
    assert line[0] in selected(database_url, round_id)


def test_a_placed_applicants_unanswered_offer_counts_as_taken_not_lapsed(database_url, keyring):

    round_id, ids = drawn_at(database_url, keyring, DRAWN)
    seated = selected(database_url, round_id)
    with transaction(engine_for(database_url)) as session:
        statuses.change_status(session, seated[0], S.PLACED, actor=MANAGER, note="배치 완료",
                               now=ACT)
    with transaction(engine_for(database_url)) as session:
        assert offer_service.lapse_offers(session, now=dt.datetime(2025, 6, 20, tzinfo=dt.UTC)) == 2
    states = {a: s for a, s, *_ in offers(database_url, round_id)}
    assert states[seated[0]] == OfferState.ACCEPTED and states[seated[1]] == OfferState.LAPSED
    with transaction(engine_for(database_url)) as session:
        assert session.get_one(Application, seated[0]).status == S.PLACED
        assert service.verify(session, round_id, actor=AUDITOR).ok
