"""The dashboard's rate queries give the figures they gave before their shape changed (issue 20 §4):
the headlines, counted by (memberships, states) in one grouped pass since, against the sums of
conditional cases they were; every view read from the kept states (``outcome_states``) against
judging the outcome rows, on past as-of dates too — on generated completers and outcomes, on
SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from sqlalchemy import and_, case, delete, func, select

from ilja.accounts.audit import Actor
from ilja.db import engine_for, transaction
from ilja.outcomes import queries
from ilja.outcomes.models import OutcomeRecord, OutcomeState, StateJudge
from ilja.outcomes.queries import Filters, P, _cohort_conditions, _conditions, _joined, _readable
from ilja.outcomes.rates import DIMENSIONS, Group, cohort_for, compute_rate, definition
from ilja.outcomes.service import OutcomeInput, ParticipationInput, add_participation, record_outcome

D = dt.date
STAFF = Actor("7", "job_coordinator")


def headlines_as_sums(session, measures, filters=Filters()):
    """``queries.headlines`` as it was before issue 20 §4: one sum of a conditional case per
    figure over the completers joined to their states (the reference the new shape must match)."""
    o = OutcomeRecord
    columns, outer = [], []
    latest = max(cohort.as_of for _, cohort in measures)
    for i, (rule, cohort) in enumerate(measures):
        counted, excluded = _conditions(rule, cohort.as_of, read_by=latest)
        columns.append(func.max(case((counted, 2), (excluded, 1), else_=0)).label(f"s{i}"))
    states = (select(o.participation_id, *columns).where(*_readable([rule for rule, _ in measures], latest))
              .group_by(o.participation_id).subquery("states"))
    for i, (rule, cohort) in enumerate(measures):
        member = and_(*_cohort_conditions(rule, cohort, filters))
        state = func.coalesce(states.c[f"s{i}"], 0)
        outer += [func.sum(case((and_(member, state == 2), 1), else_=0)), func.sum(case((member, 1), else_=0)),
                  func.sum(case((and_(member, state == 1), 1), else_=0))]
    programs = sorted(set().union(*(r.programs for r, _ in measures)) or {""})
    scope = [P.status == "completed", P.program_code.in_(programs),
             P.completed_on >= min(c.start for _, c in measures), P.completed_on <= max(c.end for _, c in measures)]
    row = session.execute(select(*outer).select_from(_joined(states)).where(*scope)).one()
    groups = []
    for i in range(len(measures)):
        numerator, count, left_out = (int(v or 0) for v in row[3 * i:3 * i + 3])
        groups.append(Group(None, numerator, count - left_out, left_out))
    return groups


def generated(session, seed: int, n: int = 400) -> list[int]:
    """Completers of two programs over three years, with none to four outcomes each of every kind
    and contract type, some learnt late (known after the as-of dates tested), some after the
    window, some in progress or dropped; the completers' ids."""
    rng = random.Random(seed)
    completers = []
    for i in range(n):
        done = D(2023, 1, 1) + dt.timedelta(days=rng.randrange(1100))
        status = rng.choice(["completed"] * 8 + ["dropped", "in_progress"])
        row = add_participation(session, ParticipationInput(
            program_code=rng.choice(["youth_academy", "youth_academy", "tech_institute"]),
            started_on=done - dt.timedelta(days=150), source_ref=f"own:{i}", status=status,
            completed_on=done if status == "completed" else None,
            campus_code=rng.choice(["campus.mapo", "campus.jung", None])), actor=STAFF)
        if status != "completed":
            continue
        completers.append(row.id)
        for _ in range(rng.randrange(5)):
            kind = rng.choice(["employed", "employed", "startup", "further_study", "looking"])
            start = done + dt.timedelta(days=rng.randrange(-30, 400))
            record_outcome(session, OutcomeInput(
                row.id, kind, start, start + dt.timedelta(days=rng.randrange(120)),
                employer="회사" if kind == "employed" else None,
                contract_type=rng.choice(["permanent", "fixed_term", "part_time", "internship"])
                if kind == "employed" else None), actor=STAFF)
    return completers


@pytest.mark.parametrize("seed", [3, 11])
def test_headlines_give_the_figures_the_sums_gave(database_url, seed):
    with transaction(engine_for(database_url)) as session:
        generated(session, seed)
        checked = 0
        for on in (D(2024, 6, 30), D(2025, 9, 30), D(2025, 11, 11), D(2025, 12, 31)):
            rules = [definition(name, on) for name in queries.RATE_METRICS]
            measures = [(rule, cohort_for(rule, year=on.year, as_of=on)) for rule in rules]
            for filters in (Filters(), Filters(campus="campus.mapo"), Filters(program="youth_academy")):
                for chosen in (measures, measures[:1], measures[1:], [measures[2], measures[0]]):
                    assert queries.headlines(session, chosen, filters) == headlines_as_sums(session, chosen, filters)
                    checked += sum(g.denominator + g.excluded for g in queries.headlines(session, chosen, filters))
        assert checked > 1000  # the cohorts were not empty
        assert queries.headlines(session, []) == []


def _views(session, on: dt.date) -> dict:
    """Every figure the dashboard reads for ``on``: headlines, groups by every dimension, the
    drill-down's pages by standing."""
    rules = [definition(name, on) for name in queries.RATE_METRICS]
    measures = [(rule, cohort_for(rule, year=on.year, as_of=on)) for rule in rules]
    found: dict = {"headlines": queries.headlines(session, measures),
                   "filtered": queries.headlines(session, measures, Filters(campus="campus.mapo"))}
    for rule, cohort in measures:
        for dimension in (None, *DIMENSIONS):
            found["groups", rule.name, dimension] = queries.rate_groups(session, rule, cohort, dimension=dimension)
        for status in (None, "counted", "excluded", "not_counted"):
            found["members", rule.name, status] = queries.rate_members(session, rule, cohort, status=status, limit=1000)
    return found


@pytest.mark.parametrize("seed", [4])
def test_the_kept_states_give_the_figures_judging_the_outcome_rows_gives(database_url, seed):
    """Read from ``outcome_states`` (``reached_on <= as_of``) or judged from the outcome rows, on
    past as-of dates too, every view's figures are the same, and the headline is what the pure
    ``compute_rate`` gives."""
    with transaction(engine_for(database_url)) as session:
        generated(session, seed)
        days = (D(2023, 12, 31), D(2024, 6, 30), D(2025, 9, 30), D(2025, 11, 10), D(2025, 12, 31))
        kept = {on: _views(session, on) for on in days}
        session.execute(delete(OutcomeState))
        session.execute(delete(StateJudge))
        judged = {on: _views(session, on) for on in days}
        assert kept == judged
        for on in days:
            for name in queries.RATE_METRICS:
                rule = definition(name, on)
                cohort = cohort_for(rule, year=on.year, as_of=on)
                rate = compute_rate(rule, *queries.load_records(session, rule, cohort), cohort)
                assert kept[on]["groups", rule.name, None] == ([Group(None, rate.numerator, rate.denominator,
                                                            len(rate.ids("excluded")))] if rate.members else [])
        assert sum(len(kept[on]["members", name, "counted"][0]) for on in days for name in queries.RATE_METRICS) > 200
