"""The audit log's tamper scenarios (issue 17 §3): what an attacker holding the database
superuser can do to the log, and whether Ilja catches it. Each scenario starts from a fresh
log in a scratch database, tampers with it and asks ``audit.verify`` (with the heads published
outside the database where it matters). ``make reliability`` shows one row per scenario;
tests/accounts/test_audit_tamper.py uses the same tools for its finer checks.

The attacker switches the audit triggers off (``session_replication_role = replica`` on
PostgreSQL; on SQLite the triggers are dropped for good, so the scenario that needs them on,
the refused TRUNCATE and DELETE, runs first).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ilja.accounts import audit
from ilja.accounts.audit_chain import AuditEntry, ChainReport, build_chain, canonical, seal_head
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction

SQLITE_TRIGGERS = ("audit_log_no_update", "audit_log_no_delete", "audit_head_no_delete",
                   "audit_published_heads_no_update", "audit_published_heads_no_delete")
AUDIT_TABLES = ("audit_log", "audit_head", "audit_intake", "audit_published_heads")
# The columns people read in an entry, each with a value an attacker might write into it.
SHOWN_EDITS = (("actor_id", "someone-else"), ("actor_role", "auditor"), ("reason", "다른 사유"),
               ("subject_person_id", "999"), ("details", {"fields": ["name"], "masked": 1}),
               ("source_address", "192.0.2.1"), ("action", "person.search"), ("object_id", "77"),
               ("object_type", "user"), ("previous_hash", "f" * 64))


@dataclass
class TamperOutcome:
    scenario: str
    caught: bool
    how: str  # what refused or reported it, or what let it through


def write_entries(url: str, count: int, first: int = 0) -> None:
    """``count`` ordinary entries (a coordinator reading people), chained."""
    with transaction(engine_for(url)) as session:
        for i in range(first, first + count):
            audit.record(session, audit.Actor(f"user-{i}", "job_coordinator", "10.0.0.7"),
                         "person.read", subject_person_id=100 + i, object_type="person",
                         object_id=i, reason="상담 준비", details={"fields": ["name"], "masked": True})


def verify(url: str, heads_file: Path | None = None) -> ChainReport:
    with transaction(engine_for(url)) as session:
        return audit.verify(session, heads_file=heads_file)


@contextlib.contextmanager
def triggers_off(url: str) -> Iterator[Connection]:
    """A connection as the attacker: a superuser who switched the audit triggers off."""
    engine = engine_for(url)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            for trigger in SQLITE_TRIGGERS:
                connection.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        yield connection


def rechain(connection: Connection, entries: list[AuditEntry]) -> None:
    """Replace the whole log by ``entries``, renumbered and re-hashed, and move the head row."""
    entries = [dataclasses.replace(entry, sequence=n) for n, entry in enumerate(entries, 1)]
    connection.execute(text("DELETE FROM audit_log"))
    previous = "0" * 64
    for link in build_chain(entries):
        entry = link.entry
        connection.execute(insert(AuditRecord.__table__).values(
            **{k: v for k, v in entry.as_dict().items() if k not in ("v", "timestamp")},
            timestamp=entry.timestamp, canonical=canonical(entry).decode(),
            previous_hash=previous, entry_hash=link.entry_hash))
        previous = link.entry_hash
    connection.execute(text("UPDATE audit_head SET sequence = :s, entry_hash = :h"),
                       {"s": len(entries), "h": previous})


def stored_entries(connection: Connection) -> list[AuditEntry]:
    texts = connection.execute(select(AuditRecord.canonical).order_by(AuditRecord.sequence))
    return [AuditEntry.from_dict(json.loads(t)) for t in texts.scalars()]


def _found(report: ChainReport, problem: str, sequence: int) -> tuple[bool, str]:
    """Caught when verify names this problem at this entry."""
    said = f"verify: {report.problem or 'intact'}" + (
        f" at entry {report.first_bad_sequence}" if report.first_bad_sequence else "")
    return (not report.ok and (report.problem, report.first_bad_sequence) == (problem, sequence)), said


def _refused_statements(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 2)
    audit.publish_head(engine_for(url), heads_file=heads)
    engine = engine_for(url)
    statements = ["DELETE FROM audit_log", "DELETE FROM audit_head", "DELETE FROM audit_published_heads",
                  "UPDATE audit_log SET reason = 'x'", "UPDATE audit_published_heads SET sequence = 1"]
    if engine.dialect.name == "postgresql":
        statements = [f"TRUNCATE {table}" for table in AUDIT_TABLES] + statements
    refused = 0
    for statement in statements:
        try:
            with engine.begin() as connection:
                connection.execute(text(statement))
        except DBAPIError as exc:
            refused += "append-only" in str(exc.orig)
    intact = verify(url, heads).ok
    return refused == len(statements) and intact, (
        f"{refused} of {len(statements)} statements refused (TRUNCATE and DELETE of each audit table, "
        f"UPDATE), log {'intact' if intact else 'CHANGED'}")


def _shown_columns(url: str, heads: Path) -> tuple[bool, str]:
    missed = []
    for column, value in SHOWN_EDITS:
        _clear(url)
        write_entries(url, 4)
        with triggers_off(url) as connection:
            table = AuditRecord.__table__
            connection.execute(table.update().where(table.c.sequence == 3).values({column: value}))
        report = verify(url)
        if not _found(report, "shown_mismatch", 3)[0] or column not in report.message:
            missed.append(column)
    return not missed, (f"{len(SHOWN_EDITS) - len(missed)} of {len(SHOWN_EDITS)} columns "
                        f"(actor, role, reason, subject, details, …) reported at their entry"
                        + (f"; missed {missed}" if missed else ""))


def _hashed_record(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 3)
    with triggers_off(url) as connection:
        connection.execute(text("UPDATE audit_log SET canonical = 'x' WHERE sequence = 2"))
    return _found(verify(url), "hash_mismatch", 2)


def _emptied(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 5)
    audit.publish_head(engine_for(url), heads_file=heads)
    with triggers_off(url) as connection:
        for table in ("audit_log", "audit_head", "audit_published_heads"):
            connection.execute(text(f"DELETE FROM {table}"))
    caught, said = _found(verify(url, heads), "truncated", 1)
    return caught, said + " (against the published heads)"


def _deleted_and_rechained(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 6)
    published = audit.publish_head(engine_for(url), heads_file=heads)
    with triggers_off(url) as connection:
        entries = stored_entries(connection)
        rechain(connection, entries[:2] + entries[3:])  # entry 3 gone, the rest renumbered
        connection.execute(text("DELETE FROM audit_published_heads"))
    caught, said = _found(verify(url, heads), "seal_mismatch", published.sequence)
    return caught and verify(url).ok, said + " (the chain alone verifies)"


def _shortened(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 6)
    audit.publish_head(engine_for(url), heads_file=heads)
    with triggers_off(url) as connection:
        rechain(connection, stored_entries(connection)[:4])
    return _found(verify(url, heads), "truncated", 5)


def _reordered(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 5)
    audit.publish_head(engine_for(url), heads_file=heads)
    with triggers_off(url) as connection:
        entries = stored_entries(connection)
        entries[1], entries[2] = entries[2], entries[1]
        rechain(connection, entries)
        connection.execute(text("DELETE FROM audit_published_heads"))
    return _found(verify(url, heads), "seal_mismatch", 5)


def _forged_head(url: str, heads: Path) -> tuple[bool, str]:
    write_entries(url, 3)
    forged = seal_head(verify(url).head, key_id="seal-forged", key=b"k" * 32)
    heads.parent.mkdir(parents=True, exist_ok=True)
    heads.write_text(json.dumps(forged.as_dict()) + "\n")
    report = verify(url, heads)
    return report.problem == "seal_invalid", f"verify: {report.problem or 'intact'}"


SCENARIOS: tuple[tuple[str, Callable[[str, Path], tuple[bool, str]]], ...] = (
    ("TRUNCATE, DELETE or UPDATE of the audit tables is refused", _refused_statements),
    ("an entry's shown columns edited", _shown_columns),
    ("an entry's hashed record edited", _hashed_record),
    ("log emptied and head row deleted", _emptied),
    ("an entry deleted and the chain recomputed", _deleted_and_rechained),
    ("the last entries cut and the chain recomputed", _shortened),
    ("two entries swapped and the chain recomputed", _reordered),
    ("a forged published head", _forged_head),
)


def _clear(url: str) -> None:
    """An empty log again, as the attacker (the next scenario starts from nothing)."""
    with triggers_off(url) as connection:
        for table in AUDIT_TABLES:
            connection.execute(text(f"DELETE FROM {table}"))


def run_scenarios(url: str, folder: Path) -> list[TamperOutcome]:
    """Every scenario on the fresh migrated scratch database ``url`` (its audit tables emptied
    before each scenario but the first), with published heads under ``folder``. The seal key
    comes from the configured key ring (in development and test, made in the data directory);
    each scenario that publishes a head first proves its log intact (``publish_head`` refuses a
    broken chain), so what is caught is the tampering."""
    outcomes = []
    for number, (label, scenario) in enumerate(SCENARIOS, 1):
        if number > 1:
            _clear(url)
        try:
            caught, how = scenario(url, folder / f"scenario-{number}" / audit.HEADS_FILE_NAME)
        except Exception as exc:  # noqa: BLE001 - a scenario that crashes caught nothing
            caught, how = False, f"the scenario raised {type(exc).__name__}: {str(exc)[:200]}"
        outcomes.append(TamperOutcome(label, caught, how))
    return outcomes
