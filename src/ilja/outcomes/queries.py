"""The dashboard's queries: rates, breakdowns, drill-down, headcounts and trends computed in the
database, so that five years of a 10,000-a-year program answer in milliseconds (bench/kpi).

Each rate query is the SQL form of :func:`ilja.outcomes.rates.classify`: a completer is counted
when a counted outcome within the window is known by the as-of date, excluded when only an
excluded one is, else in the denominator alone. ``tests/outcomes/test_queries.py`` checks that
both give the same numbers on the same records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, exists, false, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from ilja.outcomes.kpi import RECORDS, Actual
from ilja.outcomes.models import (
    AllianceMember,
    AlumniMember,
    KpiActual,
    OutcomeRecord,
    Participation,
)
from ilja.outcomes.rates import (
    Cohort,
    Completer,
    Dimension,
    Group,
    Outcome,
    RateDefinition,
    Status,
    cohort_for,
    definition,
)
from ilja.outcomes.service import active_count

P = Participation
COLUMNS: dict[str, Any] = {
    "program": P.program_code, "track": P.track_code, "campus": P.campus_code,
    "district": P.district_code, "course": P.course, "field": P.field,
    "month": P.completed_month, "year": P.completed_year,
}


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; ``None`` means all."""

    program: str | None = None
    campus: str | None = None


def _cohort_conditions(rule: RateDefinition, cohort: Cohort, filters: Filters) -> list[Any]:
    programs = set(rule.programs)
    if filters.program:
        programs &= {filters.program}
    conditions = [P.status == "completed", P.program_code.in_(sorted(programs) or [""]),
                  P.completed_on >= cohort.start, P.completed_on <= cohort.end]
    if filters.campus:
        conditions.append(P.campus_code == filters.campus)
    return conditions


def _flags(rule: RateDefinition, as_of: dt.date) -> tuple[Any, Any]:
    """(counted, excluded) as SQL expressions on a participation row."""
    o = aliased(OutcomeRecord)
    known = [o.participation_id == P.id, o.recorded_on <= as_of, o.effective_on <= as_of]
    if rule.window_months is not None:
        known.append(o.months_after <= rule.window_months)
    kinds = o.kind.in_(sorted(rule.counted_outcomes) or [""])
    if rule.counted_contract_types is not None:
        kinds = and_(kinds, or_(o.kind != "employed",
                                o.contract_type.in_(sorted(rule.counted_contract_types) or [""])))
    counted = exists().where(*known, kinds)
    if rule.excluded_from_denominator:
        excluded = exists().where(*known, o.kind.in_(sorted(rule.excluded_from_denominator)))
    else:
        excluded = false()
    return counted, and_(~counted, excluded)


def rate_groups(session: Session, rule: RateDefinition, cohort: Cohort, filters: Filters = Filters(),
                dimension: Dimension | None = None) -> list[Group]:
    """The rate's groups by ``dimension`` (one group, key None, without one)."""
    counted, excluded = _flags(rule, cohort.as_of)
    key = COLUMNS[dimension] if dimension else literal(None)
    query = (select(key, func.sum(case((counted, 1), else_=0)), func.count(),
                    func.sum(case((excluded, 1), else_=0)))
             .where(*_cohort_conditions(rule, cohort, filters)))
    if dimension:
        query = query.group_by(key).order_by(key)
    groups = []
    for value, numerator, count, left_out in session.execute(query):
        numerator, count, left_out = int(numerator or 0), int(count or 0), int(left_out or 0)
        if count == 0:
            continue
        groups.append(Group(None if value is None else str(value), numerator, count - left_out, left_out))
    return groups


def headline(session: Session, rule: RateDefinition, cohort: Cohort,
             filters: Filters = Filters()) -> Group:
    groups = rate_groups(session, rule, cohort, filters)
    return groups[0] if groups else Group(None, 0, 0, 0)


@dataclass(frozen=True)
class MemberRow:
    participation_id: int
    person_id: int | None
    program: str
    campus: str | None
    completed_on: dt.date
    status: Status


