"""The privacy domain's one error: a stable code, the field it concerns, both messages (no
personal data in either)."""

from __future__ import annotations

from ilja.errors import IljaError


class PrivacyError(IljaError, ValueError):
    status_code = 422

    def __init__(self, code: str, message_ko: str, message_en: str, field: str = "consent") -> None:
        super().__init__(message_ko, message_en, code=code, loc=("body", field.replace("-", ".")))
        self.field = field
