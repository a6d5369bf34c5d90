"""Reading a person file: the file into a table of text cells (CSV and JSONL here, XLSX in
``xlsx``), then one of the two validation paths into a ``Population``."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
from pathlib import Path

import numpy as np
import polars as pl

from ilja.people.person_format.cells import (
    FAST_PATH_MIN_ROWS,
    FORMATS,
    CellTable,
    PersonFileError,
    PersonFileRefused,
    ReadLimits,
    ReadResult,
    check_rows,
    clean_column,
    json_text,
    strip_cell,
    table_from_header,
)
from ilja.people.person_format.columns import population_by_columns
from ilja.people.person_format.rows import population_by_rows
from ilja.people.person_format.xlsx import read_xlsx
from ilja.rules.population import (
    ALL_FIELDS,
    FieldError,
)


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
    table = {"csv": _read_csv, "jsonl": _read_jsonl, "xlsx": read_xlsx}[kind](path, limits)
    frame = _complete(table.frame)
    skip = frozenset(table.missing_columns)
    errors = list(table.errors) + [FieldError(0, name, "required column missing", "missing")
                                   for name in table.missing_columns]
    use_fast = fast if fast is not None else frame.height >= FAST_PATH_MIN_ROWS
    build = population_by_columns if use_fast else population_by_rows
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


def _read_csv(path: Path, limits: ReadLimits) -> CellTable:
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
    header = [strip_cell(name) for name in next(csv.reader(io.StringIO(text[: 1 << 20])))]
    try:
        frame = pl.read_csv(data, infer_schema=False, n_rows=limits.max_rows + 1,
                            has_header=True, raise_if_empty=False)
        errors: list[FieldError] = []
    except pl.exceptions.ComputeError:
        frame, errors = _read_csv_by_rows(text, len(header), limits)
    if frame.width != len(header):
        raise PersonFileRefused(f"{path.name}: could not split the header into columns")
    check_rows(frame.height, limits, path)
    table = table_from_header(frame, header, path)
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
_KNOWN_KEY_RE = '"(?:' + "|".join([*ALL_FIELDS, "program", "start", "end", "result"]) + ')":'


def _read_jsonl(path: Path, limits: ReadLimits) -> CellTable:
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
    check_rows(frame.height, limits, path)
    frame = frame.with_row_index("_row", offset=1).with_columns(clean_column(c) for c in ALL_FIELDS)
    return CellTable(frame, _jsonl_unknown_keys(data))


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


def _read_jsonl_by_rows(text: str, path: Path, limits: ReadLimits) -> CellTable:
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
        check_rows(row, limits, path)
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
            columns[name].append(json_text(record.get(name)))
    frame = pl.DataFrame({"_row": pl.Series(numbers, dtype=pl.UInt32), **columns},
                         schema={"_row": pl.UInt32, **{n: pl.String for n in ALL_FIELDS}})
    return CellTable(frame.with_columns(clean_column(c) for c in ALL_FIELDS), unknown, errors=errors)


def _complete(frame: pl.DataFrame) -> pl.DataFrame:
    """Every field as a column (null where the file has no such column), in the format's order."""
    return frame.select(
        pl.col("_row").cast(pl.Int64),
        *[pl.col(name) if name in frame.columns else pl.lit(None, dtype=pl.String).alias(name)
          for name in ALL_FIELDS],
    )


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
