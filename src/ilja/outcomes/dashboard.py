"""What the dashboard, the API and the reports show, built once from the database: the three
employment rates with numerator and denominator, every target against its actual figure, the
2030 projection, breakdowns and trends. Charts are made by the page and the PDF from this."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.outcomes import queries
from ilja.outcomes.kpi import KpiRow, kpi_rows, scope_of
from ilja.outcomes.models import KpiActual, Participation
from ilja.outcomes.projection import Projection, project_goals
from ilja.outcomes.queries import Filters
from ilja.outcomes.rates import (
    Cohort,
    DefinitionName,
    Dimension,
    Group,
    RateDefinition,
    cohort_for,
    definition,
)
from ilja.programs.plan import Plan, load_plan

DOCUMENT_METRIC = {DefinitionName.CUMULATIVE: "employment_rate_cumulative",
                   DefinitionName.MIDTERM: "employment_rate_midterm",
                   DefinitionName.TARGET: "employment_rate"}
BREAKDOWNS: tuple[Dimension, ...] = ("campus", "district", "program", "track", "course", "field")


@dataclass(frozen=True)
class RateView:
    rule: RateDefinition
    cohort: Cohort
    group: Group
    document: Any  # the plan's Target with the documents' figure, or None


@dataclass
class Dashboard:
    year: int
    as_of: dt.date
    filters: Filters
    dimension: Dimension
    rates: list[RateView]
    kpis: list[KpiRow]
    goals: list[Projection]
    breakdown: list[Group]
    months: list[tuple[str, Group | None]]  # (YYYY-MM, the cumulative rate of that month's completers)
    years: list[tuple[int, Group | None, int, int]]  # (year, rate group, intake, completers)
    labels: dict[str, str] = field(default_factory=dict)
    figures: list[Any] = field(default_factory=list)  # the year's recorded figures without a target

    def label(self, key: str | None) -> str:
        return self.labels.get(key or "", key or "—")


def names(plan: Plan, lang: str = "ko") -> dict[str, str]:
    """Display names of programs, tracks, campuses, institutes and districts by code."""
    pick = (lambda text: text.ko) if lang == "ko" else (lambda text: text.en)
    found: dict[str, str] = {}
    for program in plan.programs:
        found[program.code] = pick(program.name)
    for track in plan.tracks:
        found[track.code] = pick(track.name)
    for campus in plan.campuses:
        found[campus.code] = pick(campus.name)
    for institute in plan.institutes:
        found[institute.code] = pick(institute.name)
    for district in plan.districts:
        found[district.code] = pick(district.name)
    return found


def campuses_in_use(session: Session) -> list[str]:
    return [c for c in session.execute(select(Participation.campus_code).distinct()
                                       .where(Participation.campus_code.is_not(None))
                                       .order_by(Participation.campus_code)).scalars()]


def rate_views(session: Session, year: int, as_of: dt.date, filters: Filters, plan: Plan) -> list[RateView]:
    """The three rates of ``year`` as known on ``as_of`` (one query), each beside the documents'
    figure for it (75.4% cumulative, 49% mid-term, the 80–90% goal)."""
    on = min(as_of, dt.date(year, 12, 31))
    measures = []
    for name in DefinitionName:
        rule = definition(name, on)
        measures.append((rule, cohort_for(rule, year=year, as_of=on)))
    views = []
    for (rule, cohort), group in zip(measures, queries.headlines(session, measures, filters), strict=True):
        documents = [t for t in plan.targets if t.metric == DOCUMENT_METRIC[DefinitionName(rule.name)]]
        document = next((t for t in documents if t.year == year), documents[-1] if documents else None)
        views.append(RateView(rule, cohort, group, document))
    return views


def build(session: Session, *, year: int, as_of: dt.date | None = None, filters: Filters = Filters(),
          dimension: Dimension = "campus", lang: str = "ko", plan: Plan | None = None) -> Dashboard:
    plan = plan or load_plan()
    as_of = as_of or min(dt.date.today(), dt.date(year, 12, 31))
    rates = rate_views(session, year, as_of, filters, plan)
    actuals = queries.record_actuals(session, year, as_of=min(as_of, dt.date(year, 12, 31)))
    kpis = [r for r in kpi_rows(plan.targets, actuals, year=year)
            if not filters.program or scope_of(r.target).split(".")[0] == filters.program]
    goals = [g for g in project_goals(plan.targets, actuals, base_year=year)
             if not filters.program or scope_of(g.target).split(".")[0] == filters.program]
    cumulative = rates[0]
    breakdown = queries.rate_groups(session, cumulative.rule, cumulative.cohort, filters, dimension)
    year_cohort = Cohort(dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of), cumulative.cohort.as_of)
    by_month = {g.key: g for g in queries.rate_groups(session, cumulative.rule, year_cohort, filters, "month")}
    months = [(f"{year:04d}-{m:02d}", by_month.get(f"{year:04d}-{m:02d}")) for m in range(1, 13)]
    by_year = {g.key: g for g in queries.rate_groups(session, cumulative.rule, cumulative.cohort, filters, "year")}
    intake: dict[int, list[int]] = {}
    for started, _, count, done in queries.intake(session, years=(year - 4, year), filters=filters):
        totals = intake.setdefault(started, [0, 0])
        totals[0] += count
        totals[1] += done
    years = [(y, by_year.get(str(y)), *intake.get(y, [0, 0])) for y in range(year - 4, year + 1)]
    return Dashboard(year, as_of, filters, dimension, rates, kpis, goals, breakdown, months, years,
                     names(plan, lang), other_figures(session, year, plan))


def other_figures(session: Session, year: int, plan: Plan) -> list[KpiActual]:
    """Figures recorded for the year that no plan target measures — what the support services
    publish (certification pass rates, events, alumni activity, …) and staff enter — so the
    dashboard shows them too."""
    targeted = {target.metric for target in plan.targets}
    rows = session.scalars(select(KpiActual).where(KpiActual.year == year)
                           .order_by(KpiActual.scope, KpiActual.metric))
    return [row for row in rows if row.metric not in targeted]
