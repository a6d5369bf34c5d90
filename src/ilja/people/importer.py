"""Import persons into the registry from XLSX, CSV or JSONL, all or nothing.

Officials live in Excel (DESIGN.md "Files"): a file holds the person-format columns plus
``name``, ``rrn``, ``phone`` and ``address_detail`` (Korean headers such as 이름, 주민등록번호,
연락처, 주소 are accepted too). Every row is validated before anything is written; one bad row —
reported with its row, column and reason, never its value — and nothing is stored. The writing
happens in the caller's single transaction, so a failure half-way leaves the registry as it was.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.files import UnreadableTable, read_table
from ilja.people.person_format import parse_cells
from ilja.people.person_format.rows import cell_values
from ilja.people.quick_records import QuickRecords
from ilja.people.records import (
    RecordInvalid,
    RegistryError,
    ValidRecord,
    check_program,
    registry_field_problems,
    validate_record,
)
from ilja.people.registry import register_people
from ilja.people.rrn import KeyRing
from ilja.rules.population import ALL_FIELDS, FieldError

REGISTRY_COLUMNS = ("name", "rrn", "phone", "address_detail")
ALIASES = {
    "이름": "name", "성명": "name", "주민등록번호": "rrn", "주민번호": "rrn",
    "전화번호": "phone", "연락처": "phone", "휴대전화": "phone", "휴대폰": "phone",
    "주소": "address_detail", "상세주소": "address_detail", "생년월일": "birth_date",
    "시도": "sido", "시군구": "sigungu",
}
REQUIRED_COLUMNS = ("name", "sido", "sigungu", "employment_status", "able_to_work",
                    "household_head", "household_size", "nationality")
MAX_BYTES = 512 * 1024**2
MAX_ROWS = 1_000_000
MAX_ERRORS = 1_000


class ImportRefused(RegistryError):
    """The file is not read at all (type, size, header)."""


class ImportInvalid(RegistryError):
    """Bad rows: every problem with its row (1 = first data row), column and reason."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("import_invalid", f"{len(errors)} problem(s) in the file; nothing was "
                         "imported.", f"파일에 문제가 {len(errors)}건 있어 아무것도 등록하지 않았습니다.")
        self.errors = errors


@dataclass
class ImportReport:
    rows: int
    created: int = 0
    updated: int = 0
    flagged: int = 0
    rrn_refused: int = 0
    warnings: list[FieldError] = field(default_factory=list)


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _column(name: str) -> str:
    text = name.strip().lstrip("\ufeff")
    return ALIASES.get(text, text)


