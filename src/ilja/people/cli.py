"""``ilja population``: make synthetic persons in the person format (for the demo, trials, benchmarks)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console

population_app = typer.Typer(no_args_is_help=True)
console = Console(stderr=True)


@population_app.command("generate")
def generate(
    output: Path = typer.Option(..., "--output", help="Where to write: .jsonl, .csv, .xlsx or .npz."),
    size: int = typer.Option(1000, "--size", min=1, max=20_000_000, help="Number of persons."),
    seed: int = typer.Option(2025, "--seed", help="Same seed, same persons."),
    as_of: str = typer.Option("2025-01-01", "--as-of", help="Date the population describes."),
) -> None:
    """Write a reproducible synthetic population of Seoul residents."""
    from ilja.people.synthetic import generate_population

    try:
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        console.print(f"[red]error:[/red] --as-of {as_of!r} is not a date (YYYY-MM-DD)")
        raise typer.Exit(2) from None
    population = generate_population(size, seed=seed, on=on)
    if output.suffix.lower() == ".npz":
        population.save(output)
    else:
        from ilja.people.person_format import write_persons

        try:
            write_persons(population, output)
        except ValueError as exc:
            console.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(1) from None
    console.print(f"{size:,} persons (seed {seed}) → {output}")
