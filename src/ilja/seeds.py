"""The secret seed of a draw and the commitment to it, published before the draw (issue 3 §4).

A recruitment round publishes its commitment when it opens, a matching run when it is planned,
and the selection's lottery checks the revealed seed against it; so the seed sits below all of
them. ``commitment`` is SHA-256 of the seed's raw bytes in hex (see ``selection.lottery`` for
the numbers drawn from it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SEED_BYTES = 32
MIN_SEED_BYTES = 16


class SeedError(ValueError):
    """A seed too short to be secret (the lottery reports it as a selection input error)."""

    code = "seed_invalid"


def new_seed() -> bytes:
    """A fresh secret seed of 32 bytes from the operating system's CSPRNG."""
    return secrets.token_bytes(SEED_BYTES)


def check_seed(seed: bytes) -> bytes:
    """The seed as bytes, or ``SeedError`` when it is not bytes of at least 16."""
    if not isinstance(seed, bytes | bytearray) or len(seed) < MIN_SEED_BYTES:
        raise SeedError(f"a seed is at least {MIN_SEED_BYTES} bytes (new_seed() gives "
                        f"{SEED_BYTES})")
    return bytes(seed)


def commitment(seed: bytes) -> str:
    """SHA-256 of the seed in hex: published before the draw, checked after the seed is shown."""
    return hashlib.sha256(check_seed(seed)).hexdigest()


def verify_commitment(seed: bytes, published: str) -> bool:
    """Whether ``seed`` is the one the published commitment was made to."""
    return hmac.compare_digest(commitment(seed), published.strip().lower())
