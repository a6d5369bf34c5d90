"""Receipt files for fee claims, checked and stored safely.

The type is read from the file's first bytes, never from its name or the browser's header; the
file is stored under its SHA-256 (content-addressed, so a name from the user never reaches the
file system and a re-upload writes nothing new), outside the web root, readable only by staff
routes that audit the read.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ilja.support.errors import Invalid

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True, slots=True)
class Receipt:
    sha256: str
    media_type: str
    size: int


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, media_type, extension in SIGNATURES:
        if content.startswith(magic):
            return media_type, extension
    return None


def check(content: bytes, max_bytes: int) -> tuple[str, str]:
    """The media type and extension of an acceptable receipt, or ``Invalid`` saying why not."""
    if not content:
        raise Invalid("영수증 파일이 비어 있습니다.", "The receipt file is empty.", field="receipt")
    if len(content) > max_bytes:
        raise Invalid(f"영수증 파일은 {max_bytes // 1024:,}KB 이하여야 합니다.",
                      f"The receipt must be at most {max_bytes // 1024:,} KB.", field="receipt")
    found = sniff(content)
    if found is None:
        raise Invalid("영수증은 PDF, PNG, JPEG 파일만 받습니다.",
                      "Receipts must be PDF, PNG or JPEG files.", field="receipt")
    return found


def path_of(root: Path, sha256: str, media_type: str) -> Path:
    extension = next(e for _, m, e in SIGNATURES if m == media_type)
    return root / "support" / "receipts" / sha256[:2] / f"{sha256}.{extension}"


def store(root: Path, content: bytes, max_bytes: int) -> Receipt:
    media_type, _ = check(content, max_bytes)
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(root, digest, media_type)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(target.suffix + ".part")
        temporary.write_bytes(content)
        temporary.replace(target)
    return Receipt(digest, media_type, len(content))


def load(root: Path, sha256: str, media_type: str) -> bytes:
    return path_of(root, sha256, media_type).read_bytes()
