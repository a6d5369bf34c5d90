"""Evaluate the programs' rules for one person (with an explanation) or for a whole population.

Both paths run the same formulas (``rules/formulas``); a hypothesis test holds them equal.
Every result is stamped with the parameter version and the code version it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

import numpy as np

from ilja import __version__
from ilja.rules.formulas import PROGRAMS
from ilja.rules.model import ANY_FACT, SHOWN_FROM, BatchContext, Condition, PersonContext, Program
from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree
from ilja.rules.pay import MonthlyPay
from ilja.rules.population import Person, Population, date_to_int

HELD, FAILED, TO_VERIFY = "held", "failed", "to_verify"


@dataclass(slots=True)
class ConditionOutcome:
    """One condition's verdict with what it used and the person's values it showed.

    An outcome is kept and given to every later person with the same facts (``_Step``): read
    it, never change it. ``kept`` holds what a writer made of it once (``ilja.rules.answer``),
    ``stored`` what the stored snapshot did (``applications.snapshot``).
    """

    id: str
    label_ko: str
    label_en: str
    status: str  # held | failed | to_verify
    parameters: list[ParameterUse]
    exceptions: list[str]
    _inputs: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    kept: Any = field(default=None, repr=False, compare=False)
    stored: Any = field(default=None, repr=False, compare=False)

    @property
    def inputs(self) -> dict[str, Any]:
        """The person's values the condition looked at (a copy: a caller's change stays its own)."""
        return dict(self._inputs)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": {"ko": self.label_ko, "en": self.label_en},
            "status": self.status,
            "inputs": self.inputs,
            "parameters": [p.as_dict() for p in self.parameters],
            "exceptions": self.exceptions,
        }


@dataclass(slots=True)
class ProgramResult:
    """A program's verdict for one person. Its lists are the engine's kept ones, the same for
    everyone with the same verdicts (``_Shape``): read them, never change them."""

    program: str
    label_ko: str
    label_en: str
    eligible: bool
    failed: list[str]
    to_verify: list[str]
    priority_group: bool
    bonus_points: float
    monthly_pay_krw: int | None
    conditions: list[ConditionOutcome] = field(default_factory=list)
    pay_breakdown: dict[str, Any] | None = None
    output_parameters: list[ParameterUse] = field(default_factory=list)
    output_exceptions: list[str] = field(default_factory=list)
    # the engine's kept program verdict this result was made from (None when made elsewhere):
    # everyone with the same outcomes has the same one, and a writer keeps its words there
    shape: _Shape | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "program": self.program,
            "label": {"ko": self.label_ko, "en": self.label_en},
            "eligible": self.eligible,
            "failed": self.failed,
            "to_verify": self.to_verify,
            "priority_group": self.priority_group,
            "bonus_points": self.bonus_points,
            "monthly_pay_krw": self.monthly_pay_krw,
            "pay_breakdown": self.pay_breakdown,
            "conditions": [c.as_dict() for c in self.conditions],
            "output_parameters": [p.as_dict() for p in self.output_parameters],
            "output_exceptions": self.output_exceptions,
        }


@dataclass
class PersonEvaluation:
    person_id: str
    on: dt.date
    announced: dt.date
    results: list[ProgramResult]
    parameter_version: str
    code_version: str = __version__

    def result(self, program: str) -> ProgramResult:
        return next(r for r in self.results if r.program == program)

    def as_dict(self) -> dict[str, Any]:
        return {
            "person_id": self.person_id,
            "on": self.on.isoformat(),
            "announced": self.announced.isoformat(),
            "parameter_version": self.parameter_version,
            "code_version": self.code_version,
            "results": [r.as_dict() for r in self.results],
        }


def _pay_dict(pay: MonthlyPay) -> dict[str, Any]:
    return {
        "hourly_wage": int(pay.hourly_wage),
        "work_hours": int(pay.work_hours),
        "weekly_holiday_hours": int(pay.holiday_hours),
        "paid_hours": int(pay.paid_hours),
        "work_pay": int(pay.work_pay),
        "weekly_holiday_pay": int(pay.holiday_pay),
        "allowances": {k: int(v) for k, v in pay.allowances.items()},
        "total": int(pay.total),
    }


OUTPUT_NAMES = ("priority", "bonus", "pay")


def _facts(person: Person, on: int) -> dict[str, Any]:
    """A person's facts by field name as a kept verdict's key holds them: the fields as they are,
    lists as tuples, and ``age`` in whole years on the date judged (``on``, YYYYMMDD)."""
    facts = dict(vars(person))
    facts["age"] = (on - date_to_int(person.birth_date)) // 10000
    facts["vulnerable_groups"] = tuple(person.vulnerable_groups)
    facts["unemployment_benefit_periods"] = tuple(
        (p.start, p.end) for p in person.unemployment_benefit_periods)
    facts["training_history"] = tuple(
        (r.program, r.start, r.end, r.result) for r in person.training_history)
    return facts


def _key(names: tuple[str, ...]) -> Callable[[dict[str, Any]], Any]:
    """The key of a verdict among a step's kept ones: the values of ``names`` in the facts."""
    return itemgetter(*names) if names else _no_facts


