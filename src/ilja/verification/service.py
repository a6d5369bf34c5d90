"""Verification of an application's facts by staff: papers (uploaded or seen at the counter),
accepting a declared fact against its evidence, correcting it with a reason.

A correction judges the application again with the verified value (``evaluation.reevaluate``);
one that takes eligibility away is a ``not_eligible`` decision with reasons and an appeal route
(``ilja.rights``, through the application's status line). Functions take the caller's session
and never commit; every change is in the audit log (who, when, which fact, how, which paper —
never the value: it is personal data).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.models import User
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds
from ilja.applications.models import Application, Round
from ilja.errors import IljaError
from ilja.people import stored_files
from ilja.people.rrn import KeyRing
from ilja.text import text_problem
from ilja.verification import catalogue, household
from ilja.verification.evaluation import Reevaluation, Withdraw, persons_of, reevaluate, verified_of
from ilja.verification.models import (
    DocumentVia,
    Method,
    RecordsCheck,
    Verification,
    VerificationDocument,
    VerifiedFact,
)

FOLDER = "verification"
STAFF_SOURCE = "담당자 확인"


class VerificationError(IljaError):
    """Bad input or a refused step, in Korean and English, naming the field."""

    code = "verification_refused"
    status_code = 422

    def __init__(self, ko: str, en: str, field: str | None = None):
        super().__init__(ko, en, loc=("body", field) if field else None)
        self.ko, self.en, self.field = ko, en, field


class NotFound(VerificationError):
    code = "not_found"
    status_code = 404

    def __init__(self, what: str):
        super().__init__("찾을 수 없습니다.", f"No such {what}.")


def application_in_scope(session: Session, application_id: int, scope: Scope = SYSTEM) -> Application:
    found = scope.get(session, Kind.APPLICATION, application_id)
    if found is None:
        raise NotFound("application")
    return found


# --------------------------------------------------------------------------------------------
# Papers
# --------------------------------------------------------------------------------------------
def _document_code(document: str) -> str:
    if document not in catalogue.DOCUMENTS:
        raise VerificationError("서류 종류를 고르십시오.", "Choose which paper this is.", "document")
    return document


def _upsert_document(session: Session, application: Application, document: str,
                     values: dict[str, Any]) -> VerificationDocument:
    row = session.scalars(select(VerificationDocument).where(
        VerificationDocument.application_id == application.id,
        VerificationDocument.document == document)).first()
    if row is None:
        row = VerificationDocument(application_id=application.id, person_id=application.person_id,
                                   document=document, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    session.flush()
    return row


def upload_document(session: Session, application_id: int, document: str, content: bytes, *,
                    actor: audit.Actor, keyring: KeyRing, store: Path, scope: Scope = SYSTEM,
                    now: dt.datetime | None = None) -> VerificationDocument:
    """Store an uploaded paper: type from its first bytes (PDF, PNG, JPEG), size limited, encrypted
    under the data key like an objection's attachment (``people.stored_files``)."""
    application = application_in_scope(session, application_id, scope)
    code = _document_code(document)
    try:
        stored_files.check_attachment(content)
    except stored_files.AttachmentError as error:
        raise VerificationError(error.ko, error.en, "file") from None
    stored = stored_files.store(store / FOLDER, content, keyring)
    row = _upsert_document(session, application, code, {
        "via": DocumentVia.UPLOAD.value, "sha256": stored.sha256, "media_type": stored.media_type,
        "size": stored.size, "note": None, "recorded_by": actor.id,
        "recorded_at": now or rounds.now_utc()})
    audit.record(session, actor, "verification.document", subject_person_id=application.person_id,
                 object_type="verification_document", object_id=row.id,
                 details={"application": application.id, "document": code, "via": "upload"})
    return row


def record_counter_document(session: Session, application_id: int, document: str, *,
                            actor: audit.Actor, note: str | None = None, scope: Scope = SYSTEM,
                            now: dt.datetime | None = None) -> VerificationDocument:
    """Counter staff saw the paper (a walk-in applicant applying on paper): no file is kept."""
    application = application_in_scope(session, application_id, scope)
    code = _document_code(document)
    text = (note or "").strip() or None
    if text and text_problem(text):
        raise VerificationError("메모에 쓸 수 없는 문자가 있습니다.", "The note has characters it cannot hold.", "note")
    row = _upsert_document(session, application, code, {
        "via": DocumentVia.COUNTER.value, "sha256": None, "media_type": None, "size": None,
        "note": text, "recorded_by": actor.id, "recorded_at": now or rounds.now_utc()})
    audit.record(session, actor, "verification.document", subject_person_id=application.person_id,
                 object_type="verification_document", object_id=row.id,
                 details={"application": application.id, "document": code, "via": "counter"})
    return row


