"""``outcome_states``: per completer and judge, the days they were first counted and first
excluded (``ilja.outcomes.judges``), so that a rate as of any date counts about 46,000 small rows
(``reached_on <= as_of``) where it judged every one of 150,000 outcome rows (issue 20 §4).

:func:`recount` builds a judge's states from the outcome rows (migration 0401, ``ilja outcomes
recount-states``, a rules change that brings a new judge); :func:`record` keeps every judge
already counted up to date in the transaction that stores an outcome (``service.record_outcome``,
through which matching's hires and support's start-ups come too). Outcome rows are only ever
added (or go with their participation, and their states with them), so an added row can only
bring a state's days earlier: the upsert takes the earlier day, safe under concurrent writers.
A judge not yet counted has no row in ``outcome_state_judges`` and the queries judge the outcome
rows themselves for it, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, literal, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ilja import clock
from ilja.outcomes.judges import Judge, all_judges
from ilja.outcomes.models import OutcomeRecord, OutcomeState, Participation, StateJudge

o, P = OutcomeRecord, Participation
S = OutcomeState.__table__
COHORT = ("program_code", "completed_on", "campus_code")  # the participation's, kept with its states
KNOWN_ON = case((o.recorded_on > o.effective_on, o.recorded_on), else_=o.effective_on)


def judged(judge: Judge) -> tuple[Any, Any]:
    """(counts, excludes): the judge's conditions on one outcome row, its window included (not
    whether it is known by a date)."""
    window = [] if judge.window_months is None else [o.months_after <= judge.window_months]
    kinds = o.kind.in_(sorted(judge.counted_outcomes) or [""])
    if judge.counted_contract_types is not None:
        kinds = and_(kinds, or_(o.kind != "employed",
                                o.contract_type.in_(sorted(judge.counted_contract_types) or [""])))
    return and_(*window, kinds), and_(*window, o.kind.in_(sorted(judge.excluded) or [""]))


def kept(session: Session, judges: Iterable[Judge]) -> dict[str, int]:
    """The ids of those of ``judges`` whose states are kept, by key."""
    keys = sorted({judge.key for judge in judges})
    rows = session.execute(select(StateJudge.key, StateJudge.id).where(StateJudge.key.in_(keys)))
    return {key: id_ for key, id_ in rows}


def recount(session: Session | Connection, judges: Iterable[Judge] | None = None) -> dict[str, int]:
    """Count the states of ``judges`` (by default every dated definition's and every one kept) anew from the outcome
    rows, and keep them from now on; the completers with a state, by judge key. On PostgreSQL the
    outcome rows are locked against writers meanwhile (a writer's row would be missed by the
    count, and the writer would not yet know the judge). Takes a Connection too (the migration's)."""
    dialect = session.dialect if isinstance(session, Connection) else session.get_bind().dialect
    if dialect.name == "postgresql":
        session.execute(text("LOCK TABLE outcome_records IN SHARE MODE"))
    counted: dict[str, int] = {}
    if judges is None:
        keys = session.execute(select(StateJudge.key)).scalars()
        judges = {judge.key: judge for judge in [*all_judges(), *map(Judge.parse, keys)]}.values()
    for judge in judges:
        session.execute(delete(StateJudge).where(StateJudge.key == judge.key))
        judge_id = session.execute(insert(StateJudge).values(key=judge.key, counted_at=clock.now())
                                   .returning(StateJudge.id)).scalar_one()
        session.execute(delete(OutcomeState).where(OutcomeState.judge_id == judge_id))  # SQLite without FKs
        counts, excludes = judged(judge)
        cohort = [P.program_code, P.completed_on, P.campus_code]
        states = (select(literal(judge_id), o.participation_id, *cohort, func.min(case((counts, KNOWN_ON))),
                         func.min(case((excludes, KNOWN_ON))))
                  .join(P, P.id == o.participation_id).where(or_(counts, excludes))
                  .group_by(o.participation_id, *cohort))
        result = session.execute(S.insert().from_select(
            ["judge_id", "participation_id", *COHORT, "counted_on", "excluded_on"], states))
        counted[judge.key] = result.rowcount
    return counted


def record(session: Session, outcome: OutcomeRecord, participation: Participation) -> None:
    """Bring ``outcome`` of ``participation`` into the states of every kept judge (in the caller's
    transaction)."""
    rows = []
    for judge_id, key in session.execute(select(StateJudge.id, StateJudge.key)):
        reached = Judge.parse(key).reached(outcome.kind, outcome.contract_type, outcome.months_after,
                                           outcome.effective_on, outcome.recorded_on)
        if reached:
            rows.append({"judge_id": judge_id, "participation_id": participation.id,
                         **{name: getattr(participation, name) for name in COHORT},
                         "counted_on": reached.counted_on, "excluded_on": reached.excluded_on})
    if not rows:
        return
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = upsert(S)

    def earlier(column: str) -> Any:
        new, old = statement.excluded[column], S.c[column]
        return case((or_(old.is_(None), new < old), new), else_=old)
    session.execute(statement.on_conflict_do_update(
        index_elements=["judge_id", "participation_id"],
        set_={"counted_on": earlier("counted_on"), "excluded_on": earlier("excluded_on"),
              **{name: statement.excluded[name] for name in COHORT}}), rows)


def completed(session: Session, participation: Participation) -> None:
    """A participation's completion (again, on another day): its states follow."""
    session.execute(S.update().where(S.c.participation_id == participation.id)
                    .values({name: getattr(participation, name) for name in COHORT}))
