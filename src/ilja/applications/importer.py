"""Bulk import of applications as district offices collect them (XLSX, CSV or JSONL).

A file holds one application per row: the person's columns (the person format plus name, RRN,
phone and address — the registry's import reads the same headers, Korean ones included) and the
preferred unit(s): ``preferences`` (``care;safety``) or ``preference_1`` … (``1지망``, ``2지망``;
``희망사업``/``지원분야`` for a single choice). An optional ``reference`` column (접수번호) is the
office's own number for the application.

Everything is validated before anything is written, and every problem is reported with its row
(1 = the first data row), column and reason — never the value. Then, in the caller's one
transaction, each row's person is registered (created, or matched by RRN), evaluated and stored
with its snapshot and history. Problems only the database can reveal (the person already applied
to the round) are collected the same way, and the import raises at the end so the transaction
rolls back: a file is imported whole or not at all.

Importing the same file again changes nothing: each row's idempotency key is the office's
reference, or the file's digest and the row number, so every row finds its first application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications import judging, rounds, service, statuses
from ilja.applications.errors import ImportRejected, InvalidRow
from ilja.applications.import_rows import MAX_PROBLEMS, Row, validate_file
from ilja.applications.models import Application, Channel, table_of
from ilja.db import insert_ids
from ilja.people import consents, registry, training_history
from ilja.people.consent_models import ConsentVia
from ilja.people.importer import collector_paused
from ilja.people.rrn import KeyRing

WRITE_BATCH = 2_000


@dataclass
class ImportReport:
    """What an import did; ``replayed`` rows had been imported before (same key)."""

    rows: int
    applications: int = 0
    replayed: int = 0
    persons_created: int = 0
    persons_matched: int = 0
    eligible: int = 0
    ineligible: int = 0
    warnings: list[InvalidRow] = field(default_factory=list)


def import_applications(session: Session, path: Path | str, round_id: int, actor: audit.Actor,
                        *, keyring: KeyRing, now: dt.datetime | None = None,
                        progress: Any = None) -> ImportReport:
    """Import a file of applications into a round (see the module docstring).

    ``progress``, if given, is called with the number of rows written so far.
    """
    with collector_paused():
        return _import_applications(session, Path(path), round_id, actor, keyring=keyring,
                                    now=now, progress=progress)


def _import_applications(session: Session, path: Path, round_id: int, actor: audit.Actor, *,
                         keyring: KeyRing, now: dt.datetime | None,
                         progress: Any) -> ImportReport:
    now = now or rounds.now_utc()
    round_row, units = rounds.lock_round_with_units(session, round_id, shared=True)
    service.check_taking(session, round_row, staff=True, now=now)
    valid, warnings = validate_file(Path(path), round_row, units)
    report = ImportReport(rows=len(valid), warnings=warnings)
    file = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:32]
    existing = {person_id: (app_id, key) for app_id, person_id, key in session.execute(
        select(Application.id, Application.person_id, Application.idempotency_key)
        .where(Application.round_id == round_id))}
    keys = {key: person_id for person_id, (_, key) in existing.items()}
    problems: list[InvalidRow] = []
    contexts: dict[str, int] = {}
    in_file: dict[int, int] = {}
    written = 0
    for start in range(0, len(valid), WRITE_BATCH):
        chunk = valid[start:start + WRITE_BATCH]
        registrations = registry.register_people(session, [item.record for item in chunk],
                                                 actor=actor, program=round_row.program_code,
                                                 keyring=keyring, file=file)
        taken: list[tuple[Row, Any]] = []
        for item, registration in zip(chunk, registrations, strict=True):
            person = registration.person
            if registration.created:
                report.persons_created += 1
            else:
                report.persons_matched += 1
            if item.key in keys:
                if keys[item.key] == person.id:
                    report.replayed += 1
                    continue
                problems.append(InvalidRow(item.row, "reference",
                                           "this reference was imported before for another person"))
                continue
            if person.id in existing or person.id in in_file:
                where = (f"application {existing[person.id][0]}" if person.id in existing
                         else f"row {in_file[person.id]}")
                problems.append(InvalidRow(item.row, "name", f"this person has already applied to "
                                                             f"the round ({where})"))
                continue
            in_file[person.id] = item.row
            taken.append((item, person))
        if len(problems) >= MAX_PROBLEMS:
            break
        if not problems:  # else the import will fail: only look for more problems
            written += _write(session, _rows_of(session, round_row, taken, contexts, report,
                                                actor, now), actor, now)
        if progress is not None:
            progress(start + len(chunk))
    if problems:
        raise ImportRejected(problems[:MAX_PROBLEMS], truncated=len(problems) > MAX_PROBLEMS)
    report.applications = written
    audit.record(session, actor, "application.import", object_type="round", object_id=round_id,
                 details={"file": file,
                          "rows": report.rows, "applications": report.applications,
                          "replayed": report.replayed, "persons_created": report.persons_created,
                          "persons_matched": report.persons_matched})
    return report


def _rows_of(session: Session, round_row: Any, taken: list[tuple[Row, Any]],
             contexts: dict[str, int], report: ImportReport, actor: audit.Actor,
             now: dt.datetime) -> list[tuple[dict[str, Any], Any]]:
    """The applications of registered persons with their snapshots: the training histories
    read in one query (``people.training_history``), the persons judged together
    (``applications.judging``)."""
    histories = training_history.histories(session, {person.id: person.training_history or []
                                                     for _, person in taken})
    rows = []
    snaps = judging.judge_many(round_row, [person for _, person in taken], histories)
    for (item, person), snap in zip(taken, snaps, strict=True):
        status, _, _ = service.screening(snap)
        report.eligible += int(status == service.S.ELIGIBLE)
        report.ineligible += int(status == service.S.INELIGIBLE)
        rows.append((service.application_values(
            round_row.id, person.id, item.preferences, Channel.IMPORT, item.key, snap,
            service.context_id(session, snap, contexts), actor, now), snap))
    return rows


def _write(session: Session, written: list[tuple[dict[str, Any], Any]], actor: audit.Actor,
           now: dt.datetime) -> int:
    """Insert applications in one statement (``db.insert_ids``), their first history lines and
    decisions through the one writer (``statuses.record_openings``), handed the rows as written
    so that the wording does not read them back."""
    rows = [values for values, _ in written]
    if not rows:
        return 0
    ids = insert_ids(session, table_of(Application), rows)
    statuses.record_openings(session, [
        statuses.written_opening(application_id, values, *service.screening(snap))
        for application_id, (values, snap) in zip(ids, written, strict=True)],
        channel=Channel.IMPORT.value, actor=actor, now=now)
    program = rounds.get_round(session, rows[0]["round_id"]).program_code  # the signed forms' consents (§15)
    consents.record_many(session, [(values["person_id"], application_id)
                                   for application_id, values in zip(ids, rows, strict=True)],
                         consents.paper(program, now.astimezone(clock.SEOUL).date()), via=ConsentVia.PAPER,
                         actor=actor, now=now)
    return len(ids)