def documents_of(session: Session, application_id: int) -> list[VerificationDocument]:
    return list(session.scalars(select(VerificationDocument).where(
        VerificationDocument.application_id == application_id).order_by(VerificationDocument.id)))


def read_document(session: Session, document_id: int, *, actor: audit.Actor, keyring: KeyRing,
                  store: Path, scope: Scope = SYSTEM) -> tuple[VerificationDocument, bytes]:
    """An uploaded paper's content, for staff within scope; the read is audited."""
    row = scope.get(session, Kind.VERIFICATION_DOCUMENT, document_id)
    if row is None or row.sha256 is None or row.media_type is None:
        raise NotFound("document")
    content = stored_files.load(store / FOLDER, row.sha256, row.media_type, keyring)
    audit.record(session, actor, "verification.document.read", subject_person_id=row.person_id,
                 object_type="verification_document", object_id=row.id)
    return row, content


# --------------------------------------------------------------------------------------------
# Facts
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class FactLine:
    """One line of the queue: a fact, what was declared, and its verification if any."""

    fact: str
    declared: Any
    verified: VerifiedFact | None


def _verifications(session: Session, application_id: int) -> list[Verification]:
    return list(session.scalars(select(Verification).where(Verification.application_id == application_id)
                                .order_by(Verification.id)))


def verified_facts(session: Session, application_id: int) -> dict[str, VerifiedFact]:
    """The application's verified facts by code, each with the verification that established it."""
    return {f.fact: f for row in _verifications(session, application_id) for f in row.verified_facts()}


def fact_lines(session: Session, application: Application, round_row: Round) -> list[FactLine]:
    """The program's facts to verify (and any other verified one) beside their declarations."""
    person = persons_of(session, [application.person_id])[application.person_id]
    rows = verified_facts(session, application.id)
    codes = catalogue.facts_to_verify(round_row.program_code, round_row.starts_on)
    codes += [c for c in rows if c not in codes]
    return [FactLine(c, catalogue.declared(c, person), rows.get(c)) for c in codes]


@dataclass(frozen=True)
class Evidence:
    """A verified fact with what it rests on: the paper, the records check's date, and the role
    of whoever verified it (pages name staff by role, as the status history does)."""

    fact: VerifiedFact
    document: VerificationDocument | None
    checked_on: dt.date | None
    role: str | None


def evidence_of(session: Session, application_id: int) -> list[Evidence]:
    """The application's verified facts in the catalogue's order, each with its evidence."""
    facts = list(verified_facts(session, application_id).values())
    documents = {d.id: d for d in documents_of(session, application_id)}
    checks = dict(session.execute(select(RecordsCheck.id, RecordsCheck.checked_on).where(
        RecordsCheck.id.in_({f.check_id for f in facts if f.check_id is not None}))).all())
    users = {str(f.verified_by) for f in facts if f.verified_by and str(f.verified_by).isdigit()}
    roles = {str(i): role for i, role in session.execute(select(User.id, User.role).where(
        User.id.in_([int(u) for u in users]))).all()}
    order = list(catalogue.FACTS)
    facts.sort(key=lambda f: order.index(f.fact) if f.fact in order else len(order))
    return [Evidence(f, documents.get(f.document_id) if f.document_id else None,
                     checks.get(f.check_id) if f.check_id else None, roles.get(str(f.verified_by)))
            for f in facts]


def _document_of(session: Session, application: Application, document_id: int | None) -> VerificationDocument | None:
    if document_id is None:
        return None
    row = session.get(VerificationDocument, document_id)
    if row is None or row.application_id != application.id:
        raise VerificationError("이 신청의 서류를 고르십시오.", "Choose one of this application's papers.",
                                "document_id")
    return row


