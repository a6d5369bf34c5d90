"""How a program's rules are written: conditions, outputs and the two evaluation contexts.

A formula is a plain function of a context ``x``. The same function runs

* on a ``BatchContext``, where every person variable is a numpy array over a whole population, and
* on a ``PersonContext``, where every variable is a numpy scalar of one person and the context
  records which parameters each condition used, so the decision can be explained.

Formulas therefore use only what both have: arithmetic, comparisons, ``&``, ``|``, ``~`` (safe
because booleans are numpy booleans in both), and the helper methods below. A rule with
exceptions reads like the rule: the base case, then ``x.exception(...)`` for each labelled
exception, which the explanation reports when it applied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from ilja.rules.parameters import ParameterError, ParameterUse
from ilja.rules.population import (
    ABSENT_CODE,
    EMPLOYMENT_STATUSES,
    HISTORY_PROGRAMS,
    NULLABLE_FIELDS,
    TRAINING_RESULTS,
    VULNERABLE_GROUPS,
    Person,
    Population,
    add_months,
    date_to_int,
)

Formula = Callable[["Context"], Any]

GROUP_BIT = {group: 1 << i for i, group in enumerate(VULNERABLE_GROUPS)}
STATUS_CODE = {status: i for i, status in enumerate(EMPLOYMENT_STATUSES)}
PROGRAM_CODE = {program: i for i, program in enumerate(HISTORY_PROGRAMS)}
RESULT_CODE = {result: i for i, result in enumerate(TRAINING_RESULTS)}


@dataclass(frozen=True)
class Condition:
    """One eligibility condition: a stable id (used in results and files), labels, a formula.

    ``inputs`` names the person variables shown in the explanation. ``needs`` lists the facts
    a person may leave out (``NULLABLE_FIELDS``) that the condition reads: when one is absent
    the condition is "to be verified" rather than failed (as a district office checks income
    after applying). Those among ``inputs`` are added to it, so a condition that shows a fact
    cannot forget to need it.
    """

    id: str
    label_ko: str
    label_en: str
    formula: Formula
    inputs: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        read = [name for name in self.inputs if name in NULLABLE_FIELDS]
        object.__setattr__(self, "needs", tuple(dict.fromkeys([*self.needs, *read])))


@dataclass
class Program:
    """A program's rules: conditions (own and inherited), and its outputs."""

    code: str
    label_ko: str
    label_en: str
    conditions: list[Condition] = field(default_factory=list)
    parent: Program | None = None
    without: tuple[str, ...] = ()
    priority: Formula | None = None
    bonus: Formula | None = None
    pay: Formula | None = None

    def condition(self, id: str, ko: str, en: str, *, inputs: Sequence[str] = (),
                  needs: Sequence[str] = ()) -> Callable[[Formula], Formula]:
        """Decorator: add a condition to this program."""

        def register(formula: Formula) -> Formula:
            self.conditions.append(Condition(id, ko, en, formula, tuple(inputs), tuple(needs)))
            return formula

        return register

    def all_conditions(self) -> list[Condition]:
        inherited = self.parent.all_conditions() if self.parent else []
        own_ids = {c.id for c in self.conditions}
        kept = [c for c in inherited if c.id not in self.without and c.id not in own_ids]
        return [*kept, *self.conditions]

    def output(self, name: str) -> Formula | None:
        value = getattr(self, name)
        if value is None and self.parent is not None:
            return self.parent.output(name)
        return value


