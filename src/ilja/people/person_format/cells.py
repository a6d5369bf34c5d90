"""The person format's cell rules, limits and errors, and the one table of text cells every
file is first turned into (whatever its format), with the helpers the readers share."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ilja.rules.population import (
    ALL_FIELDS,
    REQUIRED_FIELDS,
    FieldError,
    PersonFormatError,
    Population,
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
INT_RE = r"^[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.0*)?$"
DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
BOOL_HINT = "expected a yes/no value (true/false, 1/0, yes/no, y/n, 예/아니오)"


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


@dataclass
class CellTable:
    """A file as text cells: one String column per known field, plus ``_row`` (file row)."""

    frame: pl.DataFrame
    unknown: set[str] = field(default_factory=set)
    missing_columns: list[str] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def table_from_header(frame: pl.DataFrame, header: Sequence[str], path: Path) -> CellTable:
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
    frame = frame.with_row_index("_row", offset=1).with_columns(clean_column(c) for c in names)
    unknown = {name or f"(unnamed column {j + 1})" for j, name in enumerate(header)
               if name not in ALL_FIELDS and (name or frame[names[j]].is_not_null().any())}
    missing = [name for name in REQUIRED_FIELDS if name not in seen]
    blank = pl.all_horizontal([pl.col(c).is_null() for c in names]) if names else pl.lit(True)
    frame = frame.filter(~blank).select("_row", *[c for c in names if c in ALL_FIELDS])
    return CellTable(frame, unknown, missing)


def check_rows(count: int, limits: ReadLimits, path: Path) -> None:
    if count > limits.max_rows:
        raise PersonFileRefused(f"{path.name}: more than {limits.max_rows:,} rows "
                                f"(the limit); split the file")


KEY_RE = r'"\s*:'


def json_text(value: Any) -> str | None:
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


def clean_column(name: str) -> pl.Expr:
    """A cell stripped of surrounding whitespace; an empty cell is null (absent)."""
    return pl.col(name).str.strip_chars().replace("", None)


def strip_cell(text: str) -> str:
    return text.strip(WHITESPACE)


def cell_text(value: Any) -> str | None:
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
    return json_text(value) if isinstance(value, bool | int | float) else str(value)