def _fact_code(fact: str) -> str:
    if fact not in catalogue.FACTS:
        raise VerificationError("확인할 사항을 고르십시오.", "Choose the fact to verify.", "fact")
    return fact


def _put_facts(session: Session, application: Application, facts: dict[str, Any], declared: dict[str, Any], *,
               method: Method, source: str, document: VerificationDocument | None, reason: str | None,
               actor: audit.Actor, now: dt.datetime, action: str | None = None) -> Verification:
    """Store staff's verification of ``facts`` (one fact, or a household from its 등본) as a row
    of its own: the row staff stored for the same facts before is updated; a fact another row
    held (a records check's) is taken out of it. Audited as ``action`` (by default the method)
    with the facts' codes, never their values."""
    row = None
    for held in _verifications(session, application.id):
        if held.facts.keys().isdisjoint(facts):
            continue
        if held.check_id is None and held.facts.keys() == facts.keys():
            row = held
        elif held.facts.keys() <= facts.keys():
            session.delete(held)
        else:
            held.facts = {f: v for f, v in held.facts.items() if f not in facts}
    values = {"facts": facts, "declared": declared, "method": method.value, "source": source,
              "document_id": document.id if document else None, "check_id": None, "reason": reason,
              "verified_by": actor.id, "verified_at": now}
    if row is None:
        row = Verification(application_id=application.id, round_id=application.round_id,
                           person_id=application.person_id, **values)
        session.add(row)
    else:
        for key, item in values.items():
            setattr(row, key, item)
    session.flush()
    audit.record(session, actor, action or f"verification.fact.{method.value}", subject_person_id=application.person_id,
                 object_type="verified_fact", object_id=row.id, reason=reason,
                 details={"application": application.id, "facts": sorted(facts),
                          "document": document.id if document else None})
    return row


def _source(document: VerificationDocument | None) -> str:
    if document is None:
        return STAFF_SOURCE
    how = "제출" if document.via == DocumentVia.UPLOAD else "창구 확인"
    return f"{catalogue.DOCUMENTS[document.document][0]} ({how})"


def accept_fact(session: Session, application_id: int, fact: str, *, actor: audit.Actor,
                document_id: int | None = None, scope: Scope = SYSTEM,
                now: dt.datetime | None = None, withdraw: Withdraw | None = None) -> Reevaluation:
    """Staff accept the declared value as verified against the paper ``document_id``."""
    application = application_in_scope(session, application_id, scope)
    code = _fact_code(fact)
    document = _document_of(session, application, document_id)
    person = persons_of(session, [application.person_id])[application.person_id]
    value = catalogue.declared(code, person)
    if value is None:
        raise VerificationError("신고한 값이 없어 확인할 수 없습니다. 확인한 값으로 정정하십시오.",
                                "Nothing was declared to accept: correct it with the value you verified.",
                                "fact")
    now = now or rounds.now_utc()
    _put_facts(session, application, {code: value}, {code: value}, method=Method.ACCEPTED,
               source=_source(document), document=document, reason=None, actor=actor, now=now)
    return _judge_again(session, application, actor, "verification.accept", now, withdraw)


def correct_fact(session: Session, application_id: int, fact: str, raw_value: Any, *, reason: str,
                 actor: audit.Actor, document_id: int | None = None, scope: Scope = SYSTEM,
                 now: dt.datetime | None = None, withdraw: Withdraw | None = None) -> Reevaluation:
    """Staff correct a declared fact with the verified value and a reason; the application is
    judged again, and a result that takes eligibility away is a decision with an appeal route."""
    application = application_in_scope(session, application_id, scope)
    code = _fact_code(fact)
    text = (reason or "").strip()
    if len(text) < 4 or text_problem(text):
        raise VerificationError("정정 사유를 4자 이상 쓰십시오.", "Say why (at least 4 characters).", "reason")
    try:
        value = catalogue.parse(code, raw_value)
    except catalogue.BadValue as error:
        raise VerificationError(f"확인한 값: {error.ko}", f"Verified value: {error.en}", "value") from None
    document = _document_of(session, application, document_id)
    person = persons_of(session, [application.person_id])[application.person_id]
    now = now or rounds.now_utc()
    _put_facts(session, application, {code: value}, {code: catalogue.declared(code, person)},
               method=Method.CORRECTED, source=_source(document), document=document, reason=text,
               actor=actor, now=now)
    return _judge_again(session, application, actor, text, now, withdraw)


