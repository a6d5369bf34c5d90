"""Consents given with an application (개인정보 보호법 §15): checked against the texts in force,
stored and audited, and read back — a person's record, kept below the applications that ask for
it, so an application's submission and a bulk import record it in their own transaction.

What the person agreed to is the version of each purpose's text (``people.consent_texts``) stored
with the application. Without the sensitive-data consent the sensitive vulnerable groups (the
parameter ``common.personal_data.sensitive_vulnerable_groups``) are left out of the evaluation,
so no bonus point or priority rests on them (개인정보 보호법 §23). Withdrawing one, with its
consequences for the application, is ``privacy.consent``'s.

Every consent given is audited; nothing here commits (the caller owns the transaction).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.db import insert_rows
from ilja.errors import IljaError
from ilja.people import consent_texts
from ilja.people.consent_models import Consent, ConsentVia
from ilja.rules.population import Person as PersonFormat


class ConsentError(IljaError, ValueError):
    """A consent refused (or a privacy request: ``privacy.errors``): a stable code, the field it
    concerns, both messages (no personal data in either)."""

    status_code = 422

    def __init__(self, code: str, message_ko: str, message_en: str, field: str = "consent") -> None:
        super().__init__(message_ko, message_en, code=code, loc=("body", field.replace("-", ".")))
        self.field = field


def checked(program: str, on: dt.date, given: Mapping[str, str]) -> dict[str, str]:
    """The consents to store for an application to ``program`` (purpose → version), after
    checking each names a text in force for the program and every required one is there."""
    try:
        asked = {text.purpose: text for text in consent_texts.purposes_for(program, on)}
    except consent_texts.UnknownVersion:
        raise ConsentError("consent_text_missing",
                           f"{on.isoformat()}에 시행 중인 동의서가 없어 신청을 받을 수 없습니다.",
                           f"No consent text is in force on {on.isoformat()}; applications cannot be taken.") from None
    result: dict[str, str] = {}
    for purpose, version in given.items():
        if not version:
            continue
        if purpose not in asked:
            raise ConsentError("consent_not_asked", f"이 사업은 '{purpose}' 동의를 받지 않습니다.",
                               f"This program does not ask consent for {purpose!r}.", f"consent-{purpose}")
        try:
            text = consent_texts.by_version(purpose, version)
        except consent_texts.UnknownVersion:
            raise ConsentError("consent_version_unknown",
                               f"{asked[purpose].label['ko']}: 동의서 판({version})이 없습니다. 화면을 새로 고쳐 "
                               "현재 동의서를 확인해 주세요.",
                               f"{asked[purpose].label['en']}: there is no consent text version {version!r}; "
                               f"the current one is {asked[purpose].version!r}.", f"consent-{purpose}") from None
        if text.effective > on:
            raise ConsentError("consent_version_unknown",
                               f"{text.label['ko']}: 아직 시행되지 않은 동의서입니다.",
                               f"{text.label['en']}: version {version!r} is not in force yet.", f"consent-{purpose}")
        result[purpose] = version
    missing = [text for purpose, text in asked.items() if text.required and purpose not in result]
    if missing:
        raise ConsentError("consent_required",
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
    return {text.purpose: text.version for text in consent_texts.purposes_for(program, on)}


def usable_person(person: PersonFormat, given: Mapping[str, str], on: dt.date) -> PersonFormat:
    """The person as the rules may judge them: without the sensitive groups unless consented."""
    if consent_texts.SENSITIVE in given:
        return person
    kept = consent_texts.without_sensitive(list(person.vulnerable_groups), on)
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
    insert_rows(session, Consent.__table__, [
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
    return consent_texts.SENSITIVE in active(session, application_id)


def sensitive_withdrawn(session: Session, person_id: int) -> bool:
    """Whether the person gave consents but none to sensitive data stands: staff then no longer
    see the sensitive groups (a record from before consents were kept shows as it was)."""
    rows = session.execute(select(Consent.purpose, Consent.withdrawn_at).where(Consent.person_id == person_id)).all()
    return bool(rows) and not any(purpose == consent_texts.SENSITIVE and withdrawn is None
                                  for purpose, withdrawn in rows)


def shown_to_staff(session: Session, view: Any) -> Any:
    """A person's view (``people.registry.PersonView``) without the sensitive groups when their
    consent to them is not standing."""
    if not sensitive_withdrawn(session, view.id):
        return view
    kept = consent_texts.without_sensitive(view.vulnerable_groups, clock.today())
    return dataclasses.replace(view, vulnerable_groups=kept)


