"""Selection benchmark: a 동행일자리-sized round, full selection with quota and lottery.

Issue 3 §5: 100,000 applicants over 715 projects in five fields, goal under 2 s. The round is
synthetic but shaped by the 2025 plan (``programs/data``: 715 projects, 12,890 people, the five
fields' planned head counts as field totals); the priority share is the 기술교육원 parameter
(``tech_institute.eligibility.priority_share``), applied to every project to exercise the quota.

    .venv/bin/python -m bench selection [--applicants 100000] [--choices 1] [--repeat 3] [--quick]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from bench import options
from ilja.programs.loader import load_plan
from ilja.rules.parameters import default_tree
from ilja.selection import (
    Applicant,
    SelectionInputs,
    SelectionPolicy,
    Unit,
    UnitGroup,
    allocate,
    lottery_keys,
    new_seed,
    run_selection,
    selection_stats,
    verify,
    withdraw,
)
from ilja.selection.columns import build_problem

GOAL_SECONDS = 2.0
ROUND_DATE = dt.date(2025, 5, 1)  # the second-half 2025 selection (seoul-2025-jobs-plan §2)


def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    shares = np.asarray(weights, dtype=np.float64) / float(sum(weights)) * total
    whole = np.floor(shares).astype(np.int64)
    rest = np.argsort(-(shares - whole))[: total - int(whole.sum())]
    whole[rest] += 1
    return whole.tolist()


def synthetic_round(applicants: int, choices: int, rng: np.random.Generator) -> SelectionInputs:
    """715 projects in five fields with 12,890 seats (the plan), and ``applicants`` applications."""
    program = load_plan().program("companion_jobs")
    assert program.projects is not None and program.people is not None
    fields = [t for t in program.tracks if t.kind == "field" and t.people is not None]
    planned = [int(t.people.value) for t in fields if t.people is not None]
    n_projects, n_seats = int(program.projects.value), int(program.people.value)
    projects_per_field = _largest_remainder(n_projects, planned)
    seats_per_field = _largest_remainder(n_seats, planned)
    units: list[Unit] = []
    for field, count, seats in zip(fields, projects_per_field, seats_per_field, strict=True):
        split = rng.multinomial(seats - count, rng.dirichlet(np.full(count, 2.0))) + 1
        units += [Unit(f"{field.code}.p{k:03d}", int(s), field.code) for k, s in enumerate(split)]
    groups = [UnitGroup(t.code, p) for t, p in zip(fields, planned, strict=True)]
    capacity = np.array([u.capacity for u in units], dtype=np.float64)
    popularity = capacity * rng.lognormal(0.0, 0.6, len(units))
    picks = np.stack([rng.choice(len(units), size=applicants, p=popularity / popularity.sum())
                      for _ in range(choices)], axis=1)
    eligible = rng.random(applicants) < 0.85
    priority = rng.random(applicants) < 0.2
    score = rng.integers(0, 21, applicants).astype(np.float64)  # bonus points: many ties
    unit_ids = [u.id for u in units]
    people = [
        Applicant(f"2025H2-{i:06d}", bool(eligible[i]), float(score[i]), bool(priority[i]),
                  tuple(dict.fromkeys(unit_ids[u] for u in picks[i])))
        for i in range(applicants)
    ]
    return SelectionInputs("companion_jobs-2025-H2-bench", people, units, groups)


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/selection", description=__doc__.splitlines()[0])
    parser.add_argument("--applicants", type=int, default=100_000)
    parser.add_argument("--choices", type=int, default=1, help="units listed per applicant")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--seed", type=int, default=2025, help="synthetic data seed")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    args = options.parse(parser, argv, applicants=3000, repeat=1)

    inputs = synthetic_round(args.applicants, args.choices, np.random.default_rng(args.seed))
    policy = SelectionPolicy.from_parameters(default_tree(), ROUND_DATE)
    seed = new_seed()
    ids = [a.id for a in inputs.applicants]
    n = len(ids)

    t_lottery, keys = _time(lambda: lottery_keys(seed, ids), args.repeat)
    t_build, problem = _time(lambda: build_problem(inputs, keys), args.repeat)
    t_allocate, allocation = _time(lambda: allocate(inputs, keys, policy), args.repeat)
    t_run, run = _time(lambda: run_selection(inputs, policy, seed), args.repeat)
    t_verify, verified = _time(lambda: verify(run, inputs), 1)
    seated = np.flatnonzero(allocation.unit >= 0)
    leavers = {ids[int(seated[0])]: "declined"} if seated.size else {}
    t_withdraw, promotion = _time(lambda: withdraw(allocation, leavers), 1)
    t_stats, stats = _time(lambda: selection_stats(allocation), 1)
    del problem

    selection = t_lottery + t_allocate
    result = {
        "benchmark": "selection",
        "applicants": n,
        "units": len(inputs.units),
        "fields": len(inputs.groups),
        "seats": int(sum(u.capacity for u in inputs.units)),
        "choices_per_applicant": args.choices,
        "priority_share": str(policy.priority_share),
        "order": policy.order.value,
        "rounds": allocation.rounds,
        "selected": stats.selected,
        "selected_reserved": stats.selected_reserved,
        "reverted_seats": stats.reverted_seats,
        "competition_rate": str(stats.competition_rate),
        "seconds": {
            "lottery": round(t_lottery, 4),
            "build_columns": round(t_build, 4),
            "allocate": round(t_allocate, 4),
            "selection_with_lottery": round(selection, 4),
            "run_selection_with_hashes": round(t_run, 4),
            "verify": round(t_verify, 4),
            "withdraw_and_promote": round(t_withdraw, 4),
            "stats": round(t_stats, 4),
        },
        "applicants_per_second": round(n / t_run),
        "goal_seconds": GOAL_SECONDS,
        "goal_met": t_run < GOAL_SECONDS and bool(verified),
        "verified": bool(verified),
        "promoted": promotion.promoted,
    }
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
        return 0
    s = result["seconds"]
    print(f"selection: {n:,} applicants, {result['units']} projects in {result['fields']} fields, "
          f"{result['seats']:,} seats, {args.choices} choice(s) each, quota "
          f"{result['priority_share']} ({result['order']}), {allocation.rounds} round(s)")
    print(f"  lottery numbers        {s['lottery']:8.3f} s")
    print(f"  columns from inputs    {s['build_columns']:8.3f} s")
    print(f"  allocation             {s['allocate']:8.3f} s  (includes the columns)")
    print(f"  run_selection (all)    {s['run_selection_with_hashes']:8.3f} s  "
          f"= {result['applicants_per_second']:,} applicants/s  "
          f"[goal < {GOAL_SECONDS:.0f} s: {'met' if result['goal_met'] else 'MISSED'}]")
    print(f"  verify (re-run)        {s['verify']:8.3f} s  ({'ok' if verified else 'FAILED'})")
    print(f"  one decline + promote  {s['withdraw_and_promote']:8.3f} s")
    print(f"  statistics             {s['stats']:8.3f} s")
    print(f"  selected {stats.selected:,} ({stats.selected_reserved:,} in priority seats, "
          f"{stats.reverted_seats:,} reverted), 경쟁률 {stats.competition_rate}:1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
