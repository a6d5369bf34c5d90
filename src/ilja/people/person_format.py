"""Read and write the person format (JSONL, CSV, XLSX) and batch results.

The person format is a stable contract (issue 2, §4): other systems feed Ilja files in it, and
officials edit them in Excel. Every file is first turned into one table of text cells (JSON
values rendered as text, Excel cells converted), so all three formats obey the same cell rules:

* lists in a cell are ``;``-separated, the parts of an item ``/``-separated —
  ``vulnerable_groups`` = ``disabled;single_parent``,
  ``unemployment_benefit_periods`` = ``2024-01-01/2024-06-30;2025-02-01/2025-03-31``,
  ``training_history`` = ``youth_academy/2023-03-01/2023-08-31/completed`` (program/start/end/
  result); a JSON array is accepted in the same cells (and is what JSONL uses);
* yes/no cells take true/false, 1/0, yes/no, y/n, 예/아니오(아니요), in any case;
* dates are ``YYYY-MM-DD`` (or real Excel date cells); whole numbers may carry thousands
  separators (``1,500,000``) or a zero fraction (``3.0``, as Excel stores numbers);
* an empty cell is an absent value: optional fields become None, which the engine reports as
  "to be verified".

Two paths then validate the table. The row path checks each record with the ``Person`` model
(the reference); the columnar path, for big files, checks whole columns with polars and builds
the ``Population`` arrays directly. Tests hold both to the same Population. The columnar path
only finds the bad rows; their messages come from the row path, so an error reads the same
whatever the file's size. Nothing is half-read: a file gives a whole Population or an error.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import numpy as np
import polars as pl
from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from python_calamine import CalamineError, CalamineWorkbook

from ilja.rules.engine import BatchResult
from ilja.rules.population import (
    ALL_FIELDS,
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    REQUIRED_FIELDS,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Categories,
    FieldError,
    Person,
    PersonFormatError,
    Population,
    Ragged,
)

FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".xlsx": "xlsx"}
LIST_SEPARATOR = ";"
PART_SEPARATOR = "/"
TRUE_WORDS = ("true", "1", "yes", "y", "예")
FALSE_WORDS = ("false", "0", "no", "n", "아니오", "아니요")
FAST_PATH_MIN_ROWS = 5_000
RESULT_COLUMNS = ("person_id", "program", "eligible", "failed", "to_verify", "priority_group",
                  "bonus_points", "monthly_pay_krw")

BOOL_FIELDS = ("able_to_work", "household_head", "receives_livelihood_benefit")
INT_FIELDS = ("household_size", "veteran_service_months", "household_income_krw",
              "household_assets_krw")
ITEM_PARTS = {
    "unemployment_benefit_periods": ("start", "end"),
    "training_history": ("program", "start", "end", "result"),
}
# The whitespace pydantic and polars strip (Unicode White_Space, as Rust's ``str::trim``);
# Python's ``str.strip()`` also strips \x1c-\x1f, which would make the two paths disagree.
WHITESPACE = ("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_INT_RE = r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0*)?$"
_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
# Person._plausible_birth_date, as numbers.
_BIRTH_MIN, _BIRTH_MAX = 1900_01_01, 2100_01_01
_BOOL_HINT = "expected a yes/no value (true/false, 1/0, yes/no, y/n, 예/아니오)"


class PersonFileRefused(ValueError):
    """The file as a whole is not read: wrong type, too big, broken, or unsafe to read."""


class PersonFileError(PersonFormatError):
    """Bad rows in a person file: every error found, or the first ``max_errors`` of them."""

    def __init__(self, errors: Sequence[FieldError], truncated: bool = False):
        super().__init__(errors)
        self.truncated = truncated
        if truncated:
            self.args = (f"{self.args[0]} — stopped after {len(self.errors)} errors",)


@dataclass(frozen=True)
class ReadLimits:
    """Caps that keep a hostile or mistaken file from exhausting the machine.

    The defaults fit all of Seoul (9.4 M persons) in one file.
    """

    max_bytes: int = 4 * 1024**3
    max_rows: int = 10_000_000
    max_errors: int = 1_000
    max_xlsx_unpacked_bytes: int = 4 * 1024**3


@dataclass
class ReadResult:
    population: Population
    persons_count: int
    warnings: list[str]
    row_numbers: np.ndarray  # the file row of each person (blank rows are skipped)


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------
def read_persons(path: str | os.PathLike[str], *, limits: ReadLimits | None = None,
                 fast: bool | None = None) -> ReadResult:
    """Read a person file (``.jsonl``/``.ndjson``, ``.csv``, ``.xlsx``) into a Population.

    Rows are counted from 1 at the first data row: in CSV and XLSX the header is not counted
    (row 1 is the spreadsheet's second line) and row 0 means the header itself (a required
    column is missing); in JSONL row N is the N-th non-blank line. List items are counted from
    1 too (``training_history[2].end``). Blank rows are skipped but keep their number.
    ``fast`` forces the columnar (True) or row (False) path; by default files of
    ``FAST_PATH_MIN_ROWS`` rows or more take the columnar one.

    Raises ``PersonFileRefused`` for a file that is not read at all, and ``PersonFileError``
    (a ``PersonFormatError``) listing every bad value with its row and field.
    """
    path = Path(path)
    limits = limits or ReadLimits()
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise PersonFileRefused(f"{path.name}: unsupported file type {path.suffix!r}; "
                                f"use {', '.join(FORMATS)}")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise PersonFileRefused(f"{path.name}: {size:,} bytes is over the limit of "
                                f"{limits.max_bytes:,} bytes")
    table = {"csv": _read_csv, "jsonl": _read_jsonl, "xlsx": _read_xlsx}[kind](path, limits)
    frame = _complete(table.frame)
    skip = frozenset(table.missing_columns)
    errors = list(table.errors) + [FieldError(0, name, "required column missing", "missing")
                                   for name in table.missing_columns]
    use_fast = fast if fast is not None else frame.height >= FAST_PATH_MIN_ROWS
    build = _population_by_columns if use_fast else _population_by_rows
    population, row_errors, truncated = build(frame, skip, limits.max_errors)
    errors += row_errors + _duplicate_ids(frame)
    if errors:
        errors.sort(key=_error_order)
        raise PersonFileError(errors[: limits.max_errors],
                              truncated or len(errors) > limits.max_errors)
    assert population is not None
    warnings = list(table.warnings)
    if table.unknown:
        warnings.append(f"unknown field(s) ignored: {', '.join(sorted(table.unknown))}")
    rows = frame.get_column("_row").to_numpy().astype(np.int64)
    return ReadResult(population, len(population), warnings, rows)


@dataclass
class _Table:
    """A file as text cells: one String column per known field, plus ``_row`` (file row)."""

    frame: pl.DataFrame
    unknown: set[str] = field(default_factory=set)
    missing_columns: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _from_header(frame: pl.DataFrame, header: Sequence[str], path: Path) -> _Table:
    """Name a CSV/XLSX table's columns; note the unknown and the missing ones.

    Rows with every cell empty are dropped (spreadsheets keep blank rows) and keep their number.
    """
    seen: set[str] = set()
    for name in header:
        if name in seen and name:
            raise PersonFileRefused(f"{path.name}: column {name!r} appears twice in the header")
        seen.add(name)
    names = [name if name in ALL_FIELDS else f"_unknown{j}" for j, name in enumerate(header)]
    frame = frame.rename(dict(zip(frame.columns, names, strict=True)))
    frame = frame.with_row_index("_row", offset=1).with_columns(_clean(c) for c in names)
    unknown = {name or f"(unnamed column {j + 1})" for j, name in enumerate(header)
               if name not in ALL_FIELDS and (name or frame[names[j]].is_not_null().any())}
    missing = [name for name in REQUIRED_FIELDS if name not in seen]
    blank = pl.all_horizontal([pl.col(c).is_null() for c in names]) if names else pl.lit(True)
    frame = frame.filter(~blank).select("_row", *[c for c in names if c in ALL_FIELDS])
    return _Table(frame, unknown, missing)


def _read_csv(path: Path, limits: ReadLimits) -> _Table:
    data = path.read_bytes()
    warnings: list[str] = []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp949")
        except UnicodeDecodeError:
            raise PersonFileRefused(f"{path.name}: the file is neither UTF-8 nor CP949 "
                                    f"(EUC-KR) text") from None
        warnings.append(f"{path.name}: read as CP949 (EUC-KR) text; UTF-8 is preferred")
        data = text.encode()
    if not text.strip():
        raise PersonFileRefused(f"{path.name}: the file is empty (no header)")
    header = [_strip(name) for name in next(csv.reader(io.StringIO(text[: 1 << 20])))]
    try:
        frame = pl.read_csv(data, infer_schema=False, n_rows=limits.max_rows + 1,
                            has_header=True, raise_if_empty=False)
        errors: list[FieldError] = []
    except pl.exceptions.ComputeError:
        frame, errors = _read_csv_by_rows(text, len(header), limits)
    if frame.width != len(header):
        raise PersonFileRefused(f"{path.name}: could not split the header into columns")
    _check_rows(frame.height, limits, path)
    table = _from_header(frame, header, path)
    table.errors += errors
    table.warnings += warnings
    return table


def _read_csv_by_rows(text: str, width: int,
                      limits: ReadLimits) -> tuple[pl.DataFrame, list[FieldError]]:
    """Slow, tolerant CSV reading for a file polars refuses: finds the rows with extra values."""
    rows = csv.reader(io.StringIO(text))
    next(rows)
    columns: list[list[str | None]] = [[] for _ in range(width)]
    errors = []
    for number, values in enumerate(rows, start=1):
        if number > limits.max_rows:
            break
        if len(values) > width:
            errors.append(FieldError(number, "record", f"has {len(values)} values; the header "
                                     f"has {width} columns", "too_many_values"))
            values = []
        for j in range(width):
            columns[j].append(values[j] if j < len(values) and values[j] != "" else None)
    frame = pl.DataFrame({f"c{j}": col for j, col in enumerate(columns)},
                         schema={f"c{j}": pl.String for j in range(width)})
    return frame, errors


def _check_rows(count: int, limits: ReadLimits, path: Path) -> None:
    if count > limits.max_rows:
        raise PersonFileRefused(f"{path.name}: more than {limits.max_rows:,} rows "
                                f"(the limit); split the file")


_KEY_RE = r'"\s*:'
_KNOWN_KEY_RE = '"(?:' + "|".join([*ALL_FIELDS, "program", "start", "end", "result"]) + ')":'


def _read_jsonl(path: Path, limits: ReadLimits) -> _Table:
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    schema = {name: pl.String for name in ALL_FIELDS}
    try:
        frame = pl.read_ndjson(data, schema=schema, n_rows=limits.max_rows + 1)
    except pl.exceptions.PolarsError:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PersonFileRefused(f"{path.name}: not UTF-8 text (byte {exc.start})") from None
        return _read_jsonl_by_rows(text, path, limits)
    _check_rows(frame.height, limits, path)
    frame = frame.with_row_index("_row", offset=1).with_columns(_clean(c) for c in ALL_FIELDS)
    return _Table(frame, _jsonl_unknown_keys(data))


def _jsonl_unknown_keys(data: bytes) -> set[str]:
    """Keys that are not person fields, without parsing every line in Python.

    A line whose ``":`` tokens are not all known keys may hold another key (a string value may
    fool the count, never hide a key); only those lines are parsed exactly.
    """
    try:
        lines = pl.read_csv(data, has_header=False, separator="\x1f", quote_char=None,
                            schema={"line": pl.String})["line"].drop_nulls()
    except pl.exceptions.PolarsError:
        lines = pl.Series(data.decode("utf-8", "replace").split("\n"))
    suspect = ((lines.str.count_matches('":', literal=True) != lines.str.count_matches(_KNOWN_KEY_RE))
               | lines.str.contains(r'"\s+:'))
    unknown: set[str] = set()
    for line in lines.filter(suspect).to_list():
        try:
            record = json.loads(line)
        except (ValueError, RecursionError):
            continue
        if isinstance(record, dict):
            unknown.update(key for key in record if key not in ALL_FIELDS)
    return unknown


def _read_jsonl_by_rows(text: str, path: Path, limits: ReadLimits) -> _Table:
    """Slow, tolerant JSONL reading for a file polars refuses: finds the broken lines."""
    columns: dict[str, list[str | None]] = {name: [] for name in ALL_FIELDS}
    numbers: list[int] = []
    errors: list[FieldError] = []
    unknown: set[str] = set()
    row = 0
    for line in text.split("\n"):
        if not line.strip(" \t\r"):
            continue
        row += 1
        _check_rows(row, limits, path)
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(FieldError(row, "record", f"not valid JSON ({exc.msg}, column "
                                     f"{exc.colno})", "json_invalid"))
            continue
        except RecursionError:
            errors.append(FieldError(row, "record", "nested too deeply", "json_invalid"))
            continue
        if not isinstance(record, dict):
            errors.append(FieldError(row, "record", "not a JSON object", "json_type"))
            continue
        unknown.update(key for key in record if key not in ALL_FIELDS)
        numbers.append(row)
        for name in ALL_FIELDS:
            columns[name].append(_json_text(record.get(name)))
    frame = pl.DataFrame({"_row": pl.Series(numbers, dtype=pl.UInt32), **columns},
                         schema={"_row": pl.UInt32, **{n: pl.String for n in ALL_FIELDS}})
    return _Table(frame.with_columns(_clean(c) for c in ALL_FIELDS), unknown, errors=errors)


def _json_text(value: Any) -> str | None:
    """A JSON value as polars renders it in a String column (so both readers agree)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _clean(name: str) -> pl.Expr:
    """A cell stripped of surrounding whitespace; an empty cell is null (absent)."""
    return pl.col(name).str.strip_chars().replace("", None)


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    """Every field as a column (null where the file has no such column), in the format's order."""
    return frame.select(
        pl.col("_row").cast(pl.Int64),
        *[pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String).alias(name)
          for name in ALL_FIELDS],
    )


