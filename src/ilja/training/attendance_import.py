"""Reading and checking an attendance file (출결 파일) before anything is written.

Operators keep attendance in spreadsheets: one row per trainee and session day with the cohort
code (기수 코드), the trainee number (훈련생번호), the date and the mark (출석/지각/결석/공결).
Headers may be Korean or English; other columns (a name column, remarks) are ignored. XLSX is
read with python-calamine, CSV with polars; both end in the same polars frame and the same
checks, run on whole columns: every row is checked and every problem reported with its row (as
the spreadsheet numbers it: the header is row 1), its column and the reason — the caller
writes nothing unless there is no problem at all.

The roster (which trainee numbers belong to which cohort, and each cohort's session days) is
passed in by the caller, so this module knows no database.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from python_calamine import CalamineError, CalamineWorkbook

from ilja.safe_zip import SpreadsheetTooLarge, check_xlsx
from ilja.training.attendance import parse_mark

HEADERS = {
    "cohort": ("cohort", "기수", "기수코드", "기수 코드", "cohort_code"),
    "trainee": ("trainee", "훈련생번호", "훈련생 번호", "trainee_no", "trainee number"),
    "date": ("date", "날짜", "일자", "출결일", "day"),
    "mark": ("mark", "출결", "status", "출결상태", "출결 상태", "attendance"),
}
MAX_PROBLEMS = 1000


@dataclass(frozen=True, slots=True)
class InvalidRow:
    """One problem: the spreadsheet row, the column, and why (no cell value: it may be personal)."""

    row: int
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class AttendanceFileError(Exception):
    """The file cannot be used; ``problems`` lists every bad row (up to ``MAX_PROBLEMS``)."""

    def __init__(self, problems: list[InvalidRow], total: int | None = None) -> None:
        self.problems = problems
        self.total = total if total is not None else len(problems)
        head = "; ".join(f"row {p.row} {p.column}: {p.reason}" for p in problems[:5])
        super().__init__(f"{self.total} problem(s) in the attendance file: {head}")


@dataclass(frozen=True, slots=True)
class Roster:
    """What the file is checked against: enrolment ids by (cohort code, trainee number), and
    each cohort's session days as YYYYMMDD numbers."""

    enrolments: Mapping[tuple[str, str], int]
    session_days: Mapping[str, Iterable[int]]


@dataclass(frozen=True, slots=True)
class AttendanceRows:
    """The valid rows as columns: enrolment id, day (YYYYMMDD) and mark, plus the sheet row."""

    enrolment: np.ndarray
    day: np.ndarray
    mark: np.ndarray
    row: np.ndarray

    def __len__(self) -> int:
        return len(self.enrolment)


