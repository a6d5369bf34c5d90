"""``ilja backup --output DIR`` and ``ilja restore --input DIR`` (top-level commands)."""

from __future__ import annotations

from pathlib import Path

import typer

from ilja.cli_common import err, out
from ilja.config import get_settings
from ilja.ops.backup import BackupError, backup, restore


def backup_command(output: Path = typer.Option(..., "--output", help="An empty or new folder."),
                   portable: bool = typer.Option(False, help="PostgreSQL: JSON lines per table "
                                                 "instead of pg_dump.")) -> None:
    """Back up the database (SQLite: online backup API; PostgreSQL: pg_dump, or portable)."""
    try:
        report = backup(get_settings().database_url, output, portable=portable)
    except BackupError as error:
        err.print(f"[red]backup refused:[/red] {error}")
        raise typer.Exit(1) from None
    out.print(f"backup written to {output} ({report.method}): {len(report.tables)} tables, "
              f"{report.rows:,} rows. The data key file is NOT in it: keep it apart.")


def restore_command(input: Path = typer.Option(..., "--input", help="A folder made by ilja backup.")) -> None:  # noqa: A002
    """Restore a backup into the (empty) database of ILJA_DATABASE_URL."""
    try:
        report = restore(input, get_settings().database_url)
    except BackupError as error:
        err.print(f"[red]restore refused:[/red] {error}")
        raise typer.Exit(1) from None
    out.print(f"restored from {input} ({report.method}): {len(report.tables)} tables, {report.rows:,} rows; "
              "check with: ilja audit verify")


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
