"""The errors of RRN handling and data keys: a stable machine ``code``, messages in English and
Korean, and a context that never holds a number or a key."""

from __future__ import annotations

from typing import Any


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