def _strip(text: str) -> str:
    return text.strip(WHITESPACE)


def _error_order(error: FieldError) -> tuple[int, int, int]:
    """Row, then the field's place in the format, then the list item (stable otherwise)."""
    top = re.split(r"[.\[]", error.field, maxsplit=1)[0]
    item = re.search(r"\[(\d+)\]", error.field)
    order = ALL_FIELDS.index(top) if top in ALL_FIELDS else -1
    return error.row, order, int(item.group(1)) if item else 0


def _duplicate_ids(frame: pl.DataFrame) -> list[FieldError]:
    ids = frame.select("_row", "id").filter(pl.col("id").is_not_null())
    dups = ids.filter(pl.col("id").is_duplicated())
    if dups.is_empty():
        return []
    dups = dups.with_columns(pl.col("_row").first().over("id").alias("_first"))
    return [FieldError(row, "id", f"same id as row {first}", "duplicate")
            for row, first in dups.filter(pl.col("_row") != pl.col("_first"))
            .select("_row", "_first").iter_rows()]


# --------------------------------------------------------------------------------------------
# The row path: each record through the Person model
# --------------------------------------------------------------------------------------------
def _population_by_rows(frame: pl.DataFrame, skip: frozenset[str],
                        max_errors: int) -> tuple[Population | None, list[FieldError], bool]:
    persons: list[Person] = []
    errors: list[FieldError] = []
    for cells in frame.iter_rows(named=True):
        person, row_errors = parse_cells(cells, cells["_row"], skip)
        errors += row_errors
        if len(errors) > max_errors:
            return None, errors, True
        if person is not None:
            persons.append(person)
    whole = len(persons) == frame.height and not skip
    return (Population.from_persons(persons) if whole else None), errors, False