class Context:
    """What formulas see. Subclasses provide the person variables and the list helpers."""

    on: Any  # the round's start date (work or course start), YYYYMMDD
    announced: Any  # the round's announcement date, YYYYMMDD
    on_date: dt.date

    def __init__(self, snapshot: dict[str, ParameterUse], on: dt.date, announced: dt.date):
        self._snapshot = snapshot
        self.on_date = on
        self.on = np.int32(date_to_int(on))
        self.announced = np.int32(date_to_int(announced))

    # parameters -------------------------------------------------------------------------
    def param(self, name: str) -> Any:
        try:
            use = self._snapshot[name]
        except KeyError:
            raise ParameterError(
                f"parameter {name} has no value on {self.on_date.isoformat()}"
            ) from None
        self._record(use)
        return use.value

    def decimal(self, name: str) -> Decimal:
        return Decimal(str(self.param(name)))

    def _record(self, use: ParameterUse) -> None:
        """Batch contexts record nothing; the person context overrides this."""

    def exception(self, id: str, applies: Any) -> Any:
        """Mark a labelled exception of the current rule; returns ``applies`` unchanged."""
        return applies

    # helpers shared by both contexts ----------------------------------------------------
    @staticmethod
    def group_mask(groups: Iterable[str]) -> int:
        return sum(GROUP_BIT[g] for g in set(groups))

    def in_groups(self, groups: Iterable[str]) -> Any:
        """True where the person belongs to at least one of ``groups``."""
        return (self.vulnerable_groups & self.group_mask(groups)) != 0

    def add_months(self, yyyymmdd: Any, months: int) -> Any:
        return add_months(yyyymmdd, months)

    # provided by subclasses -------------------------------------------------------------
    age: Any
    vulnerable_groups: Any

    def status_in(self, statuses: Iterable[str]) -> Any:
        raise NotImplementedError

    def category_in(self, column: str, values: Iterable[str]) -> Any:
        raise NotImplementedError

    def known(self, field_name: str) -> Any:
        raise NotImplementedError

    def receiving_benefit_on(self, yyyymmdd: Any) -> Any:
        raise NotImplementedError

    def history_count(self, program: str, *, before: Any) -> Any:
        raise NotImplementedError

    def history_last_end(self, program: str, *, before: Any, results: Sequence[str] = ()) -> Any:
        raise NotImplementedError

    def by_household_size(self, table: dict[Any, int]) -> Any:
        raise NotImplementedError

    def bracket(self, rows: Sequence[Sequence[int]], value: Any) -> Any:
        raise NotImplementedError

    def where(self, condition: Any, if_true: Any, if_false: Any) -> Any:
        raise NotImplementedError

    def choose(self, condition: Any, if_true: Callable[[], Any], if_false: Callable[[], Any]) -> Any:
        """``if_true()`` where ``condition`` holds, else ``if_false()``.

        One person runs only the branch that applies (so the explanation shows only what was
        used); a population runs both and picks per person.
        """
        if not isinstance(condition, np.ndarray):
            return if_true() if condition else if_false()
        a, b = if_true(), if_false()
        if hasattr(a, "pick"):
            return a.pick(self.where, condition, b)
        return self.where(condition, a, b)

    def each_group_points(self, points: dict[str, Any]) -> Any:
        """Sum of ``points[group]`` over the groups the person belongs to."""
        total = 0
        for group, value in points.items():
            total = total + self.where((self.vulnerable_groups & GROUP_BIT[group]) != 0, value, 0)
        return total


# A table is a parameter's value, the same object for every check on its date: its dense form is
# kept by identity (the entry keeps the table, so that no other object takes its id).
_HOUSEHOLD_TABLES: dict[int, tuple[dict[Any, int], tuple[list[int], int]]] = {}


def _household_table(table: dict[Any, int]) -> tuple[list[int], int]:
    """A dense list indexed by household size (0 unused) and the step per extra member."""
    entry = _HOUSEHOLD_TABLES.get(id(table))
    if entry is None or entry[0] is not table:
        if len(_HOUSEHOLD_TABLES) >= 256:
            _HOUSEHOLD_TABLES.clear()
        entry = _HOUSEHOLD_TABLES[id(table)] = (table, _dense_household_table(table))
    return entry[1]


