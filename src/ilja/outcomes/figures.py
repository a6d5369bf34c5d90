"""The dashboard's charts, each with the table of the same figures. The page draws each chart as
HTML bars (``Chart``: labels and values as page text, bars as tiny inline SVG, so it reads at
390 px and weighs a few KB); the PDF report gets a PNG from ``charts``. Labels come from the
translator, so both languages read naturally."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ilja.outcomes import charts
from ilja.outcomes.dashboard import Dashboard
from ilja.outcomes.kpi import scope_of

T = Callable[..., str]
# Units of the plan's targets that count whole things: a projection of them is a whole number.
WHOLE_UNITS = frozenset({"persons", "projects", "campuses", "courses", "members", "organisations",
                         "internships", "districts", "krw"})


class Year(int):
    """A calendar year in a table: written ``2025``, never ``2,025`` (an int to spreadsheets)."""


class Count(int):
    """A whole count from a figure that may have been computed with fractions (a projection)."""

    def __new__(cls, value: float | Decimal) -> Count:
        return super().__new__(cls, int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)))


class Share(float):
    """A figure in per cent: always one decimal (``80.0``, beside ``73.3``)."""


def _share(value: Any) -> Share | None:
    return None if value is None else Share(value)


@dataclass(frozen=True)
class Bar:
    series: str  # the series' name, or "" when the chart has one series
    text: str  # the value as written beside the bar
    width: float  # 0–100, the share of the chart's width


@dataclass(frozen=True)
class Chart:
    rows: list[tuple[str, list[Bar]]]
    reference: float | None = None  # 0–100, where the dashed goal line stands
    reference_label: str | None = None
    series: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    image: bytes
    head: list[str]
    rows: list[list[Any]]
    chart: Chart | None = None


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


def _bar_chart(labels: Sequence[str], series: Sequence[charts.Series], unit: str,
               reference: float | None = None, reference_label: str | None = None) -> Chart:
    """Bars on one scale from 0 to the largest value or the reference (a little beyond)."""
    values = [v for s in series for v in s.values if v is not None]
    top = max([*values, reference or 0, 1e-9]) * 1.05
    rows = []
    for i, label in enumerate(labels):
        bars = [Bar(s.label if len(series) > 1 else "", charts.value_label(s.values[i], unit),
                    round(100 * (s.values[i] or 0) / top, 2)) for s in series]
        rows.append((label, bars))
    return Chart(rows, None if reference is None else round(100 * reference / top, 2), reference_label,
                 [s.label for s in series] if len(series) > 1 else [])


def _draw(kind: str, title: str, labels: list[str], series: list[charts.Series], fmt: str,
          unit: str = "", reference: float | None = None, reference_label: str | None = None) -> tuple[bytes, Chart]:
    """The PNG for the PDF (``fmt="png"``; nothing for ``"none"``, the page and the XLSX) and the
    page's bars."""
    image = b""
    if fmt != "none" and kind == "hbar":
        image = charts.hbar(title, labels, series, unit=unit, fmt=fmt, reference=reference,
                            reference_label=reference_label)
    elif fmt != "none":
        image = charts.lines(title, labels, series, unit=unit, fmt=fmt)
    return image, _bar_chart(labels, series, unit, reference, reference_label)


def goals(d: Dashboard, t: T, fmt: str = "none") -> Figure:
    """Where we stand against 2030: each goal's latest figure as a share of the goal."""
    labels, shares, rows = [], [], []
    for g in d.goals:
        label = t("outcomes.goal_label", label=g.target.label.ko if t.lang == "ko" else g.target.label.en,
                  scope=d.label(scope_of(g.target)))
        base = g.base.value if g.base else None
        share = None if base is None else round(float(base) * 100 / float(g.target.value), 1)
        whole = g.target.unit in WHOLE_UNITS
        projected = None if g.projected is None else (Count(g.projected) if whole else round(g.projected, 1))
        labels.append(label)
        shares.append(share)
        rows.append([label, g.target.value if g.target.value_max is None else f"{g.target.value}–{g.target.value_max}",
                     base, Year(g.base.year) if g.base and g.base.year else None, _share(share), projected,
                     None if g.on_course is None else (t("outcomes.yes") if g.on_course else t("outcomes.no"))])
    title = t("outcomes.chart_goals")
    image, chart = _draw("hbar", title, labels, [charts.Series(t("outcomes.share_of_goal"), shares)], fmt,
                         unit="%", reference=100, reference_label=f"{t('outcomes.goal')} 100%")
    head = [t("outcomes.col.metric"), t("outcomes.col.goal_2030"), t("outcomes.col.latest"),
            t("outcomes.col.latest_year"), t("outcomes.col.share"), t("outcomes.col.projected"),
            t("outcomes.col.on_course")]
    return Figure("goals", title, image, head, rows, chart)


