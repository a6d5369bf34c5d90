"""Records built from an import's checked columns (``people.quick_records``) are exactly what
the row-by-row check gives (``validate_record`` after the person format's cell rules), on
synthetic files with odd cells; a row the columns are not sure of is left to that check."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ilja.applications import import_rows
from ilja.people import importer
from ilja.people.quick_records import QuickRecords
from ilja.people.synthetic import generate_persons
from tests.people.conftest import cell_text, valid_rrn

COLUMNS = ("birth_date", "sido", "sigungu", "employment_status", "able_to_work",
           "household_head", "household_size", "vulnerable_groups", "nationality", "visa",
           "household_income_krw", "household_assets_krw", "receives_livelihood_benefit",
           "veteran_service_months", "unemployment_benefit_periods", "training_history",
           "name", "rrn", "phone", "address_detail", "id")
ODD_CELLS = (
    "", " ", "abc", "-1", "+3", "007", "0", "1", "30", "31", "600", "601", "1000000000000",
    "1000000000001", "99999999999999999", "1,200,000", "3.0", "예", "아니오", "Y", "TRUE", "2",
    "1900-01-01", "1899-12-31", "2100-01-01", "2100-01-02", "2025-05-13", "2024-02-30",
    "2024-2-3", "１９９０-01-01", "서울", "서울특별시", "경기도", "마포구", "x" * 21, "kr", "KR", "KOR",
    "K R", "unemployed", "employed", "disabled;disabled", "disabled; single_parent", "[1]", "[]",
    '["disabled"]', "e-9", "E-9", "2023-01-01/2023-06-30", "2023-06-30/2023-01-01",
    "youth_academy/2023-01-01/2023-06-30/completed", "youth_academy/2023-01-01/2023-06-30/won",
    '[{"program": "youth_academy", "start": "2023-01-01", "end": "2023-06-30", '
    '"result": "completed"}]', "김철수", "Kim Cheolsu", "김 철수", "김  철수", "김철수2",
    "\u1100\u1161", "a\u0000b", "A\u00adB", "900101-1234567", "9001011234568", "900101 1234568",
    "９００１０１-１２３４５６８", "900230-1234567", "990101-5234567", "250601-3234567",
    "010-1234-5678", "01012345678", "010 1234 5678", "+82 10-1234-5678", "02-123-4567",
    "０１０-１２３４-５６７８", "010-12-5678", "월드컵북로 1", "101동 1001호", "1234567890123",
    "가" * 201, "row-9")


def synthetic_rows(seed: int) -> list[dict[str, str | None]]:
    """Rows of cells as the importers read a file: the synthetic persons' columns as text,
    with a name, an RRN of the same birth date (but in every fourth row), a phone and an
    address."""
    rows = []
    for i, person in enumerate(generate_persons(8, seed=seed)):
        data = person.model_dump(mode="json")
        cells = {name: cell_text(data.get(name)) for name in COLUMNS[:16]}
        born = person.birth_date
        gender = "1" if born.year < 2000 else "3"
        cells |= {"name": f"김{'가나다'[i % 3]}", "phone": f"010-1234-{i:04d}",
                  "rrn": valid_rrn(born.strftime("%y%m%d"), gender, f"{i:05d}") if i % 4 else None,
                  "address_detail": f"월드컵북로 {i}" if i % 2 else None}
        rows.append(cells)
    return rows


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), changes=st.lists(st.tuples(
    st.integers(0, 7), st.sampled_from(COLUMNS), st.one_of(st.none(), st.sampled_from(ODD_CELLS))),
    max_size=6), program=st.sampled_from(("companion_jobs", "youth_academy")),
    on=st.sampled_from((dt.date(2025, 5, 12), dt.date(2026, 1, 1))))
def test_records_from_columns_are_those_of_the_row_check(seed, changes, program, on):
    rows = synthetic_rows(seed)
    for i, name, value in changes:
        rows[i][name] = value
    changed = {i for i, _, _ in changes}
    quick = QuickRecords(program, on).records(rows)
    with mock.patch.object(importer, "quick_record", return_value=None), \
            mock.patch.object(import_rows, "quick_record", return_value=None):
        for number, (cells, fast) in enumerate(zip(rows, quick, strict=True), 1):
            record, problems = importer._row(cells, number, program=program, on=on)
            if number - 1 not in changed:
                assert fast is not None  # a plain row is taken from the columns
            if fast is None:
                continue
            assert problems == [] and record == fast
            assert fast.format_fields() == record.format_fields()
            assert import_rows._validate_person(cells, number, program, on) == (record, [])


def test_an_odd_cell_is_checked_once_and_its_row_left_to_the_row_check():
    """A refused cell makes its row None (the row check words the problem); the others of the
    same column are still taken, each distinct cell checked once."""
    rows = synthetic_rows(7)
    rows[2]["household_size"] = "31"
    rows[5]["household_size"] = "31"
    checker = QuickRecords("companion_jobs", dt.date(2025, 5, 12))
    with mock.patch.object(checker, "_check", wraps=checker._check) as check:
        quick = checker.records(rows)
    assert [i for i, record in enumerate(quick) if record is None] == [2, 5]
    assert [c.args for c in check.call_args_list].count(("household_size", "31")) == 1
    assert importer._row(rows[2], 3, program="companion_jobs", on=dt.date(2025, 5, 12))[1]


def test_every_odd_cell_in_every_column_reads_as_the_row_check_reads_it():
    """Each odd cell in each column of a row with and without an RRN, on both programs (one of
    them keeps no RRN)."""
    base = synthetic_rows(11)[:2]
    base[0]["rrn"] = None
    rows = [{**cells, name: value} for cells in base for name in COLUMNS for value in ODD_CELLS]
    on = dt.date(2025, 5, 12)
    for program in ("companion_jobs", "youth_academy"):
        quick = QuickRecords(program, on).records(rows)
        with mock.patch.object(importer, "quick_record", return_value=None):
            for number, (cells, fast) in enumerate(zip(rows, quick, strict=True), 1):
                if fast is not None:
                    assert importer._row(cells, number, program=program, on=on) == (fast, [])
                    assert fast.format_fields() == importer._row(
                        cells, number, program=program, on=on)[0].format_fields()
        assert sum(fast is not None for fast in quick) > len(rows) // 10  # not all left over
