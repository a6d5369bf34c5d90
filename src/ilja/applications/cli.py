"""``ilja rounds …`` (set up, open, close, list) and ``ilja applications import FILE --round R``.

Each command is one transaction: it commits whole or not at all. Refusals print the Korean and
English message and exit 1; ``--format json`` prints machine-readable output.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Any

import typer

from ilja.applications.errors import ApplicationError, ImportRejected
from ilja.cli_common import err, out
from ilja.db import transaction
from ilja.people.rrn import RrnError

rounds_app = typer.Typer(no_args_is_help=True)
applications_app = typer.Typer(no_args_is_help=True)
KST = dt.timezone(dt.timedelta(hours=9))


def cli_actor(role: str = "program_manager") -> Any:
    """The audit actor of a command: the operating-system user, from this machine."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", role, "cli")


def fail(error: Any) -> typer.Exit:
    """Print a refusal in both languages; the caller raises the returned ``Exit``."""
    err.print(f"[red]{error.message_ko}[/red]\n({error.message_en})")
    return typer.Exit(1)


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=KST)


def _unit(text: str) -> Any:
    """``code:name:seats[:field]`` (seats empty for a field that only groups projects)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications.models import UnitKind
    from ilja.applications.rounds import UnitInput

    parts = text.split(":")
    if len(parts) < 3:
        raise typer.BadParameter(f"{text!r}: write code:name:seats[:field]")
    seats = int(parts[2]) if parts[2].strip() else None
    parent = parts[3] if len(parts) > 3 and parts[3] else None
    return UnitInput(parts[0], parts[1], UnitKind.PROJECT, seats, parent)


def _round_record(session: Any, row: Any) -> dict[str, Any]:
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import rounds, service

    return {"id": row.id, "program": row.program_code, "title": row.title, "status": row.status,
            "announced_on": row.announced_on.isoformat(),
            "opens_at": rounds.aware(row.opens_at).isoformat(),
            "closes_at": rounds.aware(row.closes_at).isoformat(),
            "starts_on": row.starts_on.isoformat(), "seed_commitment": row.seed_commitment,
            "seed_revealed": row.seed_revealed,
            "units": [{"code": u.code, "name": u.name, "kind": u.kind, "seats": u.seats,
                       "field": u.parent_code} for u in rounds.round_units(session, row.id)],
            "applications": service.status_counts(session, row.id)}


def _print_round(record: dict[str, Any], output: str) -> None:
    if output == "json":
        typer.echo(json.dumps(record, ensure_ascii=False))
        return
    out.print(f"[bold]{record['id']}[/bold] {record['title']} ({record['program']}) — "
              f"{record['status']}")
    out.print(f"  접수 {record['opens_at']} ~ {record['closes_at']}, 시작 {record['starts_on']}")
    out.print(f"  추첨 씨앗값 지문 (commitment): {record['seed_commitment'] or '—'}")
    seats = sum(u["seats"] or 0 for u in record["units"] if u["kind"] != "field")
    out.print(f"  단위 {len(record['units'])}개, 정원 {seats:,}명; 신청 {record['applications']}")


@rounds_app.command("create")
def create(
    program: str = typer.Option(..., "--program", help="Program code, e.g. companion_jobs."),
    title: str = typer.Option(..., "--title"),
    announced: str = typer.Option(..., "--announced", help="Announcement date (YYYY-MM-DD)."),
    opens: str = typer.Option(..., "--opens", help="Window opens (YYYY-MM-DDTHH:MM, Korea time)."),
    closes: str = typer.Option(..., "--closes", help="Window closes (YYYY-MM-DDTHH:MM)."),
    starts: str = typer.Option(..., "--starts", help="Work or course start date (YYYY-MM-DD)."),
    unit: list[str] = typer.Option([], "--unit", help="code:name:seats[:field], repeatable."),
    from_plan: bool = typer.Option(False, "--units-from-plan",
                                   help="The plan's fields or tracks with their head counts."),
    track: str | None = typer.Option(None, "--track"),
    project: str | None = typer.Option(None, "--project"),
    max_preferences: int = typer.Option(1, "--max-preferences", min=1, max=10),
    open_now: bool = typer.Option(False, "--open", help="Open it at once (publishes the "
                                                         "seed commitment)."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Set up a recruitment round (모집 공고), as a draft unless --open."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import rounds

    try:
        units = [_unit(u) for u in unit] or (rounds.units_from_plan(program) if from_plan else [])
        data = rounds.RoundInput(
            program_code=program, title=title, announced_on=dt.date.fromisoformat(announced),
            opens_at=_moment(opens), closes_at=_moment(closes),
            starts_on=dt.date.fromisoformat(starts), units=units, track_code=track,
            project=project, max_preferences=max_preferences)
    except ValueError as error:
        err.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from None
    try:
        with transaction() as session:
            row = rounds.create_round(session, data, actor=cli_actor())
            if open_now:
                rounds.open_round(session, row.id, actor=cli_actor())
            record = _round_record(session, row)
    except ApplicationError as error:
        raise fail(error) from None
    _print_round(record, output)


def _transition(round_id: int, operation: str, output: str) -> None:
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import service

    try:
        with transaction() as session:
            row = getattr(service, operation)(session, round_id, actor=cli_actor())
            record = _round_record(session, row)
    except ApplicationError as error:
        raise fail(error) from None
    _print_round(record, output)


@rounds_app.command("open")
def open_(round_id: int = typer.Argument(..., metavar="ROUND"),
          output: str = typer.Option("text", "--format")) -> None:
    """Open a draft round: applications are taken and the seed commitment is published."""
    _transition(round_id, "open_round", output)


@rounds_app.command("close")
def close(round_id: int = typer.Argument(..., metavar="ROUND"),
          output: str = typer.Option("text", "--format")) -> None:
    """Stop taking applications."""
    _transition(round_id, "close_round", output)


@rounds_app.command("show")
def show(round_id: int = typer.Argument(..., metavar="ROUND"),
         output: str = typer.Option("text", "--format")) -> None:
    """A round, its units and seats, and its applications by status."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import rounds

    try:
        with transaction() as session:
            record = _round_record(session, rounds.get_round(session, round_id))
    except ApplicationError as error:
        raise fail(error) from None
    _print_round(record, output)


