"""Receipts are personal data at rest: encrypted under the data key, files 0600 in 0700
directories, decrypted on reading, and a file swapped for another's is refused."""

from __future__ import annotations

import hashlib
import stat

import pytest

from ilja.people import stored_files
from ilja.people.rrn import TokenError, generate_key_file
from ilja.support import receipts

PDF = b"%PDF-1.7\n1 0 obj << /Title (Receipt: Hong Gil-dong, 270,000 KRW) >> endobj\n%%EOF"
PNG = b"\x89PNG\r\n\x1a\n" + b"IHDR receipt of Kim" * 10
LIMIT = 1024 * 1024


@pytest.fixture
def keys(tmp_path):
    return generate_key_file(tmp_path / "keys" / "data-keys.json")


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_stored_receipt_is_encrypted_private_and_read_back(tmp_path, keys):
    root = tmp_path / "store"
    stored = receipts.store(root, PDF, LIMIT, keys)
    path = stored_files.path_of(root, stored.sha256, stored.media_type)
    on_disk = path.read_bytes()
    assert PDF not in on_disk and b"%PDF" not in on_disk and b"Hong" not in on_disk
    assert _mode(path) == 0o600
    for directory in (root / "support", root / "support" / "receipts", path.parent):
        assert _mode(directory) == 0o700, directory
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest() and stored.size == len(PDF)
    assert stored_files.load(root, stored.sha256, stored.media_type, keys) == PDF
    assert not list(path.parent.glob("*.part"))


def test_a_second_upload_of_the_same_file_writes_nothing(tmp_path, keys):
    first = receipts.store(tmp_path, PDF, LIMIT, keys)
    path = stored_files.path_of(tmp_path, first.sha256, first.media_type)
    before = path.read_bytes()
    receipts.store(tmp_path, PDF, LIMIT, keys)
    assert path.read_bytes() == before


def test_a_swapped_or_altered_file_is_refused(tmp_path, keys):
    pdf = receipts.store(tmp_path, PDF, LIMIT, keys)
    png = receipts.store(tmp_path, PNG, LIMIT, keys)
    pdf_path = stored_files.path_of(tmp_path, pdf.sha256, pdf.media_type)
    png_path = stored_files.path_of(tmp_path, png.sha256, png.media_type)
    pdf_path.write_bytes(png_path.read_bytes())  # another person's receipt under this name
    with pytest.raises(TokenError):
        stored_files.load(tmp_path, pdf.sha256, pdf.media_type, keys)
    other_keys = generate_key_file(tmp_path / "other" / "data-keys.json")
    with pytest.raises(TokenError):
        stored_files.load(tmp_path, png.sha256, png.media_type, other_keys)


def test_a_receipt_stored_in_clear_before_is_still_read(tmp_path, keys):
    digest = hashlib.sha256(PDF).hexdigest()
    path = stored_files.path_of(tmp_path, digest, "application/pdf")
    path.parent.mkdir(parents=True)
    path.write_bytes(PDF)
    assert stored_files.load(tmp_path, digest, "application/pdf", keys) == PDF
