"""Files Ilja hands to people (result exports, bank-transfer files): whole, or not at all; and
the tables people hand to Ilja (a bank's result file, a records check): read one way."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ilja.ops.safe_zip import SpreadsheetTooLarge, check_xlsx


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
            return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
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