def _dense_household_table(table: dict[Any, int]) -> tuple[list[int], int]:
    sizes = sorted(int(k) for k in table)
    dense = [0] + [int(table[s] if s in table else table[str(s)]) for s in range(1, sizes[-1] + 1)]
    step = dense[-1] - dense[-2] if len(dense) > 2 else 0
    return dense, step


class BatchContext(Context):
    """A whole population (or a chunk of it) as numpy columns."""

    def __init__(self, population: Population, snapshot: dict[str, ParameterUse], on: dt.date,
                 announced: dt.date):
        super().__init__(snapshot, on, announced)
        self.population = population
        self.n = len(population)
        self.condition_cache: dict[int, np.ndarray] = {}  # shared conditions run once per chunk
        self.age = (self.on - population.birth_date) // 10000
        self.birth_date = population.birth_date
        self.employment_status = population.employment_status
        self.able_to_work = population.able_to_work
        self.household_head = population.household_head
        self.household_size = population.household_size
        self.vulnerable_groups = population.vulnerable_groups
        self.veteran_service_months = population.veteran_service_months
        self.household_income_krw = population.household_income_krw
        self.household_assets_krw = population.household_assets_krw
        self.receives_livelihood_benefit = population.receives_livelihood_benefit
        self._given: dict[tuple[str, ...], np.ndarray | None] = {}

    def status_in(self, statuses: Iterable[str]) -> np.ndarray:
        codes = [STATUS_CODE[s] for s in statuses]
        if len(codes) == 1:
            return self.employment_status == codes[0]
        return np.isin(self.employment_status, codes)

    def category_in(self, column: str, values: Iterable[str]) -> np.ndarray:
        return getattr(self.population, column).isin(values)

    def known(self, field_name: str) -> np.ndarray:
        return self.population.known(field_name)

    def given(self, names: tuple[str, ...]) -> np.ndarray | None:
        """Where every fact in ``names`` was given; None where they were for everyone in the
        chunk (the usual case, which then costs the engine nothing). Worked out once per chunk."""
        if names not in self._given:
            partly = [known for known in map(self.known, names) if not known.all()]
            self._given[names] = (np.logical_and.reduce(partly) if len(partly) > 1
                                  else partly[0] if partly else None)
        return self._given[names]

    def receiving_benefit_on(self, yyyymmdd: Any) -> np.ndarray:
        periods = self.population.benefit_periods
        if len(periods.owner) == 0:
            return np.zeros(self.n, dtype=bool)
        covers = (periods.columns["start"] <= yyyymmdd) & (yyyymmdd <= periods.columns["end"])
        return periods.any_per_row(covers)

    def _history_mask(self, program: str, before: Any, results: Sequence[str]) -> np.ndarray:
        history = self.population.training_history
        mask = (history.columns["program"] == PROGRAM_CODE[program]) & (
            history.columns["start"] < before
        )
        if results:
            mask &= np.isin(history.columns["result"], [RESULT_CODE[r] for r in results])
        return mask

    def history_count(self, program: str, *, before: Any) -> np.ndarray:
        history = self.population.training_history
        if len(history.owner) == 0:
            return np.zeros(self.n, dtype=np.int64)
        return history.count_per_row(self._history_mask(program, before, ()))

    def history_last_end(self, program: str, *, before: Any, results: Sequence[str] = ()) -> np.ndarray:
        history = self.population.training_history
        if len(history.owner) == 0:
            return np.zeros(self.n, dtype=np.int32)
        mask = self._history_mask(program, before, results)
        return history.max_per_row(history.columns["end"], mask, empty=0)

    def by_household_size(self, table: dict[Any, int]) -> np.ndarray:
        dense, step = _household_table(table)
        top = len(dense) - 1
        sizes = self.household_size.astype(np.int64)
        base = np.asarray(dense, dtype=np.int64)[np.minimum(sizes, top)]
        return base + np.maximum(sizes - top, 0) * step

    def bracket(self, rows: Sequence[Sequence[int]], value: Any) -> np.ndarray:
        index = np.zeros(self.n, dtype=np.int8)
        for threshold, _ in rows:
            index += value >= threshold
        return np.asarray([0] + [r[1] for r in rows], dtype=np.int64)[index]

    def each_group_points(self, points: dict[str, Any]) -> np.ndarray:
        """One look-up in a table over every combination of group bits."""
        table = np.zeros(1 << len(GROUP_BIT), dtype=np.int64)
        for group, value in points.items():
            bit = GROUP_BIT[group]
            combos = np.arange(len(table))
            table[(combos & bit) != 0] += value
        return table[self.vulnerable_groups]

    def where(self, condition: Any, if_true: Any, if_false: Any) -> np.ndarray:
        return np.where(condition, if_true, if_false)


