"""Training benchmark: a year of daily attendance for 10,000 trainees, imported and judged.

Issue 4 §5: 10,000 trainees (the 2030 target of 10,000 a year, seoul-2025-jobs-plan §1) in cohorts of 25,
each cohort a year of weekday sessions without public holidays (``training.schedule``), about
250 days each: ~2.5 M attendance rows. The file is a **CSV** written here with polars (an
XLSX of 2.5 M rows takes minutes to write and read with openpyxl in any tool, so the XLSX path
is timed on a slice with ``--xlsx-rows``). The import is the real one
(``training.attendance_import``: read, every row checked against the roster); then every
trainee's attendance is summarised and the dropout rules evaluated — attendance and twelve
monthly assessment scores, half the cohorts starting before Academy 2.0 (threshold 70) and half
after (80). Prints rows per second for each step.

    .venv/bin/python -m bench training [--trainees 10000] [--cohort-size 25] [--xlsx-rows 50000] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from bench import options
from ilja.rules.parameters import default_tree
from ilja.training.attendance import Mark, summarise
from ilja.training.attendance_import import Roster, check, read_frame
from ilja.training.dropout import (
    DROPOUT,
    WARNING,
    DropoutRules,
    attendance_columns,
    score_columns,
    thresholds_for,
)
from ilja.training.schedule import session_days

STARTS = (dt.date(2025, 3, 3), dt.date(2025, 12, 1))  # before and after 2025-11-11
LATE, EXCUSED = 0.04, 0.02  # shares of session days


def _ymd(days: Sequence[dt.date]) -> np.ndarray:
    return np.array([d.year * 10000 + d.month * 100 + d.day for d in days], dtype=np.int64)


def build(trainees: int, cohort_size: int, seed: int) -> tuple[pl.DataFrame, Roster, dict]:
    """The attendance rows (text columns, as a file holds them) and the roster."""
    rng = np.random.default_rng(seed)
    cohorts = -(-trainees // cohort_size)
    schedules = {start: _ymd(session_days(start, start.replace(year=start.year + 1)
                                          - dt.timedelta(days=1)).sessions) for start in STARTS}
    codes, trainee_codes, enrolments, session_map = [], [], {}, {}
    cohort_of = np.arange(trainees) // cohort_size
    cohort_start = np.array([STARTS[c % 2] for c in range(cohorts)])
    for c in range(cohorts):
        codes.append(f"C{c:04d}")
        session_map[codes[-1]] = schedules[STARTS[c % 2]]
    for t in range(trainees):
        code = f"{codes[cohort_of[t]]}-{t % cohort_size + 1:03d}"
        trainee_codes.append(code)
        enrolments[(codes[cohort_of[t]], code)] = t
    parts = []
    for start, days in schedules.items():
        members = np.flatnonzero(np.array([STARTS[c % 2] == start for c in cohort_of]))
        t_col = np.repeat(members, len(days))
        d_col = np.tile(days, len(members))
        parts.append((t_col, d_col))
    t_all = np.concatenate([p[0] for p in parts])
    d_all = np.concatenate([p[1] for p in parts])
    # Each trainee has their own absence propensity (a few attend badly), lates and excused
    # days at a flat rate.
    p_absent = rng.beta(1.0, 18.0, size=trainees)[t_all]
    u = rng.random(len(t_all))
    marks = np.select([u < p_absent, u < p_absent + LATE, u < p_absent + LATE + EXCUSED],
                      [Mark.ABSENT, Mark.LATE, Mark.EXCUSED], Mark.PRESENT)
    words = np.array(["출석", "지각", "결석", "공결"])[marks]
    frame = pl.DataFrame({
        "기수": np.array(codes)[cohort_of[t_all]],
        "훈련생번호": np.array(trainee_codes)[t_all],
        "날짜": pl.Series(d_all).cast(pl.String).str.strptime(pl.Date, "%Y%m%d").dt.to_string(
            "%Y-%m-%d"),
        "출결": words,
    })
    meta = {"cohorts": cohorts, "cohort_start": cohort_start, "cohort_of": cohort_of,
            "sessions": {s: len(d) for s, d in schedules.items()}}
    return frame, Roster(enrolments, session_map), meta


def scores(trainees: int, meta: dict, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Twelve monthly assessment scores per trainee, around 85 points."""
    rng = np.random.default_rng(seed + 1)
    trainee = np.repeat(np.arange(trainees), 12)
    month = np.tile(np.arange(12), trainees)
    score = np.clip(np.round(rng.normal(85, 7, size=len(trainee))), 0, 100)
    return trainee, month, score


