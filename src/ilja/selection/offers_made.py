"""Offers made by the draw and by every promotion (issue 18 §3), called from
``selection.service`` as the draw and the waitlist move: each offer stored with its deadline and
its ``offer_made`` message written in the same transaction. The applicant's answers and
withdrawals, which go back through the service, are in ``selection.offer_service``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications.models import Application, Round, RoundUnit
from ilja.messages import outbox
from ilja.programs.holidays import is_public_holiday
from ilja.rules.parameters import default_tree
from ilja.selection.models import SelectionOffer, SelectionRunRow
from ilja.selection.offers import HELD, LEAVING, OfferState, offer_deadline
from ilja.selection.waitlist import ChangeKind

TOPIC = "offer_made"
RESPONSE_DAYS = "selection.offers.response_working_days"


def deadline_for(row: Round, made_at: dt.datetime) -> dt.datetime:
    """The deadline of an offer made at ``made_at`` in this round (the period in force that day)."""
    days = int(default_tree().value(RESPONSE_DAYS, made_at.astimezone(clock.SEOUL).date()))
    return offer_deadline(made_at, days, row.starts_on, is_public_holiday)


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
                end_offer(offer, LEAVING[leavers[app_id]], actor, now)
        elif kind in (ChangeKind.PROMOTED, ChangeKind.MOVED_UP):
            accepted = offer is not None and offer.state == OfferState.ACCEPTED
            if offer is not None:
                end_offer(offer, OfferState.SUPERSEDED, actor, now)
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


def end_offer(offer: SelectionOffer, state: OfferState, actor: audit.Actor, now: dt.datetime) -> None:
    offer.state = state.value
    offer.decided_at = now
    offer.decided_by = actor.id


def _notify(session: Session, row: Round, offers: Sequence[SelectionOffer]) -> None:
    """One ``offer_made`` message per offer, written with it (the worker delivers)."""
    if not offers:
        return
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
