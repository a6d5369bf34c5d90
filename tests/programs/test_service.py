"""Storing the plan: idempotent, one transaction, and it reads back exactly — SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ilja.db import engine_for, transaction
from ilja.programs import models as m
from ilja.programs import service
from ilja.programs.loader import load_plan

TABLES = (
    m.PlanVersion,
    m.Program,
    m.ProgramTrack,
    m.District,
    m.Site,
    m.PlanTarget,
    m.PlanWarningRow,
)


def counts(engine) -> dict[str, int]:
    with transaction(engine) as session:
        return {
            t.__tablename__: session.scalar(select(func.count()).select_from(t)) for t in TABLES
        }


def test_store_plan_twice_leaves_one_copy(database_url):
    engine = engine_for(database_url)
    plan = load_plan()
    with transaction(engine) as session:
        first = service.store_plan(session, plan)
    after_first = counts(engine)
    with transaction(engine) as session:
        second = service.store_plan(session, plan)
    assert counts(engine) == after_first
    assert first.new_version and not second.new_version
    assert (second.inserted, second.updated, second.deleted) == (0, 0, 0)
    assert after_first == {
        "plan_versions": 1,
        "programs": len(plan.programs),
        "program_tracks": len(plan.tracks),
        "districts": 25,
        "sites": 29,
        "plan_targets": len(plan.targets),
        "plan_warnings": len(plan.warnings),
    }


def test_stored_plan_reads_back_exactly(database_url):
    engine = engine_for(database_url)
    plan = load_plan()
    with transaction(engine) as session:
        assert service.read_plan(session) is None
        service.store_plan(session, plan)
    with transaction(engine) as session:
        stored = service.read_plan(session)
        assert stored == plan
        warning = next(
            w
            for w in service.list_warnings(session)
            if (w.code, w.subject) == ("tracks_people_sum", "companion_jobs")
        )
        assert (warning.stated, warning.computed) == (12890, 12980)
        assert service.find_district(session, "마포구").code == "11440"
        assert [s.code for s in service.list_sites(session, district="11440")] == ["campus.mapo"]
        assert len(service.list_sites(session, kind="institute")) == 4
        (budget,) = service.list_targets(
            session, metric="budget", year=2025, program="companion_jobs"
        )
        assert budget.value == 94291
        assert service.get_program(session, "attractive_jobs").tracks[0].projects.value == 33
        assert service.get_program(session, "nope") is None
        assert service.current_version(session).content_hash == plan.content_hash


def test_a_changed_plan_updates_in_place_and_keeps_history(database_url, tmp_path):
    import shutil

    from ilja.programs.plan import DATA_DIR

    engine = engine_for(database_url)
    with transaction(engine) as session:
        service.store_plan(session, load_plan())
    changed_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, changed_dir)
    text = (changed_dir / "programs.yaml").read_text().replace("value: 12890", "value: 12980", 1)
    (changed_dir / "programs.yaml").write_text(text)
    changed = load_plan(changed_dir)
    with transaction(engine) as session:
        result = service.store_plan(session, changed)
    assert result.new_version and result.updated > 0
    with transaction(engine) as session:
        versions = service.list_versions(session)
        assert [v.is_current for v in versions] == [False, True]
        assert service.get_program(session, "companion_jobs").people.value == 12980
        assert len(service.list_warnings(session)) == len(load_plan().warnings) - 1
        assert len(service.list_warnings(session, versions[0].id)) == len(load_plan().warnings)
    assert counts(engine)["programs"] == len(changed.programs)


def test_a_failure_part_way_leaves_nothing_behind(database_url, monkeypatch):
    engine = engine_for(database_url)

    upsert = service._upsert

    def fail_on_the_last_table(session, model, *args):
        if model is m.PlanWarningRow:
            session.flush()  # everything before it has reached the database
            raise RuntimeError("disk full")
        upsert(session, model, *args)

    monkeypatch.setattr(service, "_upsert", fail_on_the_last_table)
    with pytest.raises(RuntimeError), transaction(engine) as session:
        service.store_plan(session, load_plan())
    assert set(counts(engine).values()) == {0}


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    mine = {t.__tablename__ for t in TABLES}
    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if any(t in repr(d) for t in mine)]
    assert diffs == []
