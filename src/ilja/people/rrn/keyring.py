"""Data keys by purpose (encryption, blind index, audit seal): the ``KeyRing``, loaded from
the environment or a key file, and the key file's generation and rotation."""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ilja import clock
from ilja.people.rrn.errors import KeyConfigError, TokenError

KEY_BYTES = 32
KEY_FILE_FORMAT = "ilja-data-keys"
KEY_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,48}", re.ASCII)
ENV_KEY_FILE = "ILJA_DATA_KEY_FILE"
ENV_PURPOSES = {  # purpose: (keys variable, active-id variable)
    "encryption": ("ILJA_DATA_KEYS", "ILJA_ACTIVE_DATA_KEY"),
    "blind_index": ("ILJA_INDEX_KEYS", "ILJA_ACTIVE_INDEX_KEY"),
    "audit_seal": ("ILJA_AUDIT_SEAL_KEYS", "ILJA_ACTIVE_AUDIT_SEAL_KEY"),
}
_KEY_PREFIX = {"encryption": "enc", "blind_index": "idx", "audit_seal": "seal"}


def _key_error(code: str, message: str, message_ko: str, **context: Any) -> KeyConfigError:
    return KeyConfigError(code, message, message_ko, **context)


@dataclass(frozen=True)
class KeySet:
    """Keys of one purpose by id, and the id new values are written with."""

    active: str
    keys: Mapping[str, bytes] = field(repr=False)

    def __post_init__(self) -> None:
        for key_id, key in self.keys.items():
            if not KEY_ID_PATTERN.fullmatch(key_id):
                raise _key_error("key_id", "A key id may hold only letters, digits, '-' and '_'.",
                                 "키 ID에는 영문, 숫자, '-', '_'만 쓸 수 있습니다.")
            if len(key) != KEY_BYTES:
                raise _key_error("key_length", f"Key {key_id} must be {KEY_BYTES} bytes.",
                                 f"키 {key_id}는 {KEY_BYTES}바이트여야 합니다.", key_id=key_id)
        if self.active not in self.keys:
            raise _key_error("key_active_unknown", f"The active key {self.active} is not loaded.",
                             f"활성 키 {self.active}가 없습니다.", key_id=self.active)
        object.__setattr__(self, "keys", MappingProxyType(dict(self.keys)))

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise TokenError("token_unknown_key", f"No key with id {key_id} is loaded.",
                             f"키 {key_id}가 없습니다.", key_id=key_id) from None

    @property
    def active_key(self) -> bytes:
        return self.keys[self.active]