# The facts of a person a formula may read, each by the name of the person's field it comes from
# ("age" from birth_date and the date judged on). A person context notes which it reads.
ANY_FACT = "*"  # the person object itself: whatever it holds


class _Fact:
    """A person's value as formulas see it (a numpy scalar), read from the context's ``values``
    and noted in its ``reads``: what the engine keys a kept verdict by."""

    __slots__ = ("name",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, x: PersonContext | None, owner: type | None = None) -> Any:
        if x is None:
            return self
        x.reads.add(self.name)
        return x.values[self.name]


class PersonContext(Context):
    """One person, with every use of a parameter and every exception recorded, and every fact of
    the person a formula read (``reads``, by field name: see ``ANY_FACT``)."""

    birth_date = _Fact()
    age = _Fact()
    employment_status = _Fact()
    able_to_work = _Fact()
    household_head = _Fact()
    household_size = _Fact()
    vulnerable_groups = _Fact()
    veteran_service_months = _Fact()
    household_income_krw = _Fact()
    household_assets_krw = _Fact()
    receives_livelihood_benefit = _Fact()

    def __init__(self, person: Person, snapshot: dict[str, ParameterUse], on: dt.date,
                 announced: dt.date):
        super().__init__(snapshot, on, announced)
        self._person = person
        self.values = _Values(person, self.on)
        self._periods = [(date_to_int(p.start), date_to_int(p.end))
                         for p in person.unemployment_benefit_periods]
        self._history = [(r.program, date_to_int(r.start), date_to_int(r.end), r.result)
                         for r in person.training_history]
        self.uses: list[ParameterUse] = []
        self.exceptions: list[str] = []
        self.reads: set[str] = set()

    @property
    def person(self) -> Person:
        """The person object: a formula that reads it may have read any of its facts."""
        self.reads.add(ANY_FACT)
        return self._person

    def begin(self) -> None:
        """Start recording for the next condition or output."""
        self.uses = []
        self.exceptions = []
        self.reads = set()

    def param(self, name: str) -> Any:
        use = self._snapshot.get(name)
        if use is None:
            return super().param(name)  # raises the clear error
        self.uses.append(use)
        return use.value

    def exception(self, id: str, applies: Any) -> Any:
        if bool(applies):
            self.exceptions.append(id)
        return applies

    def status_in(self, statuses: Iterable[str]) -> np.bool_:
        self.reads.add("employment_status")
        return np.bool_(self._person.employment_status in statuses)

    def category_in(self, column: str, values: Iterable[str]) -> np.bool_:
        self.reads.add(column)
        return np.bool_(getattr(self._person, column) in values)

    def known(self, field_name: str) -> np.bool_:
        self.reads.add(field_name)
        return np.bool_(getattr(self._person, field_name) is not None)

    def receiving_benefit_on(self, yyyymmdd: Any) -> np.bool_:
        self.reads.add("unemployment_benefit_periods")
        return np.bool_(any(start <= yyyymmdd <= end for start, end in self._periods))

    def history_count(self, program: str, *, before: Any) -> np.int64:
        self.reads.add("training_history")
        return np.int64(sum(1 for p, start, _, _ in self._history if p == program and start < before))

    def history_last_end(self, program: str, *, before: Any, results: Sequence[str] = ()) -> np.int32:
        self.reads.add("training_history")
        ends = [end for p, start, end, result in self._history
                if p == program and start < before and (not results or result in results)]
        return np.int32(max(ends) if ends else 0)

    def by_household_size(self, table: dict[Any, int]) -> np.int64:
        dense, step = _household_table(table)
        top = len(dense) - 1
        size = int(self.household_size)
        return np.int64(dense[min(size, top)] + max(size - top, 0) * step)

    def bracket(self, rows: Sequence[Sequence[int]], value: Any) -> np.int64:
        result = 0
        for threshold, outcome in rows:
            if value >= threshold:
                result = outcome
        return np.int64(result)

    def where(self, condition: Any, if_true: Any, if_false: Any) -> Any:
        return if_true if condition else if_false

    def each_group_points(self, points: dict[str, Any]) -> Any:
        self.reads.add("vulnerable_groups")
        return sum(points.get(group, 0) for group in self._person.vulnerable_groups)

    def shown(self, names: Iterable[str]) -> dict[str, Any]:
        """The person's values a condition shows in its explanation (``Condition.inputs``)."""
        person = self._person
        shown: dict[str, Any] = {}
        for name in names:
            if name == "age":
                shown[name] = int(self.values["age"])
            elif name == "academy_courses":
                shown[name] = int(self.history_count("youth_academy", before=self.on))
            elif name == "last_academy_course_end":
                shown[name] = _date_or_none(self.history_last_end("youth_academy", before=self.on))
            elif name == "last_quit_without_notice":
                shown[name] = _date_or_none(self.history_last_end(
                    "youth_academy", before=self.on, results=("quit_without_notice",)))
            elif name == "unemployment_benefit_periods":
                shown[name] = [f"{p.start.isoformat()}/{p.end.isoformat()}"
                               for p in person.unemployment_benefit_periods]
            else:
                shown[name] = getattr(person, name)
        return shown


