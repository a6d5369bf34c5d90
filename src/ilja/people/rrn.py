"""Resident registration numbers (주민등록번호): parse, mask, encrypt, blind-index, rotate keys.

Why this module is strict: an RRN may be processed only where a law requires or permits it
(개인정보 보호법 §24-2), and a stored one must be encrypted (§24-2 ②, 안전성 확보조치 기준
§7 개인정보의 암호화). So Ilja keeps RRNs only as AES-256-GCM tokens, finds and de-duplicates
people through a keyed blind index (HMAC-SHA256, a separate key), shows them masked, and never
puts a number into an exception message, a ``repr`` or a log (``hide_input_in_errors``).

Pure building blocks: no database and no web. The only I/O is reading the environment and the
key file, so services can load keys once and pass the ``KeyRing`` around.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
import unicodedata
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# --- errors ---------------------------------------------------------------------------------


class RrnError(Exception):
    """A failure with a stable machine ``code``, plain messages (en, ko) and a context.

    The shape follows Pydantic's errors (type, msg, ctx). Messages and context never hold the
    number, a token's payload or key material.
    """

    def __init__(self, code: str, message: str, message_ko: str, **context: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.message_ko = message_ko
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.code, "msg": self.message, "msg_ko": self.message_ko,
                "ctx": dict(self.context)}


class InvalidRrn(RrnError, ValueError):
    """The text is not a valid RRN (format or birth date)."""


class TokenError(RrnError):
    """A stored token cannot be decrypted: malformed, unknown key, or tampered with."""


class KeyConfigError(RrnError):
    """Keys are missing, malformed, or stored unsafely."""


class RotationError(RrnError):
    """A record could not be rotated; the caller's transaction must roll back."""


class CheckDigit(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    NOT_APPLICABLE = "not_applicable"  # random serial since 2020-10-05


@dataclass(frozen=True, slots=True)
class RrnWarning:
    code: str
    message: str
    message_ko: str


# --- parsing --------------------------------------------------------------------------------

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
RANDOM_SERIAL_SINCE = dt.date(2020, 10, 5)
"""Numbers issued or changed since this date end in random digits: no region, no check digit."""

_CENTURY = {9: 1800, 0: 1800, 1: 1900, 2: 1900, 3: 2000, 4: 2000,
            5: 1900, 6: 1900, 7: 2000, 8: 2000}
_SHAPE = re.compile(r"([0-9]{6})-?([0-9]{7})", re.ASCII)
_KST = dt.timezone(dt.timedelta(hours=9))

CHECK_DIGIT_WARNING = RrnWarning(
    "rrn_check_digit",
    "The check digit does not match; the number may have been issued or changed since "
    "2020-10-05 (random serial). Please confirm it.",
    "검증번호가 맞지 않습니다. 2020년 10월 5일 이후 부여·변경된 번호일 수 있으니 확인해 주세요.",
)


@dataclass(frozen=True, slots=True, repr=False)
class Rrn:
    """A validated RRN. ``str()`` and ``repr()`` are masked; ``digits`` is the full number."""

    digits: str
    birth_date: dt.date
    check_digit: CheckDigit
    warnings: tuple[RrnWarning, ...] = ()

    @property
    def gender_digit(self) -> int:
        return int(self.digits[6])

    @property
    def foreign_resident(self) -> bool:
        """7th digit 5–8: a foreign resident's registration number (외국인등록번호)."""
        return 5 <= self.gender_digit <= 8

    @property
    def sex(self) -> str:
        return "male" if self.gender_digit % 2 else "female"

    @property
    def formatted(self) -> str:
        """The full ``YYMMDD-GNNNNNN``: only for a role allowed to see it, and audit that read."""
        return f"{self.digits[:6]}-{self.digits[6:]}"

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-{self.digits[6]}******"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Rrn({self.masked!r})"


def expected_check_digit(digits: str) -> int:
    """(11 − Σ dᵢwᵢ mod 11) mod 10; for foreign residents (5–8) the usual variant uses 13."""
    total = sum(int(d) * w for d, w in zip(digits[:12], WEIGHTS, strict=True))
    base = 13 if 5 <= int(digits[6]) <= 8 else 11
    return (base - total % 11) % 10


def _invalid(code: str, message: str, message_ko: str, **context: Any) -> InvalidRrn:
    return InvalidRrn(code, message, message_ko, **context)


def parse_rrn(text: object, *, today: dt.date | None = None) -> Rrn:
    """Validate ``YYMMDD-GNNNNNN`` or 13 digits (full-width digits are accepted).

    Format and birth date are errors; a wrong check digit is only a warning, because numbers
    issued since 2020-10-05 have none (PROGRAMS.md §4). ``today`` (Korean date by default)
    rejects a birth date in the future.
    """
    if not isinstance(text, str):
        raise _invalid("rrn_type", "A resident registration number must be text.",
                       "주민등록번호는 문자열이어야 합니다.")
    match = _SHAPE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if match is None:
        raise _invalid("rrn_format",
                       "A resident registration number is 13 digits: YYMMDD-GNNNNNN.",
                       "주민등록번호는 13자리 숫자(YYMMDD-GNNNNNN)입니다.")
    digits = match.group(1) + match.group(2)
    year = _CENTURY[int(digits[6])] + int(digits[:2])
    try:
        birth = dt.date(year, int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        raise _invalid("rrn_birth_date", "The birth date in the number does not exist.",
                       "주민등록번호의 생년월일이 올바르지 않습니다.") from None
    if birth > (today or dt.datetime.now(_KST).date()):
        raise _invalid("rrn_birth_date_future", "The birth date in the number is in the future.",
                       "주민등록번호의 생년월일이 미래입니다.")
    if birth >= RANDOM_SERIAL_SINCE:
        return Rrn(digits, birth, CheckDigit.NOT_APPLICABLE)
    if expected_check_digit(digits) == int(digits[12]):
        return Rrn(digits, birth, CheckDigit.VALID)
    return Rrn(digits, birth, CheckDigit.INVALID, (CHECK_DIGIT_WARNING,))


def mask(rrn: Rrn | str) -> str:
    """``900101-1******``: birth date and the 7th digit, the rest hidden (DESIGN.md)."""
    return (rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)).masked


# --- keys -----------------------------------------------------------------------------------

KEY_BYTES = 32
KEY_FILE_FORMAT = "ilja-data-keys"
_KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,48}", re.ASCII)
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
            if not _KEY_ID.fullmatch(key_id):
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
    return f"{_KEY_PREFIX[purpose]}-{dt.datetime.now(dt.UTC):%Y%m%d}-{secrets.token_hex(4)}"


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