def parse_cells(cells: Mapping[str, Any], row: int,
                skip: frozenset[str] = frozenset()) -> tuple[Person | None, list[FieldError]]:
    """One record of cells → a Person, or every error in it (``row`` is put in each error).

    Cells are text as in a CSV file (an Excel value is converted as the XLSX reader does);
    surrounding whitespace is dropped and an empty cell is absent. The cell rules (yes/no
    words, dates, whole numbers, ``;`` lists) are applied here; the ``Person`` model then
    checks ranges, codes and lengths. A value already reported as malformed is not reported
    again by the model. ``skip`` names fields whose column is missing (reported once, on row 0).
    """
    data: dict[str, Any] = {}
    errors: list[FieldError] = []

    def bad(loc: str, message: str, code: str) -> None:
        errors.append(FieldError(row, loc, message, code))

    for name in ALL_FIELDS:
        value = cells.get(name)
        if value is None:
            continue
        text = _strip(value if value.__class__ is str else (_cell_text(value) or ""))
        if not text:
            continue
        if name in BOOL_FIELDS:
            data[name] = _parse_bool(text)
            if data[name] is None:
                bad(name, _BOOL_HINT, "bool_parsing")
        elif name in INT_FIELDS:
            data[name] = _parse_int(text)
            if data[name] is None:
                bad(name, "expected a whole number", "int_parsing")
        elif name == "birth_date":
            data[name] = _parse_date(text)
            if data[name] is None:
                bad(name, "expected a date YYYY-MM-DD", "date_parsing")
        elif name == "vulnerable_groups":
            data[name] = _parse_groups(text, bad)
        elif name in ITEM_PARTS:
            data[name] = _parse_items(name, text, bad)
        else:
            data[name] = text
    reported = [e.field for e in errors]
    try:
        person = Person.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = _loc(error["loc"])
            if loc.split("[")[0].split(".")[0] in skip or any(
                loc == r or loc.startswith((r + ".", r + "[")) for r in reported
            ):
                continue
            message = "missing" if error["type"] == "missing" else error["msg"]
            bad(loc, message.removeprefix("Value error, "), error["type"])
        return None, errors
    return (None, errors) if errors else (person, [])


def _loc(parts: Sequence[int | str]) -> str:
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "record"


def _parse_bool(text: str) -> bool | None:
    lower = text.lower()
    return True if lower in TRUE_WORDS else False if lower in FALSE_WORDS else None


def _parse_int(text: str) -> int | None:
    if not re.fullmatch(_INT_RE, text):
        return None
    return int(text.replace(",", "").split(".")[0])