def read_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str | None]]]]:
    """The header (canonical names) and the rows as text cells with their row numbers."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".jsonl", ".ndjson"):
        raise ImportRefused("import_type", f"{path.name}: use .xlsx, .csv or .jsonl.",
                            f"{path.name}: .xlsx, .csv, .jsonl 파일만 됩니다.")
    if path.stat().st_size > MAX_BYTES:
        raise ImportRefused("import_size", f"{path.name} is over {MAX_BYTES:,} bytes.",
                            f"{path.name} 파일이 너무 큽니다.")
    if suffix in (".jsonl", ".ndjson"):
        try:
            return _jsonl(path)
        except UnicodeDecodeError as error:
            raise ImportRefused("import_encoding",
                                f"{path.name} is not UTF-8 text (byte {error.start}).",
                                f"{path.name}은(는) UTF-8 텍스트가 아닙니다 ({error.start}번째 바이트)."
                                ) from None
    try:
        table = read_table(path.read_bytes(), path.name, max_bytes=MAX_BYTES)
    except UnreadableTable as error:
        raise ImportRefused("import_unreadable", f"{path.name}: {error.en}.",
                            f"{path.name}: {error.ko}") from None
    if not table:
        raise ImportRefused("import_empty", f"{path.name} has no header row.",
                            f"{path.name}에 머리글 행이 없습니다.")
    header = [_column(str(_cell_text(h) or "")) for h in table[0]]

    def rows() -> Iterator[tuple[int, dict[str, str | None]]]:
        for number, values in enumerate(table[1:], 1):
            cells = {name: (v.strip() or None) if v.__class__ is str else _cell_text(v)
                     for name, v in zip(header, values, strict=False) if name}
            if any(cells.values()):  # a cell's text is never empty: None then
                yield number, cells

    return header, rows()


def _jsonl(path: Path) -> tuple[list[str], Iterator[tuple[int, dict[str, str | None]]]]:
    lines = [line for line in path.read_text(encoding="utf-8-sig").splitlines()]
    parsed: list[tuple[int, Any]] = []
    number = 0
    for line in lines:
        if not line.strip():
            continue
        number += 1
        try:
            parsed.append((number, json.loads(line)))
        except (json.JSONDecodeError, RecursionError):  # nesting deeper than Python's stack
            parsed.append((number, None))
    header = sorted({_column(k) for _, obj in parsed if isinstance(obj, dict) for k in obj})

    def rows() -> Iterator[tuple[int, dict[str, str | None]]]:
        for row, obj in parsed:
            if not isinstance(obj, dict):
                yield row, {"__invalid__": "json"}
                continue
            yield row, {_column(k): _cell_text(v) for k, v in obj.items()}

    return header, rows()


def validate_file(path: Path, *, program: str, on: dt.date | None = None
                  ) -> tuple[list[tuple[int, ValidRecord]], list[FieldError]]:
    """Every row checked; returns the valid records and the warnings, or raises ``ImportInvalid``
    with every problem (up to ``MAX_ERRORS``)."""
    check_program(program)
    header, rows = read_rows(Path(path))
    known = set(ALL_FIELDS) | set(REGISTRY_COLUMNS)
    errors = [FieldError(0, name, "required column missing", "missing")
              for name in REQUIRED_COLUMNS if name not in header]
    warnings = [FieldError(0, name, "unknown column ignored", "unknown_column")
                for name in header if name and name not in known]
    if "birth_date" not in header and "rrn" not in header:
        errors.append(FieldError(0, "birth_date", "required column missing (or give rrn)",
                                 "missing"))
    if errors:
        raise ImportInvalid(errors)
    valid: list[tuple[int, ValidRecord]] = []
    table = list(rows)
    quick = QuickRecords(program, on).records([cells for _, cells in table[:MAX_ROWS]])
    for (row, cells), record in zip(table, quick, strict=False):  # more than MAX_ROWS: below
        if "__invalid__" in cells:
            errors.append(FieldError(row, "record", "not a JSON object", "json_invalid"))
            continue
        problems: list[FieldError] = []
        if record is None:
            record, problems = _row(cells, row, program=program, on=on)
        errors += problems
        if record is not None:
            valid.append((row, record))
            warnings += [FieldError(row, w.field, w.message, w.code) for w in record.warnings]
        if len(errors) >= MAX_ERRORS:
            break
    else:
        if len(table) > MAX_ROWS:
            raise ImportRefused("import_rows", f"More than {MAX_ROWS:,} rows.",
                                f"{MAX_ROWS:,}행을 넘습니다.")
    if errors:
        raise ImportInvalid(errors[:MAX_ERRORS])
    return valid, warnings


def quick_record(cells: dict[str, str | None], *, program: str, on: dt.date | None
                 ) -> ValidRecord | None:
    """A row's record checked once, by the registry's model alone, where that is sure to give
    what the two checks give (the person format's model, then the registry's): the registry's
    model is the person format's with stricter fields and the same validators, so a row it
    takes the person format takes too, and the same values come out. None when it is not
    sure (a cell refused, the birth date to be read from the RRN, an ``id`` cell) or the row
    is bad: the caller then checks the row the long way, which words every problem."""
    if cells.get("birth_date") is None or cells.get("id") is not None:
        return None
    data, errors = cell_values(cells, 0)
    if errors or "birth_date" not in data:
        return None
    data.update({k: cells[k] for k in REGISTRY_COLUMNS if cells.get(k) is not None})
    try:
        return validate_record(data, program=program, on=on)
    except RecordInvalid:
        return None


def _row(cells: dict[str, str | None], row: int, *, program: str, on: dt.date | None
         ) -> tuple[ValidRecord | None, list[FieldError]]:
    record = quick_record(cells, program=program, on=on)
    if record is not None:
        return record, []
    format_cells = {k: v for k, v in cells.items() if k in ALL_FIELDS}
    format_cells["id"] = format_cells.get("id") or f"row-{row}"
    birth_missing = format_cells.get("birth_date") is None and cells.get("rrn") is not None
    if birth_missing:
        format_cells["birth_date"] = "1900-01-01"  # placeholder: read from the RRN below
    person, problems = parse_cells(format_cells, row)
    if person is None:
        extra = registry_field_problems(cells, program=program, on=on)
        return None, problems + [FieldError(row, p.field, p.message, p.code) for p in extra]
    data: dict[str, Any] = person.model_dump(exclude={"id"})
    if birth_missing:
        data.pop("birth_date")
    data.update({k: cells.get(k) for k in REGISTRY_COLUMNS if cells.get(k) is not None})
    try:
        return validate_record(data, program=program, on=on), []
    except RecordInvalid as error:
        return None, [FieldError(row, p.field, p.message, p.code) for p in error.problems]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused for an import: the rows' objects live until it
    ends, and each full collection walks all of them again (a fifth of an application import's
    CPU). Turned back on after, unless it was off already (another import still running)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def import_people(session: Session, path: Path, *, program: str, actor: audit.Actor,
                  keyring: KeyRing, on: dt.date | None = None) -> ImportReport:
    """Validate the whole file, then register every row in the caller's transaction."""
    with collector_paused():
        return _import_people(session, path, program=program, actor=actor, keyring=keyring, on=on)


def _import_people(session: Session, path: Path, *, program: str, actor: audit.Actor,
                   keyring: KeyRing, on: dt.date | None) -> ImportReport:
    valid, warnings = validate_file(path, program=program, on=on)
    report = ImportReport(rows=len(valid), warnings=warnings)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()  # a file name may hold a name
    for result in register_people(session, [record for _, record in valid], actor=actor,
                                  program=program, keyring=keyring, file=digest[:32]):
        if result.created:
            report.created += 1
        else:
            report.updated += 1
        report.flagged += len(result.flags)
        report.rrn_refused += int(result.rrn_refused)
    audit.record(session, actor, "person.import", object_type="file", object_id=digest[:32],
                 details={"program": program, "rows": report.rows, "created": report.created,
                          "updated": report.updated, "flagged": report.flagged,
                          "rrn_refused": report.rrn_refused})
    return report
