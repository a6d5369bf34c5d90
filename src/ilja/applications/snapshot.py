"""The eligibility snapshot stored with an application, and its explanation read back.

At submission the rules engine evaluates the person for the round's program with both of the
round's dates — ``on`` = the work or course start date, ``announced`` = the announcement date —
so each rule picks its own reference date (e.g. the unemployment-benefit exclusion judged on the
announcement date until 2024 and on the work start date from 2025, seoul-2025-jobs-plan §2).

The snapshot is split in two: what belongs to this person (verdict, each condition's status and
the person's values it looked at, bonus points, pay) and the context shared by everyone judged
with the same rules on the same dates (the parameters used, with value, effective date and source,
and the labels). ``explanation`` joins them back into the engine's ``ProgramResult.as_dict()``
shape, and ``reason_lines`` into the engine's plain-language lines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ilja.rules.engine import PersonEvaluation, ProgramResult
from ilja.rules.explain import decision_lines, program_lines
from ilja.rules.parameters import ParameterUse

SNAPSHOT_VERSION = 1


# Values already JSON-ready as they are (most of a condition's inputs)
_AS_IS = frozenset({str, int, bool, float, type(None)})


def _plain(value: Any) -> Any:
    """JSON-ready values: dates as ISO text, numpy scalars as Python numbers."""
    if type(value) in _AS_IS:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()
    return value


@dataclass(frozen=True)
class Snapshot:
    """One person's part (``person``) and the shared part (``context``, with its digest)."""

    program: str
    on: dt.date
    announced: dt.date
    parameter_version: str
    code_version: str
    eligible: bool
    score: float
    priority: bool
    person: dict[str, Any]
    context: dict[str, Any]
    digest: str


