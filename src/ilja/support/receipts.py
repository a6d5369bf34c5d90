"""Receipt files for fee claims: what a receipt may be (PDF, PNG or JPEG, within the program's
size), said in the claim form's words; stored like every file of personal data
(``ilja.people.stored_files``: encrypted, content-addressed, private)."""

from __future__ import annotations

from pathlib import Path

from ilja.people import stored_files
from ilja.people.rrn import KeyRing
from ilja.support.errors import Invalid


def check(content: bytes, max_bytes: int) -> None:
    """Refuse an empty, oversized or unknown receipt with ``Invalid`` saying why."""
    if not content:
        raise Invalid("영수증 파일이 비어 있습니다.", "The receipt file is empty.", field="receipt")
    if len(content) > max_bytes:
        raise Invalid(f"영수증 파일은 {max_bytes // 1024:,}KB 이하여야 합니다.",
                      f"The receipt must be at most {max_bytes // 1024:,} KB.", field="receipt")
    if stored_files.sniff(content) is None:
        raise Invalid("영수증은 PDF, PNG, JPEG 파일만 받습니다.",
                      "Receipts must be PDF, PNG or JPEG files.", field="receipt")


def store(root: Path, content: bytes, max_bytes: int, keyring: KeyRing) -> stored_files.StoredFile:
    check(content, max_bytes)
    return stored_files.store(root, content, keyring)
