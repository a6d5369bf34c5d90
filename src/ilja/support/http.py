"""The support API's edge: a ``SupportError`` becomes an HTTP answer with its status, a stable
code and the message (Pydantic's error shape), never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from fastapi import HTTPException

from ilja.support.errors import SupportError

T = TypeVar("T")
MAX_INT = 2_000_000_000  # money and counts are 32-bit INTEGER columns on PostgreSQL


def fail(error: SupportError) -> HTTPException:
    return HTTPException(error.status_code, error.as_detail("en"))


def guarded(action: Callable[[], T]) -> T:
    try:
        return action()
    except SupportError as error:
        raise fail(error) from None
