"""Offers of a seat, stored (issue 18 §3): made with the draw and with every promotion, answered
by the applicant (accept, decline), lapsed when the deadline passes, ended by a no-show; the
applicant's withdrawal before the round's start.

Every seat that frees goes through ``selection.service.withdraw`` (the waitlist's one rule), which
calls back here (``after_withdrawal``) to end the leaver's offer and make the promoted their own,
each notified (``messages.outbox.send``, topic ``offer_made``) in the same transaction. Status
lines go through the applications' status writer; every change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Scope
from ilja.applications import service as applications
from ilja.applications.lifecycle import ACTIVE, BEFORE_DRAW, ENDINGS, HOLDS_OR_WAITS
from ilja.applications.models import Application, ApplicationStatus, Round, RoundUnit
from ilja.programs.holidays import is_public_holiday
from ilja.rules.parameters import default_tree
from ilja.selection.errors import SelectionError
from ilja.selection.models import SelectionOffer, SelectionRunRow
from ilja.selection.offers import HELD, LEAVING, OfferState, lapsed, offer_deadline
from ilja.selection.waitlist import ChangeKind

S = ApplicationStatus
TOPIC = "offer_made"
RESPONSE_DAYS = "selection.offers.response_working_days"
LAPSE_NOTE = "참여 확정 기한까지 답이 없음"


class OfferError(SelectionError):
    code = "offer_state"


def deadline_for(row: Round, made_at: dt.datetime) -> dt.datetime:
    """The deadline of an offer made at ``made_at`` in this round (the period in force that day)."""
    days = int(default_tree().value(RESPONSE_DAYS, made_at.astimezone(clock.SEOUL).date()))
    return offer_deadline(made_at, days, row.starts_on, is_public_holiday)


# --------------------------------------------------------------------------------------------
# Made by the draw and by promotions (called from selection.service)
# --------------------------------------------------------------------------------------------
def after_draw(session: Session, run_row: SelectionRunRow, row: Round,
               seats: Iterable[tuple[int, str, str | None]], *, now: dt.datetime) -> None:
    """An open offer for every seat of the draw: (application id, unit, seat kind)."""
    deadline = deadline_for(row, now)
    made = [SelectionOffer(run_id=run_row.id, application_id=app_id, unit_code=unit, seat=seat,
                           state=OfferState.OPEN.value, made_at=now, deadline_at=deadline)
            for app_id, unit, seat in seats]
    session.add_all(made)
    session.flush()
    _notify(session, row, made)


def after_withdrawal(session: Session, run_row: SelectionRunRow, row: Round,
                     leavers: Mapping[int, str], changes: Sequence[Mapping[str, Any]], *,
                     sequence: int, actor: audit.Actor, now: dt.datetime) -> None:
    """End the leavers' offers as their kind says; a promoted applicant gets an offer with its
    own deadline, one moved up to a higher choice keeps the answer they gave (an accepted seat
    stays accepted at the better unit); a seat that changed kind keeps its offer."""
    touched = [c["application_id"] for c in changes]
    held = {o.application_id: o for o in session.execute(
        select(SelectionOffer).where(SelectionOffer.run_id == run_row.id,
                                     SelectionOffer.application_id.in_(touched),
                                     SelectionOffer.state.in_([s.value for s in HELD]))).scalars()}
    made = []
    deadline = deadline_for(row, now)
    for change in changes:
        app_id = change["application_id"]
        offer = held.get(app_id)
        kind = change["kind"]
        if kind == ChangeKind.WITHDRAWN:
            if offer is not None:
                _end(offer, LEAVING[leavers[app_id]], actor, now)
        elif kind in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP):
            accepted = offer is not None and offer.state == OfferState.ACCEPTED
            if offer is not None:
                _end(offer, OfferState.SUPERSEDED, actor, now)
            new = SelectionOffer(
                run_id=run_row.id, application_id=app_id, unit_code=change["unit_after"],
                seat=change["seat_after"], sequence=sequence,
                waitlist_place=change["waitlist_place"],
                state=(OfferState.ACCEPTED if accepted else OfferState.OPEN).value,
                made_at=now, deadline_at=deadline, decided_at=now if accepted else None,
                decided_by=offer.decided_by if accepted and offer else None)
            session.add(new)
            made.append(new)
        elif kind == ChangeKind.SEAT_CHANGED and offer is not None:
            offer.seat = change["seat_after"]
    session.flush()
    _notify(session, row, made)


def _end(offer: SelectionOffer, state: OfferState, actor: audit.Actor, now: dt.datetime) -> None:
    offer.state = state.value
    offer.decided_at = now
    offer.decided_by = actor.id


def _notify(session: Session, row: Round, offers: Sequence[SelectionOffer]) -> None:
    """One ``offer_made`` message per offer, written with it (the worker delivers)."""
    if not offers:
        return
    from ilja.messages import outbox

    names = dict(session.execute(select(RoundUnit.code, RoundUnit.name)
                                 .where(RoundUnit.round_id == row.id)).all())
    people = dict(session.execute(select(Application.id, Application.person_id).where(
        Application.id.in_([o.application_id for o in offers]))).all())
    for offer in offers:
        last_day = (offer.deadline_at.astimezone(clock.SEOUL) - dt.timedelta(seconds=1)).date()
        outbox.send(session, person_id=people[offer.application_id], topic=TOPIC, context={
            "round_title": row.title, "unit_name": names.get(offer.unit_code, offer.unit_code),
            "deadline": last_day.isoformat(), "promoted": offer.sequence is not None,
            "accepted": offer.state == OfferState.ACCEPTED,
            "waitlist_place": offer.waitlist_place, "application_ref": offer.application_id,
            "starts_on": row.starts_on.isoformat()},
            mandatory=True, subject_ref=f"application:{offer.application_id}")


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def offers_of(session: Session, application_id: int) -> list[SelectionOffer]:
    """The application's offers, the latest first."""
    return list(session.execute(select(SelectionOffer)
                                .where(SelectionOffer.application_id == application_id)
                                .order_by(SelectionOffer.id.desc())).scalars())


