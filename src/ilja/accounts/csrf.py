"""CSRF tokens as pages carry them: masked afresh in every response.

A session's CSRF token is fixed for its life. Printed as it is, it would be the same secret in
every compressed page, beside what the address reflects (the query, the language links), and a
compression side channel (BREACH) could read it out byte by byte. So a page carries
``pad || (pad XOR token)`` with a new random pad each time (as Django and Rails do): the check
unmasks it, and compressing pages is safe again.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets


def mask(token: str) -> str:
    """The token under a fresh random pad, URL-safe."""
    raw = token.encode()
    pad = secrets.token_bytes(len(raw))
    return base64.urlsafe_b64encode(pad + bytes(a ^ b for a, b in zip(pad, raw, strict=True))).decode()


def _unmask(value: str) -> bytes | None:
    try:
        blob = base64.urlsafe_b64decode(value.encode())
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return None
    if not blob or len(blob) % 2:
        return None
    half = len(blob) // 2
    return bytes(a ^ b for a, b in zip(blob[:half], blob[half:], strict=True))


def matches(submitted: str | None, token: str | None) -> bool:
    """Whether ``submitted`` (masked, or the token itself as a script may send it) is ``token``."""
    if not submitted or not token:
        return False
    if hmac.compare_digest(submitted.encode(), token.encode()):
        return True
    unmasked = _unmask(submitted)
    return unmasked is not None and hmac.compare_digest(unmasked, token.encode())
