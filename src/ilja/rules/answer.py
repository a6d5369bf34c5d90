"""The eligibility answer as ``POST /api/v1/eligibility`` sends it: JSON bytes, made from parts.

An answer is mostly the same for everyone checked on the same date: each parameter a condition
used (its value, source and citations, its line in both languages), each condition's label and
status. Building that through the response models for every person took most of an explained
check's time. Here each such part is encoded once and kept (a parameter by its dated value, a
condition by its status and what it used, a person's value by its name and value); a person's
answer joins the parts and encodes only what is theirs. The bytes are the ones the response models
gave (``tests/rules/test_answer.py`` holds them equal on generated persons); the models stay the
schema the API documents.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ilja.rules.engine import TO_VERIFY, ConditionOutcome, PersonEvaluation, ProgramResult
from ilja.rules.explain import (
    condition_head,
    input_text,
    output_lines,
    used_lines,
    verdict_line,
)
from ilja.rules.parameters import ParameterUse
from ilja.rules.sources import default_registry

LANGS = ("ko", "en")


def _default(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


# Compact and in UTF-8, as Pydantic writes JSON.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode


_string = json.encoder.encode_basestring  # a str as JSON writes it without ensure_ascii


def _json(value: Any) -> bytes:
    return _encode(value).encode()


def _array(parts: list[bytes]) -> bytes:
    return b"[" + b",".join(parts) + b"]"


class _Bounded(dict):
    """A memo that starts over when full (the parts of a few dates and programs fit easily)."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key: Any, value: Any) -> Any:
        if len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


# A snapshot's ParameterUse objects are shared by every check on its date: keyed by identity,
# with the objects kept in the entry, so that no other object can take their ids while it lives.
_USES: _Bounded = _Bounded(20_000)
_USED: _Bounded = _Bounded(20_000)
_HEADS: _Bounded = _Bounded(5_000)
_INPUTS: _Bounded = _Bounded(50_000)
_NUMBERS: _Bounded = _Bounded(1_000)
_DATES: _Bounded = _Bounded(1_000)
_PROGRAMS: _Bounded = _Bounded(5_000)
_OUTPUTS: _Bounded = _Bounded(5_000)
_STRINGS: _Bounded = _Bounded(5_000)
_OUTPUT_USES: _Bounded = _Bounded(5_000)


def _use(use: ParameterUse) -> bytes:
    """A parameter use as ``ParameterUseOut`` writes it (its source first, citations last)."""
    entry = _USES.get(id(use))
    if entry is None:
        citations = [{"key": s.key, "title": {"ko": s.title_ko, "en": s.title_en}}
                     for s in default_registry().cited(use.source)]
        entry = _USES.put(id(use), (use, _json({
            "source": use.source, "name": use.name, "value": use.value,
            "effective_from": use.start.isoformat(), "kind": use.kind,
            "label": {"ko": use.label_ko, "en": use.label_en}, "unit": use.unit,
            "citations": citations,
        })))
    return entry[1]


def _used(outcome: ConditionOutcome) -> tuple[bytes, bytes, bytes]:
    """What follows a condition's inputs: its parameters and exceptions in JSON, and the lines
    under its head in both languages (each a JSON string with its leading comma)."""
    uses, exceptions = outcome.parameters, outcome.exceptions
    key = (*map(id, uses), *exceptions)
    entry = _USED.get(key)
    if entry is None:
        tail = (b',"parameters":' + _array([_use(u) for u in uses])
                + b',"exceptions":' + _json(exceptions) + b"}")
        ko, en = (b"".join([b"," + _json(f"  {line}") for line in used_lines(uses, exceptions, lang)])
                  for lang in LANGS)
        entry = _USED.put(key, (tuple(uses), tail, ko, en))
    return entry[1], entry[2], entry[3]


def _head(outcome: ConditionOutcome) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """A condition's parts before the person's values: the JSON object's opening up to its
    inputs, and its first line in each language, open (without its closing quote) where the
    person's values follow it."""
    key = (outcome.id, outcome.label_ko, outcome.label_en, outcome.status)
    entry = _HEADS.get(key)
    if entry is None:
        opening = (b'{"id":' + _json(outcome.id) + b',"label":'
                   + _json({"ko": outcome.label_ko, "en": outcome.label_en})
                   + b',"status":' + _json(outcome.status) + b',"inputs":')
        lines = [f"  {condition_head(outcome, '', lang)}" for lang in LANGS]
        # closed, and open with " — " where the person's values follow
        entry = _HEADS.put(key, (opening, *(b"," + _json(line) for line in lines),
                                 *(b"," + _json(f"{line} — ")[:-1] for line in lines)))
    return entry


