"""An import's rows checked over their columns' DISTINCT cells, not a model per row.

``validate_record`` (the person format's cell rules, then the registry's model) costs about
0.1 ms a row; a file of 100,000 rows holds a few dozen distinct districts, statuses and yes/no
words and a few thousand dates. The registry's model checks each field on its own (no
validator reads another field), so a cell gives the same value, or the same refusal, in any
row: ``QuickRecords`` checks each distinct cell once — by the model itself, on a record that
is valid but for that cell — and builds each row's record from the values found. Cells that
differ in nearly every row (name, phone, address) are taken without the model where a plain
shape proves what it gives (a Hangul or Latin name, ASCII digits), and the RRN is parsed a row.

Where it is not sure (a cell refused, a birth date to be read from the RRN, an ``id`` cell),
``records`` gives None for the row and the caller checks it the long way, which words every
problem: a bad file reads the same whatever path its rows took.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from ilja.people.person_format.rows import cell_values
from ilja.people.records import (
    RRN_REFUSED,
    PersonRecord,
    ValidRecord,
    check_program,
    korean_today,
    rrn_permitted,
    rrn_warnings,
)
from ilja.people.rrn import InvalidRrn, parse_rrn
from ilja.rules.population import ALL_FIELDS, EMPLOYMENT_STATUSES

FORMAT_FIELDS = tuple(name for name in ALL_FIELDS if name != "id")
TEXT_FIELDS = ("name", "phone", "address_detail")
FIELDS = tuple(PersonRecord.model_fields)
REQUIRED = frozenset(name for name, info in PersonRecord.model_fields.items() if info.is_required())
# A record valid in every field: each distinct cell is checked in its place.
TEMPLATE = {"name": "가", "birth_date": dt.date(1990, 1, 1), "sido": "서울특별시",
            "sigungu": "마포구", "employment_status": EMPLOYMENT_STATUSES[0], "able_to_work": True,
            "household_head": True, "household_size": 1, "nationality": "KR"}
# Shapes whose value the model is known to keep as it is (NFC, nothing to strip, no control
# character, too few digits in a row to be an RRN) or, for a phone, to keep its digits of.
_NAME = re.compile(r"[가-힣A-Za-z]+(?: [가-힣A-Za-z]+)*")
_ADDRESS = re.compile(r"[가-힣A-Za-z0-9,.()#-]+(?: [가-힣A-Za-z0-9,.()#-]+)*")
_SIX_DIGITS = re.compile(r"[0-9]{6}")
_PHONE = re.compile(r"0[0-9]{1,2}-?[0-9]{3,4}-?[0-9]{4}")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE = re.compile(r"[0-9]{1,15}")
_LATEST_BIRTH = dt.date(2100, 1, 1)  # Person._plausible_birth_date
_UNSURE = object()
LIST_FIELDS = ("vulnerable_groups", "unemployment_benefit_periods", "training_history")


def _bounds(name: str) -> tuple[int, int]:
    info = PersonRecord.model_fields[name].metadata
    low = next((m.ge for m in info if getattr(m, "ge", None) is not None), None)
    high = next((m.le for m in info if getattr(m, "le", None) is not None), None)
    return (0 if low is None else low), (10**15 if high is None else high)


_INT_BOUNDS = {name: _bounds(name) for name in ("household_size", "veteran_service_months",
                                                 "household_income_krw", "household_assets_krw")}


def built(values: dict[str, Any], fields_set: set[str]) -> PersonRecord:
    """A ``PersonRecord`` of values the model has already given, as ``model_construct`` makes
    one (which, though, costs 13 µs here: it inspects each default's factory every call). Every
    field counts as set, as on the long way (the person format's model hands on all of them)."""
    record = PersonRecord.__new__(PersonRecord)
    object.__setattr__(record, "__dict__", values)
    object.__setattr__(record, "__pydantic_fields_set__", fields_set)
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


class QuickRecords:
    """``validate_record`` for the rows of one import (``program``, ``on``), from memos of each
    column's distinct cells; see the module docstring."""

    def __init__(self, program: str, on: dt.date | None) -> None:
        check_program(program)
        self.today = on or korean_today()
        self.rrn_kept = rrn_permitted(program, self.today)
        empty = PersonRecord.model_validate(TEMPLATE)
        self.defaults = {name: getattr(empty, name) for name in PersonRecord.model_fields}
        self.stored = empty.model_dump(mode="json", include=set(FORMAT_FIELDS))
        # each column's cells: their value and stored form; None when refused or unsure (an
        # empty cell: the field's default, or unsure where the field is required)
        self.memo: dict[str, dict[str | None, Any]] = {
            name: {None: None if name in REQUIRED else (self.defaults[name], self.stored.get(name))}
            for name in (*FORMAT_FIELDS, *TEXT_FIELDS)}

    def records(self, rows: Sequence[Mapping[str, str | None]]) -> list[ValidRecord | None]:
        """Each row's record as ``validate_record`` gives it, or None where not sure: column by
        column, each distinct cell checked once."""
        sure = [cells.get("id") is None for cells in rows]
        values: dict[str, list[Any]] = {name: [None] * len(rows) for name in FIELDS}
        stored: list[list[Any]] = []
        for name, memo in self.memo.items():
            column = [cells.get(name) for cells in rows]
            for text in set(column).difference(memo):
                memo[text] = self._check(name, text)
            found = [memo[text] for text in column]
            if None in found:
                sure = [ok and f is not None for ok, f in zip(sure, found, strict=True)]
                found = [f or (None, None) for f in found]
            values[name] = [f[0] for f in found]
            if name in FORMAT_FIELDS:  # the first columns of ``memo``, in this order
                stored.append([f[1] for f in found])
        done: list[ValidRecord | None] = []
        for cells, ok, row_values, row_stored in zip(rows, sure, zip(*values.values(), strict=True),
                                                     zip(*stored, strict=True), strict=True):
            if not ok:
                done.append(None)
                continue
            record = dict(zip(FIELDS, row_values, strict=True))
            for name in LIST_FIELDS:
                record[name] = record[name].copy()
            done.append(self._valid(cells.get("rrn"), record,
                                    dict(zip(FORMAT_FIELDS, row_stored, strict=True))))
        return done

    def _valid(self, text: str | None, values: dict[str, Any],
               stored: dict[str, Any]) -> ValidRecord | None:
        """The row's RRN checked as ``validate_record`` checks it, then the record."""
        number, warnings, refused = None, [], False
        if text is not None and not text.strip():
            text = None  # a blank RRN is no RRN
        if text is not None and not self.rrn_kept:
            refused, warnings = True, [RRN_REFUSED]
        elif text is not None:
            try:
                number = parse_rrn(text, today=self.today)
            except InvalidRrn:
                return None
            if number.birth_date != values["birth_date"]:
                return None
            warnings = rrn_warnings(number)
        return ValidRecord(built(values, set(FIELDS)), number, refused, warnings, stored=stored)

    def _check(self, name: str, text: str) -> tuple[Any, Any] | None:
        """A cell's value in ``name`` and its stored (JSON) form; None when refused or unsure."""
        quick = self._plain(name, text)
        if quick is not _UNSURE:
            return quick
        if name in TEXT_FIELDS:
            value: Any = text
        else:
            data, errors = cell_values({name: text}, 0)
            if errors or name not in data:
                return None
            value = data[name]
        try:
            record = PersonRecord.model_validate({**TEMPLATE, name: value})
        except ValidationError:
            return None
        value = getattr(record, name)
        if name == "birth_date" and value > self.today:
            return None
        if value is None:  # a blank cell, dropped by the model
            return None
        return value, record.model_dump(mode="json", include={name}).get(name)

    def _plain(self, name: str, text: str) -> Any:
        """The value where the cell's shape proves it; ``_UNSURE`` otherwise."""
        if name == "birth_date" and _DATE.fullmatch(text):
            try:
                born = dt.date.fromisoformat(text)
            except ValueError:
                return _UNSURE
            ok = born.year >= 1900 and born <= _LATEST_BIRTH and born <= self.today
            return (born, text) if ok else _UNSURE
        if name in _INT_BOUNDS and _WHOLE.fullmatch(text):
            low, high = _INT_BOUNDS[name]
            number = int(text)
            return (number, number) if low <= number <= high else _UNSURE
        if name == "name" and len(text) <= 100 and _NAME.fullmatch(text):
            return text, text
        if name == "address_detail" and len(text) <= 200 and _ADDRESS.fullmatch(text) \
                and not _SIX_DIGITS.search(text):
            return text, text
        if name == "phone" and _PHONE.fullmatch(text):
            digits = text.replace("-", "")
            return (digits, digits) if 9 <= len(digits) <= 11 else _UNSURE
        return _UNSURE
