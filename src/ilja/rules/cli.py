"""``ilja eligibility``, ``ilja reform`` and ``ilja params``."""

from __future__ import annotations

import typer

eligibility_app = typer.Typer(no_args_is_help=True)
reform_app = typer.Typer(no_args_is_help=True)
params_app = typer.Typer(no_args_is_help=True)
