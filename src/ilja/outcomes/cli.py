"""``ilja report`` (XLSX workbook or PDF summary) and ``ilja outcomes`` (KPIs, sync, demo data)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typer
from rich.table import Table

from ilja.cli_common import LangOption, err, print_table
from ilja.config import get_settings
from ilja.db import engine_for, transaction, upgrade

report_app = typer.Typer(invoke_without_command=True, no_args_is_help=False)
outcomes_app = typer.Typer(no_args_is_help=True)


def _engine():
    url = get_settings().database_url
    upgrade(url)
    return engine_for(url)


@report_app.callback()
def report(
    year: int = typer.Option(..., "--year", min=2021, max=2030, help="Year reported."),
    fmt: str = typer.Option("xlsx", "--format", help="xlsx (tables per program) or pdf (summary with charts)."),
    output: Path | None = typer.Option(None, "--output", "-o",
                                       help="File to write (default ilja-outcomes-<year>.<format>)."),
    program: str | None = typer.Option(None, "--program", help="One program only (e.g. youth_academy)."),
    campus: str | None = typer.Option(None, "--campus", help="One campus or institute only (e.g. campus.mapo)."),
    lang: LangOption = "ko",
    as_of: str | None = typer.Option(None, "--as-of", help="Outcomes known by this date (YYYY-MM-DD)."),
) -> None:
    """Write the outcomes report for a year: ``ilja report --year 2025 --format xlsx|pdf``."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit
    from ilja.outcomes.queries import Filters
    from ilja.outcomes.reports import MEDIA_TYPES, render_report

    if fmt not in MEDIA_TYPES:
        err.print(f"[red]error:[/red] --format {fmt!r}: xlsx or pdf")
        raise typer.Exit(2)
    try:
        day = dt.date.fromisoformat(as_of) if as_of else None
    except ValueError:
        err.print(f"[red]error:[/red] --as-of {as_of!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None
    target = output or Path(f"ilja-outcomes-{year}.{fmt}")
    with err.status(f"building the {fmt} report for {year}…"), transaction(_engine()) as session:
        content = render_report(session, fmt, year=year, filters=Filters(program, campus), lang=lang, as_of=day)
        audit.record(session, audit.SYSTEM_ACTOR, "outcome.report.cli", object_type="report",
                     object_id=f"{year}.{fmt}", details={"program": program, "campus": campus})
    target.write_bytes(content)
    err.print(f"• wrote {target} ({len(content):,} bytes)")


@outcomes_app.command("kpis")
def kpis(year: int = typer.Option(2025, "--year"),
         fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Every target against its actual figure, with the gap."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.outcomes import dashboard

    with transaction(_engine()) as session:
        d = dashboard.build(session, year=year)
    rows = [{"key": k.target.key, "target": k.target.value, "target_max": k.target.value_max,
             "actual": None if k.actual is None else float(k.actual.value),
             "actual_year": None if k.actual is None else k.actual.year,
             "gap": None if k.gap is None else float(k.gap), "status": k.status} for k in d.kpis]
    if fmt == "json":
        typer.echo(json.dumps({"year": year, "rates": [
            {"definition": r.rule.name, "numerator": r.group.numerator, "denominator": r.group.denominator,
             "percent": None if r.group.percent is None else float(r.group.percent)} for r in d.rates],
            "kpis": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"targets against results, {year}")
    for column in ("target", "goal", "actual", "year", "gap", "status"):
        table.add_column(column)
    for row in rows:
        goal = f"{row['target']}–{row['target_max']}" if row["target_max"] else str(row["target"])
        table.add_row(row["key"], goal, str(row["actual"] if row["actual"] is not None else "—"),
                      str(row["actual_year"] or "—"), str(row["gap"] if row["gap"] is not None else "—"), row["status"])
    print_table(table)


@outcomes_app.command("sync")
def sync() -> None:
    """Read completions from the other domains (today: completed applications)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit
    from ilja.outcomes.service import sync_from_applications

    with transaction(_engine()) as session:
        result = sync_from_applications(session, actor=audit.SYSTEM_ACTOR)
    err.print(f"• read {result.read:,} completions from {', '.join(result.sources)}; {result.created:,} new")


@outcomes_app.command("fill-demo")
def fill_demo(seed: int = typer.Option(2025, "--seed"),
              scale: float = typer.Option(0.1, "--scale", min=0.001, max=10)) -> None:
    """Fill synthetic outcomes, alumni and alliance members for the demo (seeded)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.outcomes.demo_data import fill_demo_outcomes

    with transaction(_engine()) as session:
        result = fill_demo_outcomes(session, seed=seed, scale=scale)
    if result.reused:
        err.print(f"• the outcomes of seed {seed} are there already: nothing added")
        return
    err.print(f"• {result.participations:,} participations, {result.outcomes:,} outcomes, "
              f"{result.alumni:,} alumni, {result.alliance:,} alliance members")


@outcomes_app.command("recount-states")
def recount_states() -> None:
    """Count every completer's states anew from the outcome rows (outcome_states), for every rate
    definition in the rules data and every one kept: after a rules change that judges
    outcomes differently, or to repair the table (writers keep it current otherwise)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit
    from ilja.outcomes import states

    with transaction(_engine()) as session:
        counted = states.recount(session)
        audit.record(session, audit.SYSTEM_ACTOR, "outcome.states.recount",
                     details={"judges": len(counted), "states": sum(counted.values())})
    for key, rows in counted.items():
        err.print(f"• {key}: {rows:,} completers counted or excluded")


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report", help="Outcomes report: XLSX workbook or PDF summary.")
    app.add_typer(outcomes_app, name="outcomes", help="Outcomes: KPIs against targets, sync, demo data, states.")
