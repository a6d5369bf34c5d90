"""``outcome_states`` as the writers keep it equals a recount from the outcome rows after any
sequence of writes; migration 0401 counts it from the rows already stored and its downgrade
takes it away — on SQLite and PostgreSQL (issue 20 §4)."""

from __future__ import annotations

import datetime as dt
import random
import threading

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import delete, inspect, select
from sqlalchemy.orm import Session

from ilja.db import alembic_config, dispose_engines, engine_for, transaction
from ilja.models import metadata
from ilja.outcomes import queries, states
from ilja.outcomes.judges import Judge, all_judges
from ilja.outcomes.models import OutcomeState, Participation, StateJudge
from ilja.outcomes.rates import cohort_for, definition
from ilja.outcomes.service import OutcomeInput, complete, record_outcome
from tests.outcomes.test_queries import STAFF, generated

MINE = ("outcome_states", "outcome_state_judges")


def kept_states(session) -> dict[tuple[str, int], tuple]:
    """Every kept state by (judge key, participation): its days and the cohort columns it carries."""
    s = OutcomeState
    rows = session.execute(select(StateJudge.key, s.participation_id, s.counted_on, s.excluded_on, s.program_code,
                                  s.completed_on, s.campus_code).join(StateJudge, StateJudge.id == s.judge_id))
    return {(key, pid): tuple(rest) for key, pid, *rest in rows}


def recounted(session) -> dict[tuple[str, int], tuple[dt.date | None, dt.date | None]]:
    states.recount(session)
    return kept_states(session)


def test_migration_matches_the_models(database_url):
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if any(t in repr(d) for t in MINE)]
    assert diffs == []


def test_the_states_kept_by_the_writers_equal_a_recount_after_any_writes(database_url):
    """Outcomes in any order (some learnt long after, some outside the window), a few completions
    moved to another day, a few participations removed: after each step the kept table is what a recount
    from the outcome rows gives."""
    with transaction(engine_for(database_url)) as session:
        assert {key for key in session.execute(select(StateJudge.key)).scalars()} == {
            j.key for j in all_judges()}  # the migration counted every judge (none had states yet)
        ids = generated(session, seed=5, n=150)
        kept = kept_states(session)
        assert len({pid for _, pid in kept}) > 50 and len({key for key, _ in kept}) == 3
        assert kept == recounted(session)
        rng = random.Random(9)
        for _ in range(120):  # more outcomes, earlier and later than those kept
            pid = rng.choice(ids)
            done = session.get(Participation, pid).completed_on
            kind = rng.choice(["employed", "startup", "further_study", "looking"])
            start = done + dt.timedelta(days=rng.randrange(-20, 300))
            record_outcome(session, OutcomeInput(
                pid, kind, start, start + dt.timedelta(days=rng.randrange(-10, 200)),
                employer="회사" if kind == "employed" else None,
                contract_type=rng.choice(["permanent", "part_time"]) if kind == "employed" else None), actor=STAFF)
        kept = kept_states(session)
        assert kept == recounted(session)
        for pid in ids[10:15]:  # completed again, on another day: the states carry the new day
            complete(session, pid, session.get(Participation, pid).completed_on + dt.timedelta(days=3), actor=STAFF)
        kept = kept_states(session)
        assert {kept[key][3] for key in kept if key[1] == ids[10]} == {session.get(Participation, ids[10]).completed_on}
        assert kept == recounted(session)
        session.execute(delete(Participation).where(Participation.id.in_(ids[:10])))
        kept = kept_states(session)
        assert not {pid for _, pid in kept} & set(ids[:10])
        assert kept == recounted(session)


def test_a_judge_not_yet_kept_is_judged_from_the_outcome_rows_until_recounted(database_url):
    """A rules change that judges outcomes differently: its figures come from the outcome rows
    (the same as once its states are counted), and only a recount starts keeping it."""
    with transaction(engine_for(database_url)) as session:
        generated(session, seed=8, n=150)
        on = dt.date(2025, 12, 31)
        rule = definition("cumulative_rate", on)
        cohort = cohort_for(rule, year=2025, as_of=on)
        before = queries.rate_groups(session, rule, cohort, dimension="campus")
        session.execute(delete(OutcomeState))
        session.execute(delete(StateJudge))
        assert states.kept(session, [Judge.of(rule)]) == {}
        assert queries.rate_groups(session, rule, cohort, dimension="campus") == before
        assert set(states.recount(session)) == {j.key for j in all_judges()}
        assert queries.rate_groups(session, rule, cohort, dimension="campus") == before
        assert before and sum(g.numerator for g in before) > 10


def test_0401_counts_the_states_from_the_stored_outcomes_and_its_downgrade_drops_them(database_url):
    engine = engine_for(database_url)
    with transaction(engine) as session:
        generated(session, seed=13, n=150)
        before = kept_states(session)
    assert len(before) > 50
    config = alembic_config(database_url)
    dispose_engines()
    command.downgrade(config, "0400")
    with engine_for(database_url).connect() as connection:
        assert not set(MINE) & set(inspect(connection).get_table_names())
    dispose_engines()
    command.upgrade(config, "heads")
    with transaction(engine_for(database_url)) as session:
        assert kept_states(session) == before


def test_two_writers_of_one_completer_at_once_keep_the_earlier_days(database_url):
    """Two transactions record outcomes of the same completer at once (PostgreSQL: the second
    waits on the first's state rows, then keeps the first's earlier days, not its own later
    ones): the kept table is the recount."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite lets one writer at a time in")
    engine = engine_for(database_url)
    with transaction(engine) as session:
        pid = generated(session, seed=21, n=20)[0]
        done = session.get(Participation, pid).completed_on
    late, early = (done + dt.timedelta(days=days) for days in (60, 20))
    def second() -> None:
        with transaction(engine) as session:
            record_outcome(session, OutcomeInput(pid, "employed", late, late, employer="회사",
                                                 contract_type="permanent"), actor=STAFF)
    thread = threading.Thread(target=second)
    with Session(engine) as first:
        try:
            record_outcome(first, OutcomeInput(pid, "further_study", early, early), actor=STAFF)
            record_outcome(first, OutcomeInput(pid, "startup", early, early), actor=STAFF)
            thread.start()
            thread.join(0.5)
            assert thread.is_alive()  # waiting on the first writer's state rows
            first.commit()
        finally:
            first.rollback()  # after a failure: let the second writer through
            thread.join(10)
    assert not thread.is_alive()
    with transaction(engine) as session:
        kept = kept_states(session)
        assert kept == recounted(session)
        assert {kept[key][:2] for key in kept if key[1] == pid} >= {(early, early)}