def _input(name: str, value: Any) -> tuple[bytes, bytes, bytes]:
    """One of the person's values: ``"name":value`` and its words in each language (inside a
    JSON string). Kept by name and value; a field's values are all of one type. A whole number
    (an income, an age) is written at once: its words are its label and its digits."""
    if type(value) is int:
        name_json, label_ko, label_en = _number_parts(name)
        digits = f"{value:,}".encode()
        return name_json + str(value).encode(), label_ko + digits, label_en + digits
    key = (name, tuple(value) if isinstance(value, list) else value)
    entry = _INPUTS.get(key)
    if entry is None:
        entry = _INPUTS.put(key, (
            _json(name) + b":" + _json(value),
            *(_json(input_text(name, value, lang))[1:-1] for lang in LANGS),
        ))
    return entry


def _number_parts(name: str) -> tuple[bytes, bytes, bytes]:
    """``"name":`` and the words before a number's digits in each language (inside a JSON
    string), as ``input_text`` writes them."""
    entry = _NUMBERS.get(name)
    if entry is None:
        entry = _NUMBERS.put(name, (_json(name) + b":", *(_json(input_text(name, "", lang))[1:-1]
                                                          for lang in LANGS)))
    return entry


# A condition's parts: its JSON object, its lines in Korean and its lines in English.
_Said = tuple[tuple[bytes, bytes], tuple[bytes, bytes], tuple[bytes, bytes]]


def _condition(outcome: ConditionOutcome) -> _Said:
    """A condition as ``ConditionOut`` writes it, and its lines in Korean and English (each
    line a JSON string with its leading comma), as parts: the parameters' parts, the largest,
    are copied once, into the answer. The engine gives an outcome it has kept to everyone with
    the same facts: its parts are made once, and kept on it."""
    said = outcome.kept
    if said is None:
        said = outcome.kept = _said(outcome, outcome.inputs)
    return said


def _said(outcome: ConditionOutcome, shown: dict[str, Any]) -> _Said:
    opening, closed_ko, closed_en, open_ko, open_en = _head(outcome)
    tail, lines_ko, lines_en = _used(outcome)
    inputs = [_input(name, value) for name, value in shown.items()]
    start = opening + b"{" + b",".join([i[0] for i in inputs]) + b"}"
    if outcome.status == TO_VERIFY or not inputs:
        return (start, tail), (closed_ko, lines_ko), (closed_en, lines_en)
    return ((start, tail),
            (open_ko + b", ".join([i[1] for i in inputs]) + b'"', lines_ko),
            (open_en + b", ".join([i[2] for i in inputs]) + b'"', lines_en))


def _program(result: ProgramResult) -> tuple[bytes, bytes, bytes]:
    """The parts of a program's answer that do not depend on the person: its opening, and its
    verdict line in each language (by eligibility and how many facts are still to verify)."""
    key = (result.program, result.label_ko, result.label_en, result.eligible,
           len(result.to_verify))
    entry = _PROGRAMS.get(key)
    if entry is None:
        opening = (b'{"program":' + _json(result.program) + b',"label":'
                   + _json({"ko": result.label_ko, "en": result.label_en}) + b',"eligible":'
                   + (b"true" if result.eligible else b"false"))
        entry = _PROGRAMS.put(key, (opening, *(_json(verdict_line(result, lang))
                                               for lang in LANGS)))
    return entry


def _strings(values: list[str]) -> bytes:
    """A list of condition ids or exception ids in JSON (few distinct lists recur)."""
    key = tuple(values)
    entry = _STRINGS.get(key)
    if entry is None:
        entry = _STRINGS.put(key, _json(values))
    return entry


def _uses(uses: list[ParameterUse]) -> bytes:
    """A program's output parameters in JSON, kept by the uses' identities (see ``_USES``)."""
    key = tuple(map(id, uses))
    entry = _OUTPUT_USES.get(key)
    if entry is None:
        entry = _OUTPUT_USES.put(key, (tuple(uses), _array([_use(u) for u in uses])))
    return entry[1]


