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
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications import rounds, service, statuses
from ilja.applications.errors import ImportRejected, InvalidPreferences, InvalidRow
from ilja.applications.models import Application, Channel, table_of
from ilja.people import consents, registry, training_history
from ilja.people.consent_models import ConsentVia
from ilja.people.importer import REGISTRY_COLUMNS, collector_paused, quick_record, read_rows
from ilja.people.person_format import parse_cells
from ilja.people.records import RecordInvalid, RegistryError, ValidRecord, validate_record
from ilja.people.rrn import KeyRing
from ilja.rules.population import ALL_FIELDS

MAX_PROBLEMS = 1_000
WRITE_BATCH = 2_000
PREFERENCE_LISTS = ("preferences", "preference", "희망단위", "지원단위", "희망사업", "지원사업",
                    "지원분야", "희망분야", "희망과정", "unit")
REFERENCE_COLUMNS = ("reference", "접수번호", "application_reference")
_CHOICE_PREFIXES = ("preference_", "choice_")


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


def _choice_columns(header: Iterable[str]) -> list[tuple[int, str]]:
    """The numbered choice columns of a header: ``preference_2`` or ``2지망`` → (2, name)."""
    found = []
    for name in header:
        number = None
        for prefix in _CHOICE_PREFIXES:
            if name.startswith(prefix) and name[len(prefix):].isdigit():
                number = int(name[len(prefix):])
        if name.endswith("지망") and name[:-2].isdigit():
            number = int(name[:-2])
        if number is not None:
            found.append((number, name))
    return sorted(found)


def _preferences(cells: dict[str, str | None], lists: list[str],
                 choices: list[tuple[int, str]]) -> list[str]:
    chosen: list[str] = []
    for name in lists:
        if cells.get(name):
            chosen.extend(p.strip() for p in str(cells[name]).replace(",", ";").split(";"))
    for _, name in choices:
        if cells.get(name):
            chosen.append(str(cells[name]).strip())
    return [c for c in chosen if c]


@dataclass
class _Row:
    row: int
    record: ValidRecord
    preferences: list[str]
    key: str


def _validate_person(cells: dict[str, str | None], row: int, program: str,
                     on: dt.date) -> tuple[ValidRecord | None, list[InvalidRow]]:
    """One row's person: the person format's cell rules, then the registry's record rules
    (in one check where that is sure to give the same, ``people.importer.quick_record``)."""
    record = quick_record(cells, program=program, on=on)
    if record is not None:
        return record, []
    format_cells: dict[str, Any] = {k: v for k, v in cells.items() if k in ALL_FIELDS}
    format_cells["id"] = f"row-{row}"
    birth_missing = format_cells.get("birth_date") is None and cells.get("rrn") is not None
    if birth_missing:
        format_cells["birth_date"] = "1900-01-01"  # read from the RRN by validate_record
    person, problems = parse_cells(format_cells, row)
    if person is None:
        return None, [InvalidRow(row, p.field, p.message) for p in problems]
    data: dict[str, Any] = person.model_dump(exclude={"id"})
    if birth_missing:
        data.pop("birth_date")
    data.update({k: cells[k] for k in REGISTRY_COLUMNS if cells.get(k) is not None})
    try:
        return validate_record(data, program=program, on=on), []
    except RecordInvalid as error:
        return None, [InvalidRow(row, p.field, p.message) for p in error.problems]