def breakdown(d: Dashboard, t: T, fmt: str = "none") -> Figure:
    title = t("outcomes.chart_breakdown", dimension=t("outcomes.dim." + d.dimension))
    labels = [d.label(g.key) for g in d.breakdown]
    values = [_num(g.percent) for g in d.breakdown]
    goal = next((r.document for r in d.rates if r.rule.name == "target_rate"), None)
    image, chart = _draw("hbar", title, labels, [charts.Series(t("outcomes.rate"), values)], fmt, unit="%",
                         reference=float(goal.value) if goal else None,
                         reference_label=(f"{t('outcomes.goal')} {charts.value_label(goal.value, '%')}"
                                          if goal else None))
    rows = [[d.label(g.key), g.numerator, g.denominator, g.excluded, _share(g.percent)] for g in d.breakdown]
    head = [t("outcomes.dim." + d.dimension), t("outcomes.col.numerator"), t("outcomes.col.denominator"),
            t("outcomes.col.excluded"), t("outcomes.col.rate")]
    return Figure("breakdown", title, image, head, rows, chart)


def _month(t: T, key: str) -> str:
    """``2025-11`` as the pages write a month (``2025년 11월`` / ``November 2025``)."""
    year, month = key.split("-")
    return t("format.month", year=int(year), month=int(month), name=t(f"format.month_names.{int(month)}"))


def months(d: Dashboard, t: T, fmt: str = "none") -> Figure:
    title = t("outcomes.chart_months", year=d.year)
    values = [_num(g.percent) if g else None for _, g in d.months]
    series = [charts.Series(t("outcomes.rate"), values)]
    image, _ = _draw("lines", title, [m[5:] for m, _ in d.months], series, fmt, unit="%")
    chart = _bar_chart([_month(t, m) for m, _ in d.months], series, "%")
    rows = [[_month(t, m), g.numerator if g else 0, g.denominator if g else 0, _share(g.percent) if g else None]
            for m, g in d.months]
    head = [t("outcomes.col.month"), t("outcomes.col.numerator"), t("outcomes.col.denominator"),
            t("outcomes.col.rate")]
    return Figure("months", title, image, head, rows, chart)


def years(d: Dashboard, t: T, fmt: str = "none") -> Figure:
    title = t("outcomes.chart_years")
    series = [charts.Series(t("outcomes.col.intake"), [float(n) for _, _, n, _ in d.years]),
              charts.Series(t("outcomes.col.completers"), [float(c) for _, _, _, c in d.years])]
    image, chart = _draw("lines", title, [str(y) for y, *_ in d.years], series, fmt)
    rows = [[Year(y), n, c, g.numerator if g else 0, g.denominator if g else 0, _share(g.percent) if g else None]
            for y, g, n, c in d.years]
    head = [t("outcomes.col.year"), t("outcomes.col.intake"), t("outcomes.col.completers"),
            t("outcomes.col.numerator"), t("outcomes.col.denominator"), t("outcomes.col.rate")]
    return Figure("years", title, image, head, rows, chart)


def all_figures(d: Dashboard, t: T, fmt: str = "none") -> list[Figure]:
    """Every figure; ``fmt="png"`` draws the images too (the PDF report)."""
    return [goals(d, t, fmt), breakdown(d, t, fmt), months(d, t, fmt), years(d, t, fmt)]


def cell(value: Any) -> str:
    """A table cell as text: whole numbers with thousands separators (``9,670``, not
    ``9,670.0``), fractions and shares to one decimal, a year as written, none as a dash."""
    if value is None:
        return "—"
    if isinstance(value, Year):
        return str(int(value))
    if isinstance(value, Share):
        return f"{value:,.1f}"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal | float):
        if value == int(value):
            return f"{int(value):,}"
        return f"{value:,.1f}"
    return str(value)
