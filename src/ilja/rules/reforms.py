"""Reforms (what-if): parameter overrides and replaced or removed conditions, compared with the baseline.

A reform file is YAML::

    name: 동행일자리 소득 기준 70%
    description: One district's stricter income limit, city-wide.
    parameters:
      companion_jobs.eligibility.income_limit_share_of_median:
        - from: 2025-01-01
          value: "0.70"
    remove_conditions: [companion_jobs.asset_limit]
    replace_conditions:
      attractive_jobs.youth.youth_max_age: my_package.my_rules:youth_max_age_45

A replaced or removed condition changes every program that shares it (the youth and middle-aged
projects share 매력일자리's own conditions). Replacement formulas are ``module:function`` references
written like the formulas in ``rules/formulas``.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from ilja.rules.engine import BatchResult, Engine
from ilja.rules.model import Condition
from ilja.rules.parameters import ParameterError, ParameterTree, default_tree
from ilja.rules.population import Population


class ReformError(Exception):
    """A reform file that cannot be applied; the message says where."""


@dataclass
class Reform:
    name: str
    description: str = ""
    parameters: dict[str, list[tuple[dt.date, Any]]] = field(default_factory=dict)
    remove_conditions: list[str] = field(default_factory=list)
    replace_conditions: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> Reform:
        try:
            document = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ReformError(f"{path}: cannot read the reform: {exc}") from exc
        return cls.from_dict(document, where=str(path))

    @classmethod
    def from_dict(cls, document: Any, where: str = "reform") -> Reform:
        if not isinstance(document, Mapping) or not document.get("name"):
            raise ReformError(f"{where}: a reform needs a 'name'")
        parameters: dict[str, list[tuple[dt.date, Any]]] = {}
        for name, changes in (document.get("parameters") or {}).items():
            if not isinstance(changes, list) or not changes:
                raise ReformError(f"{where}: parameters.{name} must be a list of {{from, value}}")
            parsed = []
            for i, change in enumerate(changes):
                if not isinstance(change, Mapping) or "from" not in change or "value" not in change:
                    raise ReformError(f"{where}: parameters.{name}[{i}] needs 'from' and 'value'")
                try:
                    start = dt.date.fromisoformat(str(change["from"]))
                except ValueError:
                    raise ReformError(f"{where}: parameters.{name}[{i}].from is not a date") from None
                parsed.append((start, change["value"]))
            parameters[str(name)] = parsed
        return cls(
            name=str(document["name"]),
            description=str(document.get("description", "")),
            parameters=parameters,
            remove_conditions=[str(c) for c in document.get("remove_conditions") or []],
            replace_conditions={str(k): str(v) for k, v in (document.get("replace_conditions") or {}).items()},
        )

    def tree(self, baseline: ParameterTree) -> ParameterTree:
        overrides = {}
        for name, changes in self.parameters.items():
            if name not in baseline:
                raise ReformError(f"reform {self.name!r}: unknown parameter {name!r}")
            parameter = baseline.get(name)
            for start, value in changes:
                parameter = parameter.with_value(start, value, f"reform: {self.name}")
            overrides[name] = parameter
        return baseline.replaced(overrides)

    def engine(self, baseline: Engine) -> Engine:
        engine = Engine(self.tree(baseline.tree), baseline.programs)
        targets = {**{key: None for key in self.remove_conditions}, **self.replace_conditions}
        for key, reference in targets.items():
            program, _, condition_id = key.rpartition(".")
            if program not in engine.programs:
                raise ReformError(f"reform {self.name!r}: unknown program in {key!r}")
            original = next((c for c in engine.conditions(program) if c.id == condition_id), None)
            if original is None:
                raise ReformError(f"reform {self.name!r}: {program} has no condition {condition_id!r}")
            new = None if reference is None else replace(original, formula=_load_formula(reference))
            engine.replace_condition(original, new)
        return engine


def _load_formula(reference: str):
    module_name, _, attribute = reference.partition(":")
    try:
        return getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError, ValueError) as exc:
        raise ReformError(f"cannot load formula {reference!r}: {exc}") from exc


@dataclass
class ProgramChange:
    program: str
    baseline_eligible: int
    reform_eligible: int
    gained: int
    lost: int
    newly_failed: dict[str, int]  # condition → persons who now fail it
    newly_held: dict[str, int]  # condition → persons who now pass it
    gained_ids: list[str]
    lost_ids: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Comparison:
    reform: Reform
    on: dt.date
    persons: int
    programs: list[ProgramChange]
    baseline: BatchResult
    reformed: BatchResult

    def as_dict(self, sample: int = 20) -> dict[str, Any]:
        return {
            "reform": self.reform.name,
            "on": self.on.isoformat(),
            "persons": self.persons,
            "programs": [
                {**c.as_dict(), "gained_ids": c.gained_ids[:sample], "lost_ids": c.lost_ids[:sample]}
                for c in self.programs
            ],
        }


def _condition_bits(ids_before: list[str], ids_after: list[str], masks: np.ndarray,
                    changed: np.ndarray) -> dict[str, int]:
    counts: dict[str, int] = {}
    for bit, cid in enumerate(ids_before):
        count = int(np.count_nonzero(masks[changed] & np.uint32(1 << bit)))
        if count and cid in ids_after:
            counts[cid] = count
    return counts


def compare(reform: Reform, population: Population, on: dt.date, announced: dt.date | None = None,
            baseline: Engine | None = None, id_limit: int = 1000) -> Comparison:
    """Evaluate baseline and reform on the same persons; say who changes and which condition why."""
    baseline = baseline or Engine(default_tree())
    try:
        reformed_engine = reform.engine(baseline)
        before = baseline.evaluate_population(population, on, announced)
        after = reformed_engine.evaluate_population(population, on, announced)
    except ParameterError as exc:
        raise ReformError(str(exc)) from exc
    changes = []
    for code, old in before.columns.items():
        new = after.columns[code]
        gained = (old.failed != 0) & (new.failed == 0)
        lost = (old.failed == 0) & (new.failed != 0)
        # bits are positions in each engine's own condition list: map them by id
        old_fail_only = _remap(old.failed, old.condition_ids, new.condition_ids) & ~new.failed
        new_fail_only = new.failed & ~_remap(old.failed, old.condition_ids, new.condition_ids)
        changed = old_fail_only | new_fail_only
        any_changed = changed != 0
        changes.append(ProgramChange(
            program=code,
            baseline_eligible=int(np.count_nonzero(old.failed == 0)),
            reform_eligible=int(np.count_nonzero(new.failed == 0)),
            gained=int(np.count_nonzero(gained)),
            lost=int(np.count_nonzero(lost)),
            newly_failed=_condition_bits(new.condition_ids, new.condition_ids, new_fail_only, any_changed),
            newly_held=_condition_bits(new.condition_ids, new.condition_ids, old_fail_only, any_changed),
            gained_ids=[population.person_id(int(i)) for i in np.flatnonzero(gained)[:id_limit]],
            lost_ids=[population.person_id(int(i)) for i in np.flatnonzero(lost)[:id_limit]],
        ))
    return Comparison(reform, on, len(population), changes, before, after)


def _remap(masks: np.ndarray, ids_from: list[str], ids_to: list[str]) -> np.ndarray:
    """Re-express bit masks over ``ids_from`` as masks over ``ids_to`` (dropped ids vanish)."""
    if ids_from == ids_to:
        return masks
    out = np.zeros_like(masks)
    for bit, cid in enumerate(ids_from):
        if cid in ids_to:
            target = ids_to.index(cid)
            out |= np.where(masks & np.uint32(1 << bit), np.uint32(1 << target), np.uint32(0))
    return out


__all__ = ["Comparison", "Condition", "ProgramChange", "Reform", "ReformError", "compare"]
