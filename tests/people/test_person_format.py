"""Reading and writing the person format (issue 2, §4) and batch results."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from ilja.people import person_format
from ilja.people.person_format import (
    PersonFileError,
    PersonFileRefused,
    ReadLimits,
    read_persons,
    write_persons,
    write_results,
)
from ilja.people.synthetic import generate_population
from ilja.rules.engine import default_engine
from ilja.rules.population import (
    ALL_FIELDS,
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    NULLABLE_FIELDS,
    SIDO_NAMES,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Categories,
    Person,
    Population,
    Ragged,
)

FORMATS = ("csv", "jsonl", "xlsx")


# helpers ------------------------------------------------------------------------------------
def record(**changes: Any) -> dict[str, Any]:
    """A valid person as text cells (what a spreadsheet row holds)."""
    cells = {
        "id": "S-001",
        "birth_date": "1995-04-12",
        "sido": "서울특별시",
        "sigungu": "마포구",
        "employment_status": "unemployed",
        "able_to_work": "true",
        "unemployment_benefit_periods": "2024-01-01/2024-06-30",
        "household_head": "false",
        "household_size": "3",
        "vulnerable_groups": "disabled;single_parent",
        "veteran_service_months": "0",
        "nationality": "KR",
        "visa": "",
        "training_history": "youth_academy/2023-03-01/2023-08-31/completed",
        "household_income_krw": "2500000",
        "household_assets_krw": "",
        "receives_livelihood_benefit": "",
    }
    cells.update(changes)
    return cells


def write_table(path: Path, rows: list[dict[str, Any]], header: list[str] | None = None) -> Path:
    """Write rows the way other tools would (csv module, json, openpyxl): not our writer."""
    header = header or list(rows[0]) if rows else list(ALL_FIELDS)
    if path.suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows([[row.get(name, "") for name in header] for row in rows])
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows),
                        encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(name) for name in header])
        book.save(path)
    return path


def same_population(a: Population, b: Population) -> None:
    assert len(a) == len(b)
    assert [a.person_id(i) for i in range(len(a))] == [b.person_id(i) for i in range(len(b))]
    for column in dataclasses.fields(Population):
        if column.name == "id":
            continue
        x, y = getattr(a, column.name), getattr(b, column.name)
        if isinstance(x, Categories):
            assert list(x.decode()) == list(y.decode()), column.name
        elif isinstance(x, Ragged):
            np.testing.assert_array_equal(x.offsets, y.offsets, err_msg=column.name)
            for key in x.columns:
                np.testing.assert_array_equal(x.columns[key], y.columns[key], err_msg=key)
        else:
            np.testing.assert_array_equal(x, y, err_msg=column.name)


def read_both(path: Path, **kwargs: Any) -> Population:
    """Read with the row path and the columnar path; they must agree."""
    small = read_persons(path, fast=False, **kwargs)
    fast = read_persons(path, fast=True, **kwargs)
    same_population(small.population, fast.population)
    assert small.warnings == fast.warnings
    return small.population


def errors_of(path: Path, fast: bool, **kwargs: Any) -> list[tuple[int, str, str]]:
    with pytest.raises(PersonFileError) as caught:
        read_persons(path, fast=fast, **kwargs)
    return [(e.row, e.field, e.message) for e in caught.value.errors]


PERSONS = [
    Person(id="A-1", birth_date=dt.date(1990, 5, 1), sido="서울특별시", sigungu="마포구",
           employment_status="unemployed", able_to_work=True, household_head=True,
           household_size=2, vulnerable_groups=["disabled", "single_parent"], nationality="KR",
           unemployment_benefit_periods=[{"start": "2024-01-01", "end": "2024-06-30"},
                                         {"start": "2025-02-01", "end": "2025-03-31"}],
           training_history=[{"program": "youth_academy", "start": "2023-03-01",
                              "end": "2023-08-31", "result": "completed"}],
           household_income_krw=1_500_000, household_assets_krw=0,
           receives_livelihood_benefit=False),
    Person(id="B, \"2\"", birth_date=dt.date(1960, 1, 31), sido="서울특별시", sigungu="강남구",
           employment_status="employed", able_to_work=False, household_head=False,
           household_size=1, nationality="US", visa="d-2", veteran_service_months=24),
    Person(id="1003", birth_date=dt.date(2005, 12, 31), sido="경기도", sigungu="성남시 분당구",
           employment_status="student", able_to_work=True, household_head=False,
           household_size=4, nationality="KR", receives_livelihood_benefit=True,
           training_history=[{"program": "tech_institute", "start": "2024-03-01",
                              "end": "2024-03-01", "result": "quit_without_notice"},
                             {"program": "other", "start": "2024-05-01", "end": "2024-09-30",
                              "result": "dropped"}]),
]


# round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_persons_written_and_read_back_are_the_same(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"persons.{fmt}"
    assert write_persons(PERSONS, path) == 3
    same_population(read_both(path), Population.from_persons(PERSONS))
    assert read_persons(path).population.person(1).visa == "D-2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_synthetic_population_round_trips_and_both_paths_agree(tmp_path: Path, fmt: str) -> None:
    population = generate_population(2_000, seed=11)
    path = tmp_path / f"synthetic.{fmt}"
    write_persons(population, path)
    same_population(read_both(path), population)


def test_person_list_and_population_write_the_same_file(tmp_path: Path) -> None:
    write_persons(PERSONS, tmp_path / "a.csv")
    write_persons(Population.from_persons(PERSONS), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()


def test_csv_is_utf8_with_a_byte_order_mark_for_excel(tmp_path: Path) -> None:
    write_persons(PERSONS, tmp_path / "p.csv")
    data = (tmp_path / "p.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfid,birth_date,")
    assert "disabled;single_parent" in data.decode("utf-8-sig")
    assert "2024-01-01/2024-06-30;2025-02-01/2025-03-31" in data.decode("utf-8-sig")


def test_xlsx_has_real_date_cells_and_yes_no_cells(tmp_path: Path) -> None:
    write_persons(PERSONS, tmp_path / "p.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet.title == "persons"
    assert sheet["B2"].value == dt.datetime(1990, 5, 1)
    assert sheet["F2"].value is True
    assert sheet["G2"].value == "2024-01-01/2024-06-30;2025-02-01/2025-03-31"


_text = st.text(st.characters(codec="utf-8", categories=("L", "N", "Zs", "Pd", "Po")),
                min_size=1, max_size=12).map(lambda s: s.strip() or "x")
_dates = st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31))


@st.composite
def _span(draw: st.DrawFn) -> tuple[dt.date, dt.date]:
    start = draw(_dates)
    return start, start + dt.timedelta(days=draw(st.integers(0, 400)))


@st.composite
def persons_strategy(draw: st.DrawFn) -> Person:
    periods = [dict(zip(("start", "end"), draw(_span()), strict=True))
               for _ in range(draw(st.integers(0, 3)))]
    history = [{"program": draw(st.sampled_from(HISTORY_PROGRAMS)),
                "result": draw(st.sampled_from(TRAINING_RESULTS)),
                **dict(zip(("start", "end"), draw(_span()), strict=True))}
               for _ in range(draw(st.integers(0, 3)))]
    return Person(
        id=draw(_text), birth_date=draw(_dates), sido=draw(st.none() | st.sampled_from(SIDO_NAMES)),
        sigungu=draw(st.none() | _text),
        employment_status=draw(st.none() | st.sampled_from(EMPLOYMENT_STATUSES)),
        able_to_work=draw(st.none() | st.booleans()),
        household_head=draw(st.none() | st.booleans()),
        household_size=draw(st.none() | st.integers(1, 30)),
        vulnerable_groups=draw(st.lists(st.sampled_from(VULNERABLE_GROUPS), max_size=3)),
        veteran_service_months=draw(st.integers(0, 600)),
        nationality=draw(st.none() | st.from_regex(r"[A-Z]{2,3}", fullmatch=True)),
        visa=draw(st.sampled_from(["", "D-2", "E-9", "F-4"])),
        unemployment_benefit_periods=periods, training_history=history,
        household_income_krw=draw(st.none() | st.integers(0, 10**12)),
        household_assets_krw=draw(st.none() | st.integers(0, 10**14)),
        receives_livelihood_benefit=draw(st.none() | st.booleans()),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(persons_strategy(), min_size=1, max_size=6,
                unique_by=lambda p: p.id), st.sampled_from(FORMATS))
def test_random_valid_persons_round_trip(persons: list[Person], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"persons.{fmt}"
        write_persons(persons, path)
        population = read_both(path)
    same_population(population, Population.from_persons(persons))
    assert [population.person(i) for i in range(len(persons))] == [
        Population.from_persons(persons).person(i) for i in range(len(persons))]


# cell rules ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("cell", "value"), [
    ("true", True), ("TRUE", True), ("1", True), ("yes", True), ("Y", True), ("예", True),
    ("false", False), ("False", False), ("0", False), ("no", False), ("N", False),
    ("아니오", False), ("아니요", False),
])
def test_yes_no_cells_accept_the_usual_words(tmp_path: Path, cell: str, value: bool) -> None:
    path = write_table(tmp_path / "p.csv", [record(able_to_work=cell,
                                                   receives_livelihood_benefit=cell)])
    population = read_both(path)
    assert population.person(0).able_to_work is value
    assert population.person(0).receives_livelihood_benefit is value


def test_a_yes_no_cell_with_another_word_is_an_error_that_says_what_is_accepted(
        tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record(household_head="maybe")])
    [(row, name, message)] = errors_of(path, fast=False)
    assert (row, name) == (1, "household_head")
    assert "예/아니오" in message


def test_excel_date_cells_and_numbers_stored_as_floats_are_accepted(tmp_path: Path) -> None:
    rows = [record(id=1001, birth_date=dt.datetime(1995, 4, 12), household_size=3.0,
                   able_to_work=True, household_income_krw=2_500_000.0),
            record(id="1002", birth_date=dt.date(1980, 1, 2))]
    path = write_table(tmp_path / "p.xlsx", rows)
    population = read_both(path)
    first = population.person(0)
    assert (first.id, first.birth_date, first.household_size) == ("1001", dt.date(1995, 4, 12), 3)
    assert first.household_income_krw == 2_500_000
    assert population.person(1).birth_date == dt.date(1980, 1, 2)


@pytest.mark.parametrize("cell", ["1995/04/12", "12.04.1995", "1995-4-12", "1995-02-30",
                                  "19950412"])
def test_dates_must_be_iso(tmp_path: Path, cell: str) -> None:
    path = write_table(tmp_path / "p.csv", [record(birth_date=cell)])
    for fast in (False, True):
        assert [(r, f) for r, f, _ in errors_of(path, fast)] == [(1, "birth_date")]


@pytest.mark.parametrize("fast", [False, True])
def test_an_impossible_date_is_called_impossible_without_repeating_it(tmp_path: Path,
                                                                      fast: bool) -> None:
    rows = [record(id="a", birth_date="1990-02-30"),
            record(id="b", training_history="youth_academy/2023-02-29/2023-08-31/completed"),
            record(id="c", birth_date="1990-13-01"),
            record(id="d", birth_date="1990/02/28"),
            record(id="e", birth_date="900230-1234567")]
    errors = errors_of(write_table(tmp_path / "p.csv", rows), fast)
    assert errors == [
        (1, "birth_date", "not a real date: February 1990 has 28 days "
                          "(없는 날짜입니다: 1990년 2월은 28일까지 있습니다)"),
        (2, "training_history[1].start", "not a real date: February 2023 has 28 days "
                                         "(없는 날짜입니다: 2023년 2월은 28일까지 있습니다)"),
        (3, "birth_date", "not a real date: there is no month 13 (없는 날짜입니다: 13월은 없습니다)"),
        (4, "birth_date", "expected a date YYYY-MM-DD"),
        (5, "birth_date", "expected a date YYYY-MM-DD"),
    ]


def test_importers_get_the_impossible_date_with_its_own_code() -> None:
    _, errors = person_format.parse_cells(record(birth_date="2023-02-29"), row=4)
    assert [(e.row, e.field, e.code) for e in errors] == [(4, "birth_date", "date_impossible")]
    assert "2023-02-29" not in errors[0].message


def test_whole_numbers_may_have_thousands_separators_or_a_zero_fraction(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record(household_income_krw="1,500,000",
                                                   household_size="3.0")])
    person = read_both(path).person(0)
    assert (person.household_income_krw, person.household_size) == (1_500_000, 3)
    bad = write_table(tmp_path / "bad.csv", [record(household_size="2.5")])
    assert errors_of(bad, fast=True) == errors_of(bad, fast=False)


def test_list_cells_take_semicolons_or_a_json_array(tmp_path: Path) -> None:
    plain = record(vulnerable_groups=" disabled ; single_parent;",
                   unemployment_benefit_periods="2024-01-01/2024-06-30; 2025-02-01 / 2025-03-31",
                   training_history="youth_academy/2023-03-01/2023-08-31/completed")
    as_json = record(
        vulnerable_groups='["disabled", "single_parent"]',
        unemployment_benefit_periods=json.dumps([
            {"start": "2024-01-01", "end": "2024-06-30"},
            {"start": "2025-02-01", "end": "2025-03-31"}]),
        training_history=json.dumps([{"program": "youth_academy", "start": "2023-03-01",
                                      "end": "2023-08-31", "result": "completed"}]))
    a = read_both(write_table(tmp_path / "a.csv", [plain]))
    b = read_both(write_table(tmp_path / "b.csv", [as_json]))
    same_population(a, b)
    person = a.person(0)
    assert person.vulnerable_groups == ["disabled", "single_parent"]
    assert [p.end for p in person.unemployment_benefit_periods] == [dt.date(2024, 6, 30),
                                                                    dt.date(2025, 3, 31)]


def test_missing_optional_fields_are_none_and_left_to_be_verified(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record(household_income_krw="",
                                                   household_assets_krw="",
                                                   receives_livelihood_benefit="",
                                                   veteran_service_months="", visa="",
                                                   vulnerable_groups="", training_history="")])
    population = read_both(path)
    person = population.person(0)
    assert person.household_income_krw is None
    assert person.household_assets_krw is None
    assert person.receives_livelihood_benefit is None
    assert (person.veteran_service_months, person.visa, person.training_history) == (0, "", [])
    result = default_engine().evaluate_population(population, dt.date(2025, 3, 1))
    assert result.row(0, "companion_jobs")["to_verify"]


def test_jsonl_null_and_absent_optional_fields_are_none(tmp_path: Path) -> None:
    base = {k: v for k, v in record().items() if k not in (
        "household_income_krw", "household_assets_krw", "receives_livelihood_benefit")}
    path = write_table(tmp_path / "p.jsonl", [base | {"household_income_krw": None}])
    person = read_both(path).person(0)
    assert person.household_income_krw is None and person.receives_livelihood_benefit is None


def test_a_file_with_only_id_and_birth_date_is_read_with_every_other_fact_absent(
        tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [{"id": "a", "birth_date": "1990-06-15"}])
    population = read_both(path)
    person = population.person(0)
    assert [name for name in NULLABLE_FIELDS if getattr(person, name) is not None] == []
    assert not any(population.known(name)[0] for name in NULLABLE_FIELDS)


@pytest.mark.parametrize("name", NULLABLE_FIELDS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_blank_fact_is_absent_and_written_back_blank(tmp_path: Path, name: str,
                                                       fmt: str) -> None:
    population = read_both(write_table(tmp_path / f"p.{fmt}", [record(**{name: ""})]))
    assert getattr(population.person(0), name) is None
    write_persons(population, tmp_path / f"again.{fmt}")
    same_population(read_both(tmp_path / f"again.{fmt}"), population)


def test_jsonl_takes_json_types(tmp_path: Path) -> None:
    row = record() | {"able_to_work": True, "household_size": 3, "veteran_service_months": 0,
                      "household_income_krw": 2_500_000, "vulnerable_groups": ["disabled"],
                      "unemployment_benefit_periods": [{"start": "2024-01-01",
                                                        "end": "2024-06-30"}]}
    person = read_both(write_table(tmp_path / "p.jsonl", [row])).person(0)
    assert person.able_to_work is True and person.vulnerable_groups == ["disabled"]


# errors -------------------------------------------------------------------------------------
BAD_ROWS = [
    record(id="ok-1"),
    record(id="bad-2", birth_date="1995-13-01", household_size="many"),
    record(id="ok-3"),
    record(id="bad-4", vulnerable_groups="disabled;rich", employment_status="retired"),
    record(id="bad-5", training_history="youth_academy/2023-03-01/2023-08-31/completed;"
                                         "tech_institute/2024-05-01/2024-04-01/dropped"),
    record(id="bad-6", birth_date="", unemployment_benefit_periods="2024-01-01"),
    record(id="bad-7", household_size="0", nationality="kr", able_to_work="perhaps"),
]
EXPECTED_FIELDS = [
    (2, "birth_date"), (2, "household_size"),
    (4, "employment_status"), (4, "vulnerable_groups[2]"),
    (5, "training_history[2].end"),
    (6, "birth_date"), (6, "unemployment_benefit_periods[1]"),
    (7, "able_to_work"), (7, "household_size"), (7, "nationality"),
]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("fast", [False, True])
def test_bad_rows_give_every_error_with_row_and_field(tmp_path: Path, fmt: str,
                                                      fast: bool) -> None:
    path = write_table(tmp_path / f"bad.{fmt}", BAD_ROWS)
    errors = errors_of(path, fast)
    assert [(row, name) for row, name, _ in errors] == EXPECTED_FIELDS
    messages = dict(((row, name), message) for row, name, message in errors)
    assert messages[(5, "training_history[2].end")] == "end is before start"
    assert messages[(2, "birth_date")].startswith("not a real date: there is no month 13")
    assert messages[(6, "birth_date")] == "missing"
    assert "start/end" in messages[(6, "unemployment_benefit_periods[1]")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_both_paths_give_the_same_errors(tmp_path: Path, fmt: str) -> None:
    path = write_table(tmp_path / f"bad.{fmt}", BAD_ROWS)
    assert errors_of(path, fast=True) == errors_of(path, fast=False)


def test_error_message_counts_and_names_rows(tmp_path: Path) -> None:
    path = write_table(tmp_path / "bad.csv", BAD_ROWS)
    with pytest.raises(PersonFileError, match=r"10 invalid value\(s\): row 2, field birth_date"):
        read_persons(path)


def test_errors_stop_at_max_errors(tmp_path: Path) -> None:
    rows = [record(id=f"p{i}", household_size="x") for i in range(50)]
    path = write_table(tmp_path / "bad.csv", rows)
    for fast in (False, True):
        with pytest.raises(PersonFileError) as caught:
            read_persons(path, fast=fast, limits=ReadLimits(max_errors=5))
        assert len(caught.value.errors) == 5 and caught.value.truncated
        assert "stopped after 5 errors" in str(caught.value)


def test_json_list_cells_with_bad_items_are_errors_in_both_paths(tmp_path: Path) -> None:
    rows = [
        record(id="a", training_history='[{"program": "youth_academy", "start": "2023-03-01", '
                                         '"end": "2023-08-31", "result": "completed", "x": 1}]'),
        record(id="b", unemployment_benefit_periods='[{"start": "2024-01-01"}]'),
        record(id="c", unemployment_benefit_periods='[{"start": ["2024-01-01"], "end": 1}]'),
        record(id="d", vulnerable_groups='["disabled", null]'),
        record(id="e", vulnerable_groups='["disabled"'),
    ]
    path = write_table(tmp_path / "bad.csv", rows)
    errors = errors_of(path, fast=False)
    assert [(row, name) for row, name, _ in errors] == [
        (1, "training_history[1].x"), (2, "unemployment_benefit_periods[1].end"),
        (3, "unemployment_benefit_periods[1].start"), (3, "unemployment_benefit_periods[1].end"),
        (4, "vulnerable_groups[2]"), (5, "vulnerable_groups")]
    assert errors_of(path, fast=True) == errors


def test_duplicate_ids_are_errors(tmp_path: Path) -> None:
    path = write_table(tmp_path / "dup.csv", [record(id="x"), record(id="y"), record(id=" x ")])
    for fast in (False, True):
        assert errors_of(path, fast) == [(3, "id", "same id as row 1")]


def test_a_missing_required_column_is_one_error_on_the_header(tmp_path: Path) -> None:
    rows = [{k: v for k, v in record(id=f"p{i}").items() if k != "birth_date"} for i in range(3)]
    path = write_table(tmp_path / "p.csv", rows)
    for fast in (False, True):
        assert errors_of(path, fast) == [(0, "birth_date", "required column missing")]


def test_a_csv_row_with_too_many_values_is_reported(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record(id="a"), record(id="b")])
    path.write_text(path.read_text(encoding="utf-8") + ",".join(["c"] * 20) + "\n",
                    encoding="utf-8")
    [(row, name, message)] = errors_of(path, fast=True)
    assert (row, name) == (3, "record") and "20 values" in message


def test_a_broken_jsonl_line_is_reported_with_the_other_errors(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.jsonl", [record(id="a"), record(id="b", household_size="x")])
    path.write_text(path.read_text(encoding="utf-8") + '{"id": "c",\n[1, 2]\n',
                    encoding="utf-8")
    errors = errors_of(path, fast=True)
    assert [(row, name) for row, name, _ in errors] == [(2, "household_size"), (3, "record"),
                                                         (4, "record")]


def test_blank_rows_are_skipped_but_keep_their_number(tmp_path: Path) -> None:
    blank = dict.fromkeys(record(), "")
    path = write_table(tmp_path / "p.csv", [record(id="a"), blank, record(id="c", birth_date="")])
    assert errors_of(path, fast=False) == [(3, "birth_date", "missing")]
    fixed = write_table(tmp_path / "q.csv", [record(id="a"), blank, record(id="c")])
    result = read_persons(fixed)
    assert result.persons_count == 2 and list(result.row_numbers) == [1, 3]


# warnings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_fields_are_ignored_with_one_warning(tmp_path: Path, fmt: str) -> None:
    rows = [record(id="a") | {"email": "a@example.org", "비고": "x"}, record(id="b")
            | {"email": "", "비고": ""}]
    path = write_table(tmp_path / f"p.{fmt}", rows)
    for fast in (False, True):
        result = read_persons(path, fast=fast)
        assert result.warnings == ["unknown field(s) ignored: email, 비고"]
        assert result.persons_count == 2


def test_jsonl_unknown_keys_found_on_any_line(tmp_path: Path) -> None:
    rows = [record(id=f"p{i}") for i in range(30)]
    rows[17]["nickname"] = {"nested": "value"}
    path = write_table(tmp_path / "p.jsonl", rows)
    assert read_persons(path, fast=True).warnings == ["unknown field(s) ignored: nickname"]


def test_cp949_csv_from_korean_excel_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record()])
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp949"))
    result = read_persons(path)
    assert result.population.person(0).sigungu == "마포구"
    assert "CP949" in result.warnings[0]


# hostile input ------------------------------------------------------------------------------
def test_a_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.csv", [record()])
    with pytest.raises(PersonFileRefused, match="over the limit"):
        read_persons(path, limits=ReadLimits(max_bytes=100))


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_file_over_the_row_cap_is_refused(tmp_path: Path, fmt: str) -> None:
    path = write_table(tmp_path / f"p.{fmt}", [record(id=f"p{i}") for i in range(5)])
    with pytest.raises(PersonFileRefused, match="more than 4 rows"):
        read_persons(path, limits=ReadLimits(max_rows=4))
    assert read_persons(path, limits=ReadLimits(max_rows=5)).persons_count == 5


def test_unsupported_and_broken_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("id\n")
    with pytest.raises(PersonFileRefused, match="unsupported file type"):
        read_persons(tmp_path / "p.txt")
    (tmp_path / "p.xlsx").write_bytes(b"not a zip")
    with pytest.raises(PersonFileRefused, match="not an XLSX file"):
        read_persons(tmp_path / "p.xlsx")


def test_xlsx_unpacking_to_more_than_the_cap_is_refused(tmp_path: Path) -> None:
    path = write_table(tmp_path / "p.xlsx", [record()])
    with pytest.raises(PersonFileRefused, match="unpacks to"):
        read_persons(path, limits=ReadLimits(max_xlsx_unpacked_bytes=1_000))


def _with_formula(tmp_path: Path, cached: bool) -> Path:
    """An XLSX whose household_size is ``=1+2``, with or without Excel's saved value."""
    path = write_table(tmp_path / "f.xlsx", [record(household_size="=1+2")])
    patched = tmp_path / "formula.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml" and cached:
                data = data.replace(b"<f>1+2</f><v />", b"<f>1+2</f><v>3</v>")
            target.writestr(item, data)
    return patched


