"""What the dashboard, the API and the reports show, built once from the database: the three
employment rates with numerator and denominator, every target against its actual figure, the
2030 projection, breakdowns and trends. Charts are made by the page and the PDF from this."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.outcomes import queries
from ilja.outcomes.kpi import KpiRow, kpi_rows, scope_of
from ilja.outcomes.models import KpiActual, OutcomeRecord, Participation
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
from ilja.programs.loader import load_plan
from ilja.programs.plan import Plan

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
    as_of = as_of or min(clock.today(), dt.date(year, 12, 31))
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


# --- the built dashboard, kept while the figures behind it are unchanged ----------------------
# Building it takes a dozen aggregate queries (a few hundred ms on the demo data); the page asks
# for the same year and filters again and again. A build is kept under the data's version: the
# count and highest id of the tables it reads (what another process inserted) and a counter that
# every commit touching them in this process raises (what was changed in place, such as a
# completion). A build also expires after CACHE_SECONDS, which bounds what another process's
# in-place change can leave unseen, and with the Seoul date (the "as of" day).
CACHE_SECONDS = 300
CACHE_SIZE = 64
VERSIONED = (Participation, OutcomeRecord, KpiActual)
_cache: OrderedDict[tuple, tuple[float, Dashboard]] = OrderedDict()
_lock = threading.Lock()
_writes = 0


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context: Any) -> None:
    if any(isinstance(row, VERSIONED) for row in (*session.new, *session.dirty, *session.deleted)):
        session.info["outcomes_written"] = True


@event.listens_for(Session, "after_commit")
def _count_write(session: Session) -> None:
    global _writes
    if session.info.pop("outcomes_written", False):
        with _lock:
            _writes += 1


@event.listens_for(Session, "after_rollback")
def _forget_write(session: Session) -> None:
    session.info.pop("outcomes_written", None)


def data_version(session: Session) -> tuple:
    """What the dashboard's figures depend on, read in one query."""
    columns = [select(func.count()).select_from(model).scalar_subquery() for model in VERSIONED]
    columns += [select(func.max(model.id)).scalar_subquery() for model in VERSIONED]
    return (_writes, *session.execute(select(*columns)).one())


def cached_build(session: Session, *, year: int, filters: Filters = Filters(),
                 dimension: Dimension = "campus", lang: str = "ko") -> Dashboard:
    """``build`` for today, from the cache when the data has not changed since."""
    bind = session.get_bind()
    key = (str(bind.url), data_version(session), clock.today(), year, filters, dimension, lang)
    now = time.monotonic()
    with _lock:
        hit = _cache.get(key)
        if hit is not None and now - hit[0] < CACHE_SECONDS:
            _cache.move_to_end(key)
            return hit[1]
    view = build(session, year=year, filters=filters, dimension=dimension, lang=lang)
    with _lock:
        _cache[key] = (now, view)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return view