def _parse_date(text: str) -> dt.date | None:
    if not re.fullmatch(_DATE_RE, text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _list_cell(name: str, text: str,
               bad: Callable[[str, str, str], None]) -> list[tuple[int, Any]] | None:
    """A list cell's items with their 1-based positions (blank items are dropped)."""
    if text.startswith("["):
        try:
            items = json.loads(text)
        except (ValueError, RecursionError):
            items = None
        if not isinstance(items, list):
            bad(name, "not a valid JSON list", "json_invalid")
            return None
        return [(k, item) for k, item in enumerate(items, 1)
                if not (isinstance(item, str) and not _strip(item))]
    pieces = enumerate(text.split(LIST_SEPARATOR), 1)
    return [(k, _strip(piece)) for k, piece in pieces if _strip(piece)]


def _scalar_text(value: Any) -> str | None:
    """A JSON scalar inside a list, as text; None for null, a list or an object."""
    if value is None or isinstance(value, list | dict):
        return None
    return _strip(_json_text(value) or "")


def _parse_groups(text: str, bad: Callable[[str, str, str], None]) -> list[str]:
    groups: list[str] = []
    for k, item in _list_cell("vulnerable_groups", text, bad) or []:
        value = _scalar_text(item)
        if value is None:
            bad(f"vulnerable_groups[{k}]", "expected a group name", "string_type")
        else:
            groups.append(value)
    return groups


def _parse_items(name: str, text: str,
                 bad: Callable[[str, str, str], None]) -> list[dict[str, Any]]:
    parts = ITEM_PARTS[name]
    items: list[dict[str, Any]] = []
    json_cell = text.startswith("[")
    for k, item in _list_cell(name, text, bad) or []:
        loc = f"{name}[{k}]"
        if json_cell:
            if not isinstance(item, dict):
                bad(loc, f"expected an object with {', '.join(parts)}", "model_type")
                continue
            for key in item:
                if key not in parts:
                    bad(f"{loc}.{key}", "unknown key", "extra_forbidden")
            values = {p: item[p] for p in parts if p in item}
        else:
            pieces = item.split(PART_SEPARATOR)
            if len(pieces) != len(parts):
                bad(loc, f"expected {PART_SEPARATOR.join(parts)}", "item_parts")
                continue
            values = dict(zip(parts, pieces, strict=True))
        record: dict[str, Any] = {}
        for part, value in values.items():
            cell = _scalar_text(value)
            if value is not None and cell is None:
                bad(f"{loc}.{part}", "expected text", "string_type")
                record[part] = None
            elif cell:
                record[part] = _parse_date(cell) if part in ("start", "end") else cell
                if record[part] is None:
                    bad(f"{loc}.{part}", "expected a date YYYY-MM-DD", "date_parsing")
        items.append(record)
    return items


# --------------------------------------------------------------------------------------------
# The columnar path: whole columns at once, for big files
# --------------------------------------------------------------------------------------------
@dataclass
class _Flags:
    """Rows found bad by a columnar check, with a fallback message per field."""

    n: int
    bad: np.ndarray = field(init=False)
    notes: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.bad = np.zeros(self.n, dtype=bool)

    def add(self, where: Any, name: str, message: str) -> None:
        where = where.to_numpy() if isinstance(where, pl.Series) else np.asarray(where)
        index = np.flatnonzero(where) if where.dtype == bool else where.astype(np.int64)
        if len(index):
            self.bad[index] = True
            for i in index[:1000].tolist():
                self.notes.setdefault(i, []).append((name, message))


def _population_by_columns(frame: pl.DataFrame, skip: frozenset[str],
                           max_errors: int) -> tuple[Population | None, list[FieldError], bool]:
    n = frame.height
    flags = _Flags(n)
    col = frame.get_column

    def null(name: str) -> pl.Series:
        return col(name).is_null()

    def require(name: str) -> None:
        if name in REQUIRED_FIELDS and name not in skip:
            flags.add(null(name), name, "missing")

    for name in ("id", "sido", "sigungu", "nationality", "visa"):
        require(name)
        low, high = _length_bounds(name)
        length = col(name).str.len_chars()
        flags.add(((length < low) | (length > high)).fill_null(False), name,
                  f"expected {low}–{high} characters")
    flags.add(~col("nationality").str.contains(r"^[A-Z]{2,3}$").fill_null(True), "nationality",
              "expected an ISO country code")

    status = col("employment_status")
    require("employment_status")
    flags.add(~status.is_in(EMPLOYMENT_STATUSES).fill_null(True), "employment_status",
              "unknown employment status")

    bools: dict[str, pl.Series] = {}
    for name in BOOL_FIELDS:
        require(name)
        bools[name] = _bool_column(col(name))
        flags.add(bools[name].is_null() & ~null(name), name, _BOOL_HINT)

    ints: dict[str, pl.Series] = {}
    for name in INT_FIELDS:
        require(name)
        ints[name] = _int_column(col(name))
        low, high = _range_bounds(name)
        flags.add((ints[name].is_null() & ~null(name))
                  | ~ints[name].is_between(low, high).fill_null(True), name,
                  f"expected a whole number from {low} to {high}")

    require("birth_date")
    birth = _date_column(col("birth_date"))
    flags.add((birth.is_null() & ~null("birth_date"))
              | ~birth.is_between(_BIRTH_MIN, _BIRTH_MAX).fill_null(True), "birth_date",
              "expected a date YYYY-MM-DD from 1900 to 2100")

    groups = _list_items(col("vulnerable_groups"), "vulnerable_groups", None, flags)
    flags.add(groups["_i"].filter(~groups["value"].is_in(VULNERABLE_GROUPS).fill_null(False)),
              "vulnerable_groups", "unknown group")
    periods = _dated_items(col("unemployment_benefit_periods"), "unemployment_benefit_periods",
                           flags)
    history = _dated_items(col("training_history"), "training_history", flags)
    for part, values in (("program", HISTORY_PROGRAMS), ("result", TRAINING_RESULTS)):
        flags.add(history["_i"].filter(~history[part].is_in(values).fill_null(False)),
                  f"training_history.{part}", "unknown value")

    if flags.bad.any() or skip:
        errors, truncated = _explain(frame, flags, skip, max_errors)
        return None, errors, truncated

    group_bits = np.zeros(n, dtype=np.uint16)
    bits = groups["value"].replace_strict(list(VULNERABLE_GROUPS),
                                          [1 << i for i in range(len(VULNERABLE_GROUPS))],
                                          return_dtype=pl.UInt16).to_numpy()
    np.bitwise_or.at(group_bits, groups["_i"].to_numpy(), bits)
    visa = col("visa").fill_null("").str.to_uppercase()
    known = {name: ~null(name).to_numpy() for name in INT_FIELDS + BOOL_FIELDS}
    population = Population(
        id=np.asarray(col("id").to_list(), dtype=object),
        birth_date=birth.to_numpy().astype(np.int32),
        sido=_categories(col("sido")),
        sigungu=_categories(col("sigungu")),
        employment_status=_codes(status, EMPLOYMENT_STATUSES),
        able_to_work=bools["able_to_work"].to_numpy().astype(bool),
        household_head=bools["household_head"].to_numpy().astype(bool),
        household_size=ints["household_size"].to_numpy().astype(np.int16),
        vulnerable_groups=group_bits,
        veteran_service_months=ints["veteran_service_months"].fill_null(0).to_numpy()
        .astype(np.int16),
        nationality=_categories(col("nationality")),
        visa=_categories(visa),
        household_income_krw=ints["household_income_krw"].fill_null(0).to_numpy()
        .astype(np.int64),
        household_income_known=known["household_income_krw"],
        household_assets_krw=ints["household_assets_krw"].fill_null(0).to_numpy()
        .astype(np.int64),
        household_assets_known=known["household_assets_krw"],
        receives_livelihood_benefit=bools["receives_livelihood_benefit"].fill_null(False)
        .to_numpy().astype(bool),
        receives_livelihood_benefit_known=known["receives_livelihood_benefit"],
        benefit_periods=Ragged(_offsets(periods, n), {
            "start": periods["start"].to_numpy().astype(np.int32),
            "end": periods["end"].to_numpy().astype(np.int32),
        }),
        training_history=Ragged(_offsets(history, n), {
            "program": _codes(history["program"], HISTORY_PROGRAMS),
            "start": history["start"].to_numpy().astype(np.int32),
            "end": history["end"].to_numpy().astype(np.int32),
            "result": _codes(history["result"], TRAINING_RESULTS),
        }),
    )
    return population, [], False


def _explain(frame: pl.DataFrame, flags: _Flags, skip: frozenset[str],
             max_errors: int) -> tuple[list[FieldError], bool]:
    """The errors of the flagged rows, worded by the row path (the reference)."""
    errors: list[FieldError] = []
    index = np.flatnonzero(flags.bad)
    for i, cells in zip(index.tolist(), frame[index].iter_rows(named=True), strict=True):
        _, row_errors = parse_cells(cells, cells["_row"], skip)
        errors += row_errors or [FieldError(cells["_row"], name, message)
                                 for name, message in flags.notes.get(i, [("record", "invalid")])]
        if len(errors) > max_errors:
            return errors, True
    return errors, False


def _field_info(name: str) -> list[Any]:
    return list(Person.model_fields[name].metadata)


def _length_bounds(name: str) -> tuple[int, int]:
    info = _field_info(name)
    low = next((m.min_length for m in info if hasattr(m, "min_length")), 0)
    high = next((m.max_length for m in info if hasattr(m, "max_length")), 10**6)
    return low, high


def _range_bounds(name: str) -> tuple[int, int]:
    info = _field_info(name)
    low = next((m.ge for m in info if hasattr(m, "ge")), -(2**62))
    high = next((m.le for m in info if hasattr(m, "le")), 2**62)
    return low, high


def _bool_column(text: pl.Series) -> pl.Series:
    words = {**dict.fromkeys(TRUE_WORDS, True), **dict.fromkeys(FALSE_WORDS, False)}
    return text.str.to_lowercase().replace_strict(words, default=None, return_dtype=pl.Boolean)


def _int_column(text: pl.Series) -> pl.Series:
    """Whole numbers; the regex path only for cells a plain cast refuses (``1,500,000``)."""
    plain = text.cast(pl.Int64, strict=False)
    if plain.null_count() == text.null_count():
        return plain
    digits = text.str.replace_all(",", "", literal=True).str.replace(r"\..*$", "")
    value = pl.when(text.str.contains(_INT_RE)).then(digits.cast(pl.Int64, strict=False))
    return pl.select(pl.coalesce(pl.lit(plain), value)).to_series()


def _date_column(text: pl.Series) -> pl.Series:
    """YYYY-MM-DD text → YYYYMMDD numbers (null where not a real date)."""
    date = text.str.to_date("%Y-%m-%d", strict=False)
    number = date.dt.year() * 10000 + date.dt.month().cast(pl.Int32) * 100 + date.dt.day()
    ok = text.str.contains(_DATE_RE) & (date.dt.year() > 0)
    return pl.select(pl.when(ok).then(number.cast(pl.Int32))).to_series()


def _codes(values: pl.Series, names: Sequence[str]) -> np.ndarray:
    return values.replace_strict(list(names), list(range(len(names))),
                                 return_dtype=pl.Int8).to_numpy().astype(np.int8)


def _categories(values: pl.Series) -> Categories:
    """Codes in order of first appearance, as ``Categories.encode`` numbers them."""
    distinct = values.unique(maintain_order=True)
    codes = values.replace_strict(distinct, pl.int_range(len(distinct), eager=True),
                                  return_dtype=pl.Int32)
    return Categories(codes.to_numpy().astype(np.int32), distinct.to_list())


def _offsets(items: pl.DataFrame, n: int) -> np.ndarray:
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(items["_i"].to_numpy(), minlength=n), out=offsets[1:])
    return offsets


