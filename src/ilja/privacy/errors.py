"""The privacy domain's one error: a stable code, the field it concerns, both messages (no
personal data in either)."""

from __future__ import annotations


class PrivacyError(ValueError):
    def __init__(self, code: str, message_ko: str, message_en: str, field: str = "consent") -> None:
        super().__init__(message_en)
        self.code, self.message_ko, self.message_en, self.field = code, message_ko, message_en, field

    def message(self, lang: str) -> str:
        return self.message_ko if lang == "ko" else self.message_en
