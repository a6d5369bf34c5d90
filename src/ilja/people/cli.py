"""``ilja population`` (synthetic persons), ``ilja keys`` (data keys) and ``ilja people`` (the registry)."""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path

import typer

from ilja.cli_common import err
from ilja.db import get_engine, transaction
from ilja.people.rrn import RrnError
from ilja.people.synthetic import generate_population

population_app = typer.Typer(no_args_is_help=True)


@population_app.command("generate")
def generate(
    output: Path = typer.Option(..., "--output", help="Where to write: .jsonl, .csv, .xlsx or .npz."),
    size: int = typer.Option(1000, "--size", min=1, max=20_000_000, help="Number of persons."),
    seed: int = typer.Option(2025, "--seed", help="Same seed, same persons."),
    as_of: str = typer.Option("2025-01-01", "--as-of", help="Date the population describes."),
) -> None:
    """Write a reproducible synthetic population of Seoul residents."""
    try:
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        err.print(f"[red]error:[/red] --as-of {as_of!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None
    population = generate_population(size, seed=seed, on=on)
    if output.suffix.lower() == ".npz":
        population.save(output)
    else:
        # lazy: CLI start-up (the domain stack loads when a command runs)
        from ilja.people.person_format import write_persons

        try:
            write_persons(population, output)
        except ValueError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
    err.print(f"{size:,} persons (seed {seed}) → {output}")


# --- the registry: keys and imports ---------------------------------------------------------

keys_app = typer.Typer(no_args_is_help=True)
people_app = typer.Typer(no_args_is_help=True)

def _cli_actor(role: str):
    """The audit actor of a command: the operating-system user, from this machine."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.accounts import audit

    return audit.Actor(f"cli:{getpass.getuser()}", role, "cli")


@keys_app.command("init")
def keys_init() -> None:
    """Create the data-key file (encryption, blind index, audit seal) if there is none."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.people.keys import init_keys

    try:
        path, created = init_keys()
    except RrnError as error:
        err.print(f"[red]error:[/red] {error.message_ko} ({error.message})")
        raise typer.Exit(1) from None
    if created:
        err.print(f"키 파일을 만들었습니다 (key file created, 0600): {path}\n"
                  "백업하세요: 이 파일을 잃으면 암호화된 주민등록번호를 되살릴 수 없습니다.")
    else:
        err.print(f"키 파일이 이미 있습니다 (key file already exists): {path}")


@keys_app.command("rotate")
def keys_rotate(
    records_only: bool = typer.Option(
        False, "--records-only",
        help="Do not add keys; move every record to the keys already active (keys in env)."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Add new active keys, then re-encrypt every RRN and recompute every blind index in one
    transaction; on failure nothing changes (the key file is restored)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.ops.keys import rotate_keys

    try:
        report = rotate_keys(get_engine(), actor=_cli_actor("admin"), new_keys=not records_only)
    except RrnError as error:
        err.print(f"[red]error:[/red] {error.message_ko} ({error.message}); 변경된 것은 없습니다.")
        raise typer.Exit(1) from None
    if output == "json":
        typer.echo(json.dumps(report.__dict__))
        return
    err.print(f"레코드 {report.checked:,}건 확인, {report.changed:,}건 새 키로 교체 "
              f"(checked {report.checked:,}, re-keyed {report.changed:,}); "
              f"active keys {report.encryption_key}, {report.index_key}")


@people_app.command("import")
def people_import(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="XLSX, CSV or JSONL of persons."),
    program: str = typer.Option(..., "--program", help="The program the intake is for, e.g. "
                                "companion_jobs (decides whether RRNs may be kept)."),
    output: str = typer.Option("text", "--format", help="text or json"),
) -> None:
    """Validate every row first (row, column, reason) and import nothing if any row is bad;
    then register all rows in one transaction."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.people.importer import ImportInvalid, import_people
    from ilja.people.keys import get_keyring
    from ilja.people.records import RegistryError

    try:
        keyring = get_keyring()
        with transaction() as session:
            report = import_people(session, file, program=program,
                                   actor=_cli_actor("program_manager"), keyring=keyring)
    except ImportInvalid as error:
        if output == "json":
            typer.echo(json.dumps({"errors": [e.__dict__ for e in error.errors]},
                                  ensure_ascii=False))
        else:
            err.print(f"[red]{error.message_ko}[/red] ({error.message})")
            for problem in error.errors[:200]:
                err.print(f"  행 {problem.row}, 열 {problem.field}: {problem.message}")
        raise typer.Exit(1) from None
    except (RegistryError, RrnError) as error:
        err.print(f"[red]error:[/red] {error.message_ko} ({error.message})")
        raise typer.Exit(1) from None
    if output == "json":
        typer.echo(json.dumps({k: v for k, v in report.__dict__.items() if k != "warnings"}
                              | {"warnings": [w.__dict__ for w in report.warnings]},
                              ensure_ascii=False))
        return
    for warning in report.warnings[:200]:
        err.print(f"  [yellow]주의[/yellow] 행 {warning.row}, 열 {warning.field}: "
                  f"{warning.message}")
    err.print(f"{report.rows:,}행: 신규 {report.created:,}, 갱신 {report.updated:,}, "
              f"중복 의심 {report.flagged:,}, 주민등록번호 미수집 {report.rrn_refused:,} "
              f"(created {report.created:,}, updated {report.updated:,}, "
              f"flagged {report.flagged:,}, RRN not kept {report.rrn_refused:,})")
