"""The dashboard's charts, each with the table of the same figures, for the page (SVG) and the
PDF report (PNG). Labels come from the translator, so both languages read naturally."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ilja.outcomes import charts
from ilja.outcomes.dashboard import Dashboard
from ilja.outcomes.kpi import scope_of

T = Callable[..., str]


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    image: bytes
    head: list[str]
    rows: list[list[Any]]


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def goals(d: Dashboard, t: T, fmt: str = "svg") -> Figure:
    """Where we stand against 2030: each goal's latest figure as a share of the goal."""
    labels, shares, rows = [], [], []
    for g in d.goals:
        label = t("outcomes.goal_label", label=g.target.label.ko if t.lang == "ko" else g.target.label.en,
                  scope=d.label(scope_of(g.target)))
        base = g.base.value if g.base else None
        share = None if base is None else round(float(base) * 100 / float(g.target.value), 1)
        labels.append(label)
        shares.append(share)
        rows.append([label, g.target.value if g.target.value_max is None else f"{g.target.value}–{g.target.value_max}",
                     base, g.base.year if g.base else None, share,
                     None if g.projected is None else round(g.projected, 1),
                     None if g.on_course is None else (t("outcomes.yes") if g.on_course else t("outcomes.no"))])
    image = charts.hbar(t("outcomes.chart_goals"), labels, [charts.Series(t("outcomes.share_of_goal"), shares)],
                        unit="%", fmt=fmt, reference=100, reference_label=t("outcomes.goal"))
    head = [t("outcomes.col.metric"), t("outcomes.col.goal_2030"), t("outcomes.col.latest"),
            t("outcomes.col.latest_year"), t("outcomes.col.share"), t("outcomes.col.projected"),
            t("outcomes.col.on_course")]
    return Figure("goals", t("outcomes.chart_goals"), image, head, rows)


def breakdown(d: Dashboard, t: T, fmt: str = "svg") -> Figure:
    title = t("outcomes.chart_breakdown", dimension=t("outcomes.dim." + d.dimension))
    labels = [d.label(g.key) for g in d.breakdown]
    values = [_num(g.percent) for g in d.breakdown]
    goal = next((r.document for r in d.rates if r.rule.name == "target_rate"), None)
    image = charts.hbar(title, labels, [charts.Series(t("outcomes.rate"), values)], unit="%", fmt=fmt,
                        reference=float(goal.value) if goal else None,
                        reference_label=t("outcomes.goal") if goal else None)
    rows = [[d.label(g.key), g.numerator, g.denominator, g.excluded, g.percent] for g in d.breakdown]
    head = [t("outcomes.dim." + d.dimension), t("outcomes.col.numerator"), t("outcomes.col.denominator"),
            t("outcomes.col.excluded"), t("outcomes.col.rate")]
    return Figure("breakdown", title, image, head, rows)


def months(d: Dashboard, t: T, fmt: str = "svg") -> Figure:
    title = t("outcomes.chart_months", year=d.year)
    labels = [m[5:] for m, _ in d.months]
    values = [_num(g.percent) if g else None for _, g in d.months]
    image = charts.lines(title, labels, [charts.Series(t("outcomes.rate"), values)], unit="%", fmt=fmt)
    rows = [[m, g.numerator if g else 0, g.denominator if g else 0, g.percent if g else None]
            for m, g in d.months]
    head = [t("outcomes.col.month"), t("outcomes.col.numerator"), t("outcomes.col.denominator"),
            t("outcomes.col.rate")]
    return Figure("months", title, image, head, rows)


def years(d: Dashboard, t: T, fmt: str = "svg") -> Figure:
    title = t("outcomes.chart_years")
    labels = [str(y) for y, *_ in d.years]
    image = charts.lines(title, labels, [
        charts.Series(t("outcomes.col.intake"), [float(n) for _, _, n, _ in d.years]),
        charts.Series(t("outcomes.col.completers"), [float(c) for _, _, _, c in d.years])], fmt=fmt)
    rows = [[y, n, c, g.numerator if g else 0, g.denominator if g else 0, g.percent if g else None]
            for y, g, n, c in d.years]
    head = [t("outcomes.col.year"), t("outcomes.col.intake"), t("outcomes.col.completers"),
            t("outcomes.col.numerator"), t("outcomes.col.denominator"), t("outcomes.col.rate")]
    return Figure("years", title, image, head, rows)


def all_figures(d: Dashboard, t: T, fmt: str = "svg") -> list[Figure]:
    return [goals(d, t, fmt), breakdown(d, t, fmt), months(d, t, fmt), years(d, t, fmt)]


def cell(value: Any) -> str:
    """A table cell as text: numbers with thousands separators, none as a dash."""
    if value is None:
        return "—"
    if isinstance(value, Decimal | float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
