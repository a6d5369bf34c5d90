"""Resident registration numbers (주민등록번호): parse, mask, encrypt, blind-index, rotate keys.

Why this module is strict: an RRN may be processed only where a law requires or permits it
(개인정보 보호법 §24-2), and a stored one must be encrypted (§24-2 ②, 안전성 확보조치 기준
§7 개인정보의 암호화). So Ilja keeps RRNs only as AES-256-GCM tokens, finds and de-duplicates
people through a keyed blind index (HMAC-SHA256, a separate key), shows them masked, and never
puts a number into an exception message, a ``repr`` or a log (``hide_input_in_errors``).

Pure building blocks: no database and no web. The only I/O is reading the environment and the
key file, so services can load keys once and pass the ``KeyRing`` around.

The package: ``errors``; ``numbers`` (parse, check digit, mask); ``keyring`` (keys by purpose,
the key file, rotation of keys); ``tokens`` (encryption, blind index, re-encryption).
"""

from ilja.people.rrn.errors import (
    InvalidRrn,
    KeyConfigError,
    RotationError,
    RrnError,
    TokenError,
)
from ilja.people.rrn.keyring import (
    ENV_KEY_FILE,
    ENV_PURPOSES,
    KEY_BYTES,
    KEY_FILE_FORMAT,
    KEY_ID_PATTERN,
    KeyRing,
    KeySet,
    add_active_key,
    generate_key_file,
    load_keyring,
)
from ilja.people.rrn.numbers import (
    CHECK_DIGIT_WARNING,
    RANDOM_SERIAL_SINCE,
    WEIGHTS,
    CheckDigit,
    Rrn,
    RrnWarning,
    expected_check_digit,
    mask,
    parse_rrn,
)
from ilja.people.rrn.tokens import (
    INDEX_VERSION,
    NONCE_BYTES,
    RRN_PURPOSE,
    TOKEN_VERSION,
    RotatedRecord,
    blind_index,
    blind_index_candidates,
    candidate_indexers,
    decrypt_rrn,
    decrypt_value,
    encrypt_rrn,
    encrypt_value,
    encrypter,
    index_key_id,
    reencrypt,
    rotate_blind_index,
    rotate_records,
    rrn_encrypter,
    token_key_id,
)

__all__ = [
    "CHECK_DIGIT_WARNING", "CheckDigit", "ENV_KEY_FILE", "ENV_PURPOSES", "INDEX_VERSION",
    "InvalidRrn", "KEY_BYTES", "KEY_FILE_FORMAT", "KEY_ID_PATTERN", "KeyConfigError", "KeyRing",
    "KeySet", "NONCE_BYTES", "RANDOM_SERIAL_SINCE", "RRN_PURPOSE", "RotatedRecord",
    "RotationError", "Rrn", "RrnError", "RrnWarning", "TOKEN_VERSION", "TokenError", "WEIGHTS",
    "add_active_key", "blind_index", "blind_index_candidates", "candidate_indexers", "decrypt_rrn", "decrypt_value",
    "encrypt_rrn", "encrypt_value", "encrypter", "expected_check_digit", "generate_key_file", "index_key_id",
    "load_keyring", "mask", "parse_rrn", "reencrypt", "rotate_blind_index", "rotate_records",
    "rrn_encrypter", "token_key_id",
]