def canonical(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def take(evaluation: PersonEvaluation, program: str) -> Snapshot:
    """Split the engine's evaluation of ``program`` into the stored snapshot."""
    result = evaluation.result(program)
    shape = result.shape
    made = None if shape is None else shape.stored
    dated = (program, evaluation.on, evaluation.announced, evaluation.parameter_version,
             evaluation.code_version)
    if made is None or made[0] != dated:
        made = (dated, *_parts(evaluation, result))
        if shape is not None:  # everyone with the engine's same verdicts: made once
            shape.stored = made
    _, person, context, digest = made
    # Snapshot(...) without the frozen class's guarded assignment of each of its fields, which
    # took a tenth of an import's judging: the same object, its fields set at once
    snap = object.__new__(Snapshot)
    object.__setattr__(snap, "__dict__", {
        "program": program, "on": evaluation.on, "announced": evaluation.announced,
        "parameter_version": evaluation.parameter_version, "code_version": evaluation.code_version,
        "eligible": result.eligible, "score": float(result.bonus_points),
        "priority": bool(result.priority_group), "person": dict(person), "context": context,
        "digest": digest})
    return snap


def _parts(evaluation: PersonEvaluation, result: ProgramResult) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The person's part of the snapshot, the shared part and its digest."""
    conditions = []
    signature = []
    for outcome in result.conditions:
        stored = outcome.stored  # the engine gives everyone with the same facts the same outcome
        if stored is None:
            stored = outcome.stored = (_stored_condition(outcome),
                                       (outcome.id, *[use.name for use in outcome.parameters]))
        conditions.append(stored[0])
        signature.append(stored[1])
    output_names = [use.name for use in result.output_parameters]
    person = {
        "v": SNAPSHOT_VERSION,
        "eligible": result.eligible,
        "failed": list(result.failed),
        "to_verify": list(result.to_verify),
        "priority_group": result.priority_group,
        "bonus_points": result.bonus_points,
        "monthly_pay_krw": result.monthly_pay_krw,
        "pay_breakdown": None if result.pay_breakdown is None else _stored(result.pay_breakdown, _plain),
        "conditions": conditions,
        "output_parameters": output_names,
        "output_exceptions": list(result.output_exceptions),
    }
    key = (result.program, evaluation.on, evaluation.announced, evaluation.parameter_version,
           evaluation.code_version, tuple(signature), tuple(output_names))
    shared = _SIGNED.get(key)
    if shared is None:
        if len(_SIGNED) >= _MAX_SIGNED:
            _SIGNED.clear()
        shared = _SIGNED[key] = _context(evaluation, result, _uses(result))
    return person, *shared


def _uses(result: ProgramResult) -> tuple[ParameterUse, ...]:
    """The parameters a result used, each once, in the order it first used them."""
    uses: dict[str, ParameterUse] = {}
    for outcome in result.conditions:
        for use in outcome.parameters:
            uses.setdefault(use.name, use)
    for use in result.output_parameters:
        uses.setdefault(use.name, use)
    return tuple(uses.values())


def _stored_condition(outcome: Any) -> dict[str, Any]:
    """A condition's outcome as the snapshot stores it."""
    return {"id": outcome.id, "status": outcome.status, "inputs": _plain(outcome.inputs),
            "parameters": [use.name for use in outcome.parameters],
            "exceptions": list(outcome.exceptions)}


def _stored(made: Any, store: Any) -> Any:
    """``store(made)``, once per object the engine keeps: it gives everyone with the same outputs
    the same pay breakdown (``rules.engine._Outputs``), so an import's snapshots share what is
    made of it (read, never changed: they are written as JSON), as they share their conditions'."""
    return _once(made, store, _STORED, _STORED_MAX)


def _once(source: Any, make: Any, memo: dict[int, tuple[Any, Any]], most: int) -> Any:
    """``make(source)``, made once per object and kept in ``memo`` by its identity (the entry
    keeps the object, so its id is not reused while it is there); ``memo`` cleared at ``most``."""
    entry = memo.get(id(source))
    if entry is None or entry[0] is not source:
        if len(memo) >= most:
            memo.clear()
        entry = memo[id(source)] = (source, make(source))
    return entry[1]


# What ``_stored`` made, by the engine object's identity; bounded.
_STORED: dict[int, tuple[Any, Any]] = {}
_STORED_MAX = 50_000


_CONTEXTS: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
_MAX_CONTEXTS = 256
# The same by what a result's conditions and outputs name (each condition's id and parameters'
# names): on one date, with one parameter version, the names give the parameters. A result's
# conditions are the engine's kept outcomes, each with its names made once (``take``), so the
# shared part is found without collecting every use of every condition again.
_SIGNED: dict[tuple[Any, ...], tuple[dict[str, Any], str]] = {}
_MAX_SIGNED = 4_096


def _context(evaluation: PersonEvaluation, result: ProgramResult,
             uses: tuple[ParameterUse, ...]) -> tuple[dict[str, Any], str]:
    """The shared part and its digest, built once per program, dates, versions and set of
    parameters used (the values follow from the parameter version and the date)."""
    key = (result.program, evaluation.on, evaluation.announced, evaluation.parameter_version,
           evaluation.code_version, tuple((u.name, u.start) for u in uses),
           tuple(c.id for c in result.conditions))
    cached = _CONTEXTS.get(key)
    if cached is not None:
        return cached
    context = {
        "v": SNAPSHOT_VERSION,
        "program": {"code": result.program, "label": {"ko": result.label_ko,
                                                      "en": result.label_en}},
        "on": evaluation.on.isoformat(),
        "announced": evaluation.announced.isoformat(),
        "parameter_version": evaluation.parameter_version,
        "code_version": evaluation.code_version,
        "conditions": {c.id: {"ko": c.label_ko, "en": c.label_en} for c in result.conditions},
        "parameters": {u.name: _plain(u.as_dict()) for u in uses},
    }
    if len(_CONTEXTS) >= _MAX_CONTEXTS:
        _CONTEXTS.clear()
    _CONTEXTS[key] = entry = (context, hashlib.sha256(canonical(context)).hexdigest())
    return entry


def explanation(person: dict[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The stored decision in the shape of ``ProgramResult.as_dict()``, with the dates used."""
    parameters = context["parameters"]
    return {
        "program": context["program"]["code"],
        "label": context["program"]["label"],
        "on": context["on"],
        "announced": context["announced"],
        "parameter_version": context["parameter_version"],
        "code_version": context["code_version"],
        "eligible": person["eligible"],
        "failed": person["failed"],
        "to_verify": person["to_verify"],
        "priority_group": person["priority_group"],
        "bonus_points": person["bonus_points"],
        "monthly_pay_krw": person["monthly_pay_krw"],
        "pay_breakdown": person["pay_breakdown"],
        "conditions": [
            {"id": c["id"], "label": context["conditions"][c["id"]], "status": c["status"],
             "inputs": c["inputs"], "parameters": [parameters[n] for n in c["parameters"]],
             "exceptions": c["exceptions"]}
            for c in person["conditions"]
        ],
        "output_parameters": [parameters[n] for n in person["output_parameters"]],
        "output_exceptions": person["output_exceptions"],
    }


@dataclass
class _StoredCondition:
    """A condition read back from storage, with the attributes ``explain`` reads."""

    id: str
    label_ko: str
    label_en: str
    status: str
    inputs: dict[str, Any]
    parameters: list[ParameterUse]
    exceptions: list[str] = field(default_factory=list)


# A stored context's parameter read back once, not once per applicant: the same object then
# lets ``explain.parameter_text`` render its line once (an import's or a draw's thousands of
# decisions share a few contexts). Keyed by the stored dict's identity (kept, so never reused).
_USES: dict[int, tuple[Any, Any]] = {}
_USES_MAX = 20_000


def _use(data: dict[str, Any]) -> ParameterUse:
    return _once(data, _read_use, _USES, _USES_MAX)


def _read_use(data: dict[str, Any]) -> ParameterUse:
    return ParameterUse(name=data["name"], value=data["value"],
                        start=dt.date.fromisoformat(data["effective_from"]),
                        source=data["source"], kind=data["kind"], label_ko=data["label"]["ko"],
                        label_en=data["label"]["en"], unit=data.get("unit"))


def stored_result(person: dict[str, Any], context: dict[str, Any]) -> ProgramResult:
    """The stored decision as a ``ProgramResult`` the explanation functions accept."""
    whole = explanation(person, context)
    conditions = [
        _StoredCondition(c["id"], c["label"]["ko"], c["label"]["en"], c["status"], c["inputs"],
                         [_use(p) for p in c["parameters"]], list(c["exceptions"]))
        for c in whole["conditions"]
    ]
    return ProgramResult(
        program=whole["program"], label_ko=whole["label"]["ko"], label_en=whole["label"]["en"],
        eligible=whole["eligible"], failed=whole["failed"], to_verify=whole["to_verify"],
        priority_group=whole["priority_group"], bonus_points=whole["bonus_points"],
        monthly_pay_krw=whole["monthly_pay_krw"],
        conditions=cast(list[Any], conditions), pay_breakdown=whole["pay_breakdown"],
        output_parameters=[_use(p) for p in whole["output_parameters"]],
        output_exceptions=whole["output_exceptions"],
    )


def reason_lines(person: dict[str, Any], context: dict[str, Any],
                 langs: Sequence[str] = ("ko",), *, decision: bool = False) -> dict[str, list[str]]:
    """The applicant's reasons in plain language per language, exactly as the engine words
    them: the full check (``program_lines``), or with ``decision`` a not-eligible decision's
    reasons (``decision_lines``: the conditions not met or to be verified). Each distinct
    condition of a context (its id, status, the person's values, the
    parameters and exceptions) is worded once: a round's applicants share most of them (an
    import's 10,000 not-eligible decisions hold about 10,000 distinct conditions of 175,000),
    so a decision's words are mostly looked up (``_Wording``)."""
    wording = _wording(context)
    result = wording.result(person)
    words = decision_lines if decision else program_lines
    return {lang: words(result, lang, wording.lines) for lang in langs}


class _Wording:
    """A stored context's conditions read back once each (keyed by their content), and their
    lines (``program_lines``' and ``decision_lines``' memo, keyed by the shared condition's
    identity)."""

    __slots__ = ("context", "conditions", "lines")

    def __init__(self, context: dict[str, Any]) -> None:
        self.context = context
        self.conditions: dict[tuple[Any, ...], Any] = {}  # and the output parameters' lists
        self.lines: dict[tuple[int, str], list[str]] = {}

    def result(self, person: dict[str, Any]) -> ProgramResult:
        """``stored_result``, its conditions shared with every earlier person of the same ones."""
        context = self.context
        if len(self.conditions) >= _WORDING_MAX:
            self.conditions.clear()
            self.lines.clear()
        conditions = []
        for c in person["conditions"]:
            key = (c["id"], c["status"], repr(c["inputs"]), tuple(c["parameters"]),
                   tuple(c["exceptions"]))
            stored = self.conditions.get(key)
            if stored is None:
                label = context["conditions"][c["id"]]
                stored = self.conditions[key] = _StoredCondition(
                    c["id"], label["ko"], label["en"], c["status"], c["inputs"],
                    [_use(context["parameters"][n]) for n in c["parameters"]], list(c["exceptions"]))
            conditions.append(stored)
        label = context["program"]["label"]
        return ProgramResult(
            program=context["program"]["code"], label_ko=label["ko"], label_en=label["en"],
            eligible=person["eligible"], failed=person["failed"], to_verify=person["to_verify"],
            priority_group=person["priority_group"], bonus_points=person["bonus_points"],
            monthly_pay_krw=person["monthly_pay_krw"], conditions=cast(list[Any], conditions),
            pay_breakdown=person["pay_breakdown"],
            output_parameters=self._outputs(tuple(person["output_parameters"])),
            output_exceptions=person["output_exceptions"])

    def _outputs(self, names: tuple[str, ...]) -> list[ParameterUse]:
        uses = self.conditions.get(names)
        if uses is None:
            uses = self.conditions[names] = [_use(self.context["parameters"][n]) for n in names]
        return uses


def _wording(context: dict[str, Any]) -> _Wording:
    return _once(context, _Wording, _WORDINGS, 64)


# The wording of the stored contexts in use, by the context dict's identity (a caller reads a
# context once for all its applications: ``applications.adverse``, the views); bounded.
_WORDINGS: dict[int, tuple[Any, Any]] = {}
_WORDING_MAX = 50_000