def test_xlsx_formulas_are_read_as_saved_values_never_evaluated(tmp_path: Path) -> None:
    result = read_persons(_with_formula(tmp_path, cached=True))
    assert result.population.person(0).household_size == 3
    assert "never evaluated" in result.warnings[0]


def test_xlsx_formulas_without_a_saved_value_are_refused(tmp_path: Path) -> None:
    with pytest.raises(PersonFileRefused, match="formulas without a saved value"):
        read_persons(_with_formula(tmp_path, cached=False))


# results ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def batch():
    population = generate_population(300, seed=5)
    return default_engine().evaluate_population(population, dt.date(2025, 3, 1))


def _read_results(path: Path) -> list[dict[str, Any]]:
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    if path.suffix == ".csv":
        return pl.read_csv(path, infer_schema=False).to_dicts()
    with CalamineWorkbook.from_path(str(path)) as book:
        rows = []
        for name in book.sheet_names:
            header, *body = book.get_sheet_by_name(name).to_python()
            rows += [dict(zip(header, row, strict=True)) for row in body]
        return rows


@pytest.mark.parametrize("fmt", FORMATS)
def test_results_have_one_row_per_person_and_program(tmp_path: Path, batch, fmt: str) -> None:
    path = tmp_path / f"results.{fmt}"
    programs = list(batch.columns)
    assert write_results(batch, path) == 300 * len(programs)
    rows = _read_results(path)
    assert list(rows[0]) == list(person_format.RESULT_COLUMNS)
    assert len(rows) == 300 * len(programs)
    for k in (0, 1, 157, len(rows) - 1):
        i, program = divmod(k, len(programs))
        expected, row = batch.row(i, programs[program]), rows[k]
        assert row["person_id"] == expected["person_id"]
        assert row["program"] == expected["program"]
        if fmt == "jsonl":
            assert row == expected
        else:
            joined = row["failed"] or ""
            assert (joined.split(";") if joined else []) == expected["failed"]
            assert (row["to_verify"] or "") == ";".join(expected["to_verify"])
            assert str(row["eligible"]).lower() == str(expected["eligible"]).lower()
            pay = row["monthly_pay_krw"]
            assert (int(float(pay)) if pay not in (None, "") else None) == \
                expected["monthly_pay_krw"]


