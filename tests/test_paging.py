"""Paging one way (issue 22): every list that pages asks ``ilja.paging`` for its rows, under one
cap; pages carry a ``Page`` to the one pager partial."""

from __future__ import annotations

import ast
from pathlib import Path
from urllib.parse import parse_qsl

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import column, select, table
from sqlalchemy.dialects import postgresql

from ilja import paging
from ilja.paging import Page

SOURCE = Path(__file__).resolve().parent.parent / "src" / "ilja"
TEMPLATES = SOURCE / "web" / "templates"
ROWS = table("rows", column("id"))


def _window_of(statement) -> tuple[int | None, int | None]:
    """The LIMIT and OFFSET the statement sends PostgreSQL (None: no limit, no offset)."""
    compiled = statement.compile(dialect=postgresql.dialect(),
                                 compile_kwargs={"literal_binds": True})
    text = str(compiled)
    limit = text.split("LIMIT ")[1].split()[0] if "LIMIT " in text else "ALL"
    limit = None if limit == "ALL" else int(limit)
    offset = int(text.split("OFFSET ")[1].split()[0]) if "OFFSET " in text else None
    return limit, offset


@given(st.integers(-10**9, 10**9), st.integers(-10**9, 10**9))
def test_a_window_never_passes_the_cap_nor_starts_before_the_first_row(limit, offset):
    got_limit, got_offset = _window_of(paging.window(select(ROWS), limit, offset))
    assert 1 <= got_limit <= paging.cap()
    assert got_offset == max(0, offset) or (got_offset is None and offset <= 0)


def test_none_is_every_row_for_an_export():
    assert _window_of(paging.window(select(ROWS), None, 0))[0] is None


@given(st.integers(-10**9, 10**9), st.integers(-10**6, 10**6), st.integers(0, 10**7))
def test_a_page_is_within_its_bounds_and_counts_its_pages(number, size, total):
    page = Page.at(number, size).of(total)
    assert 1 <= page.number <= paging.MAX_PAGE_NUMBER and 1 <= page.size <= paging.cap()
    assert page.offset == (page.number - 1) * page.size
    assert page.pages >= 1 and (page.pages - 1) * page.size < max(total, 1) <= page.pages * page.size


def test_a_pages_links_keep_the_lists_filters_and_leave_out_empty_ones():
    page = Page.at(2, 50, param="page_number", query={"q": "김 철&수", "district": "", "y": 2026},
                   path="/people").of(500)
    path, _, query = page.href(3).partition("?")
    assert path == "/people"
    assert parse_qsl(query) == [("q", "김 철&수"), ("y", "2026"), ("page_number", "3")]


def test_no_module_pages_by_hand():
    """A ``.offset(`` or a ``.limit(min(…))`` outside ``ilja.paging`` is a pagination of its own."""
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "paging.py" or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                    node.func.attr == "offset" or (
                        node.func.attr == "limit" and node.args
                        and isinstance(node.args[0], ast.Call)
                        and getattr(node.args[0].func, "id", "") in ("min", "max"))):
                offenders.append(f"{path.relative_to(SOURCE)}:{node.lineno}")
    assert offenders == [], f"page through ilja.paging.window: {offenders}"


def test_every_pager_is_the_shared_partial():
    hand_made = [p.relative_to(TEMPLATES).as_posix() for p in TEMPLATES.rglob("*.html")
                 if p.name != "_pager.html" and ("page - 1" in p.read_text(encoding="utf-8")
                                                 or "page + 1" in p.read_text(encoding="utf-8"))]
    assert hand_made == [], f'include "_pager.html" instead: {hand_made}'
