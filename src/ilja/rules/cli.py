"""``ilja eligibility``, ``ilja reform`` and ``ilja params``: thin adapters over the engine."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ilja import clock
from ilja.cli_common import LangOption, err, out, print_table
from ilja.rules.engine import default_engine
from ilja.rules.explain import evaluation_text, format_value
from ilja.rules.parameters import ParameterError, default_tree
from ilja.rules.population import PersonFormatError, impossible_date, parse_person, unknown_fields
from ilja.rules.reforms import Reform, ReformError, compare
from ilja.rules.sources import default_registry

eligibility_app = typer.Typer(no_args_is_help=True)
reform_app = typer.Typer(no_args_is_help=True)
params_app = typer.Typer(no_args_is_help=True)

OnOption = typer.Option(..., "--on", help="The round's start date (work or course start), YYYY-MM-DD.")
AnnouncedOption = typer.Option(None, "--announced",
                               help="The round's announcement date (default: the same as --on).")
ProgramOption = typer.Option(None, "--program", "-p", help="Only these programs (repeatable).")


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        why = impossible_date(value) or "is not a date (YYYY-MM-DD)"
        err.print(f"[red]error:[/red] {option} {value!r} {why}")
        raise typer.Exit(2) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[red]error:[/red] {message}")
    return typer.Exit(code)


def _read_population(path: Path):
    # lazy: CLI start-up (the person format loads openpyxl)
    from ilja.people.person_format import read_persons

    try:
        read = read_persons(path)
    except PersonFormatError as exc:
        for error in exc.errors[:50]:
            err.print(f"[red]{path}:[/red] {error}")
        if len(exc.errors) > 50:
            err.print(f"… and {len(exc.errors) - 50} more")
        raise _fail(f"{len(exc.errors)} invalid value(s) in {path}; nothing was evaluated") from None
    except (OSError, ValueError) as exc:
        raise _fail(f"{path}: {exc}") from None
    for warning in read.warnings:
        err.print(f"[yellow]warning:[/yellow] {warning}")
    return read.population


def _read_single_person(path: Path):
    """One person from a .json file, or every person of a JSONL/CSV/XLSX file."""
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise _fail(f"{path}: not a JSON object: {exc}") from None
        if not isinstance(data, dict):
            raise _fail(f"{path}: expected one JSON object (a person)")
        extra = unknown_fields(data)
        if extra:
            err.print(f"[yellow]warning:[/yellow] unknown field(s) ignored: {', '.join(extra)}")
        try:
            return [parse_person(data)]
        except PersonFormatError as exc:
            for error in exc.errors:
                err.print(f"[red]{path}:[/red] {error}")
            raise _fail("the person is not valid") from None
    population = _read_population(path)
    return [population.person(i) for i in range(len(population))]


@eligibility_app.command("check")
def check(
    person: Path = typer.Option(..., "--person", exists=True, dir_okay=False,
                                help="A person: .json (one object) or .jsonl/.csv/.xlsx."),
    on: str = OnOption,
    announced: str = AnnouncedOption,
    program: list[str] = ProgramOption,
    output_format: str = typer.Option("text", "--format", help="text | json"),
    lang: LangOption = "ko",
) -> None:
    """Explain, program by program, whether a person is eligible and why."""
    on_date = _date(on, "--on")
    announced_date = _date(announced, "--announced") if announced else on_date
    engine = default_engine()
    try:
        evaluations = [engine.evaluate_person(p, on_date, announced_date, program or None)
                       for p in _read_single_person(person)]
    except (ParameterError, KeyError) as exc:
        raise _fail(str(exc)) from None
    if output_format == "json":
        payload: Any = [e.as_dict() for e in evaluations]
        typer.echo(json.dumps(payload[0] if len(payload) == 1 else payload, ensure_ascii=False, indent=2))
        return
    for evaluation in evaluations:
        out.rule(f"{evaluation.person_id} · {on_date.isoformat()}")
        out.print(evaluation_text(evaluation, lang), highlight=False)


@eligibility_app.command("batch")
def batch(
    input_path: Path = typer.Option(..., "--input", exists=True, dir_okay=False,
                                    help="Persons: .jsonl, .csv or .xlsx."),
    output: Path = typer.Option(..., "--output", help="Results: .jsonl, .csv or .xlsx."),
    on: str = OnOption,
    announced: str = AnnouncedOption,
    program: list[str] = ProgramOption,
    output_format: str = typer.Option("text", "--format", help="Summary: text | json"),
) -> None:
    """Evaluate every person for every program; one result row per person and program."""
    # lazy: CLI start-up (the person format loads openpyxl)
    from ilja.people.person_format import write_results

    on_date = _date(on, "--on")
    announced_date = _date(announced, "--announced") if announced else on_date
    population = _read_population(input_path)
    engine = default_engine()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as progress:
        task = progress.add_task("평가 중 / evaluating", total=len(population))
        try:
            result = engine.evaluate_population(
                population, on_date, announced_date, program or None, chunk_size=100_000,
                progress=lambda done: progress.advance(task, done))
        except (ParameterError, KeyError) as exc:
            raise _fail(str(exc)) from None
    try:
        rows = write_results(result, output)
    except (OSError, ValueError) as exc:
        raise _fail(f"{output}: {exc}") from None
    summary = {
        "persons": len(population),
        "rows": rows,
        "output": str(output),
        "on": on_date.isoformat(),
        "announced": announced_date.isoformat(),
        "parameter_version": result.parameter_version,
        "eligible": result.eligible_counts(),
    }
    if output_format == "json":
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{len(population):,} persons · {on_date.isoformat()} → {output}")
    table.add_column("program")
    table.add_column("eligible", justify="right")
    table.add_column("share", justify="right")
    for code, count in summary["eligible"].items():
        share = count / len(population) if len(population) else 0
        table.add_row(code, f"{count:,}", f"{share:.1%}")
    print_table(table)


@reform_app.command("compare")
def reform_compare(
    reform: Path = typer.Option(..., "--reform", exists=True, dir_okay=False, help="Reform YAML file."),
    input_path: Path = typer.Option(..., "--input", exists=True, dir_okay=False,
                                    help="Persons: .jsonl, .csv or .xlsx."),
    on: str = OnOption,
    announced: str = AnnouncedOption,
    output_format: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """Who changes under a reform, per program, and which condition made them change."""
    on_date = _date(on, "--on")
    announced_date = _date(announced, "--announced") if announced else on_date
    try:
        parsed = Reform.from_file(reform)
        population = _read_population(input_path)
        comparison = compare(parsed, population, on_date, announced_date)
    except ReformError as exc:
        raise _fail(str(exc)) from None
    if output_format == "json":
        typer.echo(json.dumps(comparison.as_dict(), ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{parsed.name} · {comparison.persons:,} persons · {on_date.isoformat()}")
    for column in ("program", "baseline", "reform", "gained", "lost", "why"):
        table.add_column(column, justify="left" if column in ("program", "why") else "right")
    for change in comparison.programs:
        why = "; ".join([*(f"+{n:,} now fail {c}" for c, n in change.newly_failed.items()),
                         *(f"{n:,} now pass {c}" for c, n in change.newly_held.items())])
        table.add_row(change.program, f"{change.baseline_eligible:,}", f"{change.reform_eligible:,}",
                      f"{change.gained:,}", f"{change.lost:,}", why or "—")
    print_table(table)


@params_app.command("show")
def params_show(
    name: str = typer.Argument(..., help="Dotted parameter name, e.g. companion_jobs.work.hourly_wage"),
    history: bool = typer.Option(False, "--history", help="Every dated value, not only the current one."),
    on: str = typer.Option(None, "--on", help="Value in force on this date (default: today)."),
    output_format: str = typer.Option("text", "--format", help="text | json"),
) -> None:
    """A parameter's value (in force on --on) or its whole history, with sources (title and key)."""
    tree = default_tree()
    try:
        parameter = tree.get(name)
    except ParameterError as exc:
        close = [n for n in tree.names() if name.split(".")[-1] in n][:8]
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        raise _fail(f"{exc}.{hint}") from None
    on_date = _date(on, "--on") if on else clock.today()
    if output_format == "json":
        payload = parameter.as_dict()
        if not history:
            payload["history"] = [parameter.entry_at(on_date).as_dict()]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"{parameter.label_ko} / {parameter.label_en} ({parameter.name})",
                  caption=parameter.description or None)
    for column in ("from", "value", "kind", "source"):
        table.add_column(column)
    current = parameter.entry_at(on_date) if parameter.values[0].start <= on_date else None
    entries = parameter.values if history else [current] if current else []
    for entry in entries:
        style = "bold" if entry is current else None
        source = default_registry().cite(entry.source, keys=True)
        table.add_row(entry.start.isoformat(), format_value(entry.value, "ko"), entry.kind,
                      escape(source + (f" ({entry.note})" if entry.note else "")), style=style)
    print_table(table)


@params_app.command("list")
def params_list(prefix: str = typer.Argument("", help="Only names starting with this.")) -> None:
    """Every parameter with its value in force today."""
    tree = default_tree()
    today = clock.today()
    table = Table()
    for column in ("name", "label", "value today", "kind"):
        table.add_column(column)
    for parameter in tree:
        if not parameter.name.startswith(prefix):
            continue
        entry = parameter.entry_at(today)
        table.add_row(parameter.name, parameter.label_ko, format_value(entry.value, "ko"), entry.kind)
    print_table(table)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(eligibility_app())
