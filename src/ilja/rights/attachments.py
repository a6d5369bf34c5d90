"""Where an objection's one file is kept: checked (``stored_files.check_attachment``: PDF, PNG or
JPEG, size limited) and stored encrypted under the data key in the objections' own folder."""

from __future__ import annotations

from pathlib import Path

from ilja.people import stored_files
from ilja.people.rrn import KeyRing

FOLDER = "rights"


def store(root: Path, content: bytes, keyring: KeyRing) -> stored_files.StoredFile:
    stored_files.check_attachment(content)
    return stored_files.store(root / FOLDER, content, keyring)


def load(root: Path, sha256: str, media_type: str, keyring: KeyRing) -> bytes:
    return stored_files.load(root / FOLDER, sha256, media_type, keyring)