def _outputs(result: ProgramResult) -> tuple[bytes, bytes, bytes]:
    """From priority group to pay breakdown in JSON, and the last lines in each language; kept
    by those values (a few pay scales and point totals recur)."""
    pay = result.pay_breakdown
    key = (result.priority_group, result.bonus_points, result.monthly_pay_krw,
           None if pay is None else (*(pay[k] for k in _PAY_FIELDS), tuple(pay["allowances"].items())))
    entry = _OUTPUTS.get(key)
    if entry is None:
        entry = _OUTPUTS.put(key, _said_outputs(result))
    return entry


_PAY_FIELDS = ("hourly_wage", "work_hours", "weekly_holiday_hours", "paid_hours", "work_pay",
               "weekly_holiday_pay", "total")


def _said_outputs(result: ProgramResult) -> tuple[bytes, bytes, bytes]:
    return (
        b',"priority_group":' + (b"true" if result.priority_group else b"false")
        + b',"bonus_points":' + repr(result.bonus_points).encode()
        + b',"monthly_pay_krw":' + (b"null" if result.monthly_pay_krw is None
                                    else str(result.monthly_pay_krw).encode())
        + b',"pay_breakdown":' + _json(result.pay_breakdown),
        *(b"".join(b"," + _json(line) for line in output_lines(result, lang)) for lang in LANGS),
    )


def _result(result: ProgramResult) -> tuple[bytes, ...]:
    """A program's answer as parts. A result made from a shape the engine keeps (everyone with
    the same outcomes has it) is said once, and its parts kept on the shape: they refer to the
    parts shared by every answer, so a shape keeps little of its own."""
    shape = result.shape
    if shape is None:
        return _said_result(result)
    said = shape.kept
    if said is None:
        said = shape.kept = _said_result(result)
    return said


def _said_result(result: ProgramResult) -> tuple[bytes, ...]:
    opening, verdict_ko, verdict_en = _program(result)
    said, output_ko, output_en, uses, exceptions = _result_outputs(result)
    out = [opening, b',"failed":', _strings(result.failed), b',"to_verify":',
           _strings(result.to_verify), said, b',"conditions":[']
    ko, en = [b'],"output_parameters":', uses, b',"output_exceptions":', exceptions,
              b',"explanation":{"ko":[', verdict_ko], [b'],"en":[', verdict_en]
    for i, outcome in enumerate(result.conditions):
        said, said_ko, said_en = _condition(outcome)
        if i:
            out.append(b",")
        out += said
        ko += said_ko
        en += said_en
    ko.append(output_ko)
    en.append(output_en)
    en.append(b"]}}")
    return (*out, *ko, *en)


def _result_outputs(result: ProgramResult) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    """A program's outputs: from priority group to pay breakdown, the last lines in each
    language, the output parameters and exceptions; kept on the engine's outputs where the
    result has them (everyone with the same output verdicts shares them)."""
    outputs = None if result.shape is None else result.shape.outputs
    if outputs is not None and outputs.kept is not None:
        return outputs.kept
    said = (*_outputs(result), _uses(result.output_parameters), _strings(result.output_exceptions))
    if outputs is not None:
        outputs.kept = said
    return said


def _dates(on: dt.date, announced: dt.date, parameter_version: str, code_version: str) -> bytes:
    """What follows the person's id: the dates and the versions, up to the results."""
    key = (on, announced, parameter_version, code_version)
    entry = _DATES.get(key)
    if entry is None:
        entry = _DATES.put(key, (f',"on":"{on.isoformat()}","announced":"{announced.isoformat()}",'
                                 f'"parameter_version":{_string(parameter_version)},'
                                 f'"code_version":{_string(code_version)},"results":[').encode())
    return entry


def eligibility_json(evaluation: PersonEvaluation) -> bytes:
    """The whole answer of ``POST /api/v1/eligibility`` for one evaluation, as JSON bytes."""
    out = [b'{"person_id":', _string(evaluation.person_id).encode(),
           _dates(evaluation.on, evaluation.announced, evaluation.parameter_version,
                  evaluation.code_version)]
    for i, result in enumerate(evaluation.results):
        if i:
            out.append(b",")
        out += _result(result)
    out.append(b"]}")
    return b"".join(out)
