"""The row path: each record through the ``Person`` model (the reference, and the source of
every error message)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from pydantic import ValidationError

from ilja.people.person_format.cells import (
    BOOL_FIELDS,
    BOOL_HINT,
    DATE_RE,
    FALSE_WORDS,
    INT_FIELDS,
    INT_RE,
    ITEM_PARTS,
    LIST_SEPARATOR,
    PART_SEPARATOR,
    TRUE_WORDS,
    cell_text,
    json_text,
    strip_cell,
)
from ilja.rules.population import (
    ALL_FIELDS,
    FieldError,
    Person,
    Population,
    impossible_date,
)


def population_by_rows(frame: pl.DataFrame, skip: frozenset[str],
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
    data, errors = cell_values(cells, row)
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
            errors.append(FieldError(row, loc, message.removeprefix("Value error, "), error["type"]))
        return None, errors
    return (None, errors) if errors else (person, [])


def cell_values(cells: Mapping[str, Any], row: int) -> tuple[dict[str, Any], list[FieldError]]:
    """``parse_cells``' first half: the cell rules alone (yes/no words, dates, whole numbers,
    ``;`` lists), the values by field and the cells they refuse; no model yet."""
    data: dict[str, Any] = {}
    errors: list[FieldError] = []

    def bad(loc: str, message: str, code: str) -> None:
        errors.append(FieldError(row, loc, message, code))

    for name in ALL_FIELDS:
        value = cells.get(name)
        if value is None:
            continue
        text = strip_cell(value if value.__class__ is str else (cell_text(value) or ""))
        if not text:
            continue
        if name in BOOL_FIELDS:
            data[name] = _parse_bool(text)
            if data[name] is None:
                bad(name, BOOL_HINT, "bool_parsing")
        elif name in INT_FIELDS:
            data[name] = _parse_int(text)
            if data[name] is None:
                bad(name, "expected a whole number", "int_parsing")
        elif name == "birth_date":
            data[name] = _parse_date(text)
            if data[name] is None:
                bad(name, *_date_error(text))
        elif name == "vulnerable_groups":
            data[name] = _parse_groups(text, bad)
        elif name in ITEM_PARTS:
            data[name] = _parse_items(name, text, bad)
        else:
            data[name] = text
    return data, errors


def _loc(parts: Sequence[int | str]) -> str:
    text = ""
    for part in parts:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "record"


def _parse_bool(text: str) -> bool | None:
    lower = text.lower()
    return True if lower in TRUE_WORDS else False if lower in FALSE_WORDS else None


def _parse_int(text: str) -> int | None:
    if not re.fullmatch(INT_RE, text):
        return None
    return int(text.replace(",", "").split(".")[0])


def _parse_date(text: str) -> dt.date | None:
    if not re.fullmatch(DATE_RE, text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _date_error(text: str) -> tuple[str, str]:
    """The message and code for text that is no date: an impossible one, or not YYYY-MM-DD."""
    reason = impossible_date(text)
    return (reason, "date_impossible") if reason else ("expected a date YYYY-MM-DD", "date_parsing")


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
                if not (isinstance(item, str) and not strip_cell(item))]
    pieces = enumerate(text.split(LIST_SEPARATOR), 1)
    return [(k, strip_cell(piece)) for k, piece in pieces if strip_cell(piece)]


def _scalar_text(value: Any) -> str | None:
    """A JSON scalar inside a list, as text; None for null, a list or an object."""
    if value is None or isinstance(value, list | dict):
        return None
    return strip_cell(json_text(value) or "")


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
                    bad(f"{loc}.{part}", *_date_error(cell))
        items.append(record)
    return items
