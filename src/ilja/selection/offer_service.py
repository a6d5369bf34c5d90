"""Offers of a seat (issue 18 §3), as the applicant and staff act on them: answered by the
applicant (accept, decline), lapsed when the deadline passes, ended by a no-show; the
applicant's withdrawal before the round's start.

Every seat that frees goes through ``selection.service.withdraw`` (the waitlist's one rule), which
makes and ends the offers (``selection.offers_made``): the leaver's offer ends, the promoted get
their own, each notified (``messages.outbox.send``, topic ``offer_made``) in the same
transaction. Status lines go through the applications' status writer; every change is audited.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds, statuses
from ilja.applications import service as applications
from ilja.applications.lifecycle import ACTIVE, BEFORE_DRAW, ENDINGS, HOLDS_OR_WAITS
from ilja.applications.models import Application, ApplicationStatus, Round
from ilja.selection import service
from ilja.selection.errors import SelectionError
from ilja.selection.models import SelectionOffer, SelectionRunRow
from ilja.selection.offers import OfferState, lapsed
from ilja.selection.offers_made import end_offer

S = ApplicationStatus
LAPSE_NOTE = "참여 확정 기한까지 답이 없음"


class OfferError(SelectionError):
    code = "offer_state"


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
    now = now or clock.now()
    due = (select(SelectionRunRow.round_id).join(SelectionOffer,
                                                 SelectionOffer.run_id == SelectionRunRow.id)
           .where(SelectionOffer.state == OfferState.OPEN, SelectionOffer.deadline_at <= now))
    if round_id is not None:
        due = due.where(SelectionRunRow.round_id == round_id)
    count = 0
    for rid in sorted(set(session.execute(due).scalars())):
        rounds.lock_round(session, rid)
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
                end_offer(offer, OfferState.ACCEPTED if S(status) in ACTIVE | ENDINGS
                     else OfferState.WITHDRAWN, actor, now)
        if leavers:
            service.withdraw(session, rid, leavers, actor=actor, note=LAPSE_NOTE, now=now)
            count += len(leavers)
    return count


def _aware(instant: dt.datetime) -> dt.datetime:
    return instant if instant.tzinfo else instant.replace(tzinfo=dt.UTC)


def _mine(session: Session, application_id: int, scope: Scope) -> Application:
    application = applications.get_application(session, application_id, scope)
    rounds.lock_round(session, application.round_id)
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
    statuses.record_moves(session, [statuses.BulkMove(
        application.id, application.status, S.SELECTED, "offer.accepted",
        {"offer": offer.id, "unit": offer.unit_code})], actor=actor,
        program_kind=rounds.program_kind(row.program_code), now=now)
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
        statuses.apply_moves(session, [statuses.Move(
            application, S.WITHDRAWN, "applicant.withdrew")], actor=actor, note=text, now=now)
        audit.record(session, actor, "application.withdraw",
                     subject_person_id=application.person_id, object_type="application",
                     object_id=application.id, details={"from": "before_draw"})
    session.refresh(application)
    return application


LEAVING_KINDS = ("declined", "dropped", "ineligible")


def staff_move(session: Session, application_id: int, status: S | str, *, actor: audit.Actor,
               note: str | None = None, withdrawal: str | None = None) -> None:
    """Staff move an application (the status pages and the API alike). A selected or waitlisted
    one that leaves (withdrawn, ineligible) gives its seat up through the selection's own
    withdrawal, so the next in line is promoted in the same transaction; ``withdrawal`` says
    how it left (declined, dropped, ineligible), else the new status says."""
    application = session.get_one(Application, application_id)
    leaving = (application.status in (S.SELECTED, S.WAITLISTED)
               and status in (S.WITHDRAWN, S.INELIGIBLE))
    if not leaving:
        statuses.change_status(session, application_id, status, actor=actor, note=note)
        return
    kind = withdrawal if withdrawal in LEAVING_KINDS else (
        "ineligible" if status == S.INELIGIBLE else "declined")
    service.withdraw(session, application.round_id, {application.id: kind}, actor=actor,
                     note=note)


def no_show(session: Session, application_id: int, *, scope: Scope, actor: audit.Actor,
            note: str | None = None, now: dt.datetime | None = None) -> Application:
    """Staff record that a selected applicant did not show up: the seat goes to the waitlist."""
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