# --- encryption -----------------------------------------------------------------------------

TOKEN_VERSION = "v1"
RRN_PURPOSE = "rrn"
NONCE_BYTES = 12
_TAG_BYTES = 16


def _aad(purpose: str, key_id: str, context: str | None) -> bytes:
    """Binds a ciphertext to its purpose, token version and key id (and optionally a record)."""
    aad = f"ilja:{purpose}|{TOKEN_VERSION}|{key_id}".encode()
    return aad if context is None else aad + b"|" + context.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _token_error(code: str, message: str, message_ko: str, **context: Any) -> TokenError:
    return TokenError(code, message, message_ko, **context)


def _split_token(token: str) -> tuple[str, bytes]:
    parts = token.split(":") if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise _token_error("token_format", "Not an Ilja v1 encrypted value.",
                           "Ilja v1 암호문 형식이 아닙니다.")
    try:
        payload = base64.urlsafe_b64decode(parts[2] + "=" * (-len(parts[2]) % 4))
    except (binascii.Error, ValueError):
        payload = b""
    if len(payload) < NONCE_BYTES + _TAG_BYTES:
        raise _token_error("token_format", "The encrypted value is truncated or malformed.",
                           "암호문이 잘렸거나 형식이 잘못되었습니다.", key_id=parts[1])
    return parts[1], payload


def token_key_id(token: str) -> str:
    """The key id a token was written with (no decryption)."""
    return _split_token(token)[0]


def encrypt_value(plaintext: bytes, keyring: KeyRing, *, purpose: str,
                  context: str | None = None) -> str:
    """AES-256-GCM under the active key: ``v1:<key_id>:<base64url(nonce ‖ ciphertext ‖ tag)>``.

    A random 96-bit nonce per value; with 2³² values per key the collision risk stays below
    NIST SP 800-38D's bound, and rotation keeps every key far under it.
    """
    key_id = keyring.encryption.active
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = AESGCM(keyring.encryption.active_key).encrypt(
        nonce, plaintext, _aad(purpose, key_id, context))
    return f"{TOKEN_VERSION}:{key_id}:{_b64(nonce + sealed)}"


def decrypt_value(token: str, keyring: KeyRing, *, purpose: str,
                  context: str | None = None) -> bytes:
    key_id, payload = _split_token(token)
    key = keyring.encryption.key(key_id)
    try:
        return AESGCM(key).decrypt(payload[:NONCE_BYTES], payload[NONCE_BYTES:],
                                   _aad(purpose, key_id, context))
    except InvalidTag:
        raise _token_error("token_authentication",
                           "The encrypted value failed authentication (tampered, or wrong "
                           "purpose, record or key).",
                           "암호문 인증에 실패했습니다(변조되었거나 용도·레코드·키가 다릅니다).",
                           key_id=key_id) from None


def encrypt_rrn(rrn: Rrn | str, keyring: KeyRing, *, context: str | None = None) -> str:
    """Encrypt the 13 digits. ``context`` (e.g. the person id) also binds the token to its row."""
    number = rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)
    return encrypt_value(number.digits.encode("ascii"), keyring, purpose=RRN_PURPOSE,
                         context=context)


def decrypt_rrn(token: str, keyring: KeyRing, *, context: str | None = None) -> Rrn:
    plaintext = decrypt_value(token, keyring, purpose=RRN_PURPOSE, context=context)
    try:
        return parse_rrn(plaintext.decode("ascii"))
    except (InvalidRrn, UnicodeDecodeError):
        raise _token_error("token_content", "The decrypted value is not an RRN.",
                           "복호화한 값이 주민등록번호가 아닙니다.") from None