def current_offer(session: Session, application_id: int) -> SelectionOffer | None:
    offers = offers_of(session, application_id)
    return offers[0] if offers else None


def round_offers(session: Session, round_id: int, *, scope: Scope = SYSTEM
                 ) -> list[tuple[SelectionOffer, Application]]:
    """The round's offers within ``scope`` (scoped like their applications), oldest first."""
    from ilja.accounts.scope import Kind

    return [(o, a) for o, a in session.execute(
        select(SelectionOffer, Application)
        .join(SelectionRunRow, SelectionRunRow.id == SelectionOffer.run_id)
        .join(Application, Application.id == SelectionOffer.application_id)
        .where(SelectionRunRow.round_id == round_id, scope.where(Kind.APPLICATION))
        .order_by(SelectionOffer.id)).all()]


# --------------------------------------------------------------------------------------------
# Lapse, answer, withdraw, no-show
# --------------------------------------------------------------------------------------------
def lapse_offers(session: Session, *, now: dt.datetime | None = None, round_id: int | None = None,
                 actor: audit.Actor = audit.SYSTEM_ACTOR) -> int:
    """Withdraw every applicant whose open offer is past its deadline and promote in their
    place (the periodic job ``ilja select lapse-offers``; pages call it for their round)."""
    from ilja.selection import service

    now = now or clock.now()
    due = (select(SelectionRunRow.round_id).join(SelectionOffer,
                                                 SelectionOffer.run_id == SelectionRunRow.id)
           .where(SelectionOffer.state == OfferState.OPEN, SelectionOffer.deadline_at <= now))
    if round_id is not None:
        due = due.where(SelectionRunRow.round_id == round_id)
    count = 0
    for rid in sorted(set(session.execute(due).scalars())):
        applications.lock_round(session, rid)
        leavers = {}
        for offer, status in session.execute(
                select(SelectionOffer, Application.status)
                .join(SelectionRunRow, SelectionRunRow.id == SelectionOffer.run_id)
                .join(Application, Application.id == SelectionOffer.application_id)
                .where(SelectionRunRow.round_id == rid, SelectionOffer.state == OfferState.OPEN)
                .execution_options(populate_existing=True)).all():
            if not lapsed(offer.state, _aware(offer.deadline_at), now):
                continue
            if status == S.SELECTED:
                leavers[offer.application_id] = "lapsed"
            else:  # the application moved on without an answer: enrolled or placed takes the seat
                _end(offer, OfferState.ACCEPTED if S(status) in ACTIVE | ENDINGS
                     else OfferState.WITHDRAWN, actor, now)
        if leavers:
            service.withdraw(session, rid, leavers, actor=actor, note=LAPSE_NOTE, now=now)
            count += len(leavers)
    return count


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def _mine(session: Session, application_id: int, scope: Scope) -> Application:
    application = applications.get_application(session, application_id, scope)
    applications.lock_round(session, application.round_id)
    return application


