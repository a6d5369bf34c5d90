"""The one file an objection may carry: its type read from its content (PDF, PNG, JPEG, as for
support receipts), its size limited, and stored encrypted under the data key like the receipts
(``ilja.support.receipts``: content-addressed, 0600 files in 0700 directories)."""

from __future__ import annotations

from pathlib import Path

from ilja.people.rrn import KeyRing
from ilja.support import receipts

MAX_BYTES = 5 * 1024 * 1024
FOLDER = "rights"


class AttachmentError(ValueError):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


def check(content: bytes) -> None:
    """Refuse an empty, oversized or unknown file, saying which."""
    if not content:
        raise AttachmentError("첨부 파일이 비어 있습니다.", "The attached file is empty.")
    if len(content) > MAX_BYTES:
        raise AttachmentError(f"첨부 파일은 {MAX_BYTES // (1024 * 1024)}MB 이하여야 합니다.",
                              f"The attached file must be at most {MAX_BYTES // (1024 * 1024)} MB.")
    if receipts.sniff(content) is None:
        raise AttachmentError("첨부 파일은 PDF, PNG, JPEG만 받습니다.", "Attach a PDF, PNG or JPEG file.")


def store(root: Path, content: bytes, keyring: KeyRing) -> receipts.Receipt:
    check(content)
    return receipts.store(root / FOLDER, content, MAX_BYTES, keyring)


def load(root: Path, sha256: str, media_type: str, keyring: KeyRing) -> bytes:
    return receipts.load(root / FOLDER, sha256, media_type, keyring)
