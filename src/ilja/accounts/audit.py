"""The audit log in the database: append, seal, search, verify, monthly review.

Every write, and every read or download of personal data by staff, calls ``record`` inside the
same transaction as the thing it records: if the work rolls back, so does its audit entry, and
an acknowledged action always has one. ``record`` only inserts into ``audit_intake`` — no shared
row, no lock — so audited writes never queue behind each other. Right after the commit the
entries are *sealed*: a short transaction takes the chain head's row lock and moves every
committed intake row into ``audit_log`` with its sequence and hash (inline in the committing
thread, or by one background thread per process, see ``Settings.audit_sealing``). Readers
(``search``, ``verify``, the monthly report) seal first, so they always see every committed
entry; one left in the intake by a crash is sealed by the next one.

Someone with the database's superuser can still disable the triggers and rewrite, truncate or
re-chain the table. So ``publish_head`` seals the chain head with a key kept outside the database
(HMAC, the keyring's ``audit_seal`` purpose) and appends it to a published-heads file (operators
run ``ilja audit publish-head`` daily and hand the file on); ``verify`` checks the chain against
every published head.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    Integer,
    String,
    Table,
    bindparam,
    cast,
    delete,
    event,
    exists,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, Session, mapped_column

from ilja import clock, paging
from ilja.accounts import needs
from ilja.accounts.audit_chain import (
    GENESIS,
    AuditEntry,
    ChainAnchor,
    ChainedEntry,
    ChainReport,
    Seal,
    canonical,
    entry_hash,
    retention_cutoff,
    seal_head,
    verify_chain,
)
from ilja.accounts.models import AuditHead, AuditIntake, AuditRecord, AuditReview
from ilja.config import get_settings
from ilja.db import Base, UTCDateTime, transaction

SYSTEM = "system"
SEAL_BATCH = 2000
# A woken background sealer waits this long before its pass, so that under load one pass
# (one head lock, one insert, one delete) chains the entries of many requests, not one each: a
# pass costs about as much CPU as 30 entries, so at 150 submissions/s a worker 0.05 s gathered 7
# (the pass was most of a submission's audit), 0.25 s gathers 37. Nobody waits for it: readers
# seal first, and a crash leaves the entries in the intake for the next pass.
SEAL_GATHER_SECONDS = 0.25
_PENDING = "ilja.audit_pending"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Actor:
    """Who did it and from where (``None`` id for the system or an anonymous visitor)."""

    id: str | None
    role: str
    source_address: str | None = None


SYSTEM_ACTOR = Actor(None, SYSTEM, None)
HEADS_FILE_NAME = "audit-heads.jsonl"


class AuditPublishedHead(Base):
    """A sealed chain head as published (also appended to the published-heads file); rows are
    only inserted (triggers refuse UPDATE, DELETE and TRUNCATE)."""

    __tablename__ = "audit_published_heads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sequence: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    entry_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    key_id: Mapped[str] = mapped_column(String(48))
    mac: Mapped[str] = mapped_column(String(64))


_INTAKE_INSERT = insert(AuditIntake.__table__)  # a Core statement: no unit of work, compiled once


def record(session: Session, actor: Actor, action: str, *, subject_person_id: Any = None,
           object_type: str | None = None, object_id: Any = None, reason: str | None = None,
           details: dict[str, Any] | None = None, now: dt.datetime | None = None) -> None:
    """Record one entry in the caller's transaction; it is chained right after the commit.

    The entry is checked now (a reason for downloads, no personal data in details), so a bad
    one fails the caller's work instead of the sealer. It is inserted at once, with one
    statement compiled once (no mapped object, nothing left for the unit of work to flush).
    """
    record_many(session, actor, [{
        "action": action, "subject_person_id": subject_person_id, "object_type": object_type,
        "object_id": object_id, "reason": reason, "details": details}], now=now)


def created(session: Session, actor: Actor, row: Any, action: str, *, object_type: str,
            subject_person_id: Any = None, reason: str | None = None,
            details: dict[str, Any] | None = None, now: dt.datetime | None = None) -> Any:
    """Add a new row, flush it for its id and record ``action`` about it: the one way a service
    creates an object and says who did (returns the row)."""
    session.add(row)
    session.flush()
    record(session, actor, action, subject_person_id=subject_person_id, object_type=object_type,
           object_id=row.id, reason=reason, details=details, now=now)
    return row


def _intake_values(entry: AuditEntry) -> dict[str, Any]:
    return {"timestamp": entry.timestamp, "actor_id": entry.actor_id, "actor_role": entry.actor_role,
            "source_address": entry.source_address, "action": entry.action,
            "subject_person_id": entry.subject_person_id, "object_type": entry.object_type,
            "object_id": entry.object_id, "reason": entry.reason, "details": dict(entry.details)}


def record_many(session: Session, actor: Actor, entries: list[dict[str, Any]], *,
                now: dt.datetime | None = None) -> None:
    """``record`` for many entries (an import: one per person), in their order: each checked as
    ``record`` checks it and chained one by one as ever, but written in one statement.
    ``entries`` hold ``record``'s keyword arguments, ``action`` included."""
    if entries:
        session.execute(_INTAKE_INSERT, intake_rows(session, actor, entries, now=now))