def _birth_date(person: Person, on: Any) -> np.int32:
    return np.int32(date_to_int(person.birth_date))


# Each fact as formulas see it, made when first read. An absent fact gets the neutral value a
# Population stores for it.
_VALUES: dict[str, Callable[[Person, Any], Any]] = {
    "birth_date": _birth_date,
    "age": lambda person, on: (on - _birth_date(person, on)) // 10000,
    "employment_status": lambda person, on: np.int8(STATUS_CODE.get(person.employment_status,
                                                                    ABSENT_CODE)),
    "able_to_work": lambda person, on: np.bool_(bool(person.able_to_work)),
    "household_head": lambda person, on: np.bool_(bool(person.household_head)),
    "household_size": lambda person, on: np.int16(person.household_size or 0),
    "vulnerable_groups": lambda person, on: np.uint16(Context.group_mask(person.vulnerable_groups)),
    "veteran_service_months": lambda person, on: np.int16(person.veteran_service_months),
    "household_income_krw": lambda person, on: np.int64(person.household_income_krw or 0),
    "household_assets_krw": lambda person, on: np.int64(person.household_assets_krw or 0),
    "receives_livelihood_benefit": lambda person, on: np.bool_(bool(person.receives_livelihood_benefit)),
}


class _Values(dict):
    """A person context's facts (``_Fact``), each made when first read."""

    __slots__ = ("person", "on")

    def __init__(self, person: Person, on: Any):
        super().__init__()
        self.person = person
        self.on = on

    def __missing__(self, name: str) -> Any:
        value = self[name] = _VALUES[name](self.person, self.on)
        return value


# The fact each shown value comes from, where it is not the person's field of its name.
SHOWN_FROM = {"academy_courses": "training_history", "last_academy_course_end": "training_history",
              "last_quit_without_notice": "training_history"}


def _date_or_none(yyyymmdd: Any) -> str | None:
    value = int(yyyymmdd)
    if value == 0:
        return None
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"