def _list_items(cells: pl.Series, name: str, parts: tuple[str, ...] | None,
                flags: _Flags) -> pl.DataFrame:
    """A list column's items, in order: ``_i`` (row index), ``_k`` (1-based position), then
    ``value`` (plain lists) or one text column per part (stripped, null when empty)."""
    names = parts or ("value",)
    frame = pl.DataFrame({"_i": np.arange(len(cells), dtype=np.int64), "cell": cells})
    frame = frame.filter(pl.col("cell").is_not_null())
    is_json = pl.col("cell").str.starts_with("[")
    text = _with_positions(frame.filter(~is_json).select(
        "_i", pl.col("cell").str.split(LIST_SEPARATOR).alias("item")).explode("item"))
    text = (text.with_columns(pl.col("item").str.strip_chars())
            .filter(pl.col("item") != ""))
    if parts:
        pieces = pl.col("item").str.split(PART_SEPARATOR)
        wrong = text.filter(pieces.list.len() != len(parts))
        flags.add(wrong["_i"], name, f"expected {PART_SEPARATOR.join(parts)}")
        text = text.filter(pieces.list.len() == len(parts)).select(
            "_i", "_k", *[pieces.list.get(j).str.strip_chars().replace("", None).alias(p)
                          for j, p in enumerate(parts)])
    else:
        text = text.select("_i", "_k", pl.col("item").alias("value"))
    items = [text]
    json_cells = frame.filter(is_json)
    if json_cells.height:
        items.append(_json_items(json_cells, name, parts, flags))
    return pl.concat(items).sort("_i", "_k").select("_i", *names)


