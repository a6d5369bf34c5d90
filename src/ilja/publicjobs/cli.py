"""``ilja payroll``: run a month's payroll, show runs, write statements and transfer files, budget."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import typer
from rich.table import Table

from ilja.cli_common import err, print_table
from ilja.db import get_engine, transaction
from ilja.files import write_atomically

payroll_app = typer.Typer(no_args_is_help=True)


def _actor():
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", "program_manager", "cli")


def _month(text: str) -> tuple[int, int]:
    try:
        day = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        err.print(f"[red]error:[/red] --month {text!r} is not a month (YYYY-MM)")
        raise typer.Exit(2) from None
    return day.year, day.month


@payroll_app.command("run")
def run(
    month: str = typer.Option(..., "--month", help="The month to pay (YYYY-MM)."),
    program: str = typer.Option(..., "--program", help="companion_jobs or attractive_jobs."),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Pay a month of a program: approved timesheets, each participant once, corrections carried."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.publicjobs.payroll_service import run_payroll
    from ilja.publicjobs.service import PublicJobError

    year, number = _month(month)
    try:
        with err.status("급여 계산 중…"), transaction(get_engine()) as session:
            result = run_payroll(session, program, year, number, actor=_actor())
    except PublicJobError as exc:
        err.print(f"[red]error:[/red] {exc.ko} ({exc.en})")
        raise typer.Exit(1) from None
    if output_format == "json":
        typer.echo(json.dumps({"run_id": result.run_id, "sequence": result.sequence, **result.totals},
                              ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{program} {month} (run {result.run_id}, #{result.sequence})")
    for column in ("lines", "gross", "adjustment", "deductions", "net"):
        table.add_column(column, justify="right")
    table.add_row(*(f"{result.totals[c]:,}" for c in ("lines", "gross", "adjustment", "deductions", "net")))
    print_table(table)


@payroll_app.command("budget")
def budget(
    year: int = typer.Option(2025, "--year"),
    output_format: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Budget, committed, paid and forecast per program, with the overspend warning."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.publicjobs.payroll_service import PROGRAMS, budget_status

    with transaction(get_engine()) as session:
        statuses = [budget_status(session, p, year) for p in PROGRAMS]
    if output_format == "json":
        typer.echo(json.dumps([s.as_dict() for s in statuses], ensure_ascii=False, indent=2))
        return
    table = Table(title=f"예산 집행 {year}")
    for column in ("program", "budget", "committed", "paid", "forecast", "warning"):
        table.add_column(column, justify="right")
    for s in statuses:
        table.add_row(s.program, f"{s.budget:,}", f"{s.committed:,}", f"{s.paid:,}", f"{s.forecast:,}",
                      "초과 예상" if s.overspend else "")
    print_table(table)


@payroll_app.command("transfer")
def transfer(
    run_id: int = typer.Option(..., "--run"),
    output: Path = typer.Option(..., "--output", help="A .csv or .xlsx file."),
    reason: str = typer.Option(..., "--reason", help="Why the file is downloaded (audited)."),
) -> None:
    """Write the run's next bank-transfer file: its payments not yet sent and the program's
    reissued ones (or its latest file again). Names and accounts are personal data: audited."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.publicjobs import documents, payment_service
    from ilja.publicjobs.payroll_service import get_run, participant_names
    from ilja.publicjobs.service import PublicJobError

    try:
        with transaction(get_engine()) as session:
            run = get_run(session, run_id)
            sent = payment_service.write_transfer(session, run.program_code, actor=_actor(), reason=reason,
                                                  run_id=run_id)
            items = payment_service.transfer_items(session, sent.id)
            names = participant_names(session, items, actor=_actor(), reason=reason, run_id=run_id)
            accounts = payment_service.accounts_for_file(session, items)
    except PublicJobError as exc:
        err.print(f"[red]error:[/red] {exc.ko} ({exc.en})")
        raise typer.Exit(1) from None
    data = documents.transfer_xlsx(items, names, accounts) if output.suffix.lower() == ".xlsx" else \
        documents.transfer_csv(items, names, accounts)
    write_atomically(output, data)  # a bank must never get half a transfer file
    err.print(f"{len(items):,} payments → {output}")


@payroll_app.command("results")
def results(
    path: Path = typer.Argument(..., help="The bank's result file (.csv or .xlsx, README layout)."),
) -> None:
    """Import the bank's result file: all rows or none (each problem printed with its row)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.publicjobs.bank_results import ResultFileRefused
    from ilja.publicjobs.payment_service import import_results

    try:
        with transaction(get_engine()) as session:
            summary = import_results(session, path.read_bytes(), path.name, actor=_actor())
    except ResultFileRefused as exc:
        for p in exc.problems:
            err.print(f"row {p.row} {p.column}: {p.ko} ({p.en})")
        err.print("[red]refused:[/red] nothing was changed")
        raise typer.Exit(1) from None
    err.print(f"{summary.rows:,} rows: {summary.paid:,} paid, {summary.rejected:,} rejected")


@payroll_app.command("reconcile")
def reconcile(
    program: str = typer.Option(..., "--program"),
    year: int = typer.Option(2025, "--year"),
) -> None:
    """The year's net pay by payment status, the budget, and every unexplained difference (JSON)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.publicjobs.reconciliation import reconcile as run_reconcile
    from ilja.publicjobs.reconciliation import summary_json

    with transaction(get_engine()) as session:
        typer.echo(summary_json(run_reconcile(session, program, year)))
