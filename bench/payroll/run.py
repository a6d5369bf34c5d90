"""Payroll benchmark: one month for 16,000 public-job participants (issue 6 §5).

The population follows the 2025 plan's shares (동행일자리 12,890 people at 6 h a day, the rest
매력일자리 at 8 h); every working day of July 2025 (and the last day of June that opens its first
week) has a timesheet row, about 2 % of them unpaid absences and 3 % paid leave. The pure step is
``month_rules`` + ``compute_month`` + ``compute_deductions`` over columns; the goal for the whole
run (database included) is under 10 s.

    .venv/bin/python -m bench payroll [--participants 16000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Sequence

import numpy as np

from ilja.publicjobs.deductions import compute_deductions, deduction_rules
from ilja.publicjobs.payroll import Entries, Placements, compute_month, month_rules
from ilja.publicjobs.timesheet import KIND_CODES, EntryKind
from ilja.rules.parameters import default_tree

GOAL_SECONDS = 10.0
PROGRAMS = ("companion_jobs", "attractive_jobs")
YEAR, MONTH = 2025, 7


def synthetic_month(participants: int, seed: int = 7) -> tuple[Placements, Entries]:
    """Placements and a month of timesheet rows as columns."""
    rng = np.random.default_rng(seed)
    companion = participants * 12_890 // 16_000
    program = np.where(np.arange(participants) < companion, 0, 1).astype(np.int64)
    start = np.where(program == 0, dt.date(2025, 7, 1).toordinal(), dt.date(2025, 3, 1).toordinal())
    end = np.where(program == 0, dt.date(2025, 12, 20).toordinal(), dt.date(2025, 12, 31).toordinal())
    daily = np.where(program == 0, 6000, 8000).astype(np.int64)
    placements = Placements(program, start.astype(np.int64), end.astype(np.int64), daily,
                            np.full(participants, 5, dtype=np.int64))
    first = dt.date(YEAR, MONTH, 1)
    monday = first - dt.timedelta(days=first.weekday())
    days = np.array([(monday + dt.timedelta(days=i)).toordinal() for i in range(first.weekday() + 31)
                     if (monday + dt.timedelta(days=i)).weekday() < 5], dtype=np.int64)
    who = np.repeat(np.arange(participants, dtype=np.int64), len(days))
    day = np.tile(days, participants)
    inside = (day >= start[who]) & (day <= end[who])
    who, day = who[inside], day[inside]
    draw = rng.random(len(who))
    kind = np.full(len(who), KIND_CODES[EntryKind.WORKED], dtype=np.int8)
    kind[draw < 0.05] = KIND_CODES[EntryKind.PAID_LEAVE]
    kind[draw < 0.02] = KIND_CODES[EntryKind.UNPAID_ABSENCE]
    hours = np.where(kind == KIND_CODES[EntryKind.UNPAID_ABSENCE], 0, daily[who])
    return placements, Entries(who, day, kind, hours)


def pure_run(placements: Placements, entries: Entries) -> int:
    tree = default_tree()
    rules = month_rules(tree, PROGRAMS, YEAR, MONTH)
    pay = compute_month(rules, placements, entries)
    n = len(placements)
    none = np.zeros(n, dtype=bool)
    deductions = compute_deductions(deduction_rules(tree, dt.date(YEAR, MONTH, 31)), pay.gross,
                                    pension_exempt=none, employment_exempt=none)
    return int((pay.gross - deductions.total).sum())


def _time(label: str, rows: int, repeat: int, action) -> float:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        times.append(time.perf_counter() - began)
    best = min(times)
    print(f"{label:<28} {rows:>9,} rows  best {best:7.3f} s  median {statistics.median(times):7.3f} s"
          f"  {rows / best:>12,.0f} rows/s", flush=True)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench payroll", description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=16_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(list(argv or []))
    placements, entries = synthetic_month(args.participants)
    rows = len(entries.day)
    print(f"{args.participants:,} participants, {rows:,} timesheet rows, {YEAR}-{MONTH:02d}")
    best = _time("pure calculation", rows, args.repeat, lambda: pure_run(placements, entries))
    status = 0 if best < GOAL_SECONDS else 1
    return status


if __name__ == "__main__":
    raise SystemExit(main())
