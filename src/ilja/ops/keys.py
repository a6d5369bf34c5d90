"""Key rotation (``ilja keys rotate``): a new active encryption and blind-index key in the key file,
then every encrypted record moved to it in one transaction — the registry's RRN tokens and blind
indexes (``people.keys.rotate_person_records``) and the pay accounts participants corrected
(``publicjobs.payment_service.reencrypt_accounts``). If that transaction fails, the key file is
put back as it was, so a failure leaves keys and records untouched; old keys stay in the file for
reading until an operator retires them.

It sits with the operators' tools, above the domains whose records it moves.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import Engine

from ilja.accounts import audit
from ilja.db import transaction
from ilja.people.keys import RotationReport, configured_key_file, reset_keyring, rotate_person_records
from ilja.people.rrn import KeyConfigError, KeyRing, add_active_key
from ilja.publicjobs.payment_service import reencrypt_accounts


def rotate_keys(engine: Engine, *, actor: audit.Actor, key_file: Path | None = None,
                new_keys: bool = True) -> RotationReport:
    """Add new active encryption and blind-index keys to the key file (``new_keys``), then move
    every record to them in one transaction; on any failure restore the key file as it was."""
    path = key_file or configured_key_file()
    if new_keys and path is None:
        raise KeyConfigError(
            "keys_in_environment",
            "Keys come from environment variables: add the new key there, make it active, "
            "restart, then run 'ilja keys rotate --records-only'.",
            "키가 환경변수에 있습니다. 새 키를 추가해 활성으로 지정하고 재시작한 뒤 "
            "'ilja keys rotate --records-only'를 실행하세요.")
    previous = _read_bytes(path) if new_keys and path is not None else None
    try:
        if new_keys and path is not None:
            add_active_key(path, "encryption")
            keyring = add_active_key(path, "blind_index")
        elif path is not None:
            keyring = KeyRing.from_file(path)
        else:
            keyring = KeyRing.from_env()
        with transaction(engine) as session:
            report = rotate_person_records(session, keyring, actor=actor)
            reencrypt_accounts(session, keyring)  # the pay accounts participants corrected
    except BaseException:
        if previous is not None and path is not None:
            _restore(path, previous)
        raise
    finally:
        reset_keyring()
    return report


def _read_bytes(path: Path) -> bytes:
    KeyRing.from_file(path)  # refuse to rotate from a key file that is not safe to read
    return path.read_bytes()


def _restore(path: Path, content: bytes) -> None:
    """Put the key file back (0600, atomically) after a failed rotation."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.restore")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