def _no_facts(facts: dict[str, Any]) -> tuple[()]:
    return ()


# Verdicts kept per condition or output on a pair of dates (and shapes per program): the first ones
# given; once as many are kept, later ones are given but not kept. A pair of dates full of them
# takes about 40 MB (synthetic Seoul, 7 programs); a plan keeps its last 8 pairs.
_KEPT_PER_STEP = 4_096


class _Step:
    """A condition or an output of a plan on one pair of dates, with the verdicts it gave kept by
    the facts of the person they were read from (``PersonContext.reads``): a later person with
    the same facts gets the same verdict without the formula running. A formula reads only the
    person's facts, the dates and the parameters of the date, so the same facts take it down the
    same path to the same verdict. Which facts is learned as it runs (a condition starts from
    those it shows and needs): a run that reads one more starts a new memo keyed by all of them;
    one that reads the person object itself (``ANY_FACT``) is never kept.

    ``memo`` is (key function, fact names, verdicts by their key), replaced whole, so that
    threads sharing the engine always see a key layout with its own verdicts. An output's verdict
    equal to one given before is that one (``same``): an output read from a fact of many values
    (the bonus points from the assets) has few verdicts, and their ids key the programs' shapes.
    """

    __slots__ = ("condition", "formula", "memo", "same")

    def __init__(self, condition: Condition | None, formula: Any):
        self.condition = condition
        self.formula = formula
        shown = () if condition is None else (*condition.needs,
                                                *(SHOWN_FROM.get(n, n) for n in condition.inputs))
        names = tuple(sorted(set(shown)))
        self.memo: tuple[Callable[[dict[str, Any]], Any], tuple[str, ...], dict[Any, Any]] | None = (
            _key(names), names, {})
        self.same: dict[tuple[Any, ...], Any] = {}

    def run(self, x: PersonContext, facts: dict[str, Any]) -> Any:
        """The verdict for the person of ``x``: (value, uses, exceptions) for an output, a
        ``ConditionOutcome`` for a condition; kept under the facts it read."""
        x.begin()
        condition = self.condition
        if condition is None:
            made: Any = self._same((self.formula(x), x.uses, x.exceptions))
        else:
            status = HELD if self.formula(x) else FAILED
            for name in condition.needs:
                if not x.known(name):
                    status = TO_VERIFY
                    break
            made = ConditionOutcome(condition.id, condition.label_ko, condition.label_en, status,
                                    x.uses, x.exceptions, x.shown(condition.inputs))
        self._keep(x.reads, facts, made)
        return made

    def _same(self, made: tuple[Any, list[ParameterUse], list[str]]) -> Any:
        value, uses, exceptions = made
        key = (type(value), value, *map(id, uses), None, *exceptions)
        try:
            same = self.same.get(key)
        except TypeError:  # a value that is not hashable (a pay): its step is keyed by few facts
            return made
        if same is None:
            same = made
            if len(self.same) < _KEPT_PER_STEP:
                self.same[key] = made
        return same

    def _keep(self, read: set[str], facts: dict[str, Any], made: Any) -> None:
        memo = self.memo
        if memo is None:
            return
        if ANY_FACT in read:
            self.memo = None
            return
        key, names, kept = memo
        if not read.issubset(names):
            names = tuple(sorted(read.union(names)))
            key, kept = _key(names), {}
            self.memo = (key, names, kept)
        if len(kept) < _KEPT_PER_STEP:
            kept[key(facts)] = made


