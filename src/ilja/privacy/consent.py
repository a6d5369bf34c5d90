"""Withdrawing a consent, with its consequences applied (the consents themselves are a person's
record: ``people.consents``).

- the main consent (or the RRN's, where the program needs the number) withdraws the application
  while it is still before the start (포기: a seat or waitlist place goes to the next in line);
  once the person has started, the records stay for the retention the laws require and only the
  consent is marked withdrawn (§37 ② 1);
- the sensitive-data consent re-evaluates the application without the sensitive groups before
  the draw (score and priority recalculated); after the draw the history says that the priority
  is to be re-checked by staff.

Every withdrawal is audited; nothing here commits (the caller owns the transaction).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import service, statuses
from ilja.applications.models import Application, Round
from ilja.applications.models import ApplicationStatus as S
from ilja.applications.rounds import program_kind
from ilja.messages import outbox
from ilja.people import consent_texts, registry
from ilja.people.consent_models import Consent
from ilja.people.consents import active, usable_person
from ilja.privacy.errors import PrivacyError
from ilja.selection import service as selection

BEFORE_DRAW = frozenset({S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE})
HOLDS_OR_WAITS = frozenset({S.SELECTED, S.WAITLISTED})


class Consequence(StrEnum):
    """What withdrawing a consent does, as the confirmation page states it before and the result
    after."""

    APPLICATION_WITHDRAWN = "application_withdrawn"
    KEPT_FOR_RETENTION = "kept_for_retention"
    PRIORITY_RECALCULATED = "priority_recalculated"
    PRIORITY_RECHECK = "priority_recheck"
    NOT_USED = "not_used"


def consequence(purpose: str, status: str | None) -> Consequence:
    """What withdrawing a consent to ``purpose`` does to an application in ``status`` (None: a
    consent not tied to an application)."""
    if status is None:
        return Consequence.NOT_USED
    current = S(status)
    if purpose == consent_texts.SENSITIVE:
        if current in BEFORE_DRAW:
            return Consequence.PRIORITY_RECALCULATED
        return Consequence.PRIORITY_RECHECK if current in HOLDS_OR_WAITS else Consequence.NOT_USED
    if current in BEFORE_DRAW | HOLDS_OR_WAITS:
        return Consequence.APPLICATION_WITHDRAWN
    return Consequence.KEPT_FOR_RETENTION


@dataclass(frozen=True)
class Withdrawal:
    consent: Consent
    consequence: Consequence
    withdrawn_too: list[int]  # the application's other consents, withdrawn with the main one


def withdraw(session: Session, consent_id: int, *, actor: audit.Actor, scope: Scope = SYSTEM,
             now: dt.datetime | None = None) -> Withdrawal:
    """Withdraw a consent and apply its consequence (see the module's docstring)."""
    consent: Consent | None = scope.get(session, Kind.CONSENT, consent_id)
    if consent is None:
        raise PrivacyError("consent_unknown", "해당 동의가 없습니다.", "No such consent.")
    if consent.withdrawn_at is not None:
        raise PrivacyError("consent_withdrawn", "이미 철회한 동의입니다.", "This consent was already withdrawn.")
    now = now or clock.now()
    application = session.get(Application, consent.application_id) if consent.application_id else None
    result = consequence(consent.purpose, application.status if application else None)
    consent.withdrawn_at, consent.withdrawn_by = now, actor.id
    others: list[int] = []
    if application is not None and consent.purpose != consent_texts.SENSITIVE:
        for other in active(session, application.id).values():
            if other.id != consent.id:
                other.withdrawn_at, other.withdrawn_by = now, actor.id
                others.append(other.id)
    session.flush()
    if application is not None:
        _apply(session, application, consent.purpose, result, actor=actor, now=now)
    audit.record(session, actor, "consent.withdraw", subject_person_id=consent.person_id,
                 object_type="consent", object_id=consent.id,
                 details={"purpose": consent.purpose, "version": consent.version,
                          "consequence": result.value, "also_withdrawn": others,
                          "application": consent.application_id})
    _notify(session, consent, result, application)
    return Withdrawal(consent, result, others)


def _notify(session: Session, consent: Consent, result: Consequence, application: object) -> None:
    label = consent_texts.by_version(consent.purpose, consent.version).label
    round_id = getattr(application, "round_id", None)
    title = session.get_one(Round, round_id).title if round_id is not None else ""
    assert consent.withdrawn_at is not None
    outbox.send(session, person_id=consent.person_id, topic="consent_withdrawn", subject_ref=f"consent:{consent.id}",
                context={"purpose_ko": label["ko"], "purpose_en": label["en"], "consequence": result.value,
                         "round_title": title,
                         "withdrawn_on": consent.withdrawn_at.astimezone(clock.SEOUL).date().isoformat()})


def _apply(session: Session, application: object, purpose: str, result: Consequence, *,
           actor: audit.Actor, now: dt.datetime) -> None:
    assert isinstance(application, Application)
    note = f"consent withdrawn: {purpose}"
    if result is Consequence.APPLICATION_WITHDRAWN:
        if S(application.status) in HOLDS_OR_WAITS:
            selection.withdraw(session, application.round_id, {application.id: "declined"}, actor=actor,
                               note=note, now=now)
        else:
            statuses.apply_moves(session, [statuses.Move(application, S.WITHDRAWN, "consent.withdrawn")],
                                 actor=actor, note=note, now=now)
    elif result is Consequence.PRIORITY_RECALCULATED:
        _reevaluate(session, application, actor=actor, now=now)
    elif result is Consequence.PRIORITY_RECHECK:
        _history_line(session, application, S(application.status), {"recheck": True}, actor=actor, now=now)


def _history_line(session: Session, application: object, status: S, details: dict[str, object], *,
                  actor: audit.Actor, now: dt.datetime) -> None:
    """The application's history line saying the sensitive-data consent was withdrawn (its
    status may stay as it was)."""
    assert isinstance(application, Application)
    kind = program_kind(session.get_one(Round, application.round_id).program_code)
    statuses.record_moves(session, [statuses.BulkMove(application.id, application.status, status,
                                                      "consent.sensitive_withdrawn", details)],
                          actor=actor, program_kind=kind, note="consent withdrawn: sensitive", now=now)


def _reevaluate(session: Session, application: object, *, actor: audit.Actor, now: dt.datetime) -> None:
    """Before the draw: the snapshot taken again without the sensitive groups, the status as
    the new screening says (a status line records it, from and to, even when unchanged)."""
    assert isinstance(application, Application)
    row = session.get_one(Round, application.round_id)
    person_row = registry.get_person(session, application.person_id)
    assert person_row is not None
    person = usable_person(service.applicant(session, person_row), {}, row.starts_on)
    snap = service.evaluate(row, person)
    application.eligible, application.score, application.priority = snap.eligible, snap.score, snap.priority
    application.eligibility, application.eligibility_context_id = snap.person, service.context_id(session, snap)
    application.parameter_version, application.code_version = snap.parameter_version, snap.code_version
    status, _, _ = service.screening(snap)
    _history_line(session, application, status, {"score": snap.score, "priority": snap.priority},
                  actor=actor, now=now)
