"""The process's data keys, and key rotation for the registry.

Keys come from the environment (``ILJA_DATA_KEY_FILE`` or ``ILJA_DATA_KEYS``/``ILJA_INDEX_KEYS``);
in development and test only, a key file is generated at first use in the data directory
(``var/``, git-ignored), so no key is ever in the repository (안전성 확보조치 기준 §7: 암호키 관리).

Rotation (``ilja keys rotate``) adds a new active key to the key file, then re-encrypts every RRN
token and recomputes every blind index in one transaction. If that transaction fails, the key
file is put back as it was, so a failure leaves keys and records untouched; old keys stay in the
file for reading until an operator retires them.
"""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.config import get_settings
from ilja.db import transaction
from ilja.people.models import Person
from ilja.people.rrn import (
    ENV_KEY_FILE,
    ENV_PURPOSES,
    KeyConfigError,
    KeyRing,
    add_active_key,
    generate_key_file,
    load_keyring,
    rotate_records,
)

KEY_FILE_NAME = "data-keys.json"
ROTATION_BATCH = 1000
_lock = threading.Lock()
_cached: tuple[object, KeyRing] | None = None


def dev_key_file() -> Path:
    return get_settings().data_dir / KEY_FILE_NAME


def configured_key_file() -> Path | None:
    """The key file in use: ``ILJA_DATA_KEY_FILE``, or the development file; None when the keys
    come from environment variables."""
    if os.environ.get(ENV_KEY_FILE):
        return Path(os.environ[ENV_KEY_FILE])
    if os.environ.get(ENV_PURPOSES["encryption"][0]):
        return None
    if get_settings().environment in ("development", "test"):
        return dev_key_file()
    return None


def _stamp() -> object:
    """Changes when the key file changes, so a rotation in another process is picked up."""
    path = configured_key_file()
    if path is None or not path.exists():
        return ("env", os.environ.get(ENV_KEY_FILE), path)
    info = path.stat()
    return (str(path), info.st_mtime_ns, info.st_size, info.st_ino)


def get_keyring() -> KeyRing:
    """The keyring, loaded once per process and again only when its key file changes."""
    global _cached
    with _lock:
        stamp = _stamp()
        if _cached is None or _cached[0] != stamp:
            settings = get_settings()
            keyring = load_keyring(dev_key_file=dev_key_file(),
                                   environment=settings.environment)
            _cached = (_stamp(), keyring)
        return _cached[1]


def reset_keyring() -> None:
    global _cached
    with _lock:
        _cached = None


def init_keys(path: Path | None = None) -> tuple[Path, bool]:
    """Create the key file (0600) unless it exists; returns the path and whether it was created."""
    target = path or configured_key_file() or dev_key_file()
    if target.exists():
        KeyRing.from_file(target)  # still check it is a readable, private key file
        return target, False
    generate_key_file(target)
    reset_keyring()
    return target, True


@dataclass(frozen=True)
class RotationReport:
    checked: int
    changed: int
    encryption_key: str
    index_key: str


def rotate_person_records(session: Session, keyring: KeyRing, *, actor: audit.Actor
                          ) -> RotationReport:
    """Move every person's RRN token and blind index to the active keys, in the caller's
    transaction. ``rotate_records`` verifies each new token and raises on the first record it
    cannot move, so the caller rolls back and no record is half-rotated. Re-running is harmless."""
    checked = changed = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(Person.id, Person.rrn_token, Person.rrn_index)
            .where(Person.id > last_id, Person.rrn_token.is_not(None) | Person.rrn_index.is_not(None))
            .order_by(Person.id).limit(ROTATION_BATCH).with_for_update()
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        for rotated in rotate_records(((r.id, r.rrn_token, r.rrn_index) for r in rows), keyring,
                                      bind_to_record_id=True):
            checked += 1
            if rotated.changed:
                changed += 1
                session.execute(update(Person).where(Person.id == rotated.record_id)
                                .values(rrn_token=rotated.token, rrn_index=rotated.index))
    session.flush()
    report = RotationReport(checked, changed, keyring.encryption.active,
                            keyring.blind_index.active)
    audit.record(session, actor, "keys.rotate", object_type="key",
                 object_id=f"{report.encryption_key},{report.index_key}",
                 details={"records": checked, "changed": changed})
    return report


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
            from ilja.publicjobs.payment_service import reencrypt_accounts  # corrected pay accounts

            reencrypt_accounts(session, keyring)
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
