"""The one base of every refusal a route may let through: a stable code, an HTTP status, the
message in Korean and in English, and optionally where (a field, a row).

A domain raises its own subclass and knows nothing of HTTP beyond the status; the two global
handlers in ``ilja.web.errors`` answer for it — the API with the documented JSON body
(``{"detail": {"code", "msg", "msg_ko", "loc"?, …}}``, ``ilja.web.openapi``), a page with the
shared error page in the page's language. Messages carry ids and counts, never personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Loc = Sequence[str | int]


class IljaError(Exception):
    """A refusal. Subclasses set ``code`` and ``status_code``; an instance may override the code
    (``code=``) and say where the problem is (``loc``, e.g. ``("body", "month")``)."""

    code = "error"
    status_code = 400

    def __init__(self, message_ko: str, message_en: str, *, code: str | None = None,
                 loc: Loc | str | None = None) -> None:
        super().__init__(message_en)
        self.message_ko = message_ko
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.loc = loc

    def message(self, lang: str = "ko") -> str:
        return self.message_en if lang == "en" else self.message_ko

    def extra(self) -> dict[str, Any]:
        """More of the body, for kinds that carry more (``reason``, ``rows``, ``problems``)."""
        return {}

    def detail(self) -> dict[str, Any]:
        """The API body's ``detail``: the OpenAPI ``Problem`` (``ilja.web.openapi``)."""
        body: dict[str, Any] = {"code": self.code, "msg": self.message_en,
                                "msg_ko": self.message_ko}
        if self.loc is not None:
            body["loc"] = self.loc if isinstance(self.loc, str) else list(self.loc)
        return body | self.extra()


class NotFound(IljaError):
    """Nothing there, or nothing the caller may see (never 403: no probing)."""

    code = "not_found"
    status_code = 404


class Conflict(IljaError):
    """The object is not in a state that allows this."""

    code = "conflict"
    status_code = 409


class Invalid(IljaError):
    """The input is not acceptable."""

    code = "invalid"
    status_code = 422
