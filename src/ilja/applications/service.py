"""Recruitment rounds and applications: set up, open and close rounds; submit (idempotently),
snapshot eligibility, move statuses with their history.

Plain functions over a SQLAlchemy session with keyword-only arguments. None of them commits:
the caller owns the transaction (a request's ``DbSession``, ``ilja.db.transaction`` in the CLI),
so a submission and its history and audit entries are stored together or not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets
import weakref
from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.orm import Session, make_transient_to_detached

from ilja import paging
from ilja.accounts import audit
from ilja.accounts.models import AuditIntake
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import snapshot as snapshots
from ilja.applications.eligibility import eligibility_context
from ilja.applications.errors import (
    ApplicationNotFound,
    ConcurrentChange,
    DuplicateApplication,
    IdempotencyConflict,
    InvalidPreferences,
    RoundClosed,
)
from ilja.applications.linked import Linked, insert_unless_taken
from ilja.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Channel,
    EligibilityContext,
    Round,
    RoundStatus,
    RoundUnit,
    table_of,
)
from ilja.applications.rounds import (
    choosable,
    lock_round_with_units,
    now_utc,
    round_and_units,
    round_with_units,
    taking_applications,
)
from ilja.applications.statuses import (
    Opening,
    notify_openings,
    opening_lines,
    written_opening,
)
from ilja.db import DriverStatement
from ilja.people import registry, training_history
from ilja.people.models import Person as PersonRow
from ilja.rules.engine import Engine, default_engine
from ilja.rules.population import Person

S = ApplicationStatus


def status_counts(session: Session, round_id: int) -> dict[str, int]:
    rows = session.execute(select(Application.status, func.count()).where(
        Application.round_id == round_id).group_by(Application.status)).all()
    return {status: int(count) for status, count in rows}


# --------------------------------------------------------------------------------------------
# Submission
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Submission:
    """The application and whether this call created it (False: an idempotent replay)."""

    application: Application
    created: bool
    round: Any = None  # the round (a row of its columns), kept so the answer does not read it again
    context: dict[str, Any] | None = None  # the shared eligibility context, when at hand
    history: list[dict[str, Any]] | None = None  # a new application's history lines


def request_digest(round_id: int, person_id: int, preferences: Sequence[str]) -> str:
    """What an idempotency key stands for: the same key must come with the same request."""
    text = f"{round_id}|{person_id}|{'|'.join(preferences)}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_idempotency_key() -> str:
    """A key for a submission made without one (a page form carries one as a hidden field,
    so a double click or a resent form still makes a single application)."""
    return secrets.token_urlsafe(24)


def check_preferences(row: Round, units: Sequence[RoundUnit], preferences: Sequence[str]) -> list[str]:
    """The applicant's choices, checked against the round's units and its number of choices."""
    chosen = [p.strip() for p in preferences if p and p.strip()]
    codes = {u.code for u in choosable(units)}
    if not chosen:
        if len(codes) == 1:
            return [next(iter(codes))]
        raise InvalidPreferences("지원할 사업(과정)을 하나 이상 고르십시오.",
                                 "Choose at least one unit (project, field or course) to apply to.")
    if len(chosen) > row.max_preferences:
        raise InvalidPreferences(f"이 공고는 {row.max_preferences}지망까지 신청할 수 있습니다.",
                                 f"This round takes at most {row.max_preferences} choice(s).")
    if len(set(chosen)) != len(chosen):
        raise InvalidPreferences("같은 사업(과정)을 두 번 고를 수 없습니다.",
                                 "The same unit cannot be chosen twice.")
    unknown = [p for p in chosen if p not in codes]
    if unknown:
        raise InvalidPreferences(f"이 공고에 없는 사업(과정)입니다: {', '.join(unknown)}",
                                 f"Not a unit of this round: {', '.join(unknown)}")
    return chosen


def _by_key_or_person(session: Session, round_id: int, key: str, person_id: int
                      ) -> tuple[Application | None, Application | None]:
    """This round's application made with this key, and the person's, in one query (of ids:
    the rows are loaded only when there is one, which is the rare case)."""
    rows = session.execute(select(Application.id, Application.idempotency_key,
                                  Application.person_id).where(
        Application.round_id == round_id,
        (Application.idempotency_key == key) | (Application.person_id == person_id))).all()
    by_key = next((r.id for r in rows if r.idempotency_key == key), None)
    by_person = next((r.id for r in rows if r.person_id == person_id), None)
    return (None if by_key is None else session.get_one(Application, by_key),
            None if by_person is None else session.get_one(Application, by_person))


def context_id(session: Session, snap: snapshots.Snapshot,
               cache: dict[str, int] | None = None) -> int:
    """The id of the snapshot's shared context, stored on first use.

    Every application of a round on a day shares one context, so the first submissions race
    to store it. On PostgreSQL it is stored and committed at once in a transaction of its own
    (it is content-addressed and immutable: one a rolled-back request leaves is still right),
    so the others don't wait for the first request's whole transaction; a writer that loses
    the race on the unique digest reads the winner's row. Being committed and immutable, the
    id is then remembered for the database (SQLite's stays in the caller's transaction, which
    may still roll back, so it is looked up each time, or kept in the caller's ``cache`` for
    the length of its transaction).
    """
    bind = session.get_bind()
    known = _CONTEXT_IDS.setdefault(bind, {}) if bind.dialect.name == "postgresql" else cache
    known = {} if known is None else known
    if snap.digest in known:
        return known[snap.digest]
    by_digest = select(EligibilityContext.id).where(EligibilityContext.digest == snap.digest)
    found = session.execute(by_digest).scalar_one_or_none()
    if found is None:
        values = {"digest": snap.digest, "program_code": snap.program, "evaluated_on": snap.on,
                  "announced_on": snap.announced, "parameter_version": snap.parameter_version,
                  "code_version": snap.code_version, "content": snap.context}
        if bind.dialect.name == "postgresql":
            with bind.begin() as connection:
                connection.execute(postgresql_insert(EligibilityContext).values(values)
                                   .on_conflict_do_nothing(index_elements=["digest"]))
            found = session.execute(by_digest).scalar_one()
        else:  # SQLite: one writer at a time, so no race; stay in the caller's transaction
            row = EligibilityContext(**values)
            session.add(row)
            session.flush()
            found = row.id
    if len(known) >= 4096:  # a context per round and day: this is years of them
        known.clear()
    known[snap.digest] = found
    return found


# Committed contexts' ids by digest, per PostgreSQL engine (see ``context_id``).
_CONTEXT_IDS: weakref.WeakKeyDictionary[Any, dict[str, int]] = weakref.WeakKeyDictionary()


def applicant(session: Session, person_row: Any) -> Person:
    """The person format the rules judge at application time: the registry's record (a mapped
    person or a row of its columns, ``person_record``) with the whole training history,
    including every course that ended here (the re-participation conditions — waiting period,
    lifetime limit, 무단 포기 restriction — read it)."""
    history = training_history.histories(session, {person_row.id: person_row.training_history or []})
    return registry.person_format(person_row, training_history=history[person_row.id])


@functools.cache
def _person_columns() -> Any:
    persons = PersonRow.__table__
    return select(persons.c.id, *(persons.c[name] for name in registry.FORMAT_COLUMNS)).where(
        persons.c.id == bindparam("person_id"))


def person_record(session: Session, person_id: int) -> Any:
    """The columns of a registered person the rules read, as a row (None if there is no such
    person): one compiled statement, no mapped object (a submission's path)."""
    return session.execute(_person_columns(), {"person_id": person_id}).first()


@functools.cache
def _round_and_applicant() -> tuple[DriverStatement, Any]:
    """The statement (run on the driver's cursor: SQLAlchemy's execution and result objects cost
    more than the statement's own work) and its rows' shape, a named tuple of its columns."""
    persons = PersonRow.__table__
    person_id = bindparam("person_id")
    statement = (round_with_units(True)
                 .add_columns(*(persons.c[name].label(f"person_{name}") for name in ("id", *registry.FORMAT_COLUMNS)),
                              training_history.ended_here(person_id).label("person_ended"))
                 .outerjoin(persons, persons.c.id == person_id))
    return DriverStatement(statement), namedtuple("RoundAndApplicant", statement.selected_columns.keys())


def round_and_applicant(session: Session, round_id: int, person_id: int
                        ) -> tuple[tuple[Any, list[Any]], Person | None]:
    """The round share-locked with its units (``lock_round_with_units``) and the applicant as
    the rules judge them (``person_record`` and ``applicant``; None if there is no such person).
    On PostgreSQL one statement reads them all (a submission's reads, one round trip where they
    took three); SQLite reads them in turn."""
    if session.get_bind().dialect.name != "postgresql":
        locked = lock_round_with_units(session, round_id, shared=True)
        found = person_record(session, person_id)
        return locked, None if found is None else applicant(session, found)
    statement, shape = _round_and_applicant()
    rows = list(map(shape._make, statement.run(session, {"round_id": round_id, "person_id": person_id})))
    locked, first = round_and_units(rows, round_id), rows[0]
    if first.person_id is None:
        return locked, None
    record = SimpleNamespace(id=first.person_id,
                             **{name: getattr(first, f"person_{name}") for name in registry.FORMAT_COLUMNS})
    history = training_history.whole_history(record.training_history or [], first.person_ended or [])
    return locked, registry.person_format(record, training_history=history)


def evaluate(row: Round, person: Person, engine: Engine | None = None) -> snapshots.Snapshot:
    """The eligibility snapshot of ``person`` for the round: evaluated with the round's work or
    course start date (``on``) and announcement date (``announced``), so every rule uses its
    own reference date."""
    engine = engine or default_engine()
    evaluation = engine.evaluate_person(person, row.starts_on, row.announced_on, [row.program_code])
    return snapshots.take(evaluation, row.program_code)


def submit(session: Session, *, round_id: int, person_id: int, person: Person,
           preferences: Sequence[str], channel: Channel, idempotency_key: str,
           actor: audit.Actor, staff: bool = False, now: dt.datetime | None = None,
           locked: tuple[Any, list[Any]] | None = None, linked: Sequence[Linked] = (),
           audited: Sequence[dict[str, Any]] = ()) -> Submission:
    """Submit an application, or return the one this idempotency key already made.

    A citizen applies while the round is open and inside its window; staff (``staff=True``)
    may also enter paper applications after the window closed, until the draw is prepared.
    The same key with the same request returns the first application (``created=False``),
    also after the window closed, and when two retries race on PostgreSQL. The unique
    constraints on (round, key) and (round, person) decide: the insert is tried first and does
    nothing when either is taken (a retry, a second application, a race lost), and only then
    is the application that holds it read — so a new submission does not read first.
    The application, its two history lines and its audit entry are written together
    (``applications.linked``: one statement on PostgreSQL), with ``linked``'s rows and
    ``audited``'s entries about it (a submission's consents: its id goes into their
    ``application_id`` and the entries' ``object_id``).
    ``locked``: the round and its units, if the caller locked them already
    (``lock_round_with_units(..., shared=True)``).
    """
    key = idempotency_key.strip()
    if not key or len(key) > 128:
        raise InvalidPreferences("Idempotency-Key는 1~128자여야 합니다.",
                                 "The Idempotency-Key must be 1–128 characters.")
    now = now or now_utc()
    row, units = locked or lock_round_with_units(session, round_id, shared=True)
    chosen = check_preferences(row, units, preferences)
    digest = request_digest(round_id, person_id, chosen)
    try:
        check_taking(session, row, staff=staff, now=now)
    except RoundClosed:
        same_key, _ = _by_key_or_person(session, round_id, key, person_id)
        if same_key is not None:
            return _replay(same_key, digest, row)
        raise
    snap = evaluate(row, person)
    ctx = context_id(session, snap)
    values = application_values(row.id, person_id, chosen, channel, key, snap, ctx, actor, now)
    screened = screening(snap)
    opening = Opening(0, *screened)  # the id is the new application's, given on insert
    lines = opening_lines([opening], channel=values["channel"], actor=actor, now=now)
    entries = audit.intake_rows(session, actor, [{
        "action": "application.submit", "subject_person_id": person_id,
        "object_type": "application",
        "details": {"round": round_id, "channel": str(channel), "status": values["status"]}},
        *audited], now=now)
    new_id = insert_unless_taken(session, _APPLICATIONS, values, [
        Linked(_EVENTS, lines, "application_id"), Linked(_INTAKE, entries, "object_id"), *linked])
    if new_id is None:  # this key or this person holds an application of the round
        same_key, same_person = _by_key_or_person(session, round_id, key, person_id)
        if same_key is not None:
            return _replay(same_key, digest, row)
        if same_person is not None:
            raise DuplicateApplication(round_id, same_person.id)
        raise ConcurrentChange()
    notify_openings(session, [written_opening(new_id, values, *screened)])
    application = Application(id=new_id, **values)  # attached as written, not read back
    make_transient_to_detached(application)
    session.add(application)
    return Submission(application, True, row, snap.context,
                      [{**line, "application_id": new_id} for line in lines])


_APPLICATIONS, _EVENTS, _INTAKE = table_of(Application), table_of(ApplicationEvent), table_of(AuditIntake)


def _replay(earlier: Application, digest: str, row: Any) -> Submission:
    """The application this key made, if the request is the same one (else a conflict)."""
    if earlier.request_digest != digest:
        raise IdempotencyConflict(row.id)
    return Submission(earlier, False, row)


def check_taking(session: Session, row: Any, *, staff: bool, now: dt.datetime) -> None:
    """Raise ``RoundClosed`` unless the round takes this submission now (see ``submit``)."""
    if taking_applications(row, now):
        return
    if staff and row.status in (RoundStatus.OPEN, RoundStatus.CLOSED) and (
            row.draw_prepared_at is None):
        return
    raise RoundClosed(row.id)


def screening(snap: snapshots.Snapshot) -> tuple[S, str, dict[str, Any]]:
    """The status the snapshot gives, its reason code and details (condition ids only).

    A condition still to be verified (an input not given) does not hold an application back:
    it is eligible pending the check, which staff make before the start (companion-jobs-notices: the
    district office checks documents after the application); one found failing then is moved
    to ineligible, and after the draw its seat goes to the waitlist.
    """
    failed, to_verify = snap.person["failed"], snap.person["to_verify"]
    if not snap.eligible:
        return S.INELIGIBLE, "screening.ineligible", {"failed": failed, "to_verify": to_verify}
    if to_verify:
        return S.ELIGIBLE, "screening.eligible_to_verify", {"to_verify": to_verify}
    return S.ELIGIBLE, "screening.eligible", {}


def application_values(round_id: int, person_id: int, chosen: list[str], channel: Channel | str,
                       key: str, snap: snapshots.Snapshot, ctx: int, actor: audit.Actor,
                       now: dt.datetime) -> dict[str, Any]:
    """A new application's row: the request, its screening status and eligibility snapshot."""
    status, _, _ = screening(snap)
    return {
        "round_id": round_id, "person_id": person_id, "preferences": chosen,
        "channel": Channel(channel).value, "idempotency_key": key,
        "request_digest": request_digest(round_id, person_id, chosen),
        "submitted_at": now, "submitted_by": actor.id, "status": status.value,
        "status_changed_at": now, "eligible": snap.eligible, "score": snap.score,
        "priority": snap.priority, "eligibility": snap.person, "eligibility_context_id": ctx,
        "parameter_version": snap.parameter_version, "code_version": snap.code_version,
        "evaluated_on": snap.on, "announced_on": snap.announced}


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def get_application(session: Session, application_id: int, scope: Scope = SYSTEM) -> Application:
    """The application if it is within ``scope`` (``accounts.scope``: the applicant's, the sites'
    it recruits for); else not found, as for an id that does not exist."""
    row = scope.get(session, Kind.APPLICATION, application_id)
    if row is None:
        raise ApplicationNotFound(application_id)
    return row


def applications_of_person(session: Session, person_id: int) -> list[Application]:
    return list(session.execute(select(Application).where(Application.person_id == person_id)
                                .order_by(Application.submitted_at.desc())).scalars())


def list_applications(session: Session, round_id: int, *, status: str | None = None,
                      limit: int = 100, offset: int = 0,
                      scope: Scope = SYSTEM) -> tuple[list[Application], int]:
    """A page of a round's applications within ``scope`` (highest score first) and the total."""
    conditions = [Application.round_id == round_id, scope.where(Kind.APPLICATION)]
    if status:
        conditions.append(Application.status == status)
    total = session.execute(select(func.count()).select_from(Application)
                            .where(*conditions)).scalar_one()
    rows = session.execute(paging.window(
        select(Application).where(*conditions).order_by(Application.score.desc(), Application.id),
        limit, offset)).scalars()
    return list(rows), int(total)


def history(session: Session, application_id: int) -> list[ApplicationEvent]:
    return list(session.execute(select(ApplicationEvent)
                                .where(ApplicationEvent.application_id == application_id)
                                .order_by(ApplicationEvent.at, ApplicationEvent.id)).scalars())


def explanation(session: Session, application: Application) -> dict[str, Any]:
    """The stored decision in full: the engine's result shape, dates and versions used."""
    return snapshots.explanation(application.eligibility, eligibility_context(session, application))
