"""``ilja rights``: make due prior notices take effect (run daily, e.g. by cron or the worker's
host), and list the open objections with their deadlines."""

from __future__ import annotations

import datetime as dt

import typer

from ilja import clock
from ilja.db import transaction

rights_app = typer.Typer(no_args_is_help=True)


@rights_app.command("effect")
def effect(on: str = typer.Option("", help="As of this Seoul date (YYYY-MM-DD); default today.")) -> None:
    """Decisions whose answer window closed without an answer take effect (행정절차법 §21)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.rights import service

    day = dt.date.fromisoformat(on) if on else clock.today()
    with transaction() as session:
        done = service.take_effect_due(session, on=day)
        typer.echo(f"{len(done)} decision(s) took effect on {day.isoformat()}: "
                   f"{', '.join(str(d.id) for d in done) or '-'}")


@rights_app.command("queue")
def queue() -> None:
    """Open objections, the nearest deadline first (ids and dates only)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.rights import service

    with transaction() as session:
        for appeal, decision in service.queue(session):
            late = " OVERDUE" if appeal.due_on < clock.today() else ""
            typer.echo(f"#{appeal.id} {decision.kind} filed {appeal.filed_on} due {appeal.due_on} "
                       f"{appeal.status}{late}")