def _header_map(names: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in names:
        key = str(name or "").strip().lower()
        for field, aliases in HEADERS.items():
            if key in aliases and field not in found:
                found[field] = name
    missing = [f for f in HEADERS if f not in found]
    if missing:
        raise AttendanceFileError([InvalidRow(1, f, "missing column") for f in missing])
    return found


def _cell_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def read_frame(path: Path) -> pl.DataFrame:
    """The file as a frame of text columns (cohort, trainee, date, mark) and the sheet row."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            raw = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
            names = raw.columns
            columns = _header_map(names)
            frame = raw.select(*(pl.col(columns[f]).str.strip_chars().alias(f) for f in HEADERS))
        elif suffix in (".xlsx", ".xlsm"):
            check_xlsx(str(path))
            frame = _read_xlsx(path)
    except (pl.exceptions.PolarsError, zipfile.BadZipFile, SpreadsheetTooLarge, KeyError, OSError) as error:
        raise AttendanceFileError([InvalidRow(0, "file", f"not a readable attendance file: {error}"[:300])]) from None
    if suffix not in (".csv", ".xlsx", ".xlsm"):
        raise AttendanceFileError([InvalidRow(0, "file", "use an .xlsx or .csv file")])
    numbered = frame.with_columns(pl.int_range(2, pl.len() + 2, dtype=pl.Int64).alias("row"))
    return numbered.filter(~pl.all_horizontal(pl.col(f).is_null() for f in HEADERS))


def _read_xlsx(path: Path) -> pl.DataFrame:
    """The first sheet through python-calamine (50,000 rows in under a second; openpyxl took
    11–15 s), from A1 so rows keep the sheet's numbers."""
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            table = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except CalamineError as error:
        raise AttendanceFileError([InvalidRow(0, "file", f"not a readable attendance file: {error}"[:300])]) from None
    if not table:
        raise AttendanceFileError([InvalidRow(1, "file", "the sheet is empty")])
    header = table[0]
    columns = _header_map([str(h) if h is not None else "" for h in header])
    positions = {f: list(header).index(columns[f]) for f in HEADERS}
    data: dict[str, list[str | None]] = {f: [] for f in HEADERS}
    for values in table[1:]:
        for field, at in positions.items():
            data[field].append(_cell_text(values[at]) if at < len(values) else None)
    return pl.DataFrame(data, schema={f: pl.String for f in HEADERS})


def _map_unique(texts: pl.Series, parse: Any, dtype: Any) -> pl.Series:
    """Parse each distinct cell once (a year of attendance has a few hundred distinct dates
    and a handful of marks among millions of cells) and map the column through the result."""
    unique = texts.drop_nulls().unique()
    table = pl.DataFrame({"text": unique, "value": [parse(t) for t in unique.to_list()]},
                         schema={"text": pl.String, "value": dtype})
    return texts.to_frame("text").join(table, on="text", how="left",
                                       maintain_order="left")["value"]


def _mark_code(text: str) -> int | None:
    mark = parse_mark(text)
    return None if mark is None else int(mark)


_DATE_LAYOUTS = ("%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d", "%Y. %m. %d", "%Y.%m.%d.")


def _day_number(text: str) -> int | None:
    """YYYY-MM-DD (a time part ignored), YYYY.MM.DD, YYYY/MM/DD or YYYYMMDD → YYYYMMDD."""
    text = text.strip()
    if text.isdigit():
        candidates = [(text, "%Y%m%d")] if len(text) == 8 else []
    else:
        candidates = [(text, layout) for layout in _DATE_LAYOUTS]
        candidates += [(text[:10], "%Y-%m-%d")] if len(text) > 10 and text[10] in " T" else []
    for value, layout in candidates:
        try:
            day = dt.datetime.strptime(value, layout).date()
        except ValueError:
            continue
        return day.year * 10000 + day.month * 100 + day.day
    return None


def check(frame: pl.DataFrame, roster: Roster) -> AttendanceRows:
    """Every row checked; raises ``AttendanceFileError`` listing the problems, else the rows."""
    problems: list[tuple[pl.Series, str, str]] = []
    rows = frame["row"]
    for field in HEADERS:
        problems.append((rows.filter(frame[field].is_null()), field, "empty"))
    day = _map_unique(frame["date"], _day_number, pl.Int64)
    problems.append((rows.filter(frame["date"].is_not_null() & day.is_null()), "date",
                     "not a date (use YYYY-MM-DD)"))
    mark = _map_unique(frame["mark"], _mark_code, pl.Int8)
    problems.append((rows.filter(frame["mark"].is_not_null() & mark.is_null()), "mark",
                     "unknown mark (출석, 지각, 결석, 공결)"))
    keys = pl.DataFrame(
        {"cohort": [c for c, _ in roster.enrolments], "trainee": [t for _, t in roster.enrolments],
         "enrolment": list(roster.enrolments.values())},
        schema={"cohort": pl.String, "trainee": pl.String, "enrolment": pl.Int64})
    joined = frame.select("cohort", "trainee").join(keys, on=["cohort", "trainee"], how="left",
                                                    maintain_order="left")
    enrolment = joined["enrolment"]
    known_cohorts = set(roster.session_days)
    cohort_known = frame["cohort"].is_in(list(known_cohorts))
    problems.append((rows.filter(frame["cohort"].is_not_null() & ~cohort_known), "cohort",
                     "unknown cohort"))
    problems.append((rows.filter(cohort_known & frame["trainee"].is_not_null()
                                 & enrolment.is_null()), "trainee",
                     "not enrolled in this cohort"))
    sessions = pl.DataFrame(
        [(c, int(d)) for c, days in roster.session_days.items() for d in days],
        schema={"cohort": pl.String, "day": pl.Int64}, orient="row",
    ).with_columns(pl.lit(True).alias("is_session"))
    on_session = frame.select("cohort").with_columns(day.alias("day")).join(
        sessions, on=["cohort", "day"], how="left", maintain_order="left")["is_session"]
    problems.append((rows.filter(cohort_known & day.is_not_null() & on_session.is_null()),
                     "date", "not a session day of this cohort"))
    pair = enrolment * 100_000_000 + day  # null where either is
    duplicate = pair.is_duplicated() & pair.is_not_null()
    problems.append((rows.filter(duplicate), "date", "the same trainee and day appear twice"))
    found = [InvalidRow(int(r), column, reason) for series, column, reason in problems
             for r in series.to_list()]
    if found:
        found.sort(key=lambda p: (p.row, p.column))
        raise AttendanceFileError(found[:MAX_PROBLEMS], len(found))
    return AttendanceRows(enrolment.to_numpy().astype(np.int64), day.to_numpy().astype(np.int64),
                          mark.to_numpy().astype(np.int8), rows.to_numpy())