def intake_rows(session: Session, actor: Actor, entries: list[dict[str, Any]], *,
                now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The intake rows of ``entries`` (``record_many``'s), each checked as ``record`` checks
    it, for a caller that inserts them into ``audit_intake`` with a statement of its own (a
    submission writes its rows in one); the session's commit then has them chained."""
    moment = now or clock.now()
    rows = [_intake_values(AuditEntry(
        sequence=1, timestamp=moment, actor_id=actor.id, actor_role=actor.role,
        source_address=actor.source_address, **{**entry, "details": entry.get("details") or {}}))
        for entry in entries]
    session.info[_PENDING] = True
    return rows


_HEAD, _INTAKE = AuditHead.__table__, AuditIntake.__table__
# A sealing pass's statements, compiled once: the head locked only when entries wait (so a
# reader with nothing to chain takes no lock), a batch taken out of the intake as it is read,
# the batch appended to the chain, the head moved.
_HEAD_IF_WAITING = (select(_HEAD.c.sequence, _HEAD.c.entry_hash)
                    .where(_HEAD.c.id == 1, exists(select(_INTAKE.c.id))).with_for_update())
_TAKE_BATCH = (delete(_INTAKE).where(_INTAKE.c.id.in_(
    select(_INTAKE.c.id).order_by(_INTAKE.c.id).limit(SEAL_BATCH).scalar_subquery()))
    .returning(*_INTAKE.c))
_APPEND = insert(AuditRecord.__table__)
_MOVE_HEAD = (update(_HEAD).where(_HEAD.c.id == 1)
              .values(sequence=bindparam("b_sequence"), entry_hash=bindparam("b_hash")))


def _lock_head(session: Session) -> tuple[int, str] | None:
    """The head (sequence, hash), locked for this transaction, if entries wait in the intake
    (the head is made at the first sealing); None when none wait."""
    head = session.execute(_HEAD_IF_WAITING).first()
    if head is None:
        if session.execute(select(_INTAKE.c.id).limit(1)).first() is None:
            return None
        if session.execute(select(_HEAD.c.id)).first() is None:
            session.execute(insert(_HEAD).values(id=1, sequence=GENESIS.sequence,
                                                 entry_hash=GENESIS.entry_hash))
        head = session.execute(select(_HEAD.c.sequence, _HEAD.c.entry_hash)
                               .where(_HEAD.c.id == 1).with_for_update()).one()
    return head.sequence, head.entry_hash


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def seal(session: Session) -> int:
    """Chain every intake entry this transaction can see, in intake order; returns how many.

    Takes the head's row lock, so sealers take turns; with nothing waiting it takes no lock, so
    a long reader (``verify``) never holds up the sealers. Runs in the caller's transaction,
    with Core statements compiled once: a pass that chains a batch is four statements (lock
    the head, take the batch out of the intake, append it, move the head).
    """
    head = _lock_head(session)
    if head is None:
        return 0
    sequence, previous = head
    moved = 0
    while True:
        rows = sorted(session.execute(_TAKE_BATCH).all(), key=lambda row: row.id)
        records = []
        for row in rows:
            sequence += 1
            entry = AuditEntry.from_intake(sequence, row._mapping)
            text = canonical(entry)
            digest = entry_hash(previous, entry, text)
            records.append({
                "sequence": sequence, "timestamp": entry.timestamp, "actor_id": entry.actor_id,
                "actor_role": entry.actor_role, "source_address": entry.source_address,
                "action": entry.action, "subject_person_id": entry.subject_person_id,
                "object_type": entry.object_type, "object_id": entry.object_id,
                "reason": entry.reason, "details": dict(entry.details),
                "canonical": text.decode("utf-8"), "previous_hash": previous,
                "entry_hash": digest})
            previous = digest
        if records:
            session.execute(_APPEND, records)
            moved += len(records)
        if len(rows) < SEAL_BATCH:  # the intake as this transaction sees it is empty
            break
    if moved:
        session.execute(_MOVE_HEAD, {"b_sequence": sequence, "b_hash": previous})
    return moved


def seal_committed(engine: Engine) -> int:
    """Seal in transactions of their own until a pass finds the intake empty (entries committed
    while a pass ran are picked up by the next)."""
    total = 0
    while True:
        with transaction(engine) as session:
            moved = seal(session)
        if moved == 0:
            return total
        total += moved


class _BackgroundSealer:
    """One thread per process and database: commits wake it, it gathers for a moment, then
    seals in one transaction (a commit during the pass wakes it again).

    It is stopped and joined when its engine is disposed or the server shuts down (``stop``);
    it holds the engine weakly, so a forgotten engine still ends it.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="ilja-audit-sealer", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread is not threading.current_thread():
            self.thread.join()

    def _run(self) -> None:
        while not self.stopping.is_set():
            if self.wake.wait(timeout=5.0):  # the timeout picks up what a crash left behind
                self.stopping.wait(SEAL_GATHER_SECONDS)
            self.wake.clear()
            engine = self.engine()
            if engine is None or self.stopping.is_set():
                return  # what waits in the intake is sealed by the next sealing or reader
            try:
                with transaction(engine) as session:  # a Session: no sessionmaker class a pass
                    seal(session)
            except Exception:  # noqa: BLE001 - the entries stay in the intake; next pass retries
                log.warning("audit sealing failed; the entries wait in the intake", exc_info=True)
            del engine


_SEALERS: weakref.WeakKeyDictionary[Engine, _BackgroundSealer] = weakref.WeakKeyDictionary()
_SEALERS_LOCK = threading.Lock()


def wake_sealer(engine: Engine) -> None:
    """Have this process's background sealer for ``engine`` (started on first use) seal now."""
    with _SEALERS_LOCK:
        sealer = _SEALERS.get(engine)
        if sealer is None:
            sealer = _SEALERS[engine] = _BackgroundSealer(engine)
    sealer.wake.set()


@event.listens_for(Engine, "engine_disposed")
def stop_sealer(engine: Engine) -> None:
    """Stop and join the background sealer of ``engine``, if it has one (a disposed engine's
    database may be about to go; a later commit starts a new sealer)."""
    with _SEALERS_LOCK:
        sealer = _SEALERS.pop(engine, None)
    if sealer is not None:
        sealer.stop()


@event.listens_for(Session, "after_commit")
def _seal_after_commit(session: Session) -> None:
    """Chain what this transaction recorded, now that it is committed (never fails the commit)."""
    if session.in_nested_transaction():  # a savepoint: the work is not committed yet
        return
    if not session.info.pop(_PENDING, False):
        return

    engine = session.get_bind()
    if get_settings().audit_sealing == "background":
        wake_sealer(engine)
        return
    try:
        seal_committed(engine)
    except Exception:  # noqa: BLE001 - committed work stands; the entries wait in the intake
        log.warning("audit sealing failed; the entries wait in the intake", exc_info=True)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


SHOWN_COLUMNS = ("sequence", "timestamp", "actor_id", "actor_role", "source_address", "action",
                 "subject_person_id", "object_type", "object_id", "reason", "details",
                 "previous_hash")


class _Walk:
    """The stored rows as chain links, each with what its row shows. A row whose hashed record
    cannot be read ends the walk there (``unreadable``): it was edited."""

    def __init__(self, session: Session, batch: int = 5000, after: int = 0) -> None:
        self.session, self.batch, self.after = session, batch, after
        self.unreadable: int | None = None

    def __iter__(self) -> Iterator[ChainedEntry]:
        table = AuditRecord.__table__
        last: int | None = self.after or None
        while True:
            query = select(table).order_by(table.c.sequence).limit(self.batch)
            if last is not None:
                query = query.where(table.c.sequence > last)
            rows = self.session.execute(query).all()
            if not rows:
                return
            for row in rows:
                try:
                    entry = AuditEntry.from_stored(json.loads(row.canonical))
                except (ValueError, TypeError, KeyError):  # AuditEntryError is a ValueError
                    self.unreadable = row.sequence
                    return
                shown = {name: getattr(row, name) for name in SHOWN_COLUMNS}
                yield ChainedEntry(entry, row.entry_hash, shown)
                last = row.sequence


class SealKeyMissing(Exception):
    """No audit seal key is loaded where one is needed (production must configure one)."""


def seal_keys() -> tuple[str, Mapping[str, bytes]]:
    """The active seal key id and every seal key, from the people's keyring (key file or
    environment, never the database: ``people.keys.seal_keys``, installed by ``ilja.access``)."""
    try:
        return needs.seal_keys()
    except needs.NotInstalled as exc:
        raise SealKeyMissing(str(exc)) from None


def configured_heads_file() -> Path:
    """Where published heads are appended: ``ILJA_AUDIT_HEADS_FILE`` or the data directory."""
    settings = get_settings()
    return settings.audit_heads_file or settings.data_dir / HEADS_FILE_NAME


class HeadsFileError(ValueError):
    """A published-heads file line that is not a published head."""


def read_heads_file(path: Path) -> list[Seal]:
    """The heads published in ``path`` (none if there is no such file yet)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    heads = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            heads.append(Seal.from_dict(json.loads(line)))
        except (ValueError, TypeError, AttributeError):
            raise HeadsFileError(f"{path}:{number} is not a published head") from None
    return heads


def _append_heads_file(path: Path, head: Seal) -> None:
    """Append one JSON line, readable by all (0644: it is meant to be published)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        os.fchmod(handle.fileno(), 0o644)
        handle.write(json.dumps(head.as_dict(), sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


def published_heads(session: Session, heads_file: Path | None = None) -> list[Seal]:
    """Every published head: those stored in the database and those in ``heads_file`` (which
    outlives a rewritten database), in sequence order, each once."""
    stored = session.execute(select(AuditPublishedHead).order_by(AuditPublishedHead.id)).scalars()
    heads = {Seal(row.sequence, row.entry_hash, _utc_text(row.sealed_at), row.key_id, row.mac)
             for row in stored}
    if heads_file is not None:
        heads.update(read_heads_file(heads_file))
    return sorted(heads, key=lambda head: (head.sequence, head.sealed_at))


def _utc_text(moment: dt.datetime) -> str:
    return _aware(moment).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def verify(session: Session, *, heads_file: Path | None = None,
           since: ChainAnchor = GENESIS) -> ChainReport:
    """Seal what waits, walk the whole chain from the stored rows (every shown column against
    its hashed record) and check it against every published head; check the head row agrees.
    ``since`` (a head verified before) walks only the entries after it."""
    seal(session)
    try:
        heads = published_heads(session, heads_file)
    except HeadsFileError as exc:
        return ChainReport(False, 0, GENESIS, None, "heads_unreadable", str(exc))
    keys: Mapping[str, bytes] = {}
    if heads:
        try:
            keys = seal_keys()[1]
        except SealKeyMissing as exc:
            return ChainReport(False, 0, GENESIS, None, "seal_key_missing", str(exc))
    walk = _Walk(session, after=since.sequence)
    report = verify_chain(walk, anchor=since, seals=heads, seal_keys=keys)
    if walk.unreadable is not None:
        return ChainReport(False, report.checked, report.head, walk.unreadable, "hash_mismatch",
                           f"Entry {walk.unreadable}'s hashed record is unreadable: edited.")
    head = session.get(AuditHead, 1)
    if report.ok and head is not None and (head.sequence, head.entry_hash) != (
            report.head.sequence, report.head.entry_hash):
        return ChainReport(False, report.checked, report.head, report.head.sequence + 1, "truncated",
                           "The chain head says more entries were written than are stored.")
    return report


FULL_CHECK_EVERY = dt.timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class CurrentCheck:
    """What the audit page shows: the chain's state now, and when it was last walked whole."""

    report: ChainReport
    full_check_at: dt.datetime


_last_full: dict[str, tuple[ChainReport, dt.datetime]] = {}


def verify_current(session: Session, *, heads_file: Path | None = None) -> CurrentCheck:
    """For the audit page, which every search reloads: the whole chain is walked at most every
    ``FULL_CHECK_EVERY`` (per process and database), and on each call only the entries written
    since that walk. An edit of an older entry is caught by the next whole walk (its time is on
    the page; ``ilja audit verify`` and the monthly report always walk it whole)."""
    key, now = str(session.get_bind().url), clock.now()
    last = _last_full.get(key)
    if last is None or not last[0].ok or now - last[1] >= FULL_CHECK_EVERY:
        report = verify(session, heads_file=heads_file)
        _last_full[key] = (report, now)
        return CurrentCheck(report, now)
    full, at = last
    recent = verify(session, heads_file=heads_file, since=full.head)
    if not recent.ok:
        _last_full.pop(key, None)
    return CurrentCheck(replace(recent, checked=full.checked + recent.checked), at)


class ChainBroken(Exception):
    """The chain does not verify, so its head is not published."""

    def __init__(self, report: ChainReport) -> None:
        super().__init__(report.message)
        self.report = report


def publish_head(engine: Engine, actor: Actor = SYSTEM_ACTOR, *, heads_file: Path | None = None,
                 now: dt.datetime | None = None) -> Seal:
    """Seal the verified chain head, store the seal and append it to the published-heads file.

    Refuses a chain that does not verify (publishing it would vouch for the tampering). The
    file is written after the commit, so it never names a head the database rolled back.
    """
    path = heads_file or configured_heads_file()
    key_id, keys = seal_keys()
    with transaction(engine) as session:
        report = verify(session, heads_file=path)
        if not report.ok:
            raise ChainBroken(report)
        head = seal_head(report.head, key_id=key_id, key=keys[key_id], at=now)
        session.add(AuditPublishedHead(sequence=head.sequence, entry_hash=head.entry_hash,
                                       sealed_at=head.time, key_id=head.key_id, mac=head.mac))
        record(session, actor, "audit.publish_head", object_type="audit_head",
               object_id=head.sequence, details={"key_id": head.key_id})
    _append_heads_file(path, head)
    return head


@dataclass
class AuditQuery:
    actor_id: str | None = None
    action: str | None = None
    subject_person_id: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    offset: int = 0


def about_person(session: Session, table: Table, person_id: int) -> ColumnElement[bool]:
    """The entries about one person: those whose subject they are, and the batch entries that
    name them among others (``details.person_ids``: an import's registrations, a search's
    listing), which have no single subject. Only subject-less rows have their details read."""
    ids = table.c.details["person_ids"]
    if session.get_bind().dialect.name == "postgresql":
        named = cast(ids, JSONB).contains([person_id])
    else:  # SQLite: the array's elements as rows
        members = func.json_each(table.c.details, "$.person_ids").table_valued("value")
        named = exists(select(literal(1)).select_from(members).where(members.c.value == person_id))
    return or_(table.c.subject_person_id == str(person_id),
               table.c.subject_person_id.is_(None) & named)


def search(session: Session, query: AuditQuery) -> tuple[list[AuditRecord], int]:
    """Entries matching every given filter, newest first, with the total count."""
    seal(session)
    conditions = []
    if query.actor_id:
        conditions.append(AuditRecord.actor_id == query.actor_id)
    if query.action:
        conditions.append(AuditRecord.action.startswith(query.action, autoescape=True))
    if query.subject_person_id and query.subject_person_id.isdigit():
        conditions.append(about_person(session, AuditRecord.__table__, int(query.subject_person_id)))
    elif query.subject_person_id:
        conditions.append(AuditRecord.subject_person_id == query.subject_person_id)
    if query.since:
        conditions.append(AuditRecord.timestamp >= query.since)
    if query.until:
        conditions.append(AuditRecord.timestamp < query.until)
    total = session.execute(select(func.count()).select_from(AuditRecord).where(*conditions)).scalar_one()
    rows = session.execute(paging.window(
        select(AuditRecord).where(*conditions).order_by(AuditRecord.sequence.desc()),
        query.limit, query.offset)).scalars().all()
    return list(rows), int(total)


def month_bounds(month: str) -> tuple[dt.datetime, dt.datetime]:
    """``2025-07`` → [2025-07-01, 2025-08-01) in Korea time (the office's calendar)."""
    try:
        year, number = (int(part) for part in month.split("-"))
        start = dt.datetime(year, number, 1, tzinfo=ZoneInfo("Asia/Seoul"))
    except (ValueError, TypeError):
        raise ValueError(f"{month!r} is not a month (YYYY-MM)") from None
    end = dt.datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo("Asia/Seoul"))
    return start, end


@dataclass
class MonthlyReport:
    """What a monthly review looks at: volume, personal-data reads and downloads, odd hours."""

    month: str
    entries: int
    by_action: dict[str, int]
    by_actor: dict[str, int]
    personal_data_reads: int
    downloads: int
    downloads_without_reason: int
    night_entries: int  # 22:00–06:00 Korea time, worth a look
    chain: ChainReport
    retention_cutoff: dt.datetime
    published_head: Seal | None  # the month's last, so the report itself pins the chain


PERSONAL_ACTIONS = ("person.read", "person.read_rrn", "person.export", "application.read",
                    "selection.export", "audit.export")


def monthly_report(session: Session, month: str, now: dt.datetime | None = None, *,
                   heads_file: Path | None = None) -> MonthlyReport:
    start, end = month_bounds(month)
    seal(session)
    chain = verify(session, heads_file=heads_file)
    try:
        heads = published_heads(session, heads_file)
    except HeadsFileError:
        heads = []  # the chain's report says so
    in_month = [head for head in heads if start <= head.time < end]
    rows = session.execute(
        select(AuditRecord.action, AuditRecord.actor_id, AuditRecord.reason, AuditRecord.timestamp)
        .where(AuditRecord.timestamp >= start, AuditRecord.timestamp < end)
    ).all()
    by_action = Counter(r.action for r in rows)
    by_actor = Counter(r.actor_id or SYSTEM for r in rows)
    downloads = [r for r in rows if r.action.endswith((".export", ".download"))]

    seoul = ZoneInfo("Asia/Seoul")
    night = sum(1 for r in rows if not 6 <= _aware(r.timestamp).astimezone(seoul).hour < 22)
    return MonthlyReport(
        month=month,
        entries=len(rows),
        by_action=dict(by_action.most_common()),
        by_actor=dict(by_actor.most_common(20)),
        personal_data_reads=sum(n for a, n in by_action.items() if a in PERSONAL_ACTIONS),
        downloads=len(downloads),
        downloads_without_reason=sum(1 for r in downloads if not (r.reason or "").strip()),
        night_entries=night,
        chain=chain,
        retention_cutoff=retention_cutoff(now or clock.now()),
        published_head=max(in_month, key=lambda head: head.time, default=None),
    )


class AlreadyReviewed(Exception):
    """That month's review is on record already (one review per month)."""


def record_review(session: Session, actor: Actor, reviewer_id: int, month: str, findings: str, *,
                  heads_file: Path | None = None):
    """Store the monthly review with the report's figures and the chain's state; audited."""
    if session.execute(select(AuditReview.id).where(AuditReview.month == month)).first():
        raise AlreadyReviewed(month)
    report = monthly_report(session, month, heads_file=heads_file)
    review = AuditReview(month=month, reviewed_at=clock.now(), reviewer_id=reviewer_id,
                         chain_ok=report.chain.ok, findings=findings,
                         summary={"entries": report.entries, "downloads": report.downloads,
                                  "personal_data_reads": report.personal_data_reads})
    session.add(review)
    session.flush()
    record(session, actor, "audit.review", object_type="audit_review", object_id=review.id,
           details={"month": month, "chain_ok": report.chain.ok})
    return review


def review_for(session: Session, month: str):
    return session.execute(select(AuditReview).where(AuditReview.month == month)).scalar_one_or_none()


__all__ = ["Actor", "AuditPublishedHead", "AuditQuery", "ChainAnchor", "ChainBroken", "MonthlyReport",
           "SYSTEM_ACTOR", "configured_heads_file", "intake_rows", "month_bounds", "monthly_report",
           "publish_head", "published_heads", "record", "seal", "seal_committed", "search",
           "verify"]
