"""Paging, one way: every list that pages (people, applications, selection results, the audit
log, outcomes' members, duplicate flags) asks ``window`` for its rows, so one cap
(``Settings.page_size_max``) bounds what any caller — a page or the API — can ask for; pages
carry a ``Page`` to the shared pager (``templates/_pager.html``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar
from urllib.parse import urlencode

from sqlalchemy import Select

from ilja.config import get_settings

Statement = TypeVar("Statement", bound=Select)
MAX_PAGE_NUMBER = 100_000  # beyond any list Ilja holds; a deeper offset only costs a scan


def cap() -> int:
    """The most rows one page may hold, for a page or the API (``Settings.page_size_max``)."""
    return get_settings().page_size_max


def window(statement: Statement, limit: int | None, offset: int = 0) -> Statement:
    """``statement`` from ``offset`` (never negative) for at most ``limit`` rows, and never more
    than the cap; ``None`` is every row, for an export, never for a page someone can ask for."""
    statement = statement.offset(max(0, offset))
    if limit is None:
        return statement
    return statement.limit(max(1, min(limit, cap())))


@dataclass(frozen=True)
class Page:
    """The page a list shows: its number (from 1), its size and the total rows; for its links,
    the query parameter that names the page, the list's other parameters (its filters) and the
    path (empty: the page's own)."""

    number: int
    size: int
    total: int = 0
    param: str = "page"
    query: tuple[tuple[str, str], ...] = field(default=())
    path: str = ""

    @classmethod
    def at(cls, number: int, size: int, *, param: str = "page",
           query: Mapping[str, object] | None = None, path: str = "") -> Page:
        """Page ``number`` (brought within 1 … ``MAX_PAGE_NUMBER``) of ``size`` rows (within
        the cap); ``query``'s empty values are left out of the links."""
        kept = tuple((key, str(value)) for key, value in (query or {}).items()
                     if value not in (None, ""))
        return cls(max(1, min(number, MAX_PAGE_NUMBER)),
                   max(1, min(size, cap())), param=param, query=kept,
                   path=path)

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def of(self, total: int) -> Page:
        """This page once the total is known."""
        return replace(self, total=total)

    def href(self, number: int) -> str:
        """The link to page ``number`` of the same list."""
        return f"{self.path}?{urlencode([*self.query, (self.param, number)])}"
