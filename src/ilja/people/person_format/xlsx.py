"""XLSX: read with calamine (never evaluates formulas), write a minimal workbook directly."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import polars as pl
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from ilja.people.person_format.cells import (
    ITEM_PARTS,
    CellTable,
    PersonFileRefused,
    ReadLimits,
    cell_text,
    check_rows,
    strip_cell,
    table_from_header,
)

EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows per sheet, less the header
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_FORMULA_RE = re.compile(rb"<(?:\w+:)?f[\s>/]")
# A formula with no saved value: after its <f> element the cell has no or an empty <v>.
_UNCACHED_RE = re.compile(rb"(?:</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>)\s*"
                          rb"(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>")


def _xlsx_check(path: Path, max_unpacked: int) -> list[str]:
    """Refuse zip bombs and formulas without saved values; warn about formulas read as values.

    calamine reads the value Excel saved with each formula and never evaluates anything; a
    formula that was never calculated (a generated file not opened in Excel) has no value, so
    the file is refused rather than read as empty cells.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise PersonFileRefused(f"{path.name}: not an XLSX file") from None
    with archive:
        infos = archive.infolist()
        unpacked = sum(info.file_size for info in infos)
        if len(infos) > 10_000 or unpacked > max_unpacked:
            raise PersonFileRefused(f"{path.name}: unpacks to {unpacked:,} bytes in "
                                    f"{len(infos):,} parts, over the limit of {max_unpacked:,}")
        formulas = uncached = False
        with archive.open(_first_sheet_part(archive, path)) as stream:
            tail = b""
            while chunk := stream.read(1 << 22):
                block = tail + chunk
                tail = block[-512:]
                if b"<f" not in block and b":f" not in block:
                    continue
                formulas = formulas or bool(_FORMULA_RE.search(block))
                if _UNCACHED_RE.search(block):
                    uncached = True
                    break
    if uncached:
        raise PersonFileRefused(f"{path.name}: has formulas without a saved value; open and "
                                f"save it in Excel, or paste the values, then try again")
    if formulas:
        return [f"{path.name}: formula cells were read as the values Excel saved "
                f"(formulas are never evaluated)"]
    return []


