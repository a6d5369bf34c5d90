"""Refuse a spreadsheet that would expand too far before anything parses it (zip bombs).

An XLSX is a zip archive; a few hundred kilobytes can declare hundreds of megabytes of sheet XML.
Python's ``zipfile`` (under openpyxl) never inflates a member beyond its declared size, so the
declared sizes in the central directory are a sound bound to check first.
"""

from __future__ import annotations

import zipfile
from typing import IO

MAX_UNCOMPRESSED = 128 * 1024**2  # 128 MB of XML: ~500,000 rows of a four-column sheet
MAX_RATIO = 500  # a real sheet compresses 5–20×; whitespace bombs 1,000× and more


class SpreadsheetTooLarge(ValueError):
    """The archive would expand beyond the bound (or is not a zip archive at all)."""


def check_xlsx(source: str | IO[bytes], *, max_uncompressed: int = MAX_UNCOMPRESSED,
               max_ratio: int = MAX_RATIO) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SpreadsheetTooLarge(f"not an XLSX (zip) file: {error}") from None
    finally:
        if hasattr(source, "seek"):
            source.seek(0)
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        raise SpreadsheetTooLarge(f"the spreadsheet expands to {total:,} bytes (over {max_uncompressed:,})")
    for member in members:
        if member.compress_size and member.file_size / member.compress_size > max_ratio \
                and member.file_size > 1024**2:
            raise SpreadsheetTooLarge(f"{member.filename} expands {member.file_size // member.compress_size}× "
                                      "(a zip bomb?)")