# --- blind index ----------------------------------------------------------------------------

INDEX_VERSION = "h1"


def _normalised_digits(rrn: Rrn | str) -> str:
    return (rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)).digits


def blind_index(rrn: Rrn | str, keyring: KeyRing, *, key_id: str | None = None) -> str:
    """``h1:<key_id>:<hex HMAC-SHA256(key, "ilja:rrn" ‖ 0x00 ‖ 13 digits)>``, for look-up and
    de-duplication; the purpose prefix lets the same index key serve other fields safely.

    Keyed (not a plain hash): the RRN space is small enough to enumerate, so without the key
    the column reveals nothing, and the key is separate from the encryption key.
    """
    key_id = key_id or keyring.blind_index.active
    message = f"ilja:{RRN_PURPOSE}\x00".encode() + _normalised_digits(rrn).encode("ascii")
    digest = hmac.new(keyring.blind_index.key(key_id), message, hashlib.sha256).hexdigest()
    return f"{INDEX_VERSION}:{key_id}:{digest}"


def blind_index_candidates(rrn: Rrn | str, keyring: KeyRing) -> list[str]:
    """The index under every loaded key, active first: look-ups stay correct mid-rotation."""
    number = rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)
    ids = [keyring.blind_index.active] + sorted(set(keyring.blind_index.keys)
                                                - {keyring.blind_index.active})
    return [blind_index(number, keyring, key_id=key_id) for key_id in ids]


def index_key_id(index: str) -> str:
    parts = index.split(":") if isinstance(index, str) else []
    if len(parts) != 3 or parts[0] != INDEX_VERSION or not _KEY_ID.fullmatch(parts[1]):
        raise _token_error("index_format", "Not an Ilja h1 blind index.",
                           "Ilja h1 검색 인덱스 형식이 아닙니다.")
    return parts[1]


# --- rotation -------------------------------------------------------------------------------


def reencrypt(token: str, keyring: KeyRing, *, purpose: str = RRN_PURPOSE,
              context: str | None = None) -> str:
    """The same value under the active key; a token already under it is returned unchanged."""
    if token_key_id(token) == keyring.encryption.active:
        decrypt_value(token, keyring, purpose=purpose, context=context)  # still authenticate
        return token
    plaintext = decrypt_value(token, keyring, purpose=purpose, context=context)
    return encrypt_value(plaintext, keyring, purpose=purpose, context=context)


def rotate_blind_index(index: str | None, rrn: Rrn | str, keyring: KeyRing) -> str:
    """The index under the active index key, after checking the old one belongs to this number.

    An old index whose key is still loaded must match, or the row is inconsistent (edited or
    swapped) and is refused rather than silently "repaired".
    """
    if index is not None:
        old_key = index_key_id(index)
        if old_key in keyring.blind_index.keys and not hmac.compare_digest(
                index, blind_index(rrn, keyring, key_id=old_key)):
            raise RotationError("rotation_index_mismatch",
                                "The stored blind index does not belong to the stored number.",
                                "저장된 검색 인덱스가 저장된 주민등록번호와 맞지 않습니다.")
        if old_key == keyring.blind_index.active:
            return index
    return blind_index(rrn, keyring)


@dataclass(frozen=True, slots=True)
class RotatedRecord:
    record_id: Hashable
    token: str | None
    index: str | None
    changed: bool


def rotate_records(records: Iterable[tuple[Hashable, str | None, str | None]], keyring: KeyRing,
                   *, bind_to_record_id: bool = False) -> Iterator[RotatedRecord]:
    """For each ``(id, token, index)`` yield the values under the active keys.

    Every new token is decrypted again and compared before it is yielded, and any failure raises
    ``RotationError`` naming the record id, so a service writing the results in one transaction
    either moves every record or none. Already-current records come back with ``changed=False``,
    so a re-run is harmless.
    """
    for record_id, token, index in records:
        context = str(record_id) if bind_to_record_id else None
        if token is None:
            if index is not None:
                raise RotationError("rotation_orphan_index", "A blind index without a number.",
                                    "주민등록번호 없이 검색 인덱스만 있습니다.", record_id=record_id)
            yield RotatedRecord(record_id, None, None, False)
            continue
        try:
            number = decrypt_rrn(token, keyring, context=context)
            new_token = reencrypt(token, keyring, context=context)
            new_index = rotate_blind_index(index, number, keyring)
            if decrypt_rrn(new_token, keyring, context=context).digits != number.digits:
                raise RotationError("rotation_verify", "Re-encryption did not round-trip.",
                                    "재암호화 검증에 실패했습니다.")
        except RrnError as error:
            raise RotationError(error.code, f"Record {record_id}: {error.message}",
                                f"레코드 {record_id}: {error.message_ko}",
                                record_id=record_id) from None
        yield RotatedRecord(record_id, new_token, new_index,
                            new_token != token or new_index != index)
