"""``ilja plan``: show the 2025 plan with its warnings, store it in the database, list holidays."""

from __future__ import annotations

import json
from collections.abc import Collection
from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import inspect

from ilja.cli_common import err, out, print_table
from ilja.config import get_settings
from ilja.db import engine_for, transaction
from ilja.programs.loader import load_plan
from ilja.programs.plan import Figure, Plan, PlanDataError

plan_app = typer.Typer(no_args_is_help=True)


def _load(data: Path | None) -> Plan:
    try:
        return load_plan(data)
    except PlanDataError as error:
        err.print(f"[red]error:[/red] {error}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _fig(figure: Figure | None) -> str:
    if figure is None:
        return "–"
    shown = f"{figure.value:,}"
    return f"~{shown}" if figure.approximate else shown


def _periods(periods) -> str:
    return "\n".join(
        f"{p.start:%Y-%m} ~ {p.end:%Y-%m}"
        if p.precision == "month" and p.end
        else f"{p.start.isoformat()} ~ {p.end.isoformat() if p.end else ''}"
        for p in periods
    )


def _table(
    title: str,
    columns: tuple[str, ...],
    right: Collection[str] = (),
    codes: list[str] | None = None,
) -> Table:
    """Codes never vanish behind an ellipsis: the code column is as wide as they are (or folds)."""
    table = Table(title=title, title_justify="left")
    for index, column in enumerate(columns):
        width = min(max(map(len, codes)), 24) if codes and index == 0 else None
        table.add_column(
            column, overflow="fold", min_width=width, justify="right" if column in right else "left"
        )
    return table


def _value(value: object) -> str:
    return f"{value:,}" if isinstance(value, int | float) else str(value)


def _name(text) -> str:
    return f"{text.ko}\n{text.en}"


def _programs_table(plan: Plan) -> Table:
    table = _table(
        "Programs · 사업",
        ("code", "사업 / program", "budget (백만원)", "projects", "people", "period"),
        {"budget (백만원)", "projects", "people"},
        [p.code for p in plan.programs],
    )
    for p in plan.programs:
        table.add_row(
            p.code,
            _name(p.name),
            _fig(p.budget),
            _fig(p.projects),
            _fig(p.people),
            _periods(p.periods),
        )
    return table


def _tracks_table(plan: Plan) -> Table:
    table = _table(
        "Tracks · 세부 유형",
        ("track", "이름 / name", "type", "projects", "people"),
        {"projects", "people"},
        [t.code for t in plan.tracks],
    )
    for p in plan.programs:
        for t in p.tracks:
            table.add_row(t.code, _name(t.name), t.type or t.kind, _fig(t.projects), _fig(t.people))
    return table


def _sites_table(plan: Plan) -> Table:
    table = _table(
        "Sites · 캠퍼스와 기술교육원",
        ("site", "district", "opening / founded", "specialisation", "m²", "trainees"),
        {"m²", "trainees"},
        [c.code for c in plan.campuses],
    )
    for c in plan.campuses:
        opening = c.opening
        if opening is not None:
            when = opening.label + ("" if opening.status == "reported" else " (plan)")
            others = [o.label for o in c.openings if o.label != opening.label]
            when += f" [yellow](also {', '.join(others)})[/yellow]" if others else ""
        else:
            when = f"by {c.opened_by.year}" if c.opened_by else "unknown"
        special = ", ".join(
            s.partner
            or (s.industry.en if s.industry else s.kind)
            + ("" if s.status == "operating" else " (planned)")
            for s in c.specialisations
        )
        district = _name(c.district_name) if c.district_name else c.district
        table.add_row(c.code, district, when, special, _fig(c.floor_area), "")
    for i in plan.institutes:
        district = _name(i.district_name) if i.district_name else i.address.ko
        table.add_row(i.code, district, str(i.founded.value), "", "", _fig(i.trainees))
    return table


def _targets_table(plan: Plan) -> Table:
    table = _table(
        "Targets by year · 연도별 목표·실적",
        ("program", "metric", "year", "kind", "value", "unit"),
        {"year", "value"},
    )
    for t in plan.targets:
        value = f"{t.value:,}" + (f"–{t.value_max:,}" if t.value_max is not None else "")
        value = ("≥" if t.comparison == "at_least" else "~" if t.approximate else "") + value
        table.add_row(
            t.track or t.program or "",
            t.metric,
            "" if t.year is None else str(t.year),
            t.kind,
            value,
            t.unit,
        )
    return table


def _print_warnings(plan: Plan) -> None:
    passed = sum(c.ok for c in plan.checks)
    out.print(f"[bold]Plan checks:[/bold] {passed} consistent, {len(plan.warnings)} warnings")
    for w in plan.warnings:
        out.print(
            f"[yellow]⚠ {w.code} · {w.subject}: stated {_value(w.stated)} / "
            f"computed {_value(w.computed)}\n"
            f"  {w.message_ko}\n  {w.message_en}[/yellow]",
            highlight=False,
            soft_wrap=True,
        )


@plan_app.command("show")
def show(
    output: str = typer.Option("table", "--format", help="table or json."),
    section: str = typer.Option("all", help="all, programs, tracks, sites, targets or warnings."),
    data: Path = typer.Option(None, "--data", help="Directory of plan files (default: shipped)."),
) -> None:
    """Print the plan (programs, tracks, sites, targets) and its warnings with both numbers."""
    if output not in ("table", "json"):
        raise typer.BadParameter("use table or json", param_hint="--format")
    plan = _load(data)
    if output == "json":
        typer.echo(json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    out.print(
        f"[bold]{plan.title.ko}[/bold]\n{plan.title.en}\n"
        f"version {plan.version} · {plan.content_hash[:12]}",
        highlight=False,
    )
    builders = {
        "programs": _programs_table,
        "tracks": _tracks_table,
        "sites": _sites_table,
        "targets": _targets_table,
    }
    if section not in (*builders, "all", "warnings"):
        raise typer.BadParameter(f"unknown section {section!r}", param_hint="--section")
    for name, build in builders.items():
        if section in ("all", name):
            print_table(build(plan))
    _print_warnings(plan)


@plan_app.command("load")
def load(
    url: str = typer.Option(None, "--url", help="Database URL (default: ILJA_DATABASE_URL)."),
    data: Path = typer.Option(None, "--data", help="Directory of plan files (default: shipped)."),
) -> None:
    """Store the plan in the database (idempotent: loading it again changes nothing)."""
    # lazy: CLI start-up (the domain stack loads when a command runs)
    from ilja.programs.service import store_plan

    plan = _load(data)
    engine = engine_for(url or get_settings().database_url)
    if not inspect(engine).has_table("plan_versions"):
        err.print(
            "[red]error:[/red] the database has no plan tables yet; run `ilja db upgrade` first."
        )
        raise typer.Exit(1)
    with transaction(engine) as session:
        result = store_plan(session, plan)
    state = "new version" if result.new_version else "already stored"
    out.print(
        f"plan {plan.id} {plan.version} ({result.version.content_hash[:12]}): {state}; "
        f"{result.inserted} rows added, {result.updated} updated, {result.deleted} removed",
        highlight=False,
        soft_wrap=True,
    )
    _print_warnings(plan)


@plan_app.command("holidays")
def holidays(
    year: int = typer.Argument(..., help="Year, e.g. 2025."),
    output: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Korean public holidays of YEAR, substitute and election days included."""
    # lazy: CLI start-up (the holidays package loads only for this command)
    from ilja.programs.holidays import holiday_calendar

    days = holiday_calendar(year)
    if output == "json":
        typer.echo(
            json.dumps(
                [
                    {"date": h.date.isoformat(), "name_ko": h.name_ko, "name_en": h.name_en}
                    for h in days
                ],
                ensure_ascii=False,
            )
        )
        return
    table = _table(f"{year} 공휴일 · public holidays", ("date", "공휴일", "holiday"))
    for h in days:
        table.add_row(f"{h.date.isoformat()} ({h.date:%a})", h.name_ko, h.name_en)
    print_table(table)