def rate_members(session: Session, rule: RateDefinition, cohort: Cohort, filters: Filters = Filters(),
                 *, status: Status | None = None, dimension: Dimension | None = None,
                 key: str | None = None, limit: int = 100, offset: int = 0) -> tuple[list[MemberRow], int]:
    """Drill-down: a page of the completers behind a rate (or one group of it) and their total."""
    counted, excluded = _flags(rule, cohort.as_of)
    state = case((counted, "counted"), (excluded, "excluded"), else_="not_counted")
    conditions = _cohort_conditions(rule, cohort, filters)
    if dimension:
        column = COLUMNS[dimension]
        if key is None:
            conditions.append(column.is_(None))
        else:
            conditions.append(column == (int(key) if dimension == "year" else key))
    if status == "counted":
        conditions.append(counted)
    elif status == "excluded":
        conditions.append(excluded)
    elif status == "not_counted":
        conditions.extend([~counted, ~excluded])
    total = session.execute(select(func.count()).select_from(P).where(*conditions)).scalar_one()
    rows = session.execute(select(P.id, P.person_id, P.program_code, P.campus_code, P.completed_on, state)
                           .where(*conditions).order_by(P.completed_on, P.id)
                           .limit(min(limit, 1000)).offset(offset))
    return [MemberRow(*row) for row in rows], int(total)


def intake(session: Session, *, years: tuple[int, int], filters: Filters = Filters(),
           by: str = "program") -> list[tuple[int, str | None, int, int]]:
    """(year started, group, participants, completers) by program or campus or track."""
    column = {"program": P.program_code, "campus": P.campus_code, "track": P.track_code}[by]
    conditions = [P.started_year >= years[0], P.started_year <= years[1]]
    if filters.program:
        conditions.append(P.program_code == filters.program)
    if filters.campus:
        conditions.append(P.campus_code == filters.campus)
    query = (select(P.started_year, column, func.count(), func.sum(case((P.status == "completed", 1), else_=0)))
             .where(*conditions).group_by(P.started_year, column).order_by(P.started_year, column))
    return [(int(y), g, int(n), int(c or 0)) for y, g, n, c in session.execute(query)]


RATE_METRICS = {"cumulative_rate": "employment_rate_cumulative", "midterm_rate": "employment_rate_midterm",
                "target_rate": "employment_rate"}
HEADCOUNT_METRICS = {"youth_academy": "trainees_per_year", "companion_jobs": "people",
                     "attractive_jobs": "people", "tech_institute": "people"}


def record_actuals(session: Session, year: int, *, as_of: dt.date | None = None) -> list[Actual]:
    """Achieved figures Ilja's records show for every year up to ``year``: headcounts a year by
    program, the three employment rates, alumni and alliance members at year end, and the
    figures staff entered. A metric without records is left to the documents' figure."""
    actuals: list[Actual] = []
    for started, program, count in session.execute(
            select(P.started_year, P.program_code, func.count()).where(P.started_year <= year)
            .group_by(P.started_year, P.program_code)):
        metric = HEADCOUNT_METRICS.get(program)
        if metric:
            actuals.append(Actual(program, metric, int(started), int(count), RECORDS))
    day = as_of or dt.date(year, 12, 31)
    for name, metric in RATE_METRICS.items():
        rule = definition(name, day)
        group = headline(session, rule, cohort_for(rule, year=year, as_of=day))
        if group.denominator and group.percent is not None:
            for program in sorted(rule.programs):
                actuals.append(Actual(program, metric, year, group.percent, RECORDS, day.isoformat()))
    for model, metric in ((AlumniMember, "alumni_members"), (AllianceMember, "ai_alliance_members")):
        count = active_count(session, model, day)
        if count:
            actuals.append(Actual("youth_academy", metric, year, count, RECORDS, day.isoformat()))
    for row in session.execute(select(KpiActual).where(KpiActual.year <= year)).scalars():
        actuals.append(Actual(row.scope, row.metric, row.year, row.value, f"records: {row.source}"))
    return actuals


def load_records(session: Session, rule: RateDefinition, cohort: Cohort,
                 filters: Filters = Filters()) -> tuple[list[Completer], list[Outcome]]:
    """The cohort as plain records for the pure functions (explanations, cross-checks)."""
    completers = [Completer(r.id, r.person_id, r.program_code, r.completed_on, r.track_code,
                            r.campus_code, r.district_code, r.course, r.field)
                  for r in session.execute(select(P).where(*_cohort_conditions(rule, cohort, filters))).scalars()]
    ids = [c.id for c in completers]
    outcomes: list[Outcome] = []
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        outcomes += [Outcome(o.participation_id, o.kind, o.effective_on, o.recorded_on, o.contract_type, o.source)
                     for o in session.execute(select(OutcomeRecord)
                                              .where(OutcomeRecord.participation_id.in_(chunk))).scalars()]
    return completers, outcomes