def evaluate(rows, trainees: int, meta: dict, score_data) -> dict[str, int]:
    """Summarise attendance and evaluate the dropout rules per cohort start (rules in force)."""
    tree = default_tree()
    cohort_start = meta["cohort_start"][meta["cohort_of"]]
    starts_int = _ymd(list(cohort_start))
    thresholds = thresholds_for(starts_int, tree)
    counts = {"attendance_warnings": 0, "attendance_dropouts": 0, "score_warnings": 0,
              "score_dropouts": 0}
    for start in STARTS:
        rules = DropoutRules.at(start, tree=tree)
        summary = summarise(rows.enrolment, rows.day, rows.mark, trainees, rules.attendance)
        mine = cohort_start == start
        outcome = attendance_columns(summary, 0, rules.attendance, rules.attendance_warnings)
        counts["attendance_warnings"] += int(((outcome.outcome == WARNING) & mine).sum())
        counts["attendance_dropouts"] += int(((outcome.outcome == DROPOUT) & mine).sum())
    allowed = np.full(trainees, DropoutRules.at(STARTS[0], tree=tree).score_warnings)
    judged = score_columns(*score_data, thresholds, allowed)
    counts["score_warnings"] = int((judged.outcome == WARNING).sum())
    counts["score_dropouts"] = int((judged.outcome == DROPOUT).sum())
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench training", description=__doc__.split("\n")[0])
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--cohort-size", type=int, default=25)
    parser.add_argument("--xlsx-rows", type=int, default=50_000,
                        help="rows of the XLSX slice timed separately (0: skip)")
    parser.add_argument("--seed", type=int, default=2025)
    args = options.parse(parser, argv, trainees=60, cohort_size=20, xlsx_rows=200)

    frame, roster, meta = build(args.trainees, args.cohort_size, args.seed)
    n = frame.height
    days = ", ".join(f"{s.isoformat()}: {d}" for s, d in meta["sessions"].items())
    print(f"trainees {args.trainees:,}, cohorts {meta['cohorts']:,}, "
          f"session days per cohort start ({days}), attendance rows {n:,}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "attendance.csv"
        frame.write_csv(path)
        print(f"CSV file {path.stat().st_size / 1e6:.0f} MB")
        began = time.perf_counter()
        rows = check(read_frame(path), roster)
        imported = time.perf_counter() - began
        assert len(rows) == n
        print(f"import CSV (read + check every row): {imported:.2f} s, {n / imported:,.0f} rows/s")
        if args.xlsx_rows:
            _xlsx(frame.head(args.xlsx_rows), roster, Path(tmp) / "attendance.xlsx")
    score_data = scores(args.trainees, meta, args.seed)
    began = time.perf_counter()
    counts = evaluate(rows, args.trainees, meta, score_data)
    judged = time.perf_counter() - began
    print(f"dropout rules (attendance + {len(score_data[0]):,} scores, two rule dates): "
          f"{judged:.2f} s, {n / judged:,.0f} attendance rows/s")
    print("findings:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    total = imported + judged
    print(f"import + evaluation: {total:.2f} s, {n / total:,.0f} rows/s")
    return 0


def _xlsx(frame: pl.DataFrame, roster: Roster, path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    book.save(path)
    began = time.perf_counter()
    rows = check(read_frame(path), roster)
    took = time.perf_counter() - began
    print(f"import XLSX slice ({len(rows):,} rows, openpyxl read-only): {took:.2f} s, "
          f"{len(rows) / took:,.0f} rows/s")


if __name__ == "__main__":
    raise SystemExit(main())
