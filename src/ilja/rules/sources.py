"""The sources registry: every document, notice and law the parameters and the plan cite, by key.

A source string says what kind of source it is and then cites a registered source by key and
section — ``document: seoul-2025-jobs-plan §2 서울 동행일자리 지원대상 (…)`` — or, where the
sources are silent, why a default was chosen (``assumption: …``, which may cite a key too).
Keys keep the data short and stable; people read titles, so :meth:`Registry.cite` puts each
source's title (English where there is one) in place of its key. The registry lives in
``sources.yaml`` beside this module, so the repository stands on its own; ``docs/sources.md`` is
generated from it (``python -m ilja.rules.sources > docs/sources.md``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SOURCES_FILE = Path(__file__).with_name("sources.yaml")

CITED_KINDS = ("document", "notice", "law")
SOURCE_KINDS = (*CITED_KINDS, "assumption", "reform")
KEY = r"[a-z][a-z0-9]*(?:-[a-z0-9]+)+"
_KEY = re.compile(rf"^{KEY}$")
_CITATION = re.compile(rf"(?<![\w-])({KEY}) §(?=\S)")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A Korean citation's section: the words after § up to the first one with a Latin letter (the
# English note an assumption or a quote adds), a bracket or a semicolon; then its quote, if Korean
# (capitals such as AI aside).
_SECTION = re.compile(r"[^\s();A-Za-z]+(?:\s+[^\s();A-Za-z]+)*")
_QUOTE = re.compile(r"\s*\(([^()a-z]*)\)")
# What a citation must not name: files outside the repository (000_….txt, PROGRAMS.md, shared/).
_FILE = re.compile(r"[\w.-]+\.(?:txt|md)\b|\bshared/", re.IGNORECASE)


class SourceError(ValueError):
    """The registry is malformed, or a source string cites what it should not."""


@dataclass(frozen=True, slots=True)
class Source:
    key: str
    kind: str  # document | notice | law
    title_ko: str
    title_en: str | None
    issuer_ko: str
    issuer_en: str | None
    date: str | None = None
    date_note: str | None = None
    note: str | None = None

    def title(self, lang: str = "ko") -> str:
        return self.title_en if lang == "en" and self.title_en else self.title_ko

    def issuer(self, lang: str = "ko") -> str:
        return self.issuer_en if lang == "en" and self.issuer_en else self.issuer_ko

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "kind": self.kind,
            "title": {"ko": self.title_ko, "en": self.title_en},
            "issuer": {"ko": self.issuer_ko, "en": self.issuer_en},
            "date": self.date,
        }


def split(source: str) -> tuple[str | None, str]:
    """``(kind, rest)`` of a source string; kind is None when it has no known ``kind:`` prefix."""
    head, sep, rest = source.partition(":")
    kind = head.strip().lower()
    if sep and kind in SOURCE_KINDS:
        return kind, rest.strip()
    return None, source.strip()


def cited_keys(source: str) -> list[str]:
    """Every key cited (``key §…``) in a source string, in order, without repeats."""
    return list(dict.fromkeys(_CITATION.findall(source)))


def _text(raw: Any, where: str, *, required: bool) -> tuple[str | None, str | None]:
    if raw is None and not required:
        return None, None
    if not isinstance(raw, Mapping) or not str(raw.get("ko") or "").strip():
        raise SourceError(f"{where}: needs a Korean text (ko)")
    en = raw.get("en")
    return str(raw["ko"]).strip(), str(en).strip() if en else None


def _date(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    text = raw.isoformat() if isinstance(raw, dt.date) else str(raw)
    if not _DATE.match(text):
        raise SourceError(f"{where}: date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return text


def _parse(key: str, spec: Any) -> Source:
    where = f"sources.yaml [{key}]"
    if not _KEY.match(key):
        raise SourceError(f"{where}: a key is lowercase words joined by hyphens")
    if not isinstance(spec, Mapping):
        raise SourceError(f"{where}: needs kind, title and issuer")
    kind = spec.get("kind")
    if kind not in CITED_KINDS:
        raise SourceError(f"{where}: kind is one of {', '.join(CITED_KINDS)}")
    title_ko, title_en = _text(spec.get("title"), f"{where} title", required=True)
    issuer_ko, issuer_en = _text(spec.get("issuer"), f"{where} issuer", required=True)
    date = _date(spec.get("date"), where)
    date_note = str(spec["date_note"]).strip() if spec.get("date_note") else None
    if date is None and kind != "law" and date_note is None:
        raise SourceError(f"{where}: a {kind} needs a date, or a date_note saying why it has none")
    return Source(key, kind, title_ko or "", title_en, issuer_ko or "", issuer_en, date, date_note,
                  str(spec["note"]).strip() if spec.get("note") else None)


class Registry:
    """The registered sources by key; resolves and checks the citations in source strings."""

    def __init__(self, sources: Mapping[str, Source]):
        self._sources = dict(sources)

    @classmethod
    def load(cls, path: Path = SOURCES_FILE) -> Registry:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SourceError(f"{path.name}: not valid YAML: {exc}") from exc
        if not isinstance(document, Mapping) or not isinstance(document.get("sources"), Mapping):
            raise SourceError(f"{path.name}: needs a 'sources' mapping")
        return cls({key: _parse(key, spec) for key, spec in document["sources"].items()})

    def __contains__(self, key: str) -> bool:
        return key in self._sources

    def __iter__(self) -> Iterator[Source]:
        return iter(self._sources.values())

    def __len__(self) -> int:
        return len(self._sources)

    def get(self, key: str) -> Source:
        try:
            return self._sources[key]
        except KeyError:
            raise SourceError(f"unknown source {key!r} (see sources.yaml)") from None

    def problems(self, source: str) -> list[str]:
        """What is wrong with a source string (empty when it cites well)."""
        kind, rest = split(source)
        found = [f"names a file ({m.group(0)}): cite the source by its key"
                 for m in _FILE.finditer(source)]
        if kind is None:
            return [*found, "starts with 'document:', 'notice:', 'law:' or 'assumption:'"]
        found += [f"cites an unknown source {key!r} (see sources.yaml)"
                  for key in cited_keys(rest) if key not in self._sources]
        if kind in CITED_KINDS:
            lead = _CITATION.match(rest)
            if lead is None:
                found.append(f"a {kind} is cited as '{kind}: <key> §<section>'")
            elif lead[1] in self._sources and self._sources[lead[1]].kind != kind:
                found.append(f"{lead[1]!r} is a {self._sources[lead[1]].kind}, not a {kind}")
        elif not rest:
            found.append(f"'{kind}:' needs to say why")
        return found

    def cite(self, source: str, lang: str = "ko", *, keys: bool = False, notes: bool = True) -> str:
        """The source as people read it: no kind prefix (pages show the kind as a badge), each
        key replaced by its title; with ``keys`` (staff tools) the key follows in brackets.

        Without ``notes`` (what a citizen is sent: a decision's reasons) Korean text is Korean
        only: each cited source by its title and section (and its quote where that is Korean),
        without the English note an assumption gives for its choice; an assumption citing none
        reads as nothing more than its kind (the caller's 가정). Staff pages keep the notes."""
        _, rest = split(source)
        if lang == "ko" and not keys and not notes:
            return "; ".join(self._cite_ko(rest))

        def title(match: re.Match[str]) -> str:
            key = match[1]
            if key not in self._sources:
                return match[0]
            return f"{self._sources[key].title(lang)}{f' [{key}]' if keys else ''} §"

        return _CITATION.sub(title, rest)

    def _cite_ko(self, rest: str) -> Iterator[str]:
        if not re.search("[A-Za-z]", _CITATION.sub("", rest)):  # Korean as written (keys aside)
            yield _CITATION.sub(lambda m: f"{self._sources[m[1]].title_ko} §" if m[1] in self._sources
                                else m[0], rest)
            return
        for match in _CITATION.finditer(rest):
            if match[1] not in self._sources:
                continue
            section = _SECTION.match(rest, match.end())
            end = section.end() if section else match.end()
            quote = _QUOTE.match(rest, end)
            yield (f"{self._sources[match[1]].title_ko} §{section[0] if section else ''}"
                   f"{f' ({quote[1]})' if quote and quote[1].strip() else ''}").rstrip(" §")

    def cited(self, source: str) -> list[Source]:
        """The registered sources a source string cites (for API answers: key and title)."""
        return [self._sources[key] for key in cited_keys(source) if key in self._sources]


@lru_cache(maxsize=1)
def default_registry() -> Registry:
    return Registry.load()


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(registry: Registry | None = None) -> str:
    """docs/sources.md: the registry as a table per kind, then the notes."""
    registry = registry or default_registry()
    heads = {"document": "Source documents", "notice": "Public notices and official figures",
             "law": "Laws and decrees"}
    lines = [
        "# Sources",
        "",
        "<!-- Generated from src/ilja/rules/sources.yaml by `python -m ilja.rules.sources`; "
        "edit that file, not this one. -->",
        "",
        "Every parameter value (`src/ilja/rules/parameters/`) and every figure of the 2025 plan",
        "(`src/ilja/programs/data/`) names its source as `<kind>: <key> §<section> (<quote>)`, or says",
        "`assumption: why` where the sources are silent. The keys are listed here. Citizens see the",
        "title and the section, never the key; the English pages show the English title.",
        "",
        "Dates are as precise as recorded (YYYY-MM or YYYY where the day is not); a law has no date:",
        "the article in force on a value's effective date applies.",
    ]
    notes = []
    for kind in CITED_KINDS:
        rows = [s for s in registry if s.kind == kind]
        lines += ["", f"## {heads[kind]}", "", "| key | title | issuer | date |", "| --- | --- | --- | --- |"]
        for s in rows:
            title = s.title_ko + (f"<br>{s.title_en}" if s.title_en else "")
            issuer = s.issuer_ko + (f"<br>{s.issuer_en}" if s.issuer_en else "")
            lines.append(f"| `{s.key}` | {_cell(title)} | {_cell(issuer)} | {s.date or '—'} |")
            for label, text in (("date", s.date_note), ("note", s.note)):
                if text:
                    notes.append(f"- `{s.key}` ({label}): {_cell(text)}")
    if notes:
        lines += ["", "## Notes", "", *notes]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")
