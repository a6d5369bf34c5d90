"""The process's data keys, and key rotation for the registry.

Keys come from the environment (``ILJA_DATA_KEY_FILE`` or ``ILJA_DATA_KEYS``/``ILJA_INDEX_KEYS``);
in development and test only, a key file is generated at first use in the data directory
(``var/``, git-ignored), so no key is ever in the repository (안전성 확보조치 기준 §7: 암호키 관리).

Rotation (``ilja keys rotate``, ``ilja.ops.keys``) adds a new active key to the key file, then
moves the registry's records to it (``rotate_person_records``) with every other encrypted record
in one transaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.config import get_settings
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


def seal_keys() -> tuple[str, Mapping[str, bytes]]:
    """The active audit seal key's id and every seal key (``accounts.audit`` seals the chain's
    head with them), from the keyring. In development and test a key file without one gets one,
    as data keys are made on first use; else ``audit.SealKeyMissing``."""
    try:
        keyring = get_keyring()
    except KeyConfigError as exc:
        raise audit.SealKeyMissing(str(exc)) from None
    path = configured_key_file()
    if keyring.audit_seal is None and path is not None \
            and get_settings().environment in ("development", "test"):
        keyring = add_active_key(path, "audit_seal")
        reset_keyring()
    if keyring.audit_seal is None:
        raise audit.SealKeyMissing("No audit seal key: add an audit_seal key to the key file or set "
                                   "ILJA_AUDIT_SEAL_KEYS / 감사 봉인 키가 없습니다.")
    return keyring.audit_seal.active, keyring.audit_seal.keys


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