def _first_sheet_part(archive: zipfile.ZipFile, path: Path) -> str:
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        sheet = book.find(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet")
        rid = sheet.get(f"{{{_REL_NS}}}id") if sheet is not None else None
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") or "" for r in rels if r.get("Id") == rid)
    except (KeyError, StopIteration, ElementTree.ParseError):
        raise PersonFileRefused(f"{path.name}: not an XLSX workbook") from None
    part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    if part not in archive.namelist():
        raise PersonFileRefused(f"{path.name}: the first sheet is missing")
    return part


def read_xlsx(path: Path, limits: ReadLimits) -> CellTable:
    """The first sheet; the header is its first non-empty row."""
    warnings = _xlsx_check(path, limits.max_xlsx_unpacked_bytes)
    try:
        with CalamineWorkbook.from_path(str(path)) as book:
            sheet = book.get_sheet_by_index(0)
            check_rows(max(sheet.height - 1, 0), limits, path)
            rows = sheet.to_python()
    except CalamineError as exc:
        raise PersonFileRefused(f"{path.name}: not a readable XLSX file ({exc})") from None
    header = [cell_text(v) or "" for v in (rows[0] if rows else [])]
    columns = [[v if v.__class__ is str and v else cell_text(v) for v in values]
               for values in zip(*rows[1:], strict=True)] or [[] for _ in header]
    del rows
    if not header:
        raise PersonFileRefused(f"{path.name}: the first sheet is empty (no header)")
    frame = pl.DataFrame({f"c{j}": column for j, column in enumerate(columns)},
                         schema={f"c{j}": pl.String for j in range(len(header))})
    table = table_from_header(frame, [strip_cell(name) for name in header], path)
    table.warnings += warnings
    return table


_STYLES = (
    f'<styleSheet xmlns="{_MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="yyyy\\-mm\\-dd"/></numFmts><fonts count="2"><font><sz val="11"/>'
    '<name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/>'
    '<bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" '
    'fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" '
    'borderId="0" xfId="0" applyFont="1"/><xf numFmtId="164" fontId="0" fillId="0" '
    'borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs><cellStyles count="1">'
    '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
_XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def write_xlsx(path: str, sheet: str, frame: pl.DataFrame) -> None:
    """A workbook of inline-string sheets, built by polars row by row in chunks.

    More rows than a sheet holds go to further sheets (``results 2``, …), each with the header.
    """
    parts = [frame.slice(start, EXCEL_MAX_DATA_ROWS)
             for start in range(0, max(frame.height, 1), EXCEL_MAX_DATA_ROWS)]
    names = [sheet] + [f"{sheet} {k}" for k in range(2, len(parts) + 1)]
    sheets = "".join(f'<sheet name="{name}" sheetId="{k}" r:id="rId{k}"/>'
                     for k, name in enumerate(names, 1))
    relations = "".join(
        f'<Relationship Id="rId{k}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{k}.xml"/>'
        for k in range(1, len(parts) + 1))
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{k}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for k in range(1, len(parts) + 1))
    package = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", (
            f'{_XML_HEAD}<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.styles+xml"/>{overrides}</Types>'))
        archive.writestr("_rels/.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{package}/relationships"><Relationship '
            f'Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'))
        archive.writestr("xl/workbook.xml", (
            f'{_XML_HEAD}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f'<sheets>{sheets}</sheets></workbook>'))
        archive.writestr("xl/_rels/workbook.xml.rels", (
            f'{_XML_HEAD}<Relationships xmlns="{package}/relationships">{relations}'
            f'<Relationship Id="rId{len(parts) + 1}" Type="{_REL_NS}/styles" '
            'Target="styles.xml"/></Relationships>'))
        archive.writestr("xl/styles.xml", _XML_HEAD + _STYLES)
        for k, part in enumerate(parts, 1):
            # ZIP64 only when a sheet might pass 4 GiB: some Excel builds warn about it.
            large = part.height * part.width * 200 > 2**32
            with archive.open(f"xl/worksheets/sheet{k}.xml", "w", force_zip64=large) as out:
                out.write(_sheet_head(part).encode())
                for start in range(0, part.height, 50_000):
                    out.write(_sheet_rows(part.slice(start, 50_000), start + 2).encode())
                out.write(b"</sheetData></worksheet>")


def _xml_text(text: pl.Expr) -> pl.Expr:
    return (text.str.replace_all("&", "&amp;", literal=True)
            .str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True)
            .str.replace_all(r"[\x00-\x08\x0B\x0C\x0E-\x1F\x{FFFE}\x{FFFF}]", ""))


def _sheet_head(frame: pl.DataFrame) -> str:
    last = f"{get_column_letter(1 + max(frame.width - 1, 0))}{frame.height + 1}"
    widths = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{40 if name in ITEM_PARTS else max(12, len(name) + 3)}" '
        'customWidth="1"/>' for j, name in enumerate(frame.columns))
    header = "".join(
        f'<c r="{get_column_letter(1 + j)}1" t="inlineStr" s="1"><is><t>{name}</t></is></c>'
        for j, name in enumerate(frame.columns))
    return (f'{_XML_HEAD}<worksheet xmlns="{_MAIN_NS}"><dimension ref="A1:{last}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><cols>{widths}</cols><sheetData>'
            f'<row r="1">{header}</row>')


def _sheet_rows(frame: pl.DataFrame, first_row: int) -> str:
    row = pl.int_range(first_row, first_row + frame.height).cast(pl.String)
    cells = []
    for j, (name, dtype) in enumerate(frame.schema.items()):
        ref, value = get_column_letter(1 + j), pl.col(name)
        if dtype == pl.String:
            cell = pl.format(f'<c r="{ref}{{}}" t="inlineStr"><is><t xml:space="preserve">{{}}'
                             '</t></is></c>', row, _xml_text(value))
        elif dtype == pl.Boolean:
            cell = pl.format(f'<c r="{ref}{{}}" t="b"><v>{{}}</v></c>', row, value.cast(pl.Int8))
        elif dtype == pl.Date:
            serial = (value - pl.lit(_EXCEL_EPOCH)).dt.total_days()
            cell = pl.format(f'<c r="{ref}{{}}" s="2"><v>{{}}</v></c>', row, serial)
        else:
            cell = pl.format(f'<c r="{ref}{{}}"><v>{{}}</v></c>', row, value)
        cells.append(cell.fill_null(""))
    xml = pl.format('<row r="{}">{}</row>', row, pl.concat_str(cells))
    return frame.select(xml.str.join("")).item()
