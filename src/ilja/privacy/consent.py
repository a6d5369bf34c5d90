"""Consents given with an application and their withdrawal, with its consequences applied.

What the person agreed to is the version of each purpose's text (``privacy.texts``) stored with
the application. Without the sensitive-data consent the sensitive vulnerable groups (the
parameter ``common.personal_data.sensitive_vulnerable_groups``) are left out of the evaluation,
so no bonus point or priority rests on them (개인정보 보호법 §23). Withdrawing:

- the main consent (or the RRN's, where the program needs the number) withdraws the application
  while it is still before the start (포기: a seat or waitlist place goes to the next in line);
  once the person has started, the records stay for the retention the laws require and only the
  consent is marked withdrawn (§37 ② 1);
- the sensitive-data consent re-evaluates the application without the sensitive groups before
  the draw (score and priority recalculated); after the draw the history says that the priority
  is to be re-checked by staff.

Every consent given and withdrawn is audited; nothing here commits (the caller owns the
transaction).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import service, statuses
from ilja.applications.models import Application, Round
from ilja.applications.models import ApplicationStatus as S
from ilja.applications.rounds import program_kind
from ilja.messages import outbox
from ilja.people import registry
from ilja.privacy import texts
from ilja.privacy.errors import PrivacyError
from ilja.privacy.models import Consent, ConsentVia
from ilja.rules.population import Person as PersonFormat
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


def checked(program: str, on: dt.date, given: Mapping[str, str]) -> dict[str, str]:
    """The consents to store for an application to ``program`` (purpose → version), after
    checking each names a text in force for the program and every required one is there."""
    try:
        asked = {text.purpose: text for text in texts.purposes_for(program, on)}
    except texts.UnknownVersion:
        raise PrivacyError("consent_text_missing",
                           f"{on.isoformat()}에 시행 중인 동의서가 없어 신청을 받을 수 없습니다.",
                           f"No consent text is in force on {on.isoformat()}; applications cannot be taken.") from None
    result: dict[str, str] = {}
    for purpose, version in given.items():
        if not version:
            continue
        if purpose not in asked:
            raise PrivacyError("consent_not_asked", f"이 사업은 '{purpose}' 동의를 받지 않습니다.",
                               f"This program does not ask consent for {purpose!r}.", f"consent-{purpose}")
        try:
            text = texts.by_version(purpose, version)
        except texts.UnknownVersion:
            raise PrivacyError("consent_version_unknown",
                               f"{asked[purpose].label['ko']}: 동의서 판({version})이 없습니다. 화면을 새로 고쳐 "
                               "현재 동의서를 확인해 주세요.",
                               f"{asked[purpose].label['en']}: there is no consent text version {version!r}; "
                               f"the current one is {asked[purpose].version!r}.", f"consent-{purpose}") from None
        if text.effective > on:
            raise PrivacyError("consent_version_unknown",
                               f"{text.label['ko']}: 아직 시행되지 않은 동의서입니다.",
                               f"{text.label['en']}: version {version!r} is not in force yet.", f"consent-{purpose}")
        result[purpose] = version
    missing = [text for purpose, text in asked.items() if text.required and purpose not in result]
    if missing:
        raise PrivacyError("consent_required",
                           "필수 동의가 없습니다: " + ", ".join(t.label["ko"] for t in missing)
                           + ". 동의하지 않으면 신청할 수 없습니다.",
                           "Required consent missing: " + ", ".join(t.label["en"] for t in missing) + ".",
                           f"consent-{missing[0].purpose}")
    return result


def paper(program: str, on: dt.date) -> dict[str, str]:
    """The consents a signed paper form gives, entered by staff (an import, an application on
    someone's behalf): every purpose in force for the program. Assumption: the city's paper form
    asks each consent separately and the office takes a form only when signed; the sensitive-data
    consent is taken as given because the office checks a claimed disability against its
    certificate before the start, and an API client records a refusal by sending ``consent``."""
    return {text.purpose: text.version for text in texts.purposes_for(program, on)}


def usable_person(person: PersonFormat, given: Mapping[str, str], on: dt.date) -> PersonFormat:
    """The person as the rules may judge them: without the sensitive groups unless consented."""
    if texts.SENSITIVE in given:
        return person
    kept = texts.without_sensitive(list(person.vulnerable_groups), on)
    if len(kept) == len(person.vulnerable_groups):
        return person
    return person.model_copy(update={"vulnerable_groups": kept})


_INSERT_RETURNING_ID = insert(Consent.__table__).returning(Consent.__table__.c.id, sort_by_parameter_order=True)


def record(session: Session, *, person_id: int, application_id: int | None, given: Mapping[str, str],
           via: ConsentVia, actor: audit.Actor, now: dt.datetime | None = None) -> list[int]:
    """Store the consents given (purpose → version) and audit them; the consents' ids. One
    statement each, compiled once (no mapped objects)."""
    rows = consent_rows(person_id, application_id, given, via=via, actor=actor, now=now)
    ids = list(session.execute(_INSERT_RETURNING_ID, rows).scalars()) if rows else []
    audit.record(session, actor, **given_entry(person_id, given, via=via,
                                               object_type="application" if application_id else "person",
                                               object_id=application_id or person_id))
    return ids


def consent_rows(person_id: int, application_id: int | None, given: Mapping[str, str], *, via: ConsentVia,
                 actor: audit.Actor, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """``record``'s rows, for a caller that writes them with the application in one statement (a
    submission, ``applications.linked``: its id then goes into ``application_id``)."""
    now = now or clock.now()
    return [{"person_id": person_id, "application_id": application_id, "purpose": purpose, "version": version,
             "given_via": via.value, "given_at": now, "recorded_by": actor.id}
            for purpose, version in sorted(given.items())]


def given_entry(person_id: int, given: Mapping[str, str], *, via: ConsentVia, object_type: str,
                object_id: int | None = None) -> dict[str, Any]:
    """``record``'s audit entry (``audit.record``'s keyword arguments, ``action`` included); an
    application's, ``object_id`` None, for a caller that writes it with the application."""
    return {"action": "consent.give", "subject_person_id": person_id, "object_type": object_type,
            "object_id": object_id, "details": {"consents": dict(sorted(given.items())), "via": via.value}}


