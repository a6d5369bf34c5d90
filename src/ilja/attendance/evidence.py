"""Evidence of an excused absence (진단서, 예비군 훈련 통지서, 면접 안내 …): checked and stored
encrypted.

The type is read from the file's first bytes, never from its name or the browser's header; the
size is limited by ``attendance.checkin.evidence_max_kilobytes``. Evidence names a person and often
their health: it is stored like the registry's personal data, sealed with AES-256-GCM under the
data key (``ilja.people.rrn`` tokens, bound to the file's digest so one file cannot stand in for
another), under its SHA-256 (a user's file name never reaches the file system) in a 0600 file in
0700 directories outside the web root, and read only through staff routes that audit the read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ilja.people.rrn import KeyRing, decrypt_value, encrypt_value
from ilja.rules.parameters import ParameterTree, default_tree

PURPOSE = "attendance_evidence"
FILE_MODE = 0o600
DIRECTORY_MODE = 0o700
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class EvidenceRefused(ValueError):
    """The file cannot be evidence; the messages say why, in both languages."""

    def __init__(self, message_ko: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_ko, self.message_en = message_ko, message_en


@dataclass(frozen=True, slots=True)
class Evidence:
    sha256: str
    media_type: str
    size: int


def max_bytes(on: dt.date, tree: ParameterTree | None = None) -> int:
    return int((tree or default_tree()).value("attendance.checkin.evidence_max_kilobytes", on)) * 1024


def media_type_of(content: bytes) -> str | None:
    return next((media for magic, media in SIGNATURES if content.startswith(magic)), None)


def check(content: bytes, limit: int) -> str:
    """The media type of acceptable evidence, or ``EvidenceRefused`` saying why not."""
    if not content:
        raise EvidenceRefused("증빙 파일이 비어 있습니다.", "The evidence file is empty.")
    if len(content) > limit:
        raise EvidenceRefused(f"증빙 파일은 {limit // 1024:,}KB 이하여야 합니다.",
                              f"The evidence file must be at most {limit // 1024:,} KB.")
    media_type = media_type_of(content)
    if media_type is None:
        raise EvidenceRefused("증빙 파일은 PDF, PNG, JPEG만 받습니다.",
                              "Evidence must be a PDF, PNG or JPEG file.")
    return media_type


def path_of(root: Path, sha256: str) -> Path:
    return root / "attendance" / "evidence" / sha256[:2] / f"{sha256}.sealed"


def store(root: Path, content: bytes, limit: int, keyring: KeyRing) -> Evidence:
    media_type = check(content, limit)
    digest = hashlib.sha256(content).hexdigest()
    target = path_of(root, digest)
    if not target.exists():
        for directory in reversed([target.parent, *target.parent.parents]):
            if directory == root or root not in directory.parents:
                continue
            directory.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
            os.chmod(directory, DIRECTORY_MODE)
        sealed = encrypt_value(content, keyring, purpose=PURPOSE, context=digest).encode("ascii")
        temporary = target.with_suffix(".part")
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(handle, "wb") as out:
            out.write(sealed)
        temporary.replace(target)
    return Evidence(digest, media_type, len(content))


def load(root: Path, sha256: str, keyring: KeyRing) -> bytes:
    """The evidence's bytes, decrypted (``TokenError`` if the file was altered or swapped)."""
    return decrypt_value(path_of(root, sha256).read_bytes().decode("ascii"), keyring,
                         purpose=PURPOSE, context=sha256)


def seal_upload(root: Path, content: bytes | None, day: dt.date,
                keyring: KeyRing) -> Evidence | None:
    """An excused day's uploaded evidence sealed under the limit in force on ``day``, or None
    without one; a refusal (``EvidenceRefused``) names the field."""
    if not content:
        return None
    try:
        return store(root, content, max_bytes(day), keyring)
    except EvidenceRefused as error:
        raise EvidenceRefused(f"증빙 파일: {error.message_ko}",
                              f"Evidence file: {error.message_en}") from None


def columns(sealed: Evidence | None) -> dict[str, object]:
    """The evidence columns both programs' excused-day rows carry."""
    return {"evidence_sha256": sealed.sha256 if sealed else None,
            "evidence_type": sealed.media_type if sealed else None,
            "evidence_bytes": sealed.size if sealed else None}