def _json_items(cells: pl.DataFrame, name: str, parts: tuple[str, ...] | None,
                flags: _Flags) -> pl.DataFrame:
    """Items of the cells holding a JSON array (decoded by polars; malformed cells flagged)."""
    dtype = pl.List(pl.Struct({p: pl.String for p in parts}) if parts else pl.String)
    text = cells["cell"]
    try:
        decoded: pl.Series | None = text.str.json_decode(dtype)
        ok = np.ones(cells.height, dtype=bool)
    except pl.exceptions.PolarsError:
        decoded = None
        ok = np.array([_json_shape_ok(v, parts) for v in text.to_list()], dtype=bool)
    if parts:
        allowed = '"(?:' + "|".join(parts) + r')"\s*:'
        ok &= (text.str.count_matches(_KEY_RE) == text.str.count_matches(allowed)).to_numpy()
    keep = pl.Series(ok)
    good = cells.filter(keep)
    try:
        items = decoded.filter(keep) if decoded is not None else good["cell"].str.json_decode(dtype)
    except pl.exceptions.PolarsError:
        ok[:] = False
        good, items = good.clear(), pl.Series(dtype=dtype)
    flags.add(cells["_i"].filter(pl.Series(~ok)), name, "not a valid JSON list of items")
    exploded = (good.select("_i").with_columns(items.alias("item"))
                .filter(pl.col("item").list.len() > 0).explode("item"))
    exploded = _with_positions(exploded)
    flags.add(exploded["_i"].filter(exploded["item"].is_null()), name, "an item is empty")
    exploded = exploded.filter(pl.col("item").is_not_null())
    if parts:
        return exploded.select("_i", "_k", *[
            pl.col("item").struct.field(p).str.strip_chars().replace("", None).alias(p)
            for p in parts])
    values = exploded.select("_i", "_k", pl.col("item").str.strip_chars().alias("value"))
    return values.filter(pl.col("value") != "")


def _with_positions(items: pl.DataFrame) -> pl.DataFrame:
    """Add ``_k``, the 1-based position of each exploded item in its row (rows contiguous)."""
    owner = items["_i"].to_numpy()
    starts = np.r_[0, np.flatnonzero(np.diff(owner)) + 1] if len(owner) else np.zeros(0, int)
    lengths = np.diff(np.r_[starts, len(owner)])
    position = np.arange(len(owner)) - np.repeat(starts, lengths) + 1
    return items.with_columns(pl.Series("_k", position, dtype=pl.Int64))


def _json_shape_ok(cell: str, parts: tuple[str, ...] | None) -> bool:
    """Whether polars can decode this cell (a list of scalars, or of flat objects)."""
    try:
        items = json.loads(cell)
    except (ValueError, RecursionError):
        return False
    if not isinstance(items, list):
        return False
    for item in items:
        if parts is None:
            if isinstance(item, list | dict):
                return False
        elif item is not None and (not isinstance(item, dict) or any(
                isinstance(v, list | dict) for v in item.values())):
            return False
    return True


def _dated_items(cells: pl.Series, name: str, flags: _Flags) -> pl.DataFrame:
    """Items with start/end parts: dates checked (end not before start), as YYYYMMDD."""
    parts = ITEM_PARTS[name]
    items = _list_items(cells, name, parts, flags)
    for part in parts:
        flags.add(items["_i"].filter(items[part].is_null()), f"{name}.{part}", "missing")
    start, end = _date_column(items["start"]), _date_column(items["end"])
    flags.add(items["_i"].filter((start.is_null() & items["start"].is_not_null())
                                 | (end.is_null() & items["end"].is_not_null())),
              name, "expected dates YYYY-MM-DD")
    flags.add(items["_i"].filter((end < start).fill_null(False)), name, "end is before start")
    _, high = _length_bounds(name)
    counts = np.bincount(items["_i"].to_numpy(), minlength=len(cells))
    flags.add(counts > high, name, f"at most {high} items")
    return items.with_columns(start.alias("start"), end.alias("end"))


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------
def write_persons(persons: Population | Sequence[Person], path: str | os.PathLike[str]) -> int:
    """Write persons in the person format (by suffix, like ``read_persons``); returns the count.

    CSV is UTF-8 with a byte-order mark, so Excel shows Korean text correctly. XLSX holds one
    sheet (``persons``), dates as real date cells; more persons than Excel allows in a sheet
    (1,048,575 under the header) is an error — write CSV or JSONL for those.
    """
    population = persons if isinstance(persons, Population) else Population.from_persons(persons)
    path = Path(path)
    kind = _kind_for_writing(path)
    if kind == "xlsx" and len(population) > EXCEL_MAX_DATA_ROWS:
        raise ValueError(f"{len(population):,} persons do not fit one XLSX sheet (at most "
                         f"{EXCEL_MAX_DATA_ROWS:,} rows); write CSV or JSONL")
    frame = _population_frame(population, as_json=kind == "jsonl", dates=kind == "xlsx")
    _write_frame(frame, path, kind, "persons")
    return len(population)


def write_results(result: BatchResult, path: str | os.PathLike[str],
                  programs: Sequence[str] | None = None) -> int:
    """Write a batch result: one row per person and program; returns the number of rows.

    Columns: ``person_id, program, eligible, failed, to_verify, priority_group, bonus_points,
    monthly_pay_krw`` (empty/null for programs without pay). ``failed`` and ``to_verify`` are
    JSON arrays in JSONL and ``;``-joined condition ids in CSV and XLSX. XLSX output is split
    into sheets ``results``, ``results 2``, … of at most 1,048,575 rows each, every sheet
    with the header.
    """
    path = Path(path)
    kind = _kind_for_writing(path)
    frame = _results_frame(result, programs, as_json=kind == "jsonl")
    _write_frame(frame, path, kind, "results")
    return frame.height


def _kind_for_writing(path: Path) -> str:
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValueError(f"{path.name}: unsupported file type {path.suffix!r}; "
                         f"use {', '.join(FORMATS)}")
    return kind


