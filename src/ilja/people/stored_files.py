"""Files that hold personal data (a fee claim's receipt, an objection's attachment, a verification
paper), checked and stored safely.

The type is read from the file's first bytes, never from its name or the browser's header; the
file is stored under its SHA-256 (content-addressed, so a name from the user never reaches the
file system and a re-upload writes nothing new), outside the web root, readable only by staff
routes that audit the read.

Each is kept like the registry's RRNs (안전성 확보조치 기준 §7): encrypted with AES-256-GCM under
the data key (``ilja.people.rrn`` tokens, bound to the file's digest so one file cannot stand in
for another), in a file only the server's user can read (0600) in directories only it can open
(0700). A file stored in clear before this is still read.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ilja.people.rrn import KeyRing, decrypt_value, encrypt_value

PURPOSE = "support_receipt"  # the tokens' purpose since receipts, the first stored files: kept so all read back
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024

SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


@dataclass(frozen=True, slots=True)
class StoredFile:
    sha256: str
    media_type: str
    size: int


class AttachmentError(ValueError):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


def sniff(content: bytes) -> tuple[str, str] | None:
    for magic, media_type, extension in SIGNATURES:
        if content.startswith(magic):
            return media_type, extension
    return None


def check_attachment(content: bytes) -> None:
    """The one file an objection or a verification paper may carry: refuse an empty, oversized or
    unknown file, saying which."""
    if not content:
        raise AttachmentError("첨부 파일이 비어 있습니다.", "The attached file is empty.")
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise AttachmentError(f"첨부 파일은 {ATTACHMENT_MAX_BYTES // (1024 * 1024)}MB 이하여야 합니다.",
                              f"The attached file must be at most {ATTACHMENT_MAX_BYTES // (1024 * 1024)} MB.")
    if sniff(content) is None:
        raise AttachmentError("첨부 파일은 PDF, PNG, JPEG만 받습니다.", "Attach a PDF, PNG or JPEG file.")


def path_of(root: Path, sha256: str, media_type: str) -> Path:
    """Where a file lies under ``root`` (``support/receipts`` in every store, as the receipts'
    first layout had it, so the files stored since are found)."""
    extension = next(e for _, m, e in SIGNATURES if m == media_type)
    return root / "support" / "receipts" / sha256[:2] / f"{sha256}.{extension}"


def _private_directories(root: Path, target: Path) -> None:
    """Create the directories from below ``root`` down to ``target``'s, each 0700."""
    for directory in reversed([target.parent, *target.parent.parents]):
        if directory == root or root not in directory.parents:
            continue
        directory.mkdir(mode=DIRECTORY_MODE, exist_ok=True)
        os.chmod(directory, DIRECTORY_MODE)


def store(root: Path, content: bytes, keyring: KeyRing) -> StoredFile:
    """Store a file the caller has checked (its rule says what it accepts and refuses in its own
    words); a type ``sniff`` does not know is a caller's mistake."""
    found = sniff(content)
    if found is None:
        raise ValueError("store only a checked file: PDF, PNG or JPEG")
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(root, digest, found[0])
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
    return StoredFile(digest, found[0], len(content))


def load(root: Path, sha256: str, media_type: str, keyring: KeyRing) -> bytes:
    """The file's bytes, decrypted (``TokenError`` if the file was altered or swapped)."""
    data = path_of(root, sha256, media_type).read_bytes()
    if sniff(data) is not None:  # stored in clear before the files were encrypted
        return data
    return decrypt_value(data.decode("ascii"), keyring, purpose=PURPOSE, context=sha256)