@rounds_app.command("list")
def list_(status: str | None = typer.Option(None, "--status"),
          output: str = typer.Option("text", "--format")) -> None:
    """Every round (or those with --status)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import rounds

    with transaction() as session:
        records = [_round_record(session, r) for r in rounds.list_rounds(
            session, [status] if status else None)]
    if output == "json":
        typer.echo(json.dumps(records, ensure_ascii=False))
        return
    for record in records:
        _print_round(record, output)


@applications_app.command("import")
def import_(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="XLSX, CSV or JSONL: person columns and 1지망 (or preferences)."),
    round_id: int = typer.Option(..., "--round", help="The round the applications are for."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Validate every row first (row, column, reason); import nothing if any row is bad; then
    register, evaluate and store every application in one transaction."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.applications import importer
    from ilja.people.keys import get_keyring

    try:
        keyring = get_keyring()
    except RrnError as error:
        err.print(f"[red]{error.message_ko}[/red] ({error.message})")
        raise typer.Exit(1) from None
    try:
        with transaction() as session:
            report = importer.import_applications(session, file, round_id, cli_actor(),
                                                  keyring=keyring)
    except ImportRejected as error:
        if output == "json":
            typer.echo(json.dumps({"errors": [r.__dict__ for r in error.rows]},
                                  ensure_ascii=False))
        else:
            err.print(f"[red]{error.message_ko.split(':')[0]}[/red] "
                      f"({len(error.rows)}{'+' if error.truncated else ''})")
            for row in error.rows[:200]:
                err.print(f"  행 {row.row}, 열 {row.column}: {row.reason}")
        raise typer.Exit(1) from None
    except ApplicationError as error:
        raise fail(error) from None
    summary = {k: v for k, v in report.__dict__.items() if k != "warnings"}
    if output == "json":
        typer.echo(json.dumps({**summary, "warnings": [w.__dict__ for w in report.warnings]},
                              ensure_ascii=False))
        return
    out.print(f"신청 {report.applications:,}건 등록 (imported), 이미 등록된 행 "
              f"{report.replayed:,}건; 새 대상자 {report.persons_created:,}명, 기존 대상자 "
              f"{report.persons_matched:,}명; 자격 충족 {report.eligible:,}, 미달 "
              f"{report.ineligible:,}")
    for warning in report.warnings[:50]:
        out.print(f"  [yellow]행 {warning.row}, 열 {warning.column}: {warning.reason}[/yellow]")