def set_household(session: Session, application_id: int, entries: Sequence[tuple[str, str]], *,
                  document_id: int | None, actor: audit.Actor, note: str | None = None, scope: Scope = SYSTEM,
                  now: dt.datetime | None = None, withdraw: Withdraw | None = None) -> Reevaluation:
    """Staff enter the household from a 주민등록등본 (seen at the counter or uploaded, and recorded
    as this application's paper ``document_id``): its members with their monthly incomes
    (``entries``: relation code, income as typed). The members, the household size (their number)
    and income (their sum) become verified facts; the application is judged again, and a result
    that takes eligibility away is a decision with reasons and an appeal route."""
    application = application_in_scope(session, application_id, scope)
    document = _document_of(session, application, document_id)
    if document is None or document.document != "resident_registration_copy":
        raise VerificationError("근거로 이 신청의 주민등록등본을 고르십시오 (먼저 서류로 기록하십시오).",
                                "Choose this application's resident registration copy (record it as a paper first).",
                                "document_id")
    found, problems = household.from_entries(entries)
    if problems:
        (at, column), error = min(problems.items(), key=lambda item: item[0])
        raise VerificationError(f"가구원 {at + 1}: {error.ko}", f"Member {at + 1}: {error.en}", f"{column}-{at}")
    text = (note or "").strip() or None
    if text and text_problem(text):
        raise VerificationError("메모에 쓸 수 없는 문자가 있습니다.", "The note has characters it cannot hold.", "note")
    person = persons_of(session, [application.person_id])[application.person_id]
    facts = {"household_members": [[m.relation, m.income_krw] for m in found.members],
             "household_size": found.size, "household_income_krw": found.income_krw}
    now = now or rounds.now_utc()
    _put_facts(session, application, facts, {code: catalogue.declared(code, person) for code in facts},
               method=Method.RESIDENT_COPY, source=_source(document), document=document, reason=text,
               actor=actor, now=now, action="verification.household")
    return _judge_again(session, application, actor, text or "주민등록등본으로 가구 확인", now, withdraw)


def _judge_again(session: Session, application: Application, actor: audit.Actor, note: str,
                 now: dt.datetime | None, withdraw: Withdraw | None) -> Reevaluation:
    """Judge the application again; after the draw its seat is given up through ``withdraw``
    (``selection.service.withdraw``, handed in: verification sits below selection)."""
    round_row = rounds.get_round(session, application.round_id)
    return reevaluate(session, round_row, [application.id], actor=actor, note=note, now=now, withdraw=withdraw)


# --------------------------------------------------------------------------------------------
# The queue
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class QueueRow:
    application: Application
    to_verify: int
    verified: int
    documents: int
    documents_required: int


def queue(session: Session, round_id: int, *, scope: Scope = SYSTEM, only_open: bool = True,
          limit: int = 200) -> list[QueueRow]:
    """The round's applications with how many of the program's facts are still unverified and
    how many required papers are in; those with work left first."""
    round_row = rounds.get_round(session, round_id)
    codes = set(catalogue.facts_to_verify(round_row.program_code, round_row.starts_on))
    apps = list(session.scalars(select(Application).where(
        Application.round_id == round_id, scope.where(Kind.APPLICATION)).order_by(Application.id)))
    verified = verified_of(session, [a.id for a in apps], round_id=round_id)
    papers: dict[int, set[str]] = {}
    for app_id, document in session.execute(select(VerificationDocument.application_id,
                                                   VerificationDocument.document)
                                            .where(VerificationDocument.application_id.in_([a.id for a in apps]))):
        papers.setdefault(app_id, set()).add(document)
    people = persons_of(session, [a.person_id for a in apps])
    rows = []
    for app in apps:
        done = codes & set(verified.get(app.id, {}))
        required = {d for d, needed in catalogue.required_documents(
            round_row.program_code, round_row.starts_on,
            livelihood_benefit=people[app.person_id].get("receives_livelihood_benefit")) if needed}
        row = QueueRow(app, len(codes - done), len(done), len(required & papers.get(app.id, set())),
                       len(required))
        if only_open and row.to_verify == 0 and row.documents >= row.documents_required:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (-r.to_verify, r.application.id))
    return rows[:limit]
