"""How a rate judges one completer's outcomes, apart from the cohort: which outcomes count, which
take the completer out of the denominator, within which window. Every dated version of every
definition has one; versions that judge alike share it (the cumulative rate and the target rate
before 1 November 2025 do).

A completer's standing under a judge changes only on the days an outcome becomes known (the later
of its start and the day Ilja learnt it), and once counted or excluded they stay so: so the days
each was first reached (:class:`Reached`) give the standing on every as-of date —
:func:`standing` — and outcomes arriving in any order update them by :meth:`Reached.merge`.
``outcome_states`` keeps them per completer (``ilja.outcomes.states``). Pure: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from ilja.outcomes.rates import DefinitionName, OutcomeKind, RateDefinition, definition
from ilja.rules.parameters import ParameterError, ParameterTree, default_tree

COUNTED, EXCLUDED, NEITHER = 2, 1, 0


def _names(values: frozenset[str] | None) -> str:
    return "*" if values is None else ",".join(sorted(values))


def _parse(text: str) -> frozenset[str] | None:
    return None if text == "*" else frozenset(v for v in text.split(",") if v)


@dataclass(frozen=True, slots=True)
class Judge:
    counted_outcomes: frozenset[str]
    counted_contract_types: frozenset[str] | None
    window_months: int | None
    excluded: frozenset[str]

    @classmethod
    def of(cls, rule: RateDefinition) -> Judge:
        return cls(rule.counted_outcomes, rule.counted_contract_types, rule.window_months,
                   rule.excluded_from_denominator)

    @property
    def key(self) -> str:
        """What the judge is, as text (stored with its states, read back by :meth:`parse`)."""
        window = "*" if self.window_months is None else str(self.window_months)
        return (f"counted={_names(self.counted_outcomes)};contracts={_names(self.counted_contract_types)};"
                f"window={window};excluded={_names(self.excluded)}")

    @classmethod
    def parse(cls, key: str) -> Judge:
        parts = dict(part.split("=", 1) for part in key.split(";"))
        return cls(_parse(parts["counted"]) or frozenset(), _parse(parts["contracts"]),
                   None if parts["window"] == "*" else int(parts["window"]), _parse(parts["excluded"]) or frozenset())

    def counts(self, kind: str, contract_type: str | None) -> bool:
        if kind not in self.counted_outcomes:
            return False
        return (kind != OutcomeKind.EMPLOYED or self.counted_contract_types is None
                or contract_type in self.counted_contract_types)

    def reached(self, kind: str, contract_type: str | None, months_after: int, effective_on: dt.date,
                recorded_on: dt.date) -> Reached:
        """What one outcome brings: the day it counts or excludes (when it is known), if it does."""
        if self.window_months is not None and months_after > self.window_months:
            return Reached()
        known = max(effective_on, recorded_on)
        return Reached(known if self.counts(kind, contract_type) else None,
                       known if kind in self.excluded else None)


def _earliest(a: dt.date | None, b: dt.date | None) -> dt.date | None:
    return b if a is None else a if b is None else min(a, b)


@dataclass(frozen=True, slots=True)
class Reached:
    """The days a completer was first counted and first excluded under a judge (None: not yet)."""

    counted_on: dt.date | None = None
    excluded_on: dt.date | None = None

    def merge(self, other: Reached) -> Reached:
        return Reached(_earliest(self.counted_on, other.counted_on), _earliest(self.excluded_on, other.excluded_on))

    def __bool__(self) -> bool:
        return self.counted_on is not None or self.excluded_on is not None


def reached_all(items: Iterable[Reached]) -> Reached:
    found = Reached()
    for item in items:
        found = found.merge(item)
    return found


def standing(reached: Reached, as_of: dt.date) -> int:
    """COUNTED when a counted outcome is known by ``as_of``, else EXCLUDED when an excluded one
    is, else NEITHER (``rates.classify``'s counted, excluded and not counted)."""
    if reached.counted_on is not None and reached.counted_on <= as_of:
        return COUNTED
    if reached.excluded_on is not None and reached.excluded_on <= as_of:
        return EXCLUDED
    return NEITHER


def all_judges(tree: ParameterTree | None = None) -> list[Judge]:
    """The judges of every dated version of every rate definition in ``tree``."""
    tree = tree or default_tree()
    found: dict[str, Judge] = {}
    for name in DefinitionName:
        prefix = f"outcomes.{name.value}."
        starts = {value.start for p in tree if p.name.startswith(prefix) for value in p.values}
        for start in sorted(starts):
            try:
                judge = Judge.of(definition(name, start, tree))
            except ParameterError:  # a parameter whose history starts later
                continue
            found.setdefault(judge.key, judge)
    return list(found.values())
