"""Evaluate the programs' rules for one person (with an explanation) or for a whole population.

Both paths run the same formulas (``rules/formulas``); a hypothesis test holds them equal.
Every result is stamped with the parameter version and the code version it used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ilja import __version__
from ilja.rules.formulas import PROGRAMS
from ilja.rules.model import BatchContext, Condition, PersonContext, Program
from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree
from ilja.rules.pay import MonthlyPay
from ilja.rules.population import Person, Population

HELD, FAILED, TO_VERIFY = "held", "failed", "to_verify"


@dataclass(slots=True)
class ConditionOutcome:
    """One condition's verdict with what it used; the person's values are read when shown."""

    id: str
    label_ko: str
    label_en: str
    status: str  # held | failed | to_verify
    parameters: list[ParameterUse]
    exceptions: list[str]
    _context: Any = field(repr=False, compare=False)
    _input_names: tuple[str, ...] = field(repr=False, compare=False)
    _inputs: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def inputs(self) -> dict[str, Any]:
        """The person's values the condition looked at (read once: the answer and its
        explanation both show them). A copy, so a caller's change stays its own."""
        if self._inputs is None:
            self._inputs = _person_inputs(self._context, self._input_names)
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


def _person_inputs(x: PersonContext, names: Iterable[str]) -> dict[str, Any]:
    person = x.person
    shown: dict[str, Any] = {}
    for name in names:
        if name == "age":
            shown[name] = int(x.age)
        elif name == "academy_courses":
            shown[name] = int(x.history_count("youth_academy", before=x.on))
        elif name == "last_academy_course_end":
            shown[name] = _date_or_none(x.history_last_end("youth_academy", before=x.on))
        elif name == "last_quit_without_notice":
            shown[name] = _date_or_none(x.history_last_end(
                "youth_academy", before=x.on, results=("quit_without_notice",)))
        elif name == "unemployment_benefit_periods":
            shown[name] = [f"{p.start.isoformat()}/{p.end.isoformat()}"
                           for p in person.unemployment_benefit_periods]
        else:
            shown[name] = getattr(person, name)
    return shown


def _date_or_none(yyyymmdd: Any) -> str | None:
    value = int(yyyymmdd)
    if value == 0:
        return None
    return f"{value // 10000:04d}-{value // 100 % 100:02d}-{value % 100:02d}"


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


@dataclass(frozen=True, slots=True)
class _PlannedProgram:
    """One program in a plan: where its conditions and its outputs (priority, bonus, pay; None
    for one it lacks) are among the plan's steps."""

    code: str
    label_ko: str
    label_en: str
    conditions: tuple[int, ...]
    outputs: tuple[int | None, int | None, int | None]


@dataclass(frozen=True, slots=True)
class _Plan:
    """The selected programs' rules flattened once: every distinct condition and output as a step,
    in the order the programs first use it, so one person runs each once with no look-ups."""

    steps: tuple[tuple[Condition | None, Any], ...]  # (condition, its formula) or (None, output)
    programs: tuple[_PlannedProgram, ...]

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
            planned.append(_PlannedProgram(program.code, program.label_ko, program.label_en,
                                           own, made))  # type: ignore[arg-type]
        return cls(tuple(steps), tuple(planned))


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
        announced = announced or on
        plan = self._plan(programs)
        x = PersonContext(person, self.tree.at(on), on, announced)
        done: list[Any] = []
        for condition, formula in plan.steps:
            x.begin()
            if condition is None:  # an output: (value, uses, exceptions)
                done.append((formula(x), x.uses, x.exceptions))
                continue
            status = HELD if formula(x) else FAILED
            for name in condition.needs:
                if not x.known(name):
                    status = TO_VERIFY
                    break
            done.append(ConditionOutcome(condition.id, condition.label_ko, condition.label_en,
                                         status, x.uses, x.exceptions, x, condition.inputs))
        shared: dict[Any, Any] = {}
        results = [self._person_result(program, done, shared) for program in plan.programs]
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

    @staticmethod
    def _person_result(program: _PlannedProgram, done: list[Any],
                       shared: dict[Any, Any]) -> ProgramResult:
        outcomes = [done[i] for i in program.conditions]
        failed = [o.id for o in outcomes if o.status == FAILED]
        priority, bonus, pay = (None if i is None else done[i][0] for i in program.outputs)
        # programs with the same outputs (the 매력일자리 tracks' pay) share what they used
        used = shared.get(program.outputs)
        if used is None:
            uses: dict[str, ParameterUse] = {}
            exceptions: set[str] = set()
            for i in program.outputs:
                if i is not None:
                    uses.update((u.name, u) for u in done[i][1])
                    exceptions.update(done[i][2])
            breakdown = None if pay is None else _pay_dict(pay)
            used = shared[program.outputs] = (list(uses.values()), sorted(exceptions), breakdown)
        return ProgramResult(
            program=program.code,
            label_ko=program.label_ko,
            label_en=program.label_en,
            eligible=not failed,
            failed=failed,
            to_verify=[o.id for o in outcomes if o.status == TO_VERIFY],
            priority_group=bool(priority),
            bonus_points=float(bonus) if bonus is not None else 0.0,
            monthly_pay_krw=int(pay.total) if pay is not None else None,
            conditions=outcomes,
            pay_breakdown=used[2],
            output_parameters=list(used[0]),
            output_exceptions=list(used[1]),
        )

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
