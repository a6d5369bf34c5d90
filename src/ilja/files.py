"""Files Ilja hands to people (result exports, bank-transfer files): whole, or not at all; and
tables, both ways, in one place: every importer reads an uploaded table with ``read_table``
(the zip-bomb check once) and every exporter writes one with ``write_csv`` / ``write_xlsx``
(every cell through ``ilja.text.cell``, the formula guard, once). ``tests/test_files_one_way.py``
refuses a module elsewhere that reads or writes CSV or XLSX itself."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from python_calamine import CalamineError, CalamineWorkbook

from ilja.safe_zip import SpreadsheetTooLarge, check_xlsx
from ilja.text import cell

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk, then rename it over
    ``path``: a crash leaves the previous file or the new one, never a truncated one — a
    transfer file cut short would pay some participants and silently leave out the rest.

    The file is created readable by its owner only (it usually holds personal data).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class UnreadableTable(ValueError):
    """An uploaded table that cannot be read at all, said in Korean and English."""

    def __init__(self, ko: str, en: str) -> None:
        super().__init__(en)
        self.ko, self.en = ko, en


def read_table(data: bytes, filename: str, *, max_bytes: int) -> list[list[Any]]:
    """The rows of an uploaded CSV (UTF-8 with or without BOM, or CP949, as Korean spreadsheets
    save it) or XLSX (its first sheet, checked against zip bombs first), by the file's suffix.
    Raises ``UnreadableTable`` for a file too large, of another kind, or not readable as one."""
    if len(data) > max_bytes:
        raise UnreadableTable(f"파일이 {max_bytes:,}바이트보다 큽니다.", f"the file is over {max_bytes:,} bytes")
    suffix = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if suffix == "xlsx":
        try:
            check_xlsx(io.BytesIO(data))
            sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
            return _rows_with_data(sheet.iter_rows())
        except (CalamineError, SpreadsheetTooLarge, ValueError, IndexError):
            raise UnreadableTable("읽을 수 있는 XLSX 파일이 아닙니다.", "not a readable XLSX file") from None
    if suffix not in ("csv", "txt"):
        raise UnreadableTable("CSV 또는 XLSX 파일만 받습니다.", "use a .csv or .xlsx file")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return [list(row) for row in csv.reader(io.StringIO(data.decode(encoding)))]
        except UnicodeDecodeError:
            continue
    raise UnreadableTable("UTF-8 또는 CP949 텍스트가 아닙니다.", "the file is neither UTF-8 nor CP949 text")


def _rows_with_data(rows: Iterable[list[Any]]) -> list[list[Any]]:
    """The sheet's rows up to its last one with a value: blank rows between data keep their
    place (row numbers in refusals stay the spreadsheet's), trailing ones — a sheet formatted a
    million rows down — are never built."""
    kept: list[list[Any]] = []
    blank = 0
    for row in rows:
        if all(value == "" or value is None for value in row):
            blank += 1
            continue
        kept.extend([""] * len(row) for _ in range(blank))
        blank = 0
        kept.append([_whole(value) for value in row])
    return kept


def _whole(value: Any) -> Any:
    """XLSX stores every number as a float: a whole one is the integer the person typed (a
    placement number ``1``, not ``1.0``)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def write_csv(rows: Iterable[Sequence[Any]], header: Sequence[Any] = ()) -> bytes:
    """A CSV file as Excel opens Korean text: UTF-8 with a BOM, CRLF line ends, every cell
    through the formula guard; ``None`` is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header:
        writer.writerow([cell(value) for value in header])
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its rows, the header (bold), further bold rows (captions, by
    their index in ``rows``), the cell the panes freeze at, and one width for every column."""

    title: str
    rows: Iterable[Sequence[Any]]
    header: Sequence[Any] = ()
    bold: frozenset[int] = frozenset()
    freeze: str | None = None
    width: float | None = None


def write_xlsx(*sheets: Sheet) -> bytes:
    """A workbook of ``sheets`` (written row by row: a large export stays small in memory),
    every cell through the formula guard."""
    # lazy: importing openpyxl costs start-up time no request needs; only XLSX exports load it
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        page = book.create_sheet(sheet.title[:31])  # Excel's limit on a sheet's name
        if sheet.freeze:
            page.freeze_panes = sheet.freeze
        rows = list(sheet.rows)
        if sheet.width is not None:
            columns = max((len(row) for row in [sheet.header, *rows]), default=0)
            for column in range(1, columns + 1):
                page.column_dimensions[get_column_letter(column)].width = sheet.width
        if sheet.header:
            page.append([_bold(page, value, bold) for value in sheet.header])
        for index, row in enumerate(rows):
            if index in sheet.bold:
                page.append([_bold(page, value, bold) for value in row])
            else:
                page.append([cell(value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(page: Any, value: Any, font: Any) -> Any:
    # lazy: openpyxl loads only for XLSX exports (see write_xlsx)
    from openpyxl.cell import WriteOnlyCell

    written = WriteOnlyCell(page, value=cell(value))
    written.font = font
    return written


def write_table(rows: Iterable[Sequence[Any]], header: Sequence[Any], *,
                format: Literal["csv", "xlsx"] = "csv", sheet: str = "Sheet1") -> bytes:
    """One table as a CSV file or a one-sheet workbook, as the person asked for it."""
    if format == "xlsx":
        return write_xlsx(Sheet(sheet, rows, header))
    return write_csv(rows, header)
