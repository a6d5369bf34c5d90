"""KPI dashboard benchmark: every dashboard view's queries over five years of a
10,000-trainee-a-year program (50,000 completers, 150,000 follow-ups with outcomes) on PostgreSQL.

Issue 7 §4: goal under 200 ms for every view. The data is the seeded synthetic fill of
``ilja.outcomes.demo_data`` (no dropouts, every follow-up answered, so the counts are exact),
loaded into a fresh database that is dropped afterwards.

    .venv/bin/python -m bench kpi [--per-year 10000] [--repeat 5] [--url postgresql://…] [--quick]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import databases, options
from bench.databases import PostgresUnreachable, scratch_postgres

GOAL_MS = 200.0
YEARS = (2021, 2022, 2023, 2024, 2025)
AS_OF = dt.date(2026, 12, 31)
RESULTS = Path(__file__).resolve().parent.parent / "results" / "kpi.json"


def views(session: Any, year: int) -> dict[str, Callable[[], Any]]:
    """Each dashboard view as the queries it runs (the page's, minus chart drawing)."""
    from ilja.outcomes import dashboard, queries
    from ilja.outcomes.queries import Filters
    from ilja.outcomes.rates import DefinitionName, cohort_for, definition

    on = dt.date(year, 12, 31)
    rules = {name: definition(name, on) for name in DefinitionName}
    cohorts = {name: cohort_for(rule, year=year, as_of=on) for name, rule in rules.items()}
    cumulative, cohort = rules[DefinitionName.CUMULATIVE], cohorts[DefinitionName.CUMULATIVE]
    year_cohort = cohort.__class__(dt.date(year, 1, 1), on, on)
    mapo = Filters(campus="campus.mapo")
    found: dict[str, Callable[[], Any]] = {
        f"rate:{name.value}": (lambda r=rule, c=cohorts[name]: queries.headline(session, r, c))
        for name, rule in rules.items()
    }
    found["rates: the three cards (one query)"] = lambda: queries.headlines(
        session, [(rule, cohorts[name]) for name, rule in rules.items()])
    found["rate:cumulative filtered by campus"] = lambda: queries.headline(session, cumulative, cohort, mapo)
    found["targets (record actuals)"] = lambda: queries.record_actuals(session, year, as_of=on)
    for dim in dashboard.BREAKDOWNS:
        found[f"breakdown:{dim}"] = lambda d=dim: queries.rate_groups(session, cumulative, cohort, dimension=d)
    found["trend:months"] = lambda: queries.rate_groups(session, cumulative, year_cohort, dimension="month")
    found["trend:years"] = lambda: (queries.rate_groups(session, cumulative, cohort, dimension="year"),
                                   queries.intake(session, years=(year - 4, year)))
    found["drill-down: first page"] = lambda: queries.rate_members(session, cumulative, cohort, status="counted")
    found["drill-down: a campus, last page"] = lambda: queries.rate_members(
        session, cumulative, cohort, dimension="campus", key="campus.mapo", offset=1900)
    found["whole dashboard (all views)"] = lambda: dashboard.build(session, year=year, as_of=on)
    return found


def _floor(session: Any, repeat: int) -> float:
    """What merely reading the outcomes costs on this machine now: any view that judges them
    reads them all (median ms of ``repeat`` counts)."""
    from sqlalchemy import text

    count = text("SELECT count(*) FROM outcome_records")
    session.execute(count)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        session.execute(count).scalar_one()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def measure(url: str, repeat: int, per_year: int, output: Path | None) -> list[str]:
    """Load the synthetic years into ``url``, then time every view ``repeat`` times; the views
    that missed the goal."""
    from ilja.db import engine_for, transaction, upgrade
    from ilja.outcomes.demo_data import fill_demo_outcomes

    upgrade(url)
    engine = engine_for(url)
    started = time.perf_counter()
    with transaction(engine) as session:
        report = fill_demo_outcomes(session, seed=7, per_year={y: per_year for y in YEARS},
                                    as_of=AS_OF, public_jobs=False, dropout=0.0)
    load_s = time.perf_counter() - started
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    print(f"loaded {report.participations:,} completers, {report.follow_ups:,} follow-ups, "
          f"{report.outcomes:,} outcomes, {report.alumni:,} alumni in {load_s:.1f} s")
    results = []
    with transaction(engine) as session:
        floor = _floor(session, repeat)
        print(f"floor: PostgreSQL counting the {report.outcomes:,} outcome rows, median {floor:.1f} ms "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        server_cpu = databases.server_cpu(session)
        for label, run in views(session, 2025).items():
            run()  # warm the plan cache and the connection
            times = []
            cpu_before = server_cpu()
            for _ in range(repeat):
                t0 = time.perf_counter()
                run()
                times.append((time.perf_counter() - t0) * 1000)
            cpu_after = server_cpu()
            cpu = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) / repeat * 1000
            median, worst = statistics.median(times), max(times)
            ok = worst < GOAL_MS
            results.append({"view": label, "median_ms": round(median, 1), "max_ms": round(worst, 1),
                            "server_cpu_ms": None if cpu is None else round(cpu), "ok": ok})
            print(f"{'ok  ' if ok else 'SLOW'} {label:<38} median {median:7.1f} ms   max {worst:7.1f} ms"
                  + ("" if cpu is None else f"   PostgreSQL CPU {cpu:5.0f} ms"))
    failing = [r["view"] for r in results if not r["ok"] and not r["view"].startswith("whole")]
    if output:
        summary = {"completers": report.participations, "follow_ups": report.follow_ups,
                   "outcomes": report.outcomes, "goal_ms": GOAL_MS, "repeat": repeat,
                   "floor_count_outcomes_ms": round(floor, 1), "load_average": os.getloadavg()[0],
                   "database": "postgresql", "views": results}
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"goal: every view under {GOAL_MS:.0f} ms — {'met' if not failing else 'missed: ' + ', '.join(failing)}")
    return failing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench kpi", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-year", type=int, default=10_000, help="trainees a year (5 years)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=None, help="an existing PostgreSQL database (kept)")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where the figures go (JSON)")
    args = options.parse(parser, argv, per_year=40, repeat=1, output=None)
    from ilja.db import dispose_engines

    database = contextlib.nullcontext(args.url) if args.url else scratch_postgres("kpi")
    try:
        with database as url:
            failing = measure(url, args.repeat, args.per_year, args.output)
        return 1 if failing and not args.quick else 0  # quick: tiny data, a loaded machine
    except PostgresUnreachable as exc:
        print(f"{exc}, skipped")
        return 0
    finally:
        dispose_engines()

if __name__ == "__main__":
    raise SystemExit(main())
