"""The columnar path, for big files: whole columns checked with polars and the
``Population`` arrays built directly; the bad rows it finds get their messages from the row path."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

from ilja.people.person_format.cells import (
    BOOL_FIELDS,
    BOOL_HINT,
    DATE_RE,
    FALSE_WORDS,
    INT_FIELDS,
    INT_RE,
    ITEM_PARTS,
    KEY_RE,
    LIST_SEPARATOR,
    PART_SEPARATOR,
    TRUE_WORDS,
)
from ilja.people.person_format.rows import parse_cells
from ilja.rules.population import (
    ABSENT_CODE,
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    NULLABLE_FIELDS,
    REQUIRED_FIELDS,
    SIDO_MESSAGE,
    SIDO_NAMES,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Categories,
    FieldError,
    Person,
    Population,
    Ragged,
    known_column,
)

# Person._plausible_birth_date, as numbers.
_BIRTH_MIN, _BIRTH_MAX = 1900_01_01, 2100_01_01


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


def population_by_columns(frame: pl.DataFrame, skip: frozenset[str],
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
    low, high = _length_bounds("sido")  # a name of the wrong length is reported as that alone
    flags.add((~col("sido").is_in(SIDO_NAMES) & col("sido").str.len_chars().is_between(low, high))
              .fill_null(False), "sido", SIDO_MESSAGE)

    status = col("employment_status")
    require("employment_status")
    flags.add(~status.is_in(EMPLOYMENT_STATUSES).fill_null(True), "employment_status",
              "unknown employment status")

    bools: dict[str, pl.Series] = {}
    for name in BOOL_FIELDS:
        require(name)
        bools[name] = _bool_column(col(name))
        flags.add(bools[name].is_null() & ~null(name), name, BOOL_HINT)

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

    def neutral(column: pl.Series, dtype: Any) -> np.ndarray:
        """The column with an absent value as 0 / False (what a Population stores for it)."""
        return column.fill_null(0).to_numpy().astype(dtype)

    population = Population(
        id=np.asarray(col("id").to_list(), dtype=object),
        birth_date=birth.to_numpy().astype(np.int32),
        sido=_categories(col("sido")),
        sigungu=_categories(col("sigungu")),
        employment_status=_codes(status, EMPLOYMENT_STATUSES),
        able_to_work=neutral(bools["able_to_work"], bool),
        household_head=neutral(bools["household_head"], bool),
        household_size=neutral(ints["household_size"], np.int16),
        vulnerable_groups=group_bits,
        veteran_service_months=neutral(ints["veteran_service_months"], np.int16),
        nationality=_categories(col("nationality")),
        visa=_categories(visa),
        household_income_krw=neutral(ints["household_income_krw"], np.int64),
        household_assets_krw=neutral(ints["household_assets_krw"], np.int64),
        receives_livelihood_benefit=neutral(bools["receives_livelihood_benefit"], bool),
        **{known_column(name): ~null(name).to_numpy() for name in NULLABLE_FIELDS},
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
    value = pl.when(text.str.contains(INT_RE)).then(digits.cast(pl.Int64, strict=False))
    return pl.select(pl.coalesce(pl.lit(plain), value)).to_series()


def _date_column(text: pl.Series) -> pl.Series:
    """YYYY-MM-DD text → YYYYMMDD numbers (null where not a real date)."""
    date = text.str.to_date("%Y-%m-%d", strict=False)
    number = date.dt.year() * 10000 + date.dt.month().cast(pl.Int32) * 100 + date.dt.day()
    ok = text.str.contains(DATE_RE) & (date.dt.year() > 0)
    return pl.select(pl.when(ok).then(number.cast(pl.Int32))).to_series()


def _codes(values: pl.Series, names: Sequence[str]) -> np.ndarray:
    """Each value's index in ``names``; ``ABSENT_CODE`` where the cell is empty."""
    return values.replace_strict(list(names), list(range(len(names))), return_dtype=pl.Int8
                                 ).fill_null(ABSENT_CODE).to_numpy().astype(np.int8)


def _categories(values: pl.Series) -> Categories:
    """Codes in order of first appearance, as ``Categories.encode`` numbers them; an empty
    cell is ``""`` (what a Population stores for a fact left out)."""
    values = values.fill_null("")
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
        ok &= (text.str.count_matches(KEY_RE) == text.str.count_matches(allowed)).to_numpy()
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