def test_results_can_be_limited_to_some_programs(tmp_path: Path, batch) -> None:
    path = tmp_path / "r.jsonl"
    write_results(batch, path, programs=["companion_jobs"])
    rows = _read_results(path)
    assert {r["program"] for r in rows} == {"companion_jobs"} and len(rows) == 300
    with pytest.raises(KeyError, match="no_such_program"):
        write_results(batch, path, programs=["no_such_program"])
    assert len(_read_results(path)) == 300


def test_results_over_a_sheet_go_to_further_sheets(tmp_path: Path, batch,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(person_format.xlsx, "EXCEL_MAX_DATA_ROWS", 1_000)
    path = tmp_path / "r.xlsx"
    total = write_results(batch, path)
    with CalamineWorkbook.from_path(str(path)) as book:
        assert book.sheet_names[:3] == ["results", "results 2", "results 3"]
        heights = [book.get_sheet_by_name(n).height - 1 for n in book.sheet_names]
    assert sum(heights) == total and max(heights) == 1_000
    assert len(_read_results(path)) == total


def test_persons_over_a_sheet_are_refused_for_xlsx(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(person_format.xlsx, "EXCEL_MAX_DATA_ROWS", 2)
    with pytest.raises(ValueError, match="write CSV or JSONL"):
        write_persons(PERSONS, tmp_path / "p.xlsx")
    assert not list(tmp_path.iterdir())


def test_our_xlsx_opens_in_openpyxl(tmp_path: Path, batch) -> None:
    write_results(batch, tmp_path / "r.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx", read_only=True).active
    header = next(sheet.iter_rows(values_only=True))
    assert header == person_format.RESULT_COLUMNS


_MESSY = {
    "id": ["p", " q ", "", "   ", "x" * 65, "1,000"],
    "birth_date": ["1995-04-12", "1899-12-31", "2100-01-01", "2100-01-02", "1995-02-29",
                   "0000-01-01", "95-04-12", "", " 2000-01-01 "],
    "sido": ["서울특별시", "경기도", "", "가" * 21, "\u3000서울\u3000", "Seoul"],
    "employment_status": ["unemployed", "student", "Student", "", "retired"],
    "able_to_work": ["true", "예", "Y", "", "2", "tru"],
    "household_size": ["1", "30", "31", "0", "-1", "+3", "3.0", "3.5", "1,000", "", "x",
                       "99999999999999999999", "١"],
    "veteran_service_months": ["", "0", "600", "601", "12.00"],
    "nationality": ["KR", "kr", "KOR", "K", "", "KORE"],
    "visa": ["", "d-2", "E-9 ", "x" * 11],
    "vulnerable_groups": ["", "disabled", "disabled;;near_poor;", "rich", '["disabled"]',
                          '["disabled", 1]', "[", '[["x"]]', "[]", '[""]', '"disabled"'],
    "unemployment_benefit_periods": [
        "", "2024-01-01/2024-06-30", "2024-06-30/2024-01-01", "2024-01-01", "2024-01-01/",
        "2024-01-01/2024-02-30", '[{"start": "2024-01-01", "end": "2024-01-31"}]',
        '[{"start": "2024-01-01"}]', '[{"start": "2024-01-01", "end": "2024-01-31", "x": 0}]',
        '[null]', '[1]', '{"start": "2024-01-01"}', "a/b/c"],
    "training_history": [
        "", "youth_academy/2023-03-01/2023-08-31/completed",
        "youth_academy/2023-03-01/2023-08-31/finished", "school/2023-03-01/2023-08-31/dropped",
        "other/2023-03-01/2023-08-31", " other / 2023-03-01 / 2023-08-31 / dropped ;",
        '[{"program": "other", "start": "2023-03-01", "end": "2023-08-31", "result": "dropped"}]',
        '[{"program": "other", "start": 20230301, "end": "2023-08-31", "result": "dropped"}]'],
    "household_income_krw": ["", "0", "1,500,000", "1000000000001", "-5", "12e3"],
    "receives_livelihood_benefit": ["", "아니오", "no", "maybe"],
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries({k: st.sampled_from(v) for k, v in _MESSY.items()}),
                min_size=1, max_size=5), st.sampled_from(("csv", "jsonl")))
def test_both_paths_agree_on_messy_cells(changes: list[dict[str, str]], fmt: str) -> None:
    rows = [record(**{"id": f"p{i}"} | change) for i, change in enumerate(changes)]
    with tempfile.TemporaryDirectory() as folder:
        path = write_table(Path(folder) / f"messy.{fmt}", rows)
        outcomes = []
        for fast in (False, True):
            try:
                outcomes.append(read_persons(path, fast=fast).population)
            except PersonFileError as error:
                outcomes.append([(e.row, e.field, e.message) for e in error.errors])
    small, fast = outcomes
    if isinstance(small, Population) and isinstance(fast, Population):
        same_population(small, fast)
    else:
        assert small == fast


def test_parse_cells_takes_raw_cells_as_other_importers_pass_them() -> None:
    cells = record(sido=" 서울특별시 ", household_assets_krw="", visa=None) | {
        "household_size": 3.0, "birth_date": dt.datetime(1995, 4, 12), "able_to_work": True}
    person, errors = person_format.parse_cells(cells, row=7)
    assert errors == [] and person is not None
    assert (person.sido, person.household_size, person.birth_date) == (
        "서울특별시", 3, dt.date(1995, 4, 12))
    assert person.household_assets_krw is None
    _, errors = person_format.parse_cells(record(household_size="x"), row=7)
    assert [(e.row, e.field) for e in errors] == [(7, "household_size")]
