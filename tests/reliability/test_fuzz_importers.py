"""Every importer against hostile files (1 M empty rows, zip bombs, formulas, wrong types,
garbage, deep JSON) and Hypothesis-made tables: a typed refusal with row and column, bounded
time and memory (each importer in a child process capped at 2.5 GB address space), nothing
written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ilja.accounts import audit
from ilja.db import engine_for, transaction
from ilja.ops.fuzz_importers import PEOPLE_HEADER, PEOPLE_ROW, hostile_run
from ilja.ops.hostile_files import FORMULAS, write_csv, write_jsonl, write_xlsx
from ilja.people.importer import ImportInvalid, ImportRefused, import_people, validate_file

ACTOR = audit.Actor("1", "program_manager", "127.0.0.1")


def test_hostile_files_are_refused_within_bounds(tmp_path):
    report = hostile_run(tmp_path, max_seconds=60, max_megabytes=512, address_space_gb=2.5)
    assert len(report.outcomes) >= 70
    assert not report.failures, "\n".join(f"{o.importer} {o.file}: {o.detail}" for o in report.failures)
    zip_bombs = [o for o in report.outcomes if o.file.startswith("zip-bomb")]
    assert all(o.kind != "failure" for o in zip_bombs)


cell = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**12, 10**12),
                 st.floats(allow_nan=True), st.sampled_from(FORMULAS + ["홍길동", "1990-02-30", "true",
                                                                     "<script>x</script>", "9" * 40]))
table = st.lists(st.lists(cell, min_size=len(PEOPLE_HEADER), max_size=len(PEOPLE_HEADER) + 2),
                 min_size=1, max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(rows=table, kind=st.sampled_from(["csv", "xlsx", "jsonl"]), mutate=st.booleans())
def test_random_tables_get_row_and_column_or_pass(tmp_path_factory, rows, kind, mutate):
    folder = tmp_path_factory.mktemp("people")
    rows = [PEOPLE_ROW, *rows] if mutate else rows
    path = folder / f"people.{kind}"
    header = PEOPLE_HEADER
    if kind == "csv":
        write_csv(path, [header, *rows])
    elif kind == "xlsx":
        write_xlsx(path, [header, *[[None if isinstance(v, float) and v != v else v for v in r] for r in rows]])
    else:
        write_jsonl(path, header, rows)
    try:
        validate_file(path, program="companion_jobs", on=dt.date(2025, 6, 1))
    except ImportInvalid as error:
        assert error.errors and all(e.row >= 0 and e.field for e in error.errors)
        assert all(e.row <= len(rows) + 1 for e in error.errors)
    except ImportRefused as error:
        assert str(error)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_bad_row_writes_nothing(database_url, tmp_path, kind):
    from ilja.people.rrn import generate_key_file

    keyring = generate_key_file(tmp_path / "keys.json")
    good = [*PEOPLE_ROW]
    bad = [*PEOPLE_ROW]
    bad[1] = "=HYPERLINK(\"http://evil\")"
    path = tmp_path / f"people.{kind}"
    (write_csv if kind == "csv" else write_xlsx)(path, [PEOPLE_HEADER, good, good, bad])
    from ilja.people.models import Person

    with pytest.raises(ImportInvalid) as caught, transaction(engine_for(database_url)) as session:
        import_people(session, Path(path), program="companion_jobs", actor=ACTOR, keyring=keyring,
                      on=dt.date(2025, 6, 1))
    assert [(e.row, e.field) for e in caught.value.errors] == [(3, "birth_date")]
    with transaction(engine_for(database_url)) as session:
        assert session.execute(select(func.count()).select_from(Person)).scalar() == 0