@dataclass(slots=True)
class _Outputs:
    """A program's outputs for everyone with the same verdicts of its output steps (``made``,
    kept here so that their ids, the key, stay theirs)."""

    made: tuple[Any, ...]
    priority_group: bool
    bonus_points: float
    monthly_pay_krw: int | None
    pay_breakdown: dict[str, Any] | None
    output_parameters: list[ParameterUse]
    output_exceptions: list[str]
    kept: Any = None  # what a writer made of them once (``ilja.rules.answer``)


@dataclass(slots=True)
class _Shape:
    """A program's verdict for everyone with the same outcomes of its conditions and the same
    outputs (``made``, kept here so that their ids, the key, stay theirs)."""

    made: tuple[Any, ...]
    conditions: list[ConditionOutcome]
    failed: list[str]
    to_verify: list[str]
    outputs: _Outputs
    kept: Any = None  # what a writer made of it once (``ilja.rules.answer``)
    stored: Any = None  # what the stored snapshot made of it once (``applications.snapshot``)


def _taker(indices: Sequence[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """The items at ``indices`` of a list, as a tuple."""
    if len(indices) == 1:
        only = indices[0]
        return lambda done: (done[only],)
    return itemgetter(*indices) if indices else (lambda done: ())


@dataclass(frozen=True, slots=True)
class _PlannedProgram:
    """One program in a plan: where its conditions and its outputs (priority, bonus, pay; None
    for one it lacks) are among the plan's steps."""

    code: str
    label_ko: str
    label_en: str
    conditions: tuple[int, ...]
    outputs: tuple[int | None, int | None, int | None]
    take: Callable[[list[Any]], tuple[Any, ...]]  # its conditions' and outputs' verdicts

    @classmethod
    def of(cls, program: Program, conditions: tuple[int, ...],
           outputs: tuple[int | None, int | None, int | None]) -> _PlannedProgram:
        return cls(program.code, program.label_ko, program.label_en, conditions, outputs,
                   _taker([*conditions, *(i for i in outputs if i is not None)]))

    def result(self, done: list[Any], shapes: dict[tuple[int, ...], _Shape],
               outputs: dict[tuple[int, ...], _Outputs]) -> ProgramResult:
        """This program's result from the plan's verdicts for one person (``done``); its shape
        kept in ``shapes`` by the verdicts' ids, its outputs in ``outputs``."""
        made = self.take(done)
        key = tuple(map(id, made))
        shape = shapes.get(key)
        if shape is None:
            shape = self._shape(made, outputs)
            if len(shapes) < _KEPT_PER_STEP:
                shapes[key] = shape
        out = shape.outputs
        return ProgramResult(self.code, self.label_ko, self.label_en, not shape.failed,
                             shape.failed, shape.to_verify, out.priority_group, out.bonus_points,
                             out.monthly_pay_krw, shape.conditions, out.pay_breakdown,
                             out.output_parameters, out.output_exceptions, shape)

    def _shape(self, made: tuple[Any, ...], kept: dict[tuple[int, ...], _Outputs]) -> _Shape:
        outcomes = made[:len(self.conditions)]
        made_outputs = made[len(self.conditions):]
        key = tuple(map(id, made_outputs))
        outputs = kept.get(key)
        if outputs is None:
            outputs = self._outputs(made_outputs)
            if len(kept) < _KEPT_PER_STEP:
                kept[key] = outputs
        return _Shape(made, list(outcomes), [o.id for o in outcomes if o.status == FAILED],
                      [o.id for o in outcomes if o.status == TO_VERIFY], outputs)

    def _outputs(self, made: tuple[Any, ...]) -> _Outputs:
        verdicts = iter(made)
        priority, bonus, pay = (None if i is None else next(verdicts) for i in self.outputs)
        uses: dict[str, ParameterUse] = {}
        exceptions: set[str] = set()
        for _, used, excepted in made:
            uses.update((u.name, u) for u in used)
            exceptions.update(excepted)
        return _Outputs(made, bool(priority and priority[0]),
                        float(bonus[0]) if bonus is not None else 0.0,
                        int(pay[0].total) if pay is not None else None,
                        None if pay is None else _pay_dict(pay[0]), list(uses.values()),
                        sorted(exceptions))


@dataclass(frozen=True, slots=True)
class _Dated:
    """A plan on one pair of dates: the parameters in force, its steps with their kept verdicts,
    and each program's kept shapes."""

    snapshot: dict[str, ParameterUse]
    steps: tuple[_Step, ...]
    shapes: tuple[dict[tuple[int, ...], _Shape], ...]
    outputs: tuple[dict[tuple[int, ...], _Outputs], ...]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The selected programs' rules flattened once: every distinct condition and output as a step,
    in the order the programs first use it, so one person runs each once with no look-ups."""

    steps: tuple[tuple[Condition | None, Any], ...]  # (condition, its formula) or (None, output)
    programs: tuple[_PlannedProgram, ...]
    dates: dict[tuple[dt.date, dt.date], _Dated] = field(default_factory=dict)

    @classmethod
    def of(cls, programs: Sequence[Program], conditions: dict[str, list[Condition]],
           outputs: dict[str, dict[str, Any]]) -> _Plan:
        steps: list[tuple[Condition | None, Any]] = []
        index: dict[int, int] = {}

        def step(condition: Condition | None, formula: Any) -> int:
            key = id(formula if condition is None else condition)
            if key not in index:
                index[key] = len(steps)
                steps.append((condition, formula))
            return index[key]

        planned = []
        for program in programs:
            own = tuple(step(c, c.formula) for c in conditions[program.code])
            formulas = outputs[program.code]
            made = tuple(step(None, formulas[name]) if name in formulas else None
                         for name in OUTPUT_NAMES)
            planned.append(_PlannedProgram.of(program, own, made))  # type: ignore[arg-type]
        return cls(tuple(steps), tuple(planned))

    def on(self, tree: ParameterTree, on: dt.date, announced: dt.date) -> _Dated:
        dated = self.dates.get((on, announced))
        if dated is None:
            if len(self.dates) >= 8:
                self.dates.clear()
            dated = self.dates[on, announced] = _Dated(
                tree.at(on), tuple(_Step(c, f) for c, f in self.steps),
                tuple({} for _ in self.programs), tuple({} for _ in self.programs))
        return dated


class Engine:
    """The rules of every program over one parameter tree (the baseline or a reform)."""

    def __init__(self, tree: ParameterTree | None = None, programs: dict[str, Program] | None = None):
        self.tree = tree or default_tree()
        self.programs = dict(programs or PROGRAMS)
        self.parameter_version = self.tree.version()
        self._conditions = {code: p.all_conditions() for code, p in self.programs.items()}
        self._outputs = {code: {name: p.output(name) for name in OUTPUT_NAMES
                                if p.output(name) is not None}
                         for code, p in self.programs.items()}
        self._plans: dict[tuple[str, ...] | None, _Plan] = {}

    def conditions(self, program: str) -> list[Condition]:
        return self._conditions[program]

    def replace_condition(self, original: Condition, new: Condition | None) -> None:
        """Swap (or, with None, drop) a condition in every program that has it (reforms)."""
        for code, conditions in self._conditions.items():
            self._conditions[code] = [
                c for c in (new if c is original else c for c in conditions) if c is not None
            ]
        self._plans.clear()

    def _select(self, programs: Sequence[str] | None) -> list[Program]:
        if programs is None:
            return list(self.programs.values())
        unknown = [p for p in programs if p not in self.programs]
        if unknown:
            raise KeyError(f"unknown program(s): {', '.join(unknown)}; "
                           f"known: {', '.join(self.programs)}")
        return [self.programs[p] for p in programs]

    # one person -------------------------------------------------------------------------
    def evaluate_person(self, person: Person, on: dt.date, announced: dt.date | None = None,
                        programs: Sequence[str] | None = None) -> PersonEvaluation:
        """Every selected program for one person, with what each verdict used. A verdict
        already given to someone with the same facts is given again (``_Step``)."""
        announced = announced or on
        plan = self._plan(programs)
        return self._evaluate(plan, plan.on(self.tree, on, announced), person, on, announced)

    def evaluate_persons(self, persons: Sequence[Person], on: dt.date, announced: dt.date | None = None,
                         programs: Sequence[str] | None = None) -> list[PersonEvaluation]:
        """``evaluate_person`` for each of ``persons`` (the same verdicts, kept alike), with the
        plan and its dates looked up once."""
        announced = announced or on
        plan = self._plan(programs)
        dated = plan.on(self.tree, on, announced)
        return [self._evaluate(plan, dated, person, on, announced) for person in persons]

    def _evaluate(self, plan: _Plan, dated: _Dated, person: Person, on: dt.date,
                  announced: dt.date) -> PersonEvaluation:
        facts = _facts(person, date_to_int(on))
        x: PersonContext | None = None
        done: list[Any] = []
        for step in dated.steps:
            memo = step.memo
            if memo is not None:
                made = memo[2].get(memo[0](facts))
                if made is not None:
                    done.append(made)
                    continue
            if x is None:
                x = PersonContext(person, dated.snapshot, on, announced)
            done.append(step.run(x, facts))
        results = [program.result(done, shapes, outputs) for program, shapes, outputs
                   in zip(plan.programs, dated.shapes, dated.outputs, strict=True)]
        return PersonEvaluation(person.id, on, announced, results, self.parameter_version)

    def _plan(self, programs: Sequence[str] | None) -> _Plan:
        key = None if programs is None else tuple(programs)
        plan = self._plans.get(key)
        if plan is None:
            if len(self._plans) >= 256:
                self._plans.clear()
            plan = self._plans[key] = _Plan.of(self._select(programs), self._conditions,
                                               self._outputs)
        return plan

    # a whole population -----------------------------------------------------------------
    def evaluate_population(self, population: Population, on: dt.date,
                            announced: dt.date | None = None, programs: Sequence[str] | None = None,
                            chunk_size: int = 100_000, workers: int = 2,
                            progress: Any = None) -> BatchResult:
        """Every selected program for every person, as columns, in chunks on ``workers`` threads.

        numpy releases the GIL in its kernels, so two threads use both cores. ``progress`` is
        called with the number of persons done after each chunk.
        """
        announced = announced or on
        selected = self._select(programs)
        snapshot = self.tree.at(on)
        n = len(population)
        result = BatchResult.empty(population, on, announced, selected, self._conditions,
                                   self.parameter_version)

        def run(start: int) -> int:
            stop = min(start + chunk_size, n)
            x = BatchContext(population.slice(start, stop), snapshot, on, announced)
            for program in selected:
                self._evaluate_program_for_chunk(program, x, result.columns[program.code], start, stop)
            return stop - start

        starts = range(0, n, chunk_size)
        if workers > 1 and n > chunk_size:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for done in pool.map(run, starts):
                    if progress:
                        progress(done)
        else:
            for start in starts:
                done = run(start)
                if progress:
                    progress(done)
        return result

    def _evaluate_program_for_chunk(self, program: Program, x: BatchContext,
                                    out: ProgramColumns, start: int, stop: int) -> None:
        n = stop - start
        failed = np.zeros(n, dtype=np.uint32)
        unverified = np.zeros(n, dtype=np.uint32)
        cache = x.condition_cache
        for bit, condition in enumerate(self._conditions[program.code]):
            key = id(condition.formula)
            if key not in cache:
                value = condition.formula(x)
                cache[key] = value if isinstance(value, np.ndarray) else bool(value)
            held = cache[key]
            if held is True:
                continue  # holds for everyone (e.g. an abolished limit)
            shift = np.uint32(bit)
            if held is False:
                held = np.zeros(n, dtype=bool)
            known = x.given(condition.needs)
            if known is None:
                failed |= (~held).astype(np.uint32) << shift
            else:
                failed |= (~held & known).astype(np.uint32) << shift
                unverified |= (~known).astype(np.uint32) << shift
        out.failed[start:stop] = failed
        out.unverified[start:stop] = unverified
        if out.priority is not None:
            out.priority[start:stop] = program.output("priority")(x)
        if out.bonus is not None:
            out.bonus[start:stop] = program.output("bonus")(x)
        if out.pay is not None:
            out.pay[start:stop] = program.output("pay")(x).total


@dataclass
class ProgramColumns:
    """One program's results over a population: bit masks of failed / unverified conditions."""

    program: str
    condition_ids: list[str]
    failed: np.ndarray  # uint32, bit i = condition_ids[i] failed
    unverified: np.ndarray  # uint32, bit i = condition_ids[i] to be verified
    priority: np.ndarray | None
    bonus: np.ndarray | None
    pay: np.ndarray | None

    @property
    def eligible(self) -> np.ndarray:
        return self.failed == 0

    def decode(self, masks: np.ndarray) -> list[list[str]]:
        """Bit masks → lists of condition ids (each distinct mask decoded once)."""
        unique, inverse = np.unique(masks, return_inverse=True)
        lists = [[cid for bit, cid in enumerate(self.condition_ids) if int(m) >> bit & 1] for m in unique]
        return [lists[i] for i in inverse]

    def failed_ids(self, i: int) -> list[str]:
        mask = int(self.failed[i])
        return [cid for bit, cid in enumerate(self.condition_ids) if mask >> bit & 1]

    def unverified_ids(self, i: int) -> list[str]:
        mask = int(self.unverified[i])
        return [cid for bit, cid in enumerate(self.condition_ids) if mask >> bit & 1]

    def failure_counts(self) -> dict[str, int]:
        """How many persons fail each condition."""
        return {cid: int(np.count_nonzero(self.failed & np.uint32(1 << bit)))
                for bit, cid in enumerate(self.condition_ids)}


@dataclass
class BatchResult:
    population: Population
    on: dt.date
    announced: dt.date
    columns: dict[str, ProgramColumns]
    parameter_version: str
    code_version: str = __version__

    @classmethod
    def empty(cls, population: Population, on: dt.date, announced: dt.date,
              programs: list[Program], conditions: dict[str, list[Condition]],
              parameter_version: str) -> BatchResult:
        n = len(population)
        columns = {}
        for program in programs:
            ids = [c.id for c in conditions[program.code]]
            if len(ids) > 32:
                raise ValueError(f"{program.code}: more than 32 conditions")
            columns[program.code] = ProgramColumns(
                program=program.code,
                condition_ids=ids,
                failed=np.zeros(n, dtype=np.uint32),
                unverified=np.zeros(n, dtype=np.uint32),
                priority=np.zeros(n, dtype=bool) if program.output("priority") else None,
                bonus=np.zeros(n, dtype=np.float64) if program.output("bonus") else None,
                pay=np.zeros(n, dtype=np.int64) if program.output("pay") else None,
            )
        return cls(population, on, announced, columns, parameter_version)

    def eligible_counts(self) -> dict[str, int]:
        return {code: int(np.count_nonzero(c.eligible)) for code, c in self.columns.items()}

    def row(self, i: int, program: str) -> dict[str, Any]:
        c = self.columns[program]
        return {
            "person_id": self.population.person_id(i),
            "program": program,
            "eligible": bool(c.failed[i] == 0),
            "failed": c.failed_ids(i),
            "to_verify": c.unverified_ids(i),
            "priority_group": bool(c.priority[i]) if c.priority is not None else False,
            "bonus_points": float(c.bonus[i]) if c.bonus is not None else 0.0,
            "monthly_pay_krw": int(c.pay[i]) if c.pay is not None else None,
        }


_default_engine: Engine | None = None


def default_engine() -> Engine:
    global _default_engine
    if _default_engine is None:
        _default_engine = Engine()
    return _default_engine
