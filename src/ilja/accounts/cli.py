"""``ilja users`` and ``ilja audit``: the first administrator, accounts, the audit chain."""

from __future__ import annotations

import getpass
import sys

import typer
from rich.table import Table

from ilja.accounts.roles import Role
from ilja.cli_common import err, out, print_table
from ilja.config import get_settings
from ilja.db import engine_for, transaction

users_app = typer.Typer(no_args_is_help=True)
audit_app = typer.Typer(no_args_is_help=True)


def _transaction():
    return transaction(engine_for(get_settings().database_url))


@users_app.command("create")
def create(
    login: str = typer.Option(..., "--login", help="Login name."),
    role: Role = typer.Option(Role.ADMIN, "--role", help="citizen | job_coordinator | operator | "
                                                         "program_manager | auditor | admin"),
    name: str = typer.Option(..., "--name", help="Display name."),
    site: str = typer.Option(None, "--site", help="Operator's site code (campus or institute)."),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
) -> None:
    """Create an account (the first administrator, or any role). Asks for the password.

    The command line runs with the database's credentials, so, like the demo, it approves its
    own grants as the system (audited as such); on the web a second administrator must."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import service

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password / 비밀번호", hide_input=True, confirmation_prompt=True)
    try:
        with _transaction() as session:
            user = service.create_user(session, login=login, password=password, role=role,
                                       display_name=name, site_code=site)
            user_id = user.id
    except service.AccountError as exc:
        err.print(f"[red]error:[/red] {exc.message_ko} / {exc.message_en}")
        raise typer.Exit(1) from None
    out.print(f"created user {login} ({role.value}, id {user_id})")


@users_app.command("list")
def list_users() -> None:
    """Every account with its role."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import service

    with _transaction() as session:
        table = Table()
        for column in ("id", "login", "name", "role", "site", "active", "pending"):
            table.add_column(column)
        for user in service.list_users(session):
            table.add_row(str(user.id), user.login, user.display_name, user.role, user.site_code or "",
                          "yes" if user.active else "no", user.pending_role or "")
    print_table(table)


@audit_app.command("verify")
def verify() -> None:
    """Walk the audit log's hash chain, every shown column and every published head; exit 1 at
    the first broken link."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    with _transaction() as session:
        report = audit.verify(session, heads_file=audit.configured_heads_file())
    if report.ok:
        out.print(f"audit chain intact: {report.checked:,} entries, head {report.head.sequence}")
        return
    err.print(f"[red]audit chain broken at {report.first_bad_sequence}:[/red] {report.problem} — {report.message}")
    raise typer.Exit(1)


@audit_app.command("publish-head")
def publish_head() -> None:
    """Seal the verified chain head with the audit seal key and append it to the published-heads
    file (run daily from cron or a systemd timer; copy the file off the server)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    path = audit.configured_heads_file()
    actor = audit.Actor(f"cli:{getpass.getuser()}", audit.SYSTEM, "cli")
    try:
        head = audit.publish_head(engine_for(get_settings().database_url), actor, heads_file=path)
    except audit.ChainBroken as exc:
        report = exc.report
        err.print(f"[red]not published: audit chain broken at {report.first_bad_sequence}:[/red] "
                  f"{report.problem} — {report.message}")
        raise typer.Exit(1) from None
    except audit.SealKeyMissing as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    out.print(f"published head {head.sequence} {head.entry_hash} at {head.sealed_at} to {path}")


@audit_app.command("report")
def report(month: str = typer.Option(..., "--month", help="YYYY-MM")) -> None:
    """The monthly review report of the access log."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    try:
        with _transaction() as session:
            result = audit.monthly_report(session, month, heads_file=audit.configured_heads_file())
    except ValueError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from None
    out.print(f"[bold]{month}[/bold]: {result.entries:,} entries, {result.personal_data_reads:,} "
              f"personal-data reads, {result.downloads:,} downloads "
              f"({result.downloads_without_reason} without reason), {result.night_entries:,} at night; "
              f"chain {'intact' if result.chain.ok else 'BROKEN'}")
    head = result.published_head
    out.print(f"last published head: {head.sequence} {head.entry_hash} at {head.sealed_at}" if head
              else "last published head: none this month")
    table = Table(title="by action")
    table.add_column("action")
    table.add_column("entries", justify="right")
    for action, count in result.by_action.items():
        table.add_row(action, f"{count:,}")
    print_table(table)
