"""The check that a citizen's page holds no developer text (issue 16): no source file names,
parameter ids, ISO durations or raw codes of the person format and the rules. Shared by the
citizen-page tests and the journeys."""

from __future__ import annotations

import re
import typing
from collections.abc import Iterator
from html.parser import HTMLParser

from pydantic import BaseModel

from ilja.rules.engine import default_engine
from ilja.rules.population import Person

FILE_NAME = re.compile(r"\b\w+\.(?:txt|md|yaml|py)\b")
# Dotted snake_case of three or more parts with an underscore (a.b_c.d), not a web address.
PARAMETER_ID = re.compile(r"\b(?=[a-z0-9_.]*_)[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*){2,}\b")
ISO_DURATION = re.compile(r"\bP(?:\d+[YMWD])+(?:T(?:\d+[HMS])+)?\b")


def _literals(annotation: object) -> Iterator[str]:
    """The values of every Literal in a type annotation, through lists, unions and models."""
    if typing.get_origin(annotation) is typing.Literal:
        yield from (str(a) for a in typing.get_args(annotation))
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for field in annotation.model_fields.values():
            yield from _literals(field.annotation)
    for argument in typing.get_args(annotation):
        yield from _literals(argument)


def enum_values() -> set[str]:
    """Codes of the person format (its Literal fields) and of the rules (parameters whose
    values are snake_case codes, such as ``work_start``)."""
    codes = set(_literals(Person))
    for parameter in default_engine().tree:
        for dated in parameter.values:
            items = dated.value if isinstance(dated.value, list) else [dated.value]
            codes.update(v for v in items if isinstance(v, str) and re.fullmatch(r"[a-z]+(?:_[a-z]+)*", v))
    return codes


ENUMS = enum_values()
# Single English words (unemployed, student) are ordinary words on an English page.
MULTI_WORD = re.compile(r"\b(?:" + "|".join(sorted((c for c in ENUMS if "_" in c), key=len, reverse=True)) + r")\b")
ONE_WORD = re.compile(r"\b(?:" + "|".join(sorted(c for c in ENUMS if "_" not in c)) + r")\b")
PARAMETER_NAMES = sorted((p.name for p in default_engine().tree), key=len, reverse=True)


class _Text(HTMLParser):
    """The page's visible text (no head, scripts or styles; attributes are not text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.skip += tag in ("head", "script", "style")

    def handle_endtag(self, tag: str) -> None:
        self.skip -= tag in ("head", "script", "style")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def developer_text(html: str, lang: str) -> list[str]:
    text = visible_text(html)
    found = [m[0] for pattern in (FILE_NAME, PARAMETER_ID, ISO_DURATION, MULTI_WORD) for m in pattern.finditer(text)]
    found += [name for name in PARAMETER_NAMES if name in text]
    if lang == "ko":
        found += [m[0] for m in ONE_WORD.finditer(text)]
    return sorted(set(found))
