"""Checking a file of applications before anything is written (see ``importer``).

Every row's person (the person format's cells, then the registry's record rules), its chosen
units and its idempotency key are checked; every problem is reported with its row and column,
never the value, and the file is refused whole if there is one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ilja import clock
from ilja.applications import rounds, service
from ilja.applications.errors import ImportRejected, InvalidPreferences, InvalidRow
from ilja.people.importer import REGISTRY_COLUMNS, quick_record, read_rows
from ilja.people.person_format import parse_cells
from ilja.people.quick_records import QuickRecords
from ilja.people.records import RecordInvalid, RegistryError, ValidRecord, validate_record
from ilja.rules.population import ALL_FIELDS

MAX_PROBLEMS = 1_000
PREFERENCE_LISTS = ("preferences", "preference", "희망단위", "지원단위", "희망사업", "지원사업",
                    "지원분야", "희망분야", "희망과정", "unit")
REFERENCE_COLUMNS = ("reference", "접수번호", "application_reference")
_CHOICE_PREFIXES = ("preference_", "choice_")


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
class Row:
    """A checked row: its person, its chosen units and its idempotency key."""

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
                  on: dt.date | None = None) -> tuple[list[Row], list[InvalidRow]]:
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
    valid: list[Row] = []
    warnings: list[InvalidRow] = []
    seen_rrn: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    preferences: dict[tuple[str, ...], list[str] | InvalidPreferences] = {}  # checked once each
    table = list(rows)
    quick = QuickRecords(program, today).records([cells for _, cells in table])
    for (row, cells), record in zip(table, quick, strict=True):
        row_problems: list[InvalidRow] = []
        if record is None:
            record, row_problems = _validate_person(cells, row, program, today)
        chosen = _preferences(cells, lists, choices)
        checked = preferences.get(tuple(chosen))
        if checked is None:
            try:
                checked = service.check_preferences(round_row, units, chosen)
            except InvalidPreferences as error:
                checked = error
            preferences[tuple(chosen)] = checked
        if isinstance(checked, InvalidPreferences):
            column = (lists or [name for _, name in choices] or ["preferences"])[0]
            row_problems.append(InvalidRow(row, column, checked.message_en))
        else:
            chosen = list(checked)
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
            valid.append(Row(row, record, chosen, key))
            warnings.extend(InvalidRow(row, w.field, w.message) for w in record.warnings)
    if problems:
        raise ImportRejected(problems)
    return valid, warnings