def accept(session: Session, application_id: int, *, scope: Scope, actor: audit.Actor,
           now: dt.datetime | None = None) -> SelectionOffer:
    """The applicant takes the seat offered, before the deadline (a history line, audited)."""
    now = now or clock.now()
    application = _mine(session, application_id, scope)
    lapse_offers(session, now=now, round_id=application.round_id)
    session.refresh(application)
    offer = current_offer(session, application_id)
    if offer is None or offer.state != OfferState.OPEN or application.status != S.SELECTED:
        raise _no_open_offer(offer)
    offer.state = OfferState.ACCEPTED.value
    offer.decided_at, offer.decided_by = now, actor.id
    row = session.get_one(Round, application.round_id)
    applications.record_moves(session, [applications.BulkMove(
        application.id, application.status, S.SELECTED, "offer.accepted",
        {"offer": offer.id, "unit": offer.unit_code})], actor=actor,
        program_kind=applications.program_kind(row.program_code), now=now)
    audit.record(session, actor, "selection.offer_accept", subject_person_id=application.person_id,
                 object_type="application", object_id=application.id,
                 details={"offer": offer.id, "unit": offer.unit_code})
    return offer


def _no_open_offer(offer: SelectionOffer | None) -> OfferError:
    if offer is not None and offer.state == OfferState.LAPSED:
        return OfferError("응답 기한이 지나 선발이 취소되었습니다.",
                          "The deadline has passed: the seat went to the next on the waitlist.")
    return OfferError("답할 수 있는 선발 통보가 없습니다.", "There is no open offer to answer.")


def can_withdraw(row: Round, application: Application, today: dt.date) -> bool:
    """Whether the applicant may still withdraw: before the program starts, while the
    application is under review, selected or on the waitlist."""
    return today < row.starts_on and S(application.status) in BEFORE_DRAW | HOLDS_OR_WAITS


def withdraw(session: Session, application_id: int, *, scope: Scope, actor: audit.Actor,
             note: str | None = None, now: dt.datetime | None = None) -> Application:
    """The applicant withdraws (포기) before the round's start: before the draw the application
    leaves the round; after it, a seat or a waitlist place is given up and the next in line is
    promoted (declining an offer is this too)."""
    from ilja.selection import service

    now = now or clock.now()
    application = _mine(session, application_id, scope)
    lapse_offers(session, now=now, round_id=application.round_id)
    session.refresh(application)
    row = session.get_one(Round, application.round_id)
    if not can_withdraw(row, application, now.astimezone(clock.SEOUL).date()):
        raise OfferError("이 신청은 더 이상 포기할 수 없습니다.",
                         "This application can no longer be withdrawn.")
    text = (note or "").strip() or "신청인이 포기함"
    if S(application.status) in HOLDS_OR_WAITS:
        service.withdraw(session, row.id, {application.id: "declined"}, actor=actor, note=text,
                         now=now)
    else:
        applications.apply_moves(session, [applications.Move(
            application, S.WITHDRAWN, "applicant.withdrew")], actor=actor, note=text, now=now)
        audit.record(session, actor, "application.withdraw",
                     subject_person_id=application.person_id, object_type="application",
                     object_id=application.id, details={"from": "before_draw"})
    session.refresh(application)
    return application


def no_show(session: Session, application_id: int, *, scope: Scope, actor: audit.Actor,
            note: str | None = None, now: dt.datetime | None = None) -> Application:
    """Staff record that a selected applicant did not show up: the seat goes to the waitlist."""
    from ilja.selection import service

    now = now or clock.now()
    application = _mine(session, application_id, scope)
    if application.status != S.SELECTED:
        raise OfferError("선발된 신청만 불참으로 처리할 수 있습니다.",
                         "Only a selected application can be recorded as a no-show.")
    text = (note or "").strip() or "시작일 불참"
    service.withdraw(session, application.round_id, {application.id: "no_show"}, actor=actor,
                     note=text, now=now)
    session.refresh(application)
    return application
