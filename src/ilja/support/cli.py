"""``ilja support``: pass rates, publishing the year's certification figures to the outcomes
KPIs, budgets, and the list of claims waiting for a decision."""

from __future__ import annotations

import getpass
import json

import typer
from rich.table import Table

from ilja import clock
from ilja.cli_common import err, print_table
from ilja.db import transaction

support_app = typer.Typer(no_args_is_help=True)


def _actor():
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", "program_manager", "cli")


@support_app.command("pass-rates")
def pass_rates(by: str = typer.Option("campus", help="campus, course or all"),
               year: int | None = typer.Option(None, help="Exams of this year only."),
               fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Certification pass rates (sittings with a result) by campus or course."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import certification_service as cert

    if by not in ("campus", "course", "all"):
        err.print("[red]error:[/red] --by is campus, course or all")
        raise typer.Exit(2)
    with transaction() as session:
        rows = cert.pass_rate_rows(session, by, year=year)  # type: ignore[arg-type]
    if fmt == "json":
        typer.echo(json.dumps([{"key": r.key, "sat": r.sat, "passed": r.passed,
                                "percent": float(r.percent) if r.percent is not None else None} for r in rows]))
        return
    table = Table("group", "sat", "passed", "rate %")
    for r in rows:
        table.add_row(r.key, f"{r.sat:,}", f"{r.passed:,}", str(r.percent))
    print_table(table)


@support_app.command("publish")
def publish(year: int = typer.Option(..., help="The year whose figures go to the outcomes KPIs.")) -> None:
    """Write the year's support figures (certifications, start-ups, employer events, alumni) into the outcomes KPIs."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import figures as support_figures

    with transaction() as session:
        figures = support_figures.publish_all(session, year=year, actor=_actor())
    typer.echo(json.dumps({"year": year, **figures}))


@support_app.command("budget")
def budget(kind: str = typer.Option(...), year: int = typer.Option(...), amount: int = typer.Option(...),
           source: str = typer.Option(..., help="Where the figure comes from.")) -> None:
    """Set a support budget (certification_fee, training_subsidy) for a year."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import budgets
    from ilja.support.errors import SupportError

    try:
        with transaction() as session:
            row = budgets.set_budget(session, kind=kind, year=year, amount_won=amount, source=source,
                                     actor=_actor())
            typer.echo(json.dumps({"kind": row.kind, "year": row.year, "amount_won": row.amount_won,
                                   "committed_won": row.committed_won}))
    except SupportError as error:
        err.print(f"[red]error:[/red] {error.message_en}")
        raise typer.Exit(1) from None


@support_app.command("claims")
def claims(status: str = typer.Option("submitted"), fmt: str = typer.Option("table", "--format")) -> None:
    """Fee claims in a status (ids and amounts only)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import certification_service as cert

    with transaction() as session:
        rows = [(c.id, c.person_id, c.claimed_on.isoformat(), c.amount_entitled_won, c.status)
                for c in cert.claims(session, status=status)]
    if fmt == "json":
        typer.echo(json.dumps([dict(zip(("id", "person_id", "claimed_on", "amount_won", "status"), r,
                                        strict=True)) for r in rows]))
        return
    table = Table("claim", "person", "claimed on", "amount (won)", "status")
    for r in rows:
        table.add_row(str(r[0]), str(r[1]), r[2], f"{r[3]:,}", r[4])
    print_table(table)


@support_app.command("startup-outcomes")
def startup_outcomes() -> None:
    """Record the "startup" outcome of members of launched teams who have completed since (idempotent)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import startup_service

    with transaction() as session:
        count = startup_service.record_pending_outcomes(session, actor=_actor())
    typer.echo(json.dumps({"recorded": count}))


@support_app.command("subsidy-run")
def subsidy_run(month: str = typer.Option(..., help="YYYY-MM"),
                fmt: str = typer.Option("table", "--format", help="table or json")) -> None:
    """Pay every active training subsidy for a month once (attendance from training or the online progress)."""

    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import subsidy_service
    from ilja.support.errors import SupportError

    try:
        with transaction() as session:
            result = subsidy_service.run_month(session, month=month, run_on=clock.today(), actor=_actor())
    except SupportError as error:
        err.print(f"[red]error:[/red] {error.message_en}")
        raise typer.Exit(1) from None
    figures = {"month": result.month, "paid": result.paid, "withheld": result.withheld,
               "amount_won": result.amount_won, "skipped": result.skipped,
               "awaiting": result.awaiting}
    if fmt == "json":
        typer.echo(json.dumps(figures))
        return
    table = Table(*figures)
    table.add_row(*(f"{v:,}" if isinstance(v, int) else v for v in figures.values()))
    print_table(table)


@support_app.command("alumni-publish")
def alumni_publish(
        year: int = typer.Option(..., help="The year whose alumni participation goes to the outcomes KPIs.")) -> None:
    """Write the year's alumni participation (active members, mentoring, talent donation, scholarships) to the KPIs."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.support import alumni_service

    with transaction() as session:
        figures = alumni_service.publish(session, year=year, actor=_actor())
    typer.echo(json.dumps({"year": year, **figures}))
