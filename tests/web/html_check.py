"""A strict check of the pages' HTML with the standard library's parser.

``html5lib`` is not installed, so this checks what matters here: the doctype, ``<html lang>``,
one non-empty ``<title>``, one ``<h1>``, tags closed in order (no reliance on implicit closing),
unique ids, in-page links that land, a label for every form control, tables with a caption and
scoped header cells, no inline scripts or event handlers (a CSP without 'unsafe-inline'), and no
unfilled ``{placeholder}`` from a catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
CONTROLS = {"input", "select", "textarea"}
UNLABELLED_INPUTS = {"hidden", "submit", "button", "reset", "image"}
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass
class Page:
    lang: str | None = None
    title: str = ""
    titles: int = 0
    h1: list[str] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    controls: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    fragment_links: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack: list[tuple[str, int]] = []
        self.doctype = False
        self.capture: str | None = None
        self.buffer: list[str] = []
        self.texts: list[str] = []
        self.table_first_child: list[bool] = []

    def problem(self, message: str) -> None:
        self.page.problems.append(f"line {self.getpos()[0]}: {message}")

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attrs_list)
        page = self.page
        if self.table_first_child and not self.table_first_child[-1]:
            self.table_first_child[-1] = True
            if tag != "caption":
                self.problem("a <table> must start with a <caption>")
        if tag == "html":
            page.lang = attrs.get("lang")
        if "id" in attrs:
            page.ids.append(attrs["id"] or "")
        for name in attrs:
            if name.startswith("on"):
                self.problem(f"inline event handler {name} on <{tag}>")
        if tag == "style" or "style" in attrs:
            self.problem(f"inline style on <{tag}>")
        if tag == "script" and not attrs.get("src"):
            self.problem("inline <script>")
        if tag == "label" and attrs.get("for"):
            page.label_for.add(attrs["for"] or "")
        if tag in CONTROLS:
            page.controls.append((tag, attrs))
        if tag == "a" and (attrs.get("href") or "").startswith("#") and len(attrs["href"] or "") > 1:
            page.fragment_links.append((attrs["href"] or "")[1:])
        if tag == "th" and not attrs.get("scope"):
            self.problem("<th> without scope")
        if tag == "table":
            self.table_first_child.append(False)
        if tag in ("title", "h1"):
            self.capture, self.buffer = tag, []
        if tag not in VOID:
            self.stack.append((tag, self.getpos()[0]))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problem(f"end tag for void element </{tag}>")
            return
        if not self.stack:
            self.problem(f"</{tag}> with nothing open")
            return
        open_tag, line = self.stack.pop()
        if open_tag != tag:
            self.problem(f"</{tag}> closes <{open_tag}> opened on line {line}")
        if tag == "table":
            self.table_first_child.pop()
        if tag == self.capture:
            text = " ".join("".join(self.buffer).split())
            if tag == "title":
                self.page.title = text
                self.page.titles += 1
            else:
                self.page.h1.append(text)
            self.capture = None

    def handle_data(self, data: str) -> None:
        if self.capture:
            self.buffer.append(data)
        if self.stack and self.stack[-1][0] not in ("script", "style"):
            self.texts.append(data)

    def close(self) -> None:
        super().close()
        for tag, line in self.stack:
            self.problem(f"<{tag}> opened on line {line} is never closed")


def parse(html: str) -> Page:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    page = parser.page
    page.text = " ".join(" ".join(parser.texts).split())
    if not parser.doctype:
        page.problems.append("no <!DOCTYPE html>")
    return page


def check_page(html: str) -> Page:
    """Parse ``html`` and fail with every problem found."""
    page = parse(html)
    problems = list(page.problems)
    if page.lang not in ("ko", "en"):
        problems.append(f"<html lang> is {page.lang!r}")
    if page.titles != 1 or not page.title:
        problems.append(f"expected one non-empty <title>, got {page.titles} ({page.title!r})")
    if len(page.h1) != 1:
        problems.append(f"expected one <h1>, got {page.h1}")
    duplicates = sorted({i for i in page.ids if page.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    ids = set(page.ids)
    problems += [f"link to missing #{target}" for target in page.fragment_links if target not in ids]
    for tag, attrs in page.controls:
        if tag == "input" and (attrs.get("type") or "text") in UNLABELLED_INPUTS:
            continue
        if attrs.get("aria-label"):
            continue
        if not attrs.get("id") or attrs["id"] not in page.label_for:
            problems.append(f"<{tag} name={attrs.get('name')!r}> has no <label for>")
    leftovers = PLACEHOLDER.findall(page.text)
    if leftovers:
        problems.append(f"unfilled placeholders: {sorted(set(leftovers))}")
    assert not problems, "\n".join(problems)
    return page