def record_many(session: Session, applications: list[tuple[int, int]], given: Mapping[str, str], *,
                via: ConsentVia, actor: audit.Actor, now: dt.datetime | None = None) -> None:
    """The same consents for many (person id, application id) pairs (an import), in one statement
    and one audit entry."""
    if not applications:
        return
    now = now or clock.now()
    session.execute(insert(Consent), [
        {"person_id": person_id, "application_id": application_id, "purpose": purpose, "version": version,
         "given_via": via.value, "given_at": now, "recorded_by": actor.id}
        for person_id, application_id in applications for purpose, version in sorted(given.items())])
    audit.record(session, actor, "consent.give", object_type="applications",
                 object_id=f"{applications[0][1]}..{applications[-1][1]}",
                 details={"consents": dict(given), "via": via.value, "applications": len(applications)})


def consents_of(session: Session, person_id: int) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.person_id == person_id)
                                .order_by(Consent.given_at.desc(), Consent.id)))


def active(session: Session, application_id: int) -> dict[str, Consent]:
    """The consents of an application still standing, by purpose."""
    rows = session.scalars(select(Consent).where(Consent.application_id == application_id,
                                                 Consent.withdrawn_at.is_(None)))
    return {row.purpose: row for row in rows}


def sensitive_allowed(session: Session, application_id: int) -> bool:
    """Whether the application's sensitive data may be used and shown."""
    return texts.SENSITIVE in active(session, application_id)


def sensitive_withdrawn(session: Session, person_id: int) -> bool:
    """Whether the person gave consents but none to sensitive data stands: staff then no longer
    see the sensitive groups (a record from before consents were kept shows as it was)."""
    rows = session.execute(select(Consent.purpose, Consent.withdrawn_at).where(Consent.person_id == person_id)).all()
    return bool(rows) and not any(purpose == texts.SENSITIVE and withdrawn is None for purpose, withdrawn in rows)


def shown_to_staff(session: Session, view: Any) -> Any:
    """A person's view (``people.registry.PersonView``) without the sensitive groups when their
    consent to them is not standing."""
    if not sensitive_withdrawn(session, view.id):
        return view
    return dataclasses.replace(view, vulnerable_groups=texts.without_sensitive(view.vulnerable_groups, clock.today()))


def consequence(purpose: str, status: str | None) -> Consequence:
    """What withdrawing a consent to ``purpose`` does to an application in ``status`` (None: a
    consent not tied to an application)."""
    if status is None:
        return Consequence.NOT_USED
    current = S(status)
    if purpose == texts.SENSITIVE:
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
    if application is not None and consent.purpose != texts.SENSITIVE:
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
    label = texts.by_version(consent.purpose, consent.version).label
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