def _write_frame(frame: pl.DataFrame, path: Path, kind: str, sheet: str) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        if kind == "csv":
            frame.write_csv(temporary, include_bom=True, null_value="")
        elif kind == "jsonl":
            frame.write_ndjson(temporary)
        else:
            _xlsx_write(temporary, sheet, frame)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _iso(yyyymmdd: pl.Expr) -> pl.Expr:
    return pl.format("{}-{}-{}", (yyyymmdd // 10000).cast(pl.String).str.zfill(4),
                     (yyyymmdd // 100 % 100).cast(pl.String).str.zfill(2),
                     (yyyymmdd % 100).cast(pl.String).str.zfill(2))


def _ids(population: Population) -> pl.Series:
    ids = population.id
    if ids.dtype == object:
        return pl.Series("id", ids.tolist(), dtype=pl.String)
    return pl.select(pl.format("P{}", pl.lit(pl.Series(ids)).cast(pl.String).str.zfill(8))
                     ).to_series().alias("id")


def _decoded(categories: Categories) -> pl.Series:
    return pl.Series(categories.values, dtype=pl.String).gather(categories.codes)


def _population_frame(population: Population, as_json: bool, dates: bool) -> pl.DataFrame:
    """A Population as the person format's columns (lists as JSON lists or ``;`` text)."""
    p = population
    n = len(p)

    def optional(values: np.ndarray, known: np.ndarray) -> pl.Series:
        return pl.select(pl.when(pl.lit(pl.Series(known))).then(pl.lit(pl.Series(values))))\
            .to_series()

    masks, inverse = np.unique(p.vulnerable_groups, return_inverse=True)
    names = [[g for b, g in enumerate(VULNERABLE_GROUPS) if int(m) >> b & 1] for m in masks]
    groups = (pl.Series(names, dtype=pl.List(pl.String)) if as_json
              else pl.Series([LIST_SEPARATOR.join(g) for g in names], dtype=pl.String))
    birth = pl.lit(pl.Series(p.birth_date.astype(np.int64)))
    columns = {
        "id": _ids(p),
        "birth_date": pl.select(pl.date(birth // 10000, birth // 100 % 100, birth % 100)
                                if dates else _iso(birth)).to_series(),
        "sido": _decoded(p.sido),
        "sigungu": _decoded(p.sigungu),
        "employment_status": pl.Series(EMPLOYMENT_STATUSES).gather(p.employment_status),
        "able_to_work": pl.Series(p.able_to_work),
        "unemployment_benefit_periods": _ragged_column(
            p.benefit_periods, n, as_json, {"start": "date", "end": "date"}),
        "household_head": pl.Series(p.household_head),
        "household_size": pl.Series(p.household_size.astype(np.int64)),
        "vulnerable_groups": groups.gather(inverse.ravel()),
        "veteran_service_months": pl.Series(p.veteran_service_months.astype(np.int64)),
        "nationality": _decoded(p.nationality),
        "visa": _decoded(p.visa),
        "training_history": _ragged_column(
            p.training_history, n, as_json,
            {"program": HISTORY_PROGRAMS, "start": "date", "end": "date",
             "result": TRAINING_RESULTS}),
        "household_income_krw": optional(p.household_income_krw, p.household_income_known),
        "household_assets_krw": optional(p.household_assets_krw, p.household_assets_known),
        "receives_livelihood_benefit": optional(p.receives_livelihood_benefit,
                                                p.receives_livelihood_benefit_known),
    }
    return pl.DataFrame({name: columns[name].alias(name) for name in ALL_FIELDS})


def _ragged_column(ragged: Ragged, n: int, as_json: bool,
                   parts: Mapping[str, str | Sequence[str]]) -> pl.Series:
    """A Ragged column as a list column (JSON) or ``a/b;c/d`` text, items in order."""
    texts = []
    for part, kind in parts.items():
        values = ragged.columns[part]
        if kind == "date":
            texts.append(_iso(pl.lit(pl.Series(values.astype(np.int64)))).alias(part))
        else:
            texts.append(pl.lit(pl.Series(list(kind)).gather(values.astype(np.int64))).alias(part))
    owner = np.repeat(np.arange(n, dtype=np.int64), np.diff(ragged.offsets))
    flat = pl.select(pl.lit(pl.Series("_i", owner)), *texts)
    item = (pl.struct(*parts) if as_json
            else pl.concat_str([pl.col(p) for p in parts], separator=PART_SEPARATOR))
    grouped = flat.group_by("_i", maintain_order=True).agg(
        item.alias("v") if as_json else item.str.join(LIST_SEPARATOR).alias("v"))
    empty = pl.lit([], dtype=grouped.schema["v"]) if as_json else pl.lit("")
    rows = pl.DataFrame({"_i": np.arange(n, dtype=np.int64)})
    return rows.join(grouped, on="_i", how="left").select(pl.col("v").fill_null(empty)).to_series()


def _results_frame(result: BatchResult, programs: Sequence[str] | None,
                   as_json: bool) -> pl.DataFrame:
    """Person-major rows (each person's programs together); lists decoded per distinct mask."""
    codes = list(programs) if programs is not None else list(result.columns)
    unknown = [c for c in codes if c not in result.columns]
    if unknown:
        raise KeyError(f"not in this result: {', '.join(unknown)}")
    columns = [result.columns[c] for c in codes]
    n, width = len(result.population), len(columns)

    def stacked(values: Callable[[Any], np.ndarray | None], dtype: Any) -> np.ndarray:
        return np.stack([np.asarray(values(c) if values(c) is not None else np.zeros(n, dtype),
                                    dtype=dtype) for c in columns], axis=1).ravel()

    program_index = np.tile(np.arange(width, dtype=np.int64), n)

    def condition_lists(masks: np.ndarray) -> pl.Series:
        keys = program_index << 32 | masks.astype(np.int64)
        distinct, inverse = np.unique(keys, return_inverse=True)
        lists = [columns[int(k) >> 32].decode(np.array([int(k) & 0xFFFFFFFF],
                                                       dtype=np.uint32))[0] for k in distinct]
        decoded = (pl.Series(lists, dtype=pl.List(pl.String)) if as_json
                   else pl.Series([LIST_SEPARATOR.join(x) for x in lists], dtype=pl.String))
        return decoded.gather(inverse.ravel())

    failed = stacked(lambda c: c.failed, np.uint32)
    has_pay = np.repeat(np.array([[c.pay is not None for c in columns]]), n, axis=0).ravel()
    pay = stacked(lambda c: c.pay, np.int64)
    people = _ids(result.population).gather(np.repeat(np.arange(n), width))
    return pl.DataFrame({
        "person_id": people,
        "program": pl.Series(codes, dtype=pl.String).gather(program_index),
        "eligible": pl.Series(failed == 0),
        "failed": condition_lists(failed),
        "to_verify": condition_lists(stacked(lambda c: c.unverified, np.uint32)),
        "priority_group": pl.Series(stacked(lambda c: c.priority, bool)),
        "bonus_points": pl.Series(stacked(lambda c: c.bonus, np.float64)),
        "monthly_pay_krw": pl.select(pl.when(pl.lit(pl.Series(has_pay)))
                                     .then(pl.lit(pl.Series(pay)))).to_series(),
    })


# --------------------------------------------------------------------------------------------
# XLSX: read with calamine (never evaluates formulas), write a minimal workbook directly
# --------------------------------------------------------------------------------------------
EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows per sheet, less the header
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
# A formula with no saved value: after its <f> element the cell has no or an empty <v>.
_UNCACHED_RE = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
                          rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


def _xlsx_check(path: Path, max_unpacked: int) -> list[str]:
    """Refuse zip bombs and formulas without saved values; warn about formulas read as values.

    calamine reads the value Excel saved with each formula and never evaluates anything; a
    formula that was never calculated (a generated file not opened in Excel) has no value, so
    the file is refused rather than read as empty cells.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise PersonFileRefused(f"{path.name}: not an XLSX file") from None
    with archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if len(infos) > 10_000 or unpacked > max_unpacked:
            raise PersonFileRefused(f"{path.name}: unpacks to {unpacked:,} bytes in "
                                    f"{len(infos):,} parts, over the limit of {max_unpacked:,}")
        formulas = uncached = False
        with archive.open(_first_sheet_part(archive, path)) as stream:
            tail = b""
            while chunk := stream.read(1 << 22):
                block = tail + chunk
                tail = block[-512:]
                if b"<f" not in block and b":f" not in block:
                    continue
                formulas = formulas or bool(_FORMULA_RE.search(block))
                if _UNCACHED_RE.search(block):
                    uncached = True
                    break
    if uncached:
        raise PersonFileRefused(f"{path.name}: has formulas without a saved value; open and "
                                f"save it in Excel, or paste the values, then try again")
    if formulas:
        return [f"{path.name}: formula cells were read as the values Excel saved "
                f"(formulas are never evaluated)"]
    return []


def _first_sheet_part(archive: zipfile.ZipFile, path: Path) -> str:
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet = book.find(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet")
        rid = sheet.get(f"{{{_REL_NS}}}id") if sheet is not None else None
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") or "" for r in rels if r.get("Id") == rid)
    except (KeyError, StopIteration, ElementTree.ParseError):
        raise PersonFileRefused(f"{path.name}: not an XLSX workbook") from None
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    if part not in archive.namelist():
        raise PersonFileRefused(f"{path.name}: the first sheet is missing")
    return part


def _read_xlsx(path: Path, limits: ReadLimits) -> _Table:
    """The first sheet; the header is its first non-empty row."""
    warnings = _xlsx_check(path, limits.max_xlsx_unpacked_bytes)
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            sheet = book.get_sheet_by_index(0)
            _check_rows(max(sheet.height - 1, 0), limits, path)
            rows = sheet.to_python()
    except CalamineError as exc:
        raise PersonFileRefused(f"{path.name}: not a readable XLSX file ({exc})") from None
    header = [_cell_text(v) or "" for v in (rows[0] if rows else [])]
    columns = [[v if v.__class__ is str and v else _cell_text(v) for v in values]
               for values in zip(*rows[1:], strict=True)] or [[] for _ in header]
    del rows
    if not header:
        raise PersonFileRefused(f"{path.name}: the first sheet is empty (no header)")
    frame = pl.DataFrame({f"c{j}": column for j, column in enumerate(columns)},
                         schema={f"c{j}": pl.String for j in range(len(header))})
    table = _from_header(frame, [_strip(name) for name in header], path)
    table.warnings += warnings
    return table


def _cell_text(value: Any) -> str | None:
    """An Excel cell as text: dates as YYYY-MM-DD, whole numbers without ``.0``."""
    kind = value.__class__
    if kind is str:
        return value or None
    if kind is float:
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if kind is dt.datetime:
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if kind is dt.date:
        return value.isoformat()
    return _json_text(value) if isinstance(value, bool | int | float) else str(value)


_STYLES = (
    f'<styleSheet xmlns="{_MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2"><font><sz val="11"/>'
    '<name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" '
    'borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" '
    'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _xlsx_write(path: str, sheet: str, frame: pl.DataFrame) -> None:
    """A workbook of inline-string sheets, built by polars row by row in chunks.

    More rows than a sheet holds go to further sheets (``results 2``, …), each with the header.
    """
    parts = [frame.slice(start, EXCEL_MAX_DATA_ROWS)
             for start in range(0, max(frame.height, 1), EXCEL_MAX_DATA_ROWS)]
    names = [sheet] + [f"{sheet} {k}" for k in range(2, len(parts) + 1)]
    sheets = "".join(f'<sheet name="{name}" sheetId="{k}" r:id="rId{k}"/>'
                     for k, name in enumerate(names, 1))
    relations = "".join(
        f'<Relationship Id="rId{k}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, len(parts) + 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for k in range(1, len(parts) + 1))
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            f'{_XML_HEAD}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'))
        archive.writestr("_rels/.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{package}/relationships"><Relationship '
            f'Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f'<sheets>{sheets}</sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{package}/relationships">{relations}'
            f'<Relationship Id="rId{len(parts) + 1}" Type="{_REL_NS}/styles" '
            'Target="styles.xml"/></Relationships>'))
        archive.writestr("xl/styles.xml", _XML_HEAD + _STYLES)
        for k, part in enumerate(parts, 1):
            # ZIP64 only when a sheet might pass 4 GiB: some Excel builds warn about it.
            large = part.height * part.width * 200 > 2**32
            with archive.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=large) as out:
                out.write(_sheet_head(part).encode())
                for start in range(0, part.height, 50_000):
                    out.write(_sheet_rows(part.slice(start, 50_000), start + 2).encode())
                out.write(b"</sheetData></worksheet>")


def _xml_text(text: pl.Expr) -> pl.Expr:
    return (text.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True)
            .str.replace_all(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]", ""))


def _sheet_head(frame: pl.DataFrame) -> str:
    last = f"{get_column_letter(1 + max(frame.width - 1, 0))}{frame.height + 1}"
    widths = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{40 if name in ITEM_PARTS else max(12, len(name) + 3)}" '
        'customWidth="1"/>' for j, name in enumerate(frame.columns))
    header = "".join(
        f'<c r="{get_column_letter(1 + j)}1" t="inlineStr" s="1"><is><t>{name}</t></is></c>'
        for j, name in enumerate(frame.columns))
    return (f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
            f'<row r="1">{header}</row>')


def _sheet_rows(frame: pl.DataFrame, first_row: int) -> str:
    row = pl.int_range(first_row, first_row + frame.height).cast(pl.String)
    cells = []
    for j, (name, dtype) in enumerate(frame.schema.items()):
        ref, value = get_column_letter(1 + j), pl.col(name)
        if dtype == pl.String:
            cell = pl.format(f'<c r="{ref}{{}}" t="inlineStr"><is><t xml:space="preserve">{{}}'
                             '</t></is></c>', row, _xml_text(value))
        elif dtype == pl.Boolean:
            cell = pl.format(f'<c r="{ref}{{}}" t="b"><v>{{}}</v></c>', row, value.cast(pl.Int8))
        elif dtype == pl.Date:
            serial = (value - pl.lit(_EXCEL_EPOCH)).dt.total_days()
            cell = pl.format(f'<c r="{ref}{{}}" s="2"><v>{{}}</v></c>', row, serial)
        else:
            cell = pl.format(f'<c r="{ref}{{}}"><v>{{}}</v></c>', row, value)
        cells.append(cell.fill_null(""))
    xml = pl.format('<row r="{}">{}</row>', row, pl.concat_str(cells))
    return frame.select(xml.str.join("")).item()
