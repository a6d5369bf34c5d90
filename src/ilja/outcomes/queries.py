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

from sqlalchemy import and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from ilja import paging
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.outcomes import states
from ilja.outcomes.judges import Judge
from ilja.outcomes.kpi import RECORDS, Actual
from ilja.outcomes.models import (
    AllianceMember,
    AlumniMember,
    KpiActual,
    OutcomeRecord,
    OutcomeState,
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


def _written(value: Any) -> Any:
    """A date or key written into the SQL text rather than sent as a parameter. After a
    statement's fifth run PostgreSQL may plan it once for any parameters: a range on an unknown
    date then looks like 0.5 % of the completers, which it joins one by one to their states —
    three times the CPU of the plan for the dates given (bench/kpi). With the values in the text
    every run is planned for its own."""
    return literal(value, literal_execute=True)


def _cohort_conditions(rule: RateDefinition, cohort: Cohort, filters: Filters, table: Any = None) -> list[Any]:
    """The cohort's completers among the participations, or among ``table``'s rows (the kept
    states, which only completers have)."""
    c = P if table is None else table.c
    programs = set(rule.programs)
    if filters.program:
        programs &= {filters.program}
    conditions = [c.program_code.in_(sorted(programs) or [""]),
                  c.completed_on >= _written(cohort.start), c.completed_on <= _written(cohort.end)]
    if table is None:
        conditions.insert(0, P.status == "completed")
    if filters.campus:
        conditions.append(c.campus_code == filters.campus)
    return conditions


def _conditions(rule: RateDefinition, as_of: dt.date, *,
                read_by: dt.date | None = None) -> tuple[Any, Any]:
    """(counted, excluded) conditions on one outcome row: known by ``as_of``, within the window,
    of a counted kind (and contract type) or of a kind that leaves the denominator. Rows read
    through ``_readable(…, read_by)`` are known by ``read_by``: when that is ``as_of``, the
    dates are not tested again for every row."""
    o = OutcomeRecord
    day = _written(as_of)
    known = [] if read_by == as_of else [o.recorded_on <= day, o.effective_on <= day]
    counts, excludes = states.judged(Judge.of(rule))
    return and_(*known, counts), and_(*known, excludes)


def _readable(rules: list[RateDefinition], as_of: dt.date) -> list[Any]:
    """The outcomes any of ``rules`` could count or exclude by ``as_of``: a plain filter, wider
    than their own conditions (which still decide), that the planner answers with one scan."""
    o = OutcomeRecord
    kinds = set().union(*(r.counted_outcomes | r.excluded_from_denominator for r in rules))
    return [o.kind.in_(sorted(kinds) or [""]), o.recorded_on <= _written(as_of), o.effective_on <= _written(as_of)]


def _states(session: Session, measures: list[tuple[RateDefinition, dt.date]]) -> tuple[Any, list[tuple[Any, Any]]]:
    """(the completers joined to their states, each measure's (counted, only excluded)) for rules
    judged as of the dates: conditions never NULL, so that their negations hold for completers
    without outcomes. Read from ``outcome_states`` (one row a completer and judge, counted
    ``reached_on <= as_of``: plain conditions the planner estimates, where a CASE on them looked
    like 0.5 % of the rows and the drill-down sorted all of them for its page) when every
    judge's states are kept; else judged
    from the outcome rows, the highest of each completer's outcomes' in one grouped pass (the
    outcomes any rule could use, known by the latest date: a plain filter the planner answers
    with one scan and a hash aggregate)."""
    judges = {Judge.of(rule).key: Judge.of(rule) for rule, _ in measures}
    ids = states.kept(session, judges.values())
    if len(ids) == len(judges):
        tables = {key: OutcomeState.__table__.alias(f"states{i}") for i, key in enumerate(sorted(ids))}
        joined = P.__table__
        for key, table in tables.items():
            joined = joined.outerjoin(table, and_(table.c.participation_id == P.id,
                                                  table.c.judge_id == _written(ids[key])))
        found = []
        for rule, as_of in measures:
            table = tables[Judge.of(rule).key]
            day = _written(as_of)
            counted = and_(table.c.counted_on.is_not(None), table.c.counted_on <= day)
            found.append((counted, and_(~counted, table.c.excluded_on.is_not(None), table.c.excluded_on <= day)))
        return joined, found
    o = OutcomeRecord
    latest = max(as_of for _, as_of in measures)
    columns = []
    for i, (rule, as_of) in enumerate(measures):
        counted, excluded = _conditions(rule, as_of, read_by=latest)
        columns.append(func.max(case((counted, 2), (excluded, 1), else_=0)).label(f"s{i}"))
    judged = (select(o.participation_id, *columns).where(*_readable([rule for rule, _ in measures], latest))
              .group_by(o.participation_id).subquery("states"))
    states_of = [func.coalesce(judged.c[f"s{i}"], 0) for i in range(len(measures))]
    return _joined(judged), [(state == 2, state == 1) for state in states_of]


def headlines(session: Session, measures: list[tuple[RateDefinition, Cohort]],
              filters: Filters = Filters()) -> list[Group]:
    """Several rates' headlines in one pass each (the dashboard's rate cards and the target
    figures). Where every judge's states are kept, each cohort's completers are counted in the
    participations, and its counted and excluded in ``outcome_states`` alone (which carries the
    cohort's columns): no join, and each measure reads only its judge's rows of its cohort (one
    grouped pass over all of them evaluated every measure's conditions on every row: twice the
    CPU). Else one state per
    completer and definition is judged from the outcome rows (``_states``) and the completers
    counted by (memberships, states) together — each condition evaluated once a completer, where
    a sum of conditional cases per figure evaluated it again for every figure. A few groups are
    summed here."""
    if not measures:
        return []
    judges = [Judge.of(rule) for rule, _ in measures]
    ids = states.kept(session, judges)
    programs = sorted(set().union(*(r.programs for r, _ in measures)) or {""})
    start, end = _written(min(c.start for _, c in measures)), _written(max(c.end for _, c in measures))
    totals = [[0, 0, 0] for _ in measures]  # counted, members, only excluded
    if len(ids) == len({judge.key for judge in judges}):
        members = session.execute(select(*(func.count().filter(and_(*_cohort_conditions(rule, cohort, filters)))
                                           for rule, cohort in measures))
                                  .where(P.status == "completed", P.program_code.in_(programs),
                                         P.completed_on >= start, P.completed_on <= end)).one()
        S = OutcomeState.__table__
        parts = []
        for i, (rule, cohort) in enumerate(measures):
            day = _written(cohort.as_of)
            counted = S.c.counted_on <= day
            excluded = and_(or_(S.c.counted_on.is_(None), S.c.counted_on > day), S.c.excluded_on <= day)
            parts.append(select(literal(i), func.count().filter(counted), func.count().filter(excluded))
                         .where(S.c.judge_id == _written(ids[judges[i].key]),
                                *_cohort_conditions(rule, cohort, filters, S)))
        for i, numerator, left_out in session.execute(union_all(*parts)):
            totals[i] = [int(numerator), int(members[i]), int(left_out)]
        return [Group(None, numerator, count - left_out, left_out) for numerator, count, left_out in totals]
    joined, found = _states(session, [(rule, cohort.as_of) for rule, cohort in measures])
    members = [and_(*_cohort_conditions(rule, cohort, filters)) for rule, cohort in measures]
    keys = [*(case((member, 1), else_=0) for member in members),
            *(case((counted, 2), (excluded, 1), else_=0) for counted, excluded in found)]
    scope = [P.status == "completed", P.program_code.in_(programs), P.completed_on >= start, P.completed_on <= end]
    for row in session.execute(select(*keys, func.count()).select_from(joined).where(*scope).group_by(*keys)):
        count = int(row[-1])
        for i, total in enumerate(totals):
            if row[i]:
                state = row[len(measures) + i]
                total[0] += count if state == 2 else 0
                total[1] += count
                total[2] += count if state == 1 else 0
    return [Group(None, numerator, count - left_out, left_out) for numerator, count, left_out in totals]


def completer_flags(session: Session, rule: RateDefinition, as_of: dt.date) -> tuple[Any, Any, Any]:
    """(the participations joined to their kept state under ``rule`` on ``as_of``, counted, only
    excluded): for a query over participations that needs whether each counts (the registers)."""
    joined, ((counted, excluded),) = _states(session, [(rule, as_of)])
    return joined, counted, excluded


def _joined(flags: Any) -> Any:
    return P.__table__.outerjoin(flags, flags.c.participation_id == P.id)


def rate_groups(session: Session, rule: RateDefinition, cohort: Cohort, filters: Filters = Filters(),
                dimension: Dimension | None = None) -> list[Group]:
    """The rate's groups by ``dimension`` (one group, key None, without one)."""
    joined, counted, excluded = completer_flags(session, rule, cohort.as_of)
    key = COLUMNS[dimension] if dimension else literal(None)
    query = (select(key, func.sum(case((counted, 1), else_=0)), func.count(),
                    func.sum(case((excluded, 1), else_=0)))
             .select_from(joined).where(*_cohort_conditions(rule, cohort, filters)))
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
    return headlines(session, [(rule, cohort)], filters)[0]


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
                 key: str | None = None, limit: int = 100, offset: int = 0,
                 scope: Scope = SYSTEM) -> tuple[list[MemberRow], int]:
    """Drill-down: a page of the completers behind a rate (or one group of it) within ``scope``
    (the rate itself is an aggregate; its members are people, scoped like them) and their total."""
    joined, counted, excluded = completer_flags(session, rule, cohort.as_of)
    state = case((counted, "counted"), (excluded, "excluded"), else_="not_counted")
    conditions = [*_cohort_conditions(rule, cohort, filters), scope.where(Kind.PARTICIPATION)]
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
    total = session.execute(select(func.count()).select_from(joined).where(*conditions)).scalar_one()
    rows = session.execute(paging.window(
        select(P.id, P.person_id, P.program_code, P.campus_code, P.completed_on, state)
        .select_from(joined).where(*conditions).order_by(P.completed_on, P.id),
        limit, offset))
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
    rules = [definition(name, day) for name in RATE_METRICS]
    groups = headlines(session, [(rule, cohort_for(rule, year=year, as_of=day)) for rule in rules])
    for rule, group, metric in zip(rules, groups, RATE_METRICS.values(), strict=True):
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
