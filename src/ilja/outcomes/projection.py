"""Are the 2030 goals on course? Given this year's figures (intake, rates, counts) and the trend
since the previous figure, project each goal's metric to its year and report the gap and the
growth still needed (issue 7 §3 "a projection").

Counts (trainees, members, campuses, floor area, internships) grow by a constant annual rate
(compound), rates and ratios (percent, applicants per place) by a constant number of points a
year (linear), because a percentage cannot compound past 100. With a single figure the trend is
unknown and the projection holds it flat; with none there is nothing to project. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ilja.outcomes.kpi import Actual, actuals_from_plan, merge_actuals, scope_of
from ilja.programs.plan import Target

Model = Literal["compound", "linear", "flat", "none"]
LINEAR_UNITS = frozenset({"percent", "ratio", "percentage_points"})


@dataclass(frozen=True, slots=True)
class Projection:
    target: Target
    base: Actual | None
    previous: Actual | None
    model: Model
    observed_growth: float | None  # per year: a rate (0.18 = +18%) or points (linear)
    projected: float | None
    gap: float | None  # goal's lower bound − projection (positive = short)
    needed_per_year: float | None  # absolute increase a year from the base to reach the goal
    needed_growth: float | None  # compound rate a year from the base (counts only)

    @property
    def on_course(self) -> bool | None:
        return None if self.projected is None else self.projected >= float(self.target.value)

    @property
    def years_left(self) -> int | None:
        if self.base is None or self.base.year is None or self.target.year is None:
            return None
        return self.target.year - self.base.year


def _float(value: int | float | Decimal) -> float:
    return float(value)


def project(target: Target, series: Sequence[Actual]) -> Projection:
    """Project ``target``'s metric from ``series`` (dated figures of the same metric)."""
    dated = sorted((a for a in series if a.year is not None and target.year is not None
                    and a.year <= target.year), key=lambda a: a.year or 0)
    if not dated or target.year is None:
        return Projection(target, None, None, "none", None, None, None, None, None)
    base = dated[-1]
    previous = dated[-2] if len(dated) > 1 else None
    years = target.year - (base.year or target.year)
    goal, now = _float(target.value), _float(base.value)
    linear = target.unit in LINEAR_UNITS
    observed: float | None = None
    model: Model = "flat"
    if previous is not None and previous.year is not None and base.year is not None:
        span = base.year - previous.year
        before = _float(previous.value)
        if linear:
            observed, model = (now - before) / span, "linear"
        elif before > 0 and now > 0:
            observed, model = (now / before) ** (1 / span) - 1, "compound"
    if model == "linear":
        projected = now + (observed or 0.0) * years
    elif model == "compound":
        projected = now * (1 + (observed or 0.0)) ** years
    else:
        projected = now
    needed_per_year = (goal - now) / years if years > 0 else None
    needed_growth = None
    if not linear and years > 0 and now > 0:
        needed_growth = (goal / now) ** (1 / years) - 1
    return Projection(target, base, previous, model, observed, projected, goal - projected,
                      needed_per_year, needed_growth)


def project_goals(targets: Sequence[Target], actuals: Iterable[Actual], *, goal_year: int = 2030,
                  base_year: int | None = None) -> list[Projection]:
    """Every goal for ``goal_year`` projected from the plan's achieved figures overlaid with
    ``actuals`` (this year's intake and rates from the records), using figures up to
    ``base_year`` (default: all up to the goal year)."""
    merged = merge_actuals(actuals_from_plan(targets), actuals)
    result = []
    for target in targets:
        if target.kind != "target" or target.year != goal_year:
            continue
        scope = scope_of(target)
        series = [a for (s, m, y), a in merged.items() if s == scope and m == target.metric
                  and (base_year is None or (y is not None and y <= base_year))]
        series += _related_series(target, merged, base_year)
        result.append(project(target, series))
    return result


RELATED = {"employment_rate": "employment_rate_cumulative"}
"""A goal whose own metric has no yearly figures is projected from a related one: the 80–90%
employment goal from the cumulative rate (75.4% in 2025)."""


def _related_series(target: Target, merged: dict, base_year: int | None) -> list[Actual]:
    related = RELATED.get(target.metric)
    if related is None:
        return []
    scope = scope_of(target)
    own = [a for (s, m, _), a in merged.items() if s == scope and m == target.metric]
    if own:
        return []
    return [a for (s, m, y), a in merged.items() if s == scope and m == related
            and (base_year is None or (y is not None and y <= base_year))]
