"""``ilja demo``: everything a new user needs to click through Ilja, then the web server.

Migrates the database (SQLite by default), stores the 2025 plan, makes the synthetic population
and prints what is there, then serves the web app and API on http://127.0.0.1:8000.
"""

from __future__ import annotations

import datetime as dt

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def prepare(size: int, seed: int) -> None:
    from ilja.config import get_settings
    from ilja.db import engine_for, transaction, upgrade
    from ilja.people.service import eligibility_summary, ensure_population
    from ilja.programs.plan import load_plan
    from ilja.programs.service import store_plan

    settings = get_settings()
    console.print(f"• database: {settings.database_url}")
    upgrade(settings.database_url)
    plan = load_plan()
    with transaction(engine_for(settings.database_url)) as session:
        store_plan(session, plan)
    console.print(f"• 2025 plan stored: {len(plan.programs)} programs, "
                  f"{len(plan.warnings)} inconsistencies in the sources (see /plan)")
    for warning in plan.warnings:
        console.print(f"  [yellow]![/yellow] {warning.message_ko}")
    population = ensure_population(size, seed)
    console.print(f"• synthetic population: {len(population):,} Seoul residents (seed {seed})")
    summary = eligibility_summary(dt.date.today())
    if summary:
        table = Table(title=f"eligible today ({summary.on.isoformat()})")
        table.add_column("program")
        table.add_column("persons", justify="right")
        for code, count in summary.eligible.items():
            table.add_row(code, f"{count:,}")
        console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo(
        size: int = typer.Option(200_000, "--size", min=1, help="Synthetic residents to generate."),
        seed: int = typer.Option(2025, "--seed", help="Seed of the synthetic population."),
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
        serve: bool = typer.Option(True, "--serve/--no-serve", help="Start the web server afterwards."),
    ) -> None:
        """Set up the demo (migrations, 2025 plan, synthetic population) and run the web app."""
        prepare(size, seed)
        if serve:
            import uvicorn

            console.print(f"• Ilja at http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
            uvicorn.run("ilja.web.app:create_app", factory=True, host=host, port=port)