def validate_file(path: Path, round_row: Any, units: list[Any], *,
                  on: dt.date | None = None) -> tuple[list[_Row], list[InvalidRow]]:
    """Every row of the file checked; returns the rows and the warnings, or raises
    ``ImportRejected`` with every problem (up to ``MAX_PROBLEMS``)."""
    path = Path(path)
    try:
        header, rows = read_rows(path)
    except RegistryError as error:
        raise ImportRejected([InvalidRow(0, "file", error.message)]) from None
    lists = [name for name in header if name in PREFERENCE_LISTS]
    choices = _choice_columns(header)
    references = [name for name in header if name in REFERENCE_COLUMNS]
    problems: list[InvalidRow] = []
    for column in ("name", "sido", "sigungu", "employment_status", "able_to_work",
                   "household_head", "household_size", "nationality"):
        if column not in header:
            problems.append(InvalidRow(0, column, "required column missing"))
    if "birth_date" not in header and "rrn" not in header:
        problems.append(InvalidRow(0, "birth_date", "required column missing (or give rrn)"))
    if not lists and not choices and len(rounds.choosable(units)) > 1:
        problems.append(InvalidRow(0, "preferences", "required column missing (the unit "
                                                      "applied for: preferences or 1지망)"))
    if problems:
        raise ImportRejected(problems)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:24]
    program = round_row.program_code
    today = on or clock.today()
    valid: list[_Row] = []
    warnings: list[InvalidRow] = []
    seen_rrn: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for row, cells in rows:
        record, row_problems = _validate_person(cells, row, program, today)
        chosen = _preferences(cells, lists, choices)
        try:
            chosen = service.check_preferences(round_row, units, chosen)
        except InvalidPreferences as error:
            column = (lists or [name for _, name in choices] or ["preferences"])[0]
            row_problems.append(InvalidRow(row, column, error.message_en))
        reference = next((cells[c] for c in references if cells.get(c)), None)
        key = f"import:{reference}" if reference else f"import:{digest}:{row}"
        if key in seen_keys:
            row_problems.append(InvalidRow(row, references[0] if references else "row",
                                           f"the same reference as row {seen_keys[key]}"))
        seen_keys.setdefault(key, row)
        if record is not None and record.rrn is not None:
            first = seen_rrn.setdefault(record.rrn.digits, row)
            if first != row:
                row_problems.append(InvalidRow(row, "rrn", f"the same person as row {first}"))
        problems.extend(row_problems)
        if len(problems) >= MAX_PROBLEMS:
            raise ImportRejected(problems[:MAX_PROBLEMS], truncated=True)
        if record is not None and not row_problems:
            valid.append(_Row(row, record, chosen, key))
            warnings.extend(InvalidRow(row, w.field, w.message) for w in record.warnings)
    if problems:
        raise ImportRejected(problems)
    return valid, warnings


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
        taken: list[tuple[_Row, Any]] = []
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


def _rows_of(session: Session, round_row: Any, taken: list[tuple[_Row, Any]],
             contexts: dict[str, int], report: ImportReport, actor: audit.Actor,
             now: dt.datetime) -> list[tuple[dict[str, Any], Any]]:
    """The applications of registered persons with their snapshots: the training histories
    read in one query (``people.training_history``), each person judged by the rules."""
    histories = training_history.histories(session, {person.id: person.training_history or []
                                                     for _, person in taken})
    rows = []
    for item, person in taken:
        snap = service.evaluate(round_row, registry.person_format(
            person, training_history=histories[person.id]))
        status, _, _ = service.screening(snap)
        report.eligible += int(status == service.S.ELIGIBLE)
        report.ineligible += int(status == service.S.INELIGIBLE)
        rows.append((service.application_values(
            round_row.id, person.id, item.preferences, Channel.IMPORT, item.key, snap,
            service.context_id(session, snap, contexts), actor, now), snap))
    return rows


def _write(session: Session, written: list[tuple[dict[str, Any], Any]], actor: audit.Actor,
           now: dt.datetime) -> int:
    """Insert applications in one statement, their first history lines through the one writer
    (``statuses.record_openings``)."""
    rows = [values for values, _ in written]
    snaps = {values["person_id"]: snap for values, snap in written}
    if not rows:
        return 0
    table = table_of(Application)
    ids = session.execute(table.insert().returning(table.c.id, table.c.person_id), rows).all()
    statuses.record_openings(session, [
        statuses.Opening(application_id, *service.screening(snaps[person_id]))
        for application_id, person_id in ids], channel=Channel.IMPORT.value, actor=actor, now=now)
    program = rounds.get_round(session, rows[0]["round_id"]).program_code  # the signed forms' consents (§15)
    consents.record_many(session, [(person_id, application_id) for application_id, person_id in ids],
                         consents.paper(program, now.astimezone(clock.SEOUL).date()), via=ConsentVia.PAPER,
                         actor=actor, now=now)
    return len(ids)
