"""The import's faster paths give exactly what the one-person paths give, on synthetic persons
(hypothesis picks the seeds, programs and dates): the reasons of a not-eligible decision worded
once per distinct condition (``snapshot.reason_lines``) are the lines of the stored decision
read back whole (``stored_result`` and ``program_lines``), and a snapshot made from the engine's
shared outcomes says what the engine's result says."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.people.conftest import cell_text, valid_rrn

from ilja.applications import snapshot
from ilja.people.synthetic import generate_persons
from ilja.rules.engine import default_engine
from ilja.rules.explain import program_lines

PROGRAMS = ("companion_jobs", "youth_academy", "attractive_jobs")


def stored(snap: snapshot.Snapshot) -> tuple[dict, dict]:
    """The snapshot as the database gives it back (JSON text parsed again)."""
    return json.loads(snapshot.canonical(snap.person)), json.loads(snapshot.canonical(snap.context))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), program=st.sampled_from(PROGRAMS),
       on=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_reasons_worded_once_per_condition_equal_the_whole_decision_read_back(seed, program, on):
    engine = default_engine()
    context = None
    for person in generate_persons(60, seed=seed):
        snap = snapshot.take(engine.evaluate_person(person, on, on, [program]), program)
        eligibility, read = stored(snap)
        context = read if context is None or context != read else context  # one dict, as a caller
        expected = {lang: program_lines(snapshot.stored_result(eligibility, context), lang)
                    for lang in ("ko", "en")}
        assert snapshot.reason_lines(eligibility, context, ("ko", "en")) == expected


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), program=st.sampled_from(PROGRAMS),
       on=st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)))
def test_a_snapshot_made_from_shared_outcomes_is_the_engine_result(seed, program, on):
    """``take`` makes each kept outcome's stored form once; every snapshot still says exactly
    what the engine's result says of that person."""
    engine = default_engine()
    for person in generate_persons(60, seed=seed):
        result = engine.evaluate_person(person, on, on, [program])
        snap = snapshot.take(result, program)
        whole = result.result(program).as_dict()
        expected = [{"id": c["id"], "status": c["status"], "inputs": c["inputs"],
                     "parameters": [p["name"] for p in c["parameters"]],
                     "exceptions": c["exceptions"]} for c in whole["conditions"]]
        assert snapshot.canonical(snap.person["conditions"]) == snapshot.canonical(
            snapshot._plain(expected))
        assert snap.person["pay_breakdown"] == snapshot._plain(whole["pay_breakdown"])
        assert snap.person["failed"] == whole["failed"] and snap.eligible == whole["eligible"]


PERSON_COLUMNS = ("birth_date", "sido", "sigungu", "employment_status", "able_to_work",
                  "household_head", "household_size", "vulnerable_groups", "nationality", "visa",
                  "household_income_krw", "household_assets_krw", "receives_livelihood_benefit",
                  "veteran_service_months", "unemployment_benefit_periods", "training_history")
ODD_CELLS = ("", " ", "abc", "-1", "0", "31", "99999999999999999", "1,200,000", "예", "아니오",
             "yes", "2100-01-02", "1899-12-31", "2024-02-30", "서울", "서울특별시", "마포구", "kr",
             "KR", "KOR", "unemployed", "employed", "disabled;disabled", "[1]", "e-9",
             "2023-01-01~2023-06-30", "youth_academy|2023-01-01|2023-06-30|completed",
             "x" * 25, "a\u0000b", "900101-1234567")


def synthetic_cells(seed: int) -> list[dict[str, str | None]]:
    """Rows of cells as the importers read a file: the synthetic persons' columns as text,
    with a name, an RRN of the same birth date, and a phone."""
    rows = []
    for i, person in enumerate(generate_persons(8, seed=seed)):
        data = person.model_dump(mode="json")
        cells = {name: cell_text(data.get(name)) for name in PERSON_COLUMNS}
        born = person.birth_date
        gender = "1" if born.year < 2000 else "3"
        cells |= {"name": f"김{i}", "rrn": valid_rrn(born.strftime("%y%m%d"), gender, f"{i:05d}"),
                  "phone": f"010-1234-{i:04d}"}
        rows.append(cells)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), changes=st.lists(st.tuples(
    st.integers(0, 7), st.sampled_from((*PERSON_COLUMNS, "name", "rrn", "phone", "id")),
    st.one_of(st.none(), st.sampled_from(ODD_CELLS))), max_size=4),
    program=st.sampled_from(("companion_jobs", "youth_academy")))
def test_a_row_checked_once_is_what_the_two_checks_give(seed, changes, program):
    """``people.importer.quick_record`` (one model) gives exactly the record, RRN and warnings
    of the two checks (the person format's model, then the registry's), and a row it does
    not take gets the two checks' problems, on both importers."""
    from unittest import mock

    from ilja.applications import import_rows as applications_importer
    from ilja.people import importer as people_importer

    rows = synthetic_cells(seed)
    for i, name, value in changes:
        rows[i][name] = value
    on = dt.date(2025, 5, 12)
    for number, cells in enumerate(rows, 1):
        quick = people_importer._row(cells, number, program=program, on=on)
        apps = applications_importer._validate_person(cells, number, program, on)
        with mock.patch.object(people_importer, "quick_record", return_value=None), \
                mock.patch.object(applications_importer, "quick_record", return_value=None):
            assert people_importer._row(cells, number, program=program, on=on) == quick
            assert applications_importer._validate_person(cells, number, program, on) == apps
