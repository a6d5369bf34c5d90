"""KPI dashboard benchmark: every dashboard view's queries over five years of a
10,000-trainee-a-year program (50,000 completers, 150,000 follow-ups with outcomes) on PostgreSQL.

Issue 7 §4: goal under 200 ms for every view. The data is the seeded synthetic fill of
``ilja.outcomes.demo_data`` (no dropouts, every follow-up answered, so the counts are exact),
loaded into a fresh database that is dropped afterwards.

    .venv/bin/python -m bench kpi [--per-year 10000] [--repeat 5] [--url postgresql://…]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

GOAL_MS = 200.0
YEARS = (2021, 2022, 2023, 2024, 2025)
AS_OF = dt.date(2026, 12, 31)
ADMIN_URL = os.environ.get("ILJA_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RESULTS = Path(__file__).resolve().parent.parent / "results" / "kpi.json"


def _create_database(admin: str) -> tuple[str, str]:
    import psycopg

    name = f"ilja_bench_kpi_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}", name


def _drop_database(admin: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench kpi", description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-year", type=int, default=10_000, help="trainees a year (5 years)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--url", default=None, help="an existing PostgreSQL database (kept)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    from ilja.db import dispose_engines, engine_for, transaction, upgrade
    from ilja.outcomes.demo_data import fill_demo_outcomes

    url, name = (args.url, None) if args.url else _create_database(ADMIN_URL)
    try:
        upgrade(url)
        engine = engine_for(url)
        started = time.perf_counter()
        with transaction(engine) as session:
            report = fill_demo_outcomes(session, seed=7, per_year={y: args.per_year for y in YEARS},
                                        as_of=AS_OF, public_jobs=False, dropout=0.0)
        load_s = time.perf_counter() - started
        with engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
            connection.commit()
        print(f"loaded {report.participations:,} completers, {report.follow_ups:,} follow-ups, "
              f"{report.outcomes:,} outcomes, {report.alumni:,} alumni in {load_s:.1f} s")
        results = []
        with transaction(engine) as session:
            for label, run in views(session, 2025).items():
                run()  # warm the plan cache and the connection
                times = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    run()
                    times.append((time.perf_counter() - t0) * 1000)
                median, worst = statistics.median(times), max(times)
                ok = worst < GOAL_MS
                results.append({"view": label, "median_ms": round(median, 1), "max_ms": round(worst, 1), "ok": ok})
                print(f"{'ok  ' if ok else 'SLOW'} {label:<38} median {median:7.1f} ms   max {worst:7.1f} ms")
        failing = [r["view"] for r in results if not r["ok"] and not r["view"].startswith("whole")]
        summary = {"completers": report.participations, "follow_ups": report.follow_ups,
                   "outcomes": report.outcomes, "goal_ms": GOAL_MS, "repeat": args.repeat,
                   "database": "postgresql", "views": results}
        RESULTS.parent.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"goal: every view under {GOAL_MS:.0f} ms — {'met' if not failing else 'missed: ' + ', '.join(failing)}")
        return 0 if not failing else 1
    finally:
        dispose_engines()
        if name:
            _drop_database(ADMIN_URL, name)


if __name__ == "__main__":
    raise SystemExit(main())
