"""Values typed into a page's form, read one way: a day (ISO, as ``<input type="date">`` sends
it) or a whole number, or None when the field is empty or is not one. Each page says what a
missing value means (an error, or a default)."""

from __future__ import annotations

import datetime as dt


def day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def whole(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None
