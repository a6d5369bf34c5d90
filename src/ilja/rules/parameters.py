"""Dated policy parameters, read from the YAML tree under ``rules/parameters/``.

Each file holds one parameter (or a mapping of several under ``parameters:``) with a value history:
every value has an effective date and a source — a registered document, notice or law cited by key
and section (``document: seoul-2025-jobs-plan §2 …``, see :mod:`ilja.rules.sources`), or
"assumption: why"; a source that cites an unknown key or names a file is refused when the tree
loads. A rule that ends gets an explicit value (``null`` = "no limit", ``false`` = "switched off")
from its end date, so evaluation after that date never crashes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ilja.rules.sources import Registry, default_registry, split

PARAMETERS_DIR = Path(__file__).parent / "parameters"


class ParameterError(Exception):
    """A parameter file is malformed, or a value is asked for a date it does not cover."""


@dataclass(frozen=True, slots=True)
class DatedValue:
    start: dt.date
    value: Any
    source: str
    kind: str  # document | notice | law | assumption | reform
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "value": self.value,
            "source": self.source,
            "kind": self.kind,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ParameterUse:
    """What a decision used: a parameter's value on the evaluation date, with its provenance."""

    name: str
    value: Any
    start: dt.date
    source: str
    kind: str
    label_ko: str
    label_en: str
    unit: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": self.value,
            "effective_from": self.start.isoformat(),
            "source": self.source,
            "kind": self.kind,
            "label": {"ko": self.label_ko, "en": self.label_en},
            "unit": self.unit,
        }


@dataclass(slots=True)
class Parameter:
    name: str
    label_ko: str
    label_en: str
    description: str
    unit: str | None
    values: list[DatedValue]
    file: str
    _starts: list[dt.date] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self.values.sort(key=lambda v: v.start)
        self._starts = [v.start for v in self.values]

    def entry_at(self, on: dt.date) -> DatedValue:
        index = bisect_right(self._starts, on) - 1
        if index < 0:
            raise ParameterError(
                f"parameter {self.name} has no value on {on.isoformat()} "
                f"(its history starts {self._starts[0].isoformat()})"
            )
        return self.values[index]

    def use_at(self, on: dt.date) -> ParameterUse:
        entry = self.entry_at(on)
        return ParameterUse(self.name, entry.value, entry.start, entry.source, entry.kind,
                            self.label_ko, self.label_en, self.unit)

    def with_value(self, start: dt.date, value: Any, source: str) -> Parameter:
        """A copy with ``value`` in force from ``start`` on (used by reforms)."""
        kept = [v for v in self.values if v.start < start]
        later = [v for v in self.values if v.start > start]
        new = DatedValue(start, value, source, _source_kind(source))
        return Parameter(self.name, self.label_ko, self.label_en, self.description, self.unit,
                         [*kept, new, *later], self.file)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": {"ko": self.label_ko, "en": self.label_en},
            "description": self.description,
            "unit": self.unit,
            "file": self.file,
            "history": [v.as_dict() for v in self.values],
        }


def _parse_date(raw: Any, where: str) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ParameterError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)") from exc


def _source_kind(source: str) -> str:
    return split(source)[0] or "document"


def _parse_parameter(name: str, spec: Mapping[str, Any], file: str, registry: Registry) -> Parameter:
    where = f"{file} [{name}]"
    if not isinstance(spec, Mapping) or "values" not in spec:
        raise ParameterError(f"{where}: a parameter needs 'values'")
    label = spec.get("label") or {}
    values = []
    for raw_start, entry in (spec["values"] or {}).items():
        start = _parse_date(raw_start, where)
        if not isinstance(entry, Mapping) or "value" not in entry or not entry.get("source"):
            raise ParameterError(f"{where} {start}: every value needs 'value' and 'source'")
        source = str(entry["source"])
        problems = registry.problems(source)
        if problems:
            raise ParameterError(f"{where} {start}: the source {'; '.join(problems)}")
        values.append(DatedValue(start, entry["value"], source, _source_kind(source), entry.get("note")))
    if not values:
        raise ParameterError(f"{where}: no values")
    return Parameter(
        name=name,
        label_ko=str(label.get("ko", name)),
        label_en=str(label.get("en", name)),
        description=str(spec.get("description", "")).strip(),
        unit=spec.get("unit"),
        values=values,
        file=file,
    )


class ParameterTree:
    """All parameters by dotted name (``companion_jobs.hourly_wage``)."""

    def __init__(self, parameters: Mapping[str, Parameter]):
        self._parameters = dict(parameters)
        self._snapshots: dict[dt.date, dict[str, ParameterUse]] = {}

    @classmethod
    def load(cls, root: Path = PARAMETERS_DIR, registry: Registry | None = None) -> ParameterTree:
        registry = registry or default_registry()
        parameters: dict[str, Parameter] = {}
        for path in sorted(root.rglob("*.yaml")):
            relative = path.relative_to(root).with_suffix("")
            prefix = ".".join(relative.parts)
            file = str(path.relative_to(root))
            try:
                document = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ParameterError(f"{file}: not valid YAML: {exc}") from exc
            if isinstance(document, Mapping) and "parameters" in document:
                for key, spec in document["parameters"].items():
                    name = f"{prefix}.{key}"
                    parameters[name] = _parse_parameter(name, spec, file, registry)
            else:
                parameters[prefix] = _parse_parameter(prefix, document, file, registry)
        return cls(parameters)

    def __contains__(self, name: str) -> bool:
        return name in self._parameters

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._parameters.values())

    def __len__(self) -> int:
        return len(self._parameters)

    def get(self, name: str) -> Parameter:
        try:
            return self._parameters[name]
        except KeyError:
            raise ParameterError(f"unknown parameter {name!r}") from None

    def names(self) -> list[str]:
        return sorted(self._parameters)

    def at(self, on: dt.date) -> dict[str, ParameterUse]:
        """Every parameter's value in force on ``on`` (cached per date)."""
        snapshot = self._snapshots.get(on)
        if snapshot is None:
            snapshot = {}
            for name, parameter in self._parameters.items():
                if parameter.values[0].start <= on:
                    snapshot[name] = parameter.use_at(on)
            if len(self._snapshots) > 512:
                self._snapshots.clear()
            self._snapshots[on] = snapshot
        return snapshot

    def value(self, name: str, on: dt.date) -> Any:
        return self.get(name).entry_at(on).value

    def replaced(self, overrides: Mapping[str, Parameter]) -> ParameterTree:
        return ParameterTree({**self._parameters, **overrides})

    def version(self) -> str:
        """A short hash of every value and source: stamped on stored decisions."""
        digest = hashlib.sha256()
        for name in sorted(self._parameters):
            digest.update(json.dumps(self._parameters[name].as_dict(), sort_keys=True,
                                     ensure_ascii=False, default=str).encode())
        return digest.hexdigest()[:12]


@lru_cache(maxsize=1)
def default_tree() -> ParameterTree:
    return ParameterTree.load()