@dataclass(frozen=True)
class KeyRing:
    """Encryption, blind-index and (optional) audit-seal keys; the three never share a key."""

    encryption: KeySet
    blind_index: KeySet
    audit_seal: KeySet | None = None

    def __post_init__(self) -> None:
        sets = [self.encryption, self.blind_index] + ([self.audit_seal] if self.audit_seal else [])
        seen: set[bytes] = set()
        for key_set in sets:
            if seen & set(key_set.keys.values()):
                raise _key_error("keys_shared",
                                 "Encryption, blind-index and seal keys must be different keys.",
                                 "암호화, 검색(블라인드 인덱스), 봉인 키는 서로 달라야 합니다.")
            seen |= set(key_set.keys.values())

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KeyRing:
        """Keys from ``ILJA_DATA_KEY_FILE`` or from ``ILJA_DATA_KEYS``/``ILJA_INDEX_KEYS``."""
        env = os.environ if environ is None else environ
        key_file = env.get(ENV_KEY_FILE)
        if key_file and any(env.get(keys_var) for keys_var, _ in ENV_PURPOSES.values()):
            raise _key_error("keys_ambiguous",
                             f"Set either {ENV_KEY_FILE} or the ILJA_*_KEYS variables, not both.",
                             f"{ENV_KEY_FILE}와 ILJA_*_KEYS 변수 중 한 가지만 설정하세요.")
        if key_file:
            return cls.from_file(Path(key_file))
        if not env.get(ENV_PURPOSES["encryption"][0]):
            raise _key_error("keys_missing",
                             f"No data keys: set {ENV_KEY_FILE} (see generate_key_file) or "
                             "ILJA_DATA_KEYS and ILJA_INDEX_KEYS.",
                             f"데이터 키가 없습니다. {ENV_KEY_FILE} 또는 ILJA_DATA_KEYS와 "
                             "ILJA_INDEX_KEYS를 설정하세요.")
        sets: dict[str, KeySet | None] = {}
        for purpose, (keys_var, active_var) in ENV_PURPOSES.items():
            raw = env.get(keys_var)
            if not raw:
                if purpose != "audit_seal":
                    raise _key_error("keys_missing", f"{keys_var} is not set.",
                                     f"{keys_var}가 설정되지 않았습니다.", variable=keys_var)
                sets[purpose] = None
                continue
            keys = _parse_env_keys(raw, keys_var)
            active = env.get(active_var) or (next(iter(keys)) if len(keys) == 1 else "")
            if not active:
                raise _key_error("keys_ambiguous", f"Several keys in {keys_var}: set {active_var}.",
                                 f"{keys_var}에 키가 여럿입니다. {active_var}를 설정하세요.",
                                 variable=active_var)
            sets[purpose] = KeySet(active, keys)
        return cls(sets["encryption"], sets["blind_index"], sets["audit_seal"])  # type: ignore[arg-type]

    @classmethod
    def from_file(cls, path: Path) -> KeyRing:
        """Read a key file, refusing one that group or others may read (it must be 0600/0400)."""
        return cls._from_document(_read_key_file(path), str(path))

    @classmethod
    def _from_document(cls, document: Any, where: str) -> KeyRing:
        if not isinstance(document, dict) or document.get("format") != KEY_FILE_FORMAT:
            raise _key_error("keys_malformed", f"{where} is not an Ilja key file.",
                             f"{where}은(는) Ilja 키 파일이 아닙니다.", path=where)
        sets: dict[str, KeySet | None] = {}
        for purpose in ENV_PURPOSES:
            section = document.get(purpose)
            if section is None and purpose == "audit_seal":
                sets[purpose] = None
                continue
            if not isinstance(section, dict) or not isinstance(section.get("keys"), dict):
                raise _key_error("keys_malformed", f"{where}: section {purpose} is missing.",
                                 f"{where}: {purpose} 항목이 없습니다.", path=where)
            keys = {k: _decode_key(v, f"{where}:{purpose}") for k, v in section["keys"].items()}
            sets[purpose] = KeySet(str(section.get("active", "")), keys)
        return cls(sets["encryption"], sets["blind_index"], sets["audit_seal"])  # type: ignore[arg-type]

    def to_document(self) -> dict[str, Any]:
        """The key-file JSON (holds key material: write it only with ``_write_key_file``)."""
        document: dict[str, Any] = {"format": KEY_FILE_FORMAT, "version": 1}
        for purpose in ENV_PURPOSES:
            key_set: KeySet | None = getattr(self, purpose)
            if key_set is not None:
                document[purpose] = {
                    "active": key_set.active,
                    "keys": {k: base64.b64encode(v).decode() for k, v in key_set.keys.items()},
                }
        return document


def _decode_key(value: object, where: str) -> bytes:
    try:
        return base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raise _key_error("keys_malformed", f"{where}: a key is not valid base64.",
                         f"{where}: 키가 올바른 base64가 아닙니다.", where=where) from None


def _parse_env_keys(raw: str, variable: str) -> dict[str, bytes]:
    """``{"id": "base64", ...}`` (JSON) or ``id:base64,id:base64``."""
    raw = raw.strip()
    if raw.startswith("{"):
        try:
            pairs = json.loads(raw)
        except json.JSONDecodeError:
            pairs = None
        if not isinstance(pairs, dict):
            raise _key_error("keys_malformed", f"{variable} is not a JSON object.",
                             f"{variable}가 JSON 객체가 아닙니다.", variable=variable)
        return {str(k): _decode_key(v, variable) for k, v in pairs.items()}
    keys: dict[str, bytes] = {}
    for item in filter(None, (part.strip() for part in raw.split(","))):
        key_id, sep, value = item.partition(":")
        if not sep:
            raise _key_error("keys_malformed", f"{variable}: write id:base64key,id:base64key.",
                             f"{variable}: id:base64키 형식으로 쓰세요.", variable=variable)
        keys[key_id.strip()] = _decode_key(value.strip(), variable)
    return keys


