"""``ilja db``: apply migrations on SQLite or PostgreSQL."""

from __future__ import annotations

import typer

from ilja.config import get_settings
from ilja.db import current_revision, upgrade

app = typer.Typer(no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    revision: str = typer.Argument("heads", help="Target revision (default: the newest of every branch)."),
    url: str = typer.Option(None, "--url", help="Database URL (default: ILJA_DATABASE_URL)."),
) -> None:
    """Apply migrations up to REVISION (default: the newest of every branch)."""
    target = url or get_settings().database_url
    upgrade(target, revision)
    typer.echo(f"database at revision {current_revision(target)}")


@app.command("current")
def current_command(url: str = typer.Option(None, "--url")) -> None:
    """Show the database's current revision."""
    typer.echo(current_revision(url or get_settings().database_url) or "(empty)")
