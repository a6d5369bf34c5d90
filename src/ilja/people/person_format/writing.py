"""Writing persons and batch results in the person format (JSONL, CSV, XLSX)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from ilja.people.person_format import xlsx
from ilja.people.person_format.cells import FORMATS, LIST_SEPARATOR, PART_SEPARATOR
from ilja.rules.engine import BatchResult
from ilja.rules.population import (
    ALL_FIELDS,
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    NULLABLE_FIELDS,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Categories,
    Person,
    Population,
    Ragged,
)


def write_persons(persons: Population | Sequence[Person], path: str | os.PathLike[str]) -> int:
    """Write persons in the person format (by suffix, like ``read_persons``); returns the count.

    CSV is UTF-8 with a byte-order mark, so Excel shows Korean text correctly. XLSX holds one
    sheet (``persons``), dates as real date cells; more persons than Excel allows in a sheet
    (1,048,575 under the header) is an error — write CSV or JSONL for those.
    """
    population = persons if isinstance(persons, Population) else Population.from_persons(persons)
    path = Path(path)
    kind = _kind_for_writing(path)
    if kind == "xlsx" and len(population) > xlsx.EXCEL_MAX_DATA_ROWS:
        raise ValueError(f"{len(population):,} persons do not fit one XLSX sheet (at most "
                         f"{xlsx.EXCEL_MAX_DATA_ROWS:,} rows); write CSV or JSONL")
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
            xlsx.write_xlsx(temporary, sheet, frame)
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
        "household_income_krw": pl.Series(p.household_income_krw),
        "household_assets_krw": pl.Series(p.household_assets_krw),
        "receives_livelihood_benefit": pl.Series(p.receives_livelihood_benefit),
    }
    for name in NULLABLE_FIELDS:  # a fact left out is left empty (null)
        columns[name] = pl.select(pl.when(pl.lit(pl.Series(p.known(name))))
                                  .then(pl.lit(columns[name]))).to_series()
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
