"""Helpers the support pages share: the page response (no caching of personal pages) and
lenient parsing of form fields (a bad value becomes an error message, never a 500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from ilja.web.templating import render


def page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    response = render(request, template, {"active": "support", "errors": [], **context}, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def parse_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def parse_int(text: str) -> int | None:
    try:
        value = int(text.replace(",", "").strip())
    except ValueError:
        return None
    return value if value >= 0 else None
