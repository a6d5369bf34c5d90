"""Receipt files for fee claims, checked and stored safely.

The type is read from the file's first bytes, never from its name or the browser's header; the
file is stored under its SHA-256 (content-addressed, so a name from the user never reaches the
file system and a re-upload writes nothing new), outside the web root, readable only by staff
routes that audit the read.

A receipt names a person and what they paid: personal data, kept like the registry's RRNs
(안전성 확보조치 기준 §7): encrypted with AES-256-GCM under the data key (``ilja.people.rrn``
tokens, bound to the file's digest so one file cannot stand in for another), in a file only the
server's user can read (0600) in directories only it can open (0700). A file stored in clear
before this is still read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ilja.people.rrn import KeyRing, decrypt_value, encrypt_value
from ilja.support.errors import Invalid

PURPOSE = "support_receipt"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700

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


def _private_directories(root: Path, target: Path) -> None:
    """Create the directories from ``root/support`` down to ``target``'s, each 0700."""
    for directory in reversed([target.parent, *target.parent.parents]):
        if directory == root or root not in directory.parents:
            continue
        directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
        os.chmod(directory, DIRECTORY_MODE)


def store(root: Path, content: bytes, max_bytes: int, keyring: KeyRing) -> Receipt:
    media_type, _ = check(content, max_bytes)
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(root, digest, media_type)
    if not target.exists():
        root.mkdir(parents=True, exist_ok=True)
        _private_directories(root, target)
        sealed = encrypt_value(content, keyring, purpose=PURPOSE, context=digest).encode("ascii")
        temporary = target.with_suffix(target.suffix + ".part")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(sealed)
        os.chmod(temporary, FILE_MODE)
        temporary.replace(target)
    return Receipt(digest, media_type, len(content))


def load(root: Path, sha256: str, media_type: str, keyring: KeyRing) -> bytes:
    """The receipt's bytes, decrypted (``TokenError`` if the file was altered or swapped)."""
    data = path_of(root, sha256, media_type).read_bytes()
    if sniff(data) is not None:  # stored in clear before receipts were encrypted
        return data
    return decrypt_value(data.decode("ascii"), keyring, purpose=PURPOSE, context=sha256)
