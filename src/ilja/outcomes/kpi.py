"""Every target of the plan against the actual figure, with the gap (issue 7 §2).

The targets are the plan's (``load_plan().targets``: trainees a year 556 → 3,300 → 10,000 by 2030,
AI courses, competition rate, employment rate, internships, big-tech campuses, floor area, alumni,
Seoul AI Alliance, public-job headcounts and budgets — each with its source). Actual figures come
from two places: what Ilja's own records show (``source="records"``) and the figures the
documents report as achieved (the plan's ``kind: actual`` entries, with their source). A figure
from the records wins over a document's for the same metric and year. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ilja.programs.plan import Target

Number = int | float | Decimal
Status = Literal["met", "below", "no_data"]
RECORDS = "records"


@dataclass(frozen=True, slots=True)
class Actual:
    """An achieved figure for a metric of a program (or track) in a year."""

    scope: str  # program or track code
    metric: str
    year: int | None
    value: Number
    source: str
    as_of: str | None = None


def scope_of(target: Target) -> str:
    return target.track or target.program or "plan"


def actuals_from_plan(targets: Iterable[Target]) -> list[Actual]:
    """The documents' achieved figures (``kind: actual``), with their sources."""
    return [Actual(scope_of(t), t.metric, t.year, t.value, t.source, t.as_of)
            for t in targets if t.kind == "actual"]


def merge_actuals(*layers: Iterable[Actual]) -> dict[tuple[str, str, int | None], Actual]:
    """Later layers win for the same (scope, metric, year): pass the plan first, records last."""
    merged: dict[tuple[str, str, int | None], Actual] = {}
    for layer in layers:
        for actual in layer:
            merged[(actual.scope, actual.metric, actual.year)] = actual
    return merged


@dataclass(frozen=True, slots=True)
class KpiRow:
    """A target beside the actual figure: ``gap`` is what is still missing to reach the target's
    lower bound (positive = shortfall, 0 or negative = met or ahead; for a range such as 80–90%
    the lower bound is the goal), ``attainment`` the actual as a percentage of it."""

    target: Target
    actual: Actual | None
    gap: Decimal | None
    attainment: Decimal | None
    status: Status

    @property
    def scope(self) -> str:
        return scope_of(self.target)

    @property
    def same_year(self) -> bool:
        return self.actual is not None and self.actual.year == self.target.year


def _decimal(value: Number) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def compare(target: Target, actual: Actual | None) -> KpiRow:
    if actual is None:
        return KpiRow(target, None, None, None, "no_data")
    low = _decimal(target.value)
    value = _decimal(actual.value)
    gap = low - value
    attainment = (value * 100 / low).quantize(Decimal("0.1")) if low else None
    status: Status = "met" if value >= low else "below"
    return KpiRow(target, actual, gap, attainment, status)


def latest_actual(actuals: dict[tuple[str, str, int | None], Actual], scope: str, metric: str,
                  year: int | None) -> Actual | None:
    """The figure for the target's year, else the latest one before it (for a 2030 goal: where
    we stand now); a figure without a year is used only when nothing dated exists."""
    exact = actuals.get((scope, metric, year))
    if exact is not None:
        return exact
    dated = [a for (s, m, y), a in actuals.items()
             if s == scope and m == metric and y is not None and (year is None or y <= year)]
    if dated:
        return max(dated, key=lambda a: a.year or 0)
    return actuals.get((scope, metric, None))


def kpi_rows(targets: Sequence[Target], actuals: Iterable[Actual], *,
             year: int | None = None, include_plan: bool = True) -> list[KpiRow]:
    """Every goal (``kind: target``) and yearly plan figure (``kind: plan``) against the best
    actual figure: the plan's achieved figures overlaid with ``actuals`` (records win)."""
    merged = merge_actuals(actuals_from_plan(targets), actuals)
    kinds = {"target", "plan"} if include_plan else {"target"}
    rows = []
    for target in targets:
        if target.kind not in kinds or (year is not None and target.year not in (year, None)
                                        and target.kind == "plan"):
            continue
        rows.append(compare(target, latest_actual(merged, scope_of(target), target.metric,
                                                  target.year)))
    return rows


def goals_for(targets: Sequence[Target], year: int) -> list[Target]:
    """The goals for ``year`` (the 2030 view: ``goals_for(targets, 2030)``)."""
    return [t for t in targets if t.kind == "target" and t.year == year]
