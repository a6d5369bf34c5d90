"""Tables are read and written one way (issue 22, files): ``ilja.files`` is the only module
that reads or writes CSV or XLSX, so the zip-bomb check and the formula guard stand in one
place; and the exporters people download from do guard a cell that Excel would run."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from python_calamine import CalamineWorkbook

from ilja import files
from ilja.db import engine_for, transaction
from ilja.people.rrn import generate_key_file
from ilja.publicjobs import documents

SOURCE = Path(__file__).resolve().parent.parent / "src" / "ilja"
TABLE_LIBRARIES = ("csv", "openpyxl", "python_calamine")
ALLOWED = {
    "files.py": "the one module",
    "training/attendance_import.py": "the attendance reader keeps the sheet's own row numbers "
                                     "(calamine from A1, empty rows included), which "
                                     "read_table's rows do not; CSV straight into polars",
    "people/person_format/reading.py": "the bulk person format: millions of rows streamed "
                                       "into polars, which a list of rows cannot carry",
    "people/person_format/xlsx.py": "the bulk person format's streaming XLSX reader and writer "
                                    "(polars frames; refuses formulas without a saved value)",
    "ops/hostile_files.py": "builds the hostile files (zip bombs, formula cells) the readers "
                            "are tested against: it must write what the guards refuse",
}
FORMULA = "=cmd|' /C calc'!A0"


def _table_imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return {name for name in names if name.split(".")[0] in TABLE_LIBRARIES}


def test_only_ilja_files_reads_or_writes_tables():
    offenders = {}
    for path in sorted(SOURCE.rglob("*.py")):
        where = path.relative_to(SOURCE).as_posix()
        if where not in ALLOWED and (found := _table_imports(path)):
            offenders[where] = sorted(found)
    assert offenders == {}, "read and write tables with ilja.files (read_table, write_csv, " \
                            f"write_xlsx), not directly: {offenders}"


def test_the_allow_list_names_only_files_that_still_need_it():
    stale = [where for where in ALLOWED
             if where != "files.py" and not _table_imports(SOURCE / where)]
    assert stale == [], f"these no longer import a table library: drop them from ALLOWED: {stale}"


def test_the_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "sneaky.py"
    module.write_text("def f():\n    from openpyxl.styles import Font\n    import csv\n")
    assert _table_imports(module) == {"openpyxl.styles", "csv"}


def _xlsx_cells(data: bytes) -> list:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return [value for name in book.sheet_names
            for row in book.get_sheet_by_name(name).to_python() for value in row if value != ""]


def test_write_csv_and_write_xlsx_guard_every_cell_and_keep_numbers():
    rows = [[FORMULA, 12, None, "+1", "@SUM(A1)", "-", "보통 글자"]]
    text = files.write_csv(rows, ["=HEADER", "b"]).decode("utf-8")
    assert text.startswith("\ufeff'=HEADER,b\r\n")
    assert f"'{FORMULA}" in text and ",12,," in text and "'+1" in text and "'@SUM" in text
    cells = _xlsx_cells(files.write_xlsx(files.Sheet("t", rows, ["=HEADER"], bold=frozenset({0}))))
    assert cells[:3] == ["'=HEADER", f"'{FORMULA}", 12]
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "@"))]


@pytest.mark.parametrize("writer", [documents.transfer_csv, documents.transfer_xlsx])
def test_the_payroll_transfer_file_guards_a_name_that_is_a_formula(writer):
    item = SimpleNamespace(reference="PJ-1-202601", placement_id=1, person_id=7, month=202601,
                           amount=1_500_000, account_id=3)
    data = writer([item], {7: FORMULA}, {3: ("=HYPERLINK(\"x\")", "+82-1")})
    cells = (_xlsx_cells(data) if writer is documents.transfer_xlsx
             else [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row])
    assert f"'{FORMULA}" in cells and "'+82-1" in cells
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "@"))]


def test_the_selection_export_guards_a_name_that_is_a_formula(database_url, tmp_path):
    from ilja.applications.rounds import UnitInput
    from ilja.selection import service
    from tests.applications.factories import MANAGER, apply, open_round, register, round_input

    keyring = generate_key_file(tmp_path / "keys" / "data-keys.json")
    round_id = open_round(database_url, round_input(units=[UnitInput("care", "care", seats=1)]))
    person = register(database_url, keyring, name="=cmd|calc")
    apply(database_url, round_id, person, ["care"])
    buffer = io.BytesIO()
    with transaction(engine_for(database_url)) as session:
        service.run_selection(session, round_id, actor=MANAGER)
        service.export_results(session, round_id, buffer, reason="선발 결과 안내", actor=MANAGER)
    cells = _xlsx_cells(buffer.getvalue())
    assert "'=*******c" in cells  # masked, as published, and guarded
    assert not [c for c in cells if isinstance(c, str) and c.startswith(("=", "+", "@"))]
