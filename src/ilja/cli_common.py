"""What every ``ilja`` command shares: one console per stream, tables printed whole when piped,
and the ``--lang`` option.

Tables and JSON go to ``out`` (stdout); refusals, warnings and progress go to ``err``
(stderr), so ``--format json`` piped into another program is nothing but JSON.
"""

from __future__ import annotations

import sys
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.segment import Segments
from rich.table import Table

out = Console()
err = Console(stderr=True, soft_wrap=True)  # an error's names and paths stay whole, to copy

Language = Literal["ko", "en"]  # ilja.i18n.LANGUAGES (a test holds them equal)
LangOption = Annotated[Language, typer.Option("--lang", help="Language of the text: ko or en.")]


def print_table(table: Table, console: Console = out) -> None:
    """Fit ``table`` to the terminal; piped, print it at its natural width instead of cutting it
    at 80 columns, because a name ending in "…" cannot be pasted into the next command."""
    if console.is_terminal:
        console.print(table)
        return
    width = console.measure(table, options=console.options.update_width(sys.maxsize)).maximum
    console.print(Segments(console.render(table, console.options.update_width(width))), crop=False)