def _read_key_file(path: Path) -> Any:
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise _key_error("key_file_missing", f"Key file {path} does not exist.",
                         f"키 파일 {path}이(가) 없습니다.", path=str(path)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())  # the file actually opened, after symlinks
        if not stat.S_ISREG(info.st_mode):
            raise _key_error("key_file_malformed", f"{path} is not a regular file.",
                             f"{path}은(는) 일반 파일이 아닙니다.", path=str(path))
        if os.name == "posix" and info.st_mode & 0o077:
            mode = oct(stat.S_IMODE(info.st_mode))
            raise _key_error(
                "key_file_permissions",
                f"Key file {path} is accessible by group or others (mode {mode}); "
                f"run: chmod 600 {path}",
                f"키 파일 {path}을(를) 그룹·다른 사용자가 읽을 수 있습니다(권한 {mode}). "
                f"chmod 600 {path} 을(를) 실행하세요.", path=str(path), mode=mode)
        raw = handle.read()
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _key_error("keys_malformed", f"{path} is not valid JSON.",
                         f"{path}이(가) 올바른 JSON이 아닙니다.", path=str(path)) from None


def _write_key_file(path: Path, keyring: KeyRing, *, replace: bool) -> None:
    """Write 0600 in one step: a new file exclusively, or a temp file renamed over the old."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(keyring.to_document(), indent=2).encode() + b"\n"
    target = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp") if replace else path
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _key_error("key_file_exists", f"Key file {path} already exists; not overwritten.",
                         f"키 파일 {path}이(가) 이미 있어 덮어쓰지 않습니다.", path=str(path)) from None
    with os.fdopen(fd, "wb") as handle:
        if os.name == "posix":
            os.fchmod(handle.fileno(), 0o600)
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if replace:
        os.replace(target, path)


def _new_key_id(purpose: str) -> str:
    return f"{_KEY_PREFIX[purpose]}-{clock.now():%Y%m%d}-{secrets.token_hex(4)}"


def _new_key_set(purpose: str) -> KeySet:
    key_id = _new_key_id(purpose)
    return KeySet(key_id, {key_id: secrets.token_bytes(KEY_BYTES)})


def generate_key_file(path: Path) -> KeyRing:
    """Create a new key file (0600) with fresh encryption, blind-index and seal keys.

    Never overwrites: losing a key file loses every RRN encrypted under it.
    """
    keyring = KeyRing(_new_key_set("encryption"), _new_key_set("blind_index"),
                      _new_key_set("audit_seal"))
    _write_key_file(Path(path), keyring, replace=False)
    return keyring


def add_active_key(path: Path, purpose: str) -> KeyRing:
    """Add a fresh key of ``purpose`` to a key file and make it active; old keys stay for reading.

    The first half of a rotation: afterwards ``rotate_records`` moves every record to the new key,
    and only then may an operator retire the old one.
    """
    if purpose not in ENV_PURPOSES:
        raise ValueError(f"purpose must be one of {sorted(ENV_PURPOSES)}")
    keyring = KeyRing.from_file(Path(path))
    current: KeySet | None = getattr(keyring, purpose)
    fresh = _new_key_set(purpose)
    merged = KeySet(fresh.active, {**(current.keys if current else {}), **fresh.keys})
    updated = KeyRing(**{**{p: getattr(keyring, p) for p in ENV_PURPOSES}, purpose: merged})
    _write_key_file(Path(path), updated, replace=True)
    return updated


def load_keyring(environ: Mapping[str, str] | None = None, *, dev_key_file: Path | None = None,
                 environment: str = "production") -> KeyRing:
    """Keys from the environment; in development or test only, a key file in ``var/``.

    The demo key is generated at first run into ``dev_key_file`` (under the git-ignored ``var/``),
    so no key is ever committed and there is no default key in code.
    """
    env = os.environ if environ is None else environ
    configured = env.get(ENV_KEY_FILE) or env.get(ENV_PURPOSES["encryption"][0])
    if configured or environment not in ("development", "test") or dev_key_file is None:
        return KeyRing.from_env(env)
    if not Path(dev_key_file).exists():
        return generate_key_file(Path(dev_key_file))
    return KeyRing.from_file(Path(dev_key_file))
