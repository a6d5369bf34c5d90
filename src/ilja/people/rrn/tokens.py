"""AES-256-GCM tokens and HMAC-SHA256 blind indexes under a ``KeyRing``; re-encryption and
re-indexing when keys rotate."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ilja.people.rrn.errors import InvalidRrn, RotationError, RrnError, TokenError
from ilja.people.rrn.keyring import KEY_ID_PATTERN, KeyRing
from ilja.people.rrn.numbers import Rrn, parse_rrn

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
    if len(parts) != 3 or parts[0] != TOKEN_VERSION or not KEY_ID_PATTERN.fullmatch(parts[1]):
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
    return encrypter(keyring, purpose=purpose)(plaintext, context)


def encrypter(keyring: KeyRing, *, purpose: str) -> Callable[[bytes, str | None], str]:
    """``encrypt_value`` of many values (an import's RRNs): the cipher under the active key and
    the associated data's head made once; a random nonce is still drawn for each value."""
    key_id = keyring.encryption.active
    cipher = AESGCM(keyring.encryption.active_key)
    aad = _aad(purpose, key_id, None)
    head = f"{TOKEN_VERSION}:{key_id}:"

    def encrypt(plaintext: bytes, context: str | None) -> str:
        nonce = secrets.token_bytes(NONCE_BYTES)
        sealed = cipher.encrypt(nonce, plaintext,
                                aad if context is None else aad + b"|" + context.encode())
        return head + _b64(nonce + sealed)

    return encrypt


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
    return rrn_encrypter(keyring)(rrn if isinstance(rrn, Rrn) else parse_rrn(rrn), context)


def rrn_encrypter(keyring: KeyRing) -> Callable[[Rrn, str | None], str]:
    """``encrypt_rrn`` of many numbers, the cipher made once (``encrypter``)."""
    encrypt = encrypter(keyring, purpose=RRN_PURPOSE)
    return lambda number, context: encrypt(number.digits.encode("ascii"), context)


def decrypt_rrn(token: str, keyring: KeyRing, *, context: str | None = None) -> Rrn:
    plaintext = decrypt_value(token, keyring, purpose=RRN_PURPOSE, context=context)
    try:
        return parse_rrn(plaintext.decode("ascii"))
    except (InvalidRrn, UnicodeDecodeError):
        raise _token_error("token_content", "The decrypted value is not an RRN.",
                           "복호화한 값이 주민등록번호가 아닙니다.") from None


INDEX_VERSION = "h1"


def _normalised_digits(rrn: Rrn | str) -> str:
    return (rrn if isinstance(rrn, Rrn) else parse_rrn(rrn)).digits


def blind_index(rrn: Rrn | str, keyring: KeyRing, *, key_id: str | None = None) -> str:
    """``h1:<key_id>:<hex HMAC-SHA256(key, "ilja:rrn" ‖ 0x00 ‖ 13 digits)>``, for look-up and
    de-duplication; the purpose prefix lets the same index key serve other fields safely.

    Keyed (not a plain hash): the RRN space is small enough to enumerate, so without the key
    the column reveals nothing, and the key is separate from the encryption key.
    """
    return blind_indexer(keyring, key_id=key_id)(_normalised_digits(rrn))


def blind_indexer(keyring: KeyRing, *, key_id: str | None = None) -> Callable[[str], str]:
    """``blind_index`` of many numbers, each given as its 13 digits (the caller checked the
    shape): the keyed hash over the purpose prefix is made once and copied for each number (a
    records check matches 100,000)."""
    key_id = key_id or keyring.blind_index.active
    keyed = hmac.new(keyring.blind_index.key(key_id), f"ilja:{RRN_PURPOSE}\x00".encode(), hashlib.sha256)
    head = f"{INDEX_VERSION}:{key_id}:"

    def index(digits: str) -> str:
        digest = keyed.copy()
        digest.update(digits.encode("ascii"))
        return head + digest.hexdigest()

    return index


def blind_index_candidates(rrn: Rrn | str, keyring: KeyRing) -> list[str]:
    """The index under every loaded key, active first: look-ups stay correct mid-rotation."""
    digits = _normalised_digits(rrn)
    return [index(digits) for index in candidate_indexers(keyring)]


def candidate_indexers(keyring: KeyRing) -> list[Callable[[str], str]]:
    """``blind_indexer`` under every loaded key, active first (``blind_index_candidates`` of
    many numbers: each key's hash made once)."""
    ids = [keyring.blind_index.active] + sorted(set(keyring.blind_index.keys)
                                                - {keyring.blind_index.active})
    return [blind_indexer(keyring, key_id=key_id) for key_id in ids]


def index_key_id(index: str) -> str:
    parts = index.split(":") if isinstance(index, str) else []
    if len(parts) != 3 or parts[0] != INDEX_VERSION or not KEY_ID_PATTERN.fullmatch(parts[1]):
        raise _token_error("index_format", "Not an Ilja h1 blind index.",
                           "Ilja h1 검색 인덱스 형식이 아닙니다.")
    return parts[1]


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
