"""What the pages show of the rules engine: a program's rules as of a date, explained decisions,
parameters and their histories — shaped for templates, with every word translated.

The engine records which parameters a condition used only while it evaluates someone, so a
program's rules "as of" a date are read by evaluating a fixed probe person (a 35-year-old
unemployed Seoul resident): every formula reads its parameters whatever the person, so the
probe sees them all, and its full month of pay is the standard one (under 65, full hours).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ilja.i18n import Translator
from ilja.rules.engine import HELD, TO_VERIFY, Engine, PersonEvaluation, ProgramResult
from ilja.rules.model import PersonContext
from ilja.rules.parameters import DatedValue, Parameter, ParameterError, ParameterUse
from ilja.rules.population import Person
from ilja.web import countries
from ilja.web import format as fmt

ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"

PROBE = Person(
    id="probe", birth_date=dt.date(1990, 1, 1), sido="서울특별시", sigungu="중구",
    employment_status="unemployed", able_to_work=True, household_head=True, household_size=1,
    nationality="KR",
)

# How a person's value in an explanation is shown (unit keys of the catalogue's ``units``).
INPUT_UNITS = {
    "age": "years_age",
    "household_income_krw": "KRW",
    "household_assets_krw": "KRW",
    "household_size": "persons",
    "veteran_service_months": "months",
    "academy_courses": "courses",
}
# Conditions whose parameter may be null ("no limit") and that then hold for everyone.
NO_LIMIT_REASON = "held_no_limit"


@dataclass
class ParameterRow:
    name: str
    label: str
    value: str
    start: str
    source: str
    kind: str
    note: str | None = None
    current: bool = False


@dataclass
class ConditionView:
    id: str
    label: str
    status: str
    reason: str = ""
    inputs: list[tuple[str, str]] = field(default_factory=list)
    parameters: list[ParameterRow] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)


@dataclass
class PayLine:
    label: str
    formula: str
    amount: str
    kind: str | None = None
    source: str | None = None


@dataclass
class PayView:
    lines: list[PayLine]
    total: str
    summary: str


@dataclass
class ProgramView:
    code: str
    label: str
    status: str  # eligible | not_eligible | to_verify
    conditions: list[ConditionView]
    pay: PayView | None
    outputs: list[ParameterRow]
    bonus_points: str | None = None
    priority_group: bool | None = None
    exceptions: list[str] = field(default_factory=list)

    @property
    def sources(self) -> list[tuple[str, str]]:
        """Every distinct source the program's rules cite, with its kind."""
        seen: dict[str, str] = {}
        for row in [p for c in self.conditions for p in c.parameters] + self.outputs:
            seen.setdefault(row.source, row.kind)
        return sorted(seen.items(), key=lambda item: (item[1], item[0]))


def parameter_row(t: Translator, use: ParameterUse) -> ParameterRow:
    return ParameterRow(
        name=use.name,
        label=t.pick(use.label_ko, use.label_en),
        value=fmt.with_unit(t, use.value, use.unit, use.name),
        start=fmt.date(use.start),
        source=fmt.source_text(t, use.source),
        kind=use.kind,
    )


# Inputs the engine derives from the history: None there means "none", not "not given".
DERIVED_INPUTS = ("academy_courses", "last_academy_course_end", "last_quit_without_notice")


def _input_text(t: Translator, name: str, value: Any) -> str:
    if value is None:
        return t("values.none") if name in DERIVED_INPUTS else t("values.not_given")
    if name == "unemployment_benefit_periods":
        periods = [p.replace("/", " ~ ") for p in value]
        return ", ".join(periods) if periods else t("values.none")
    if name == "nationality":
        return countries.name(value, t.lang)
    unit = INPUT_UNITS.get(name)
    if unit and not isinstance(value, bool):
        return t(f"units.{unit}", n=fmt.number(value))
    return fmt.plain(t, value)


def _placeholders(t: Translator, inputs: dict[str, Any], uses: list[ParameterUse]) -> dict[str, str]:
    values = {name: fmt.plain(t, value) for name, value in inputs.items()}
    if inputs.get("nationality"):
        values["nationality"] = countries.name(inputs["nationality"], t.lang)
    for use in uses:
        values[use.name.rsplit(".", 1)[-1]] = fmt.plain(t, use.value, use.unit, use.name)
    return values


def _derived(t: Translator, condition_id: str, person: Person, uses: list[ParameterUse],
             on: dt.date, announced: dt.date) -> dict[str, str]:
    """Figures a reason quotes that are computed from parameters (the income limit in won)."""
    by_name = {u.name.rsplit(".", 1)[-1]: u for u in uses}
    if condition_id == "income_limit" and "monthly_by_household_size" in by_name:
        snapshot = {u.name: u for u in uses}
        x = PersonContext(person, snapshot, on, announced)
        median = int(x.by_household_size(by_name["monthly_by_household_size"].value))
        share = Decimal(str(by_name["income_limit_share_of_median"].value))
        return {"median_krw": fmt.number(median), "income_limit_krw": fmt.number(int(median * share))}
    if condition_id == "no_unemployment_benefit" and "unemployment_benefit_reference_date" in by_name:
        reference = by_name["unemployment_benefit_reference_date"].value
        return {"reference_day": fmt.date(announced if reference == "announcement" else on)}
    return {}


def _reason(t: Translator, condition: ConditionView, needs: tuple[str, ...], uses: list[ParameterUse],
            values: dict[str, str]) -> str:
    if condition.status == TO_VERIFY:
        fields = ", ".join(t(f"inputs.{name}") for name in needs)
        return t("reasons.to_verify", fields=fields)
    key = f"reasons.{condition.id}.{condition.status}"
    if (condition.status == HELD and any(u.value is None for u in uses)
            and t.has(f"reasons.{condition.id}.{NO_LIMIT_REASON}")):
        key = f"reasons.{condition.id}.{NO_LIMIT_REASON}"
    return t(key, **values)


def _pay_view(t: Translator, result: ProgramResult) -> PayView | None:
    pay = result.pay_breakdown
    if pay is None:
        return None
    uses = {u.name.rsplit(".", 1)[-1]: u for u in result.output_parameters}

    def line(label: str, formula: str, amount: int, use: ParameterUse | None) -> PayLine:
        return PayLine(label, formula, fmt.money(t, amount), use.kind if use else None,
                       fmt.source_text(t, use.source) if use else None)

    wage = fmt.money(t, pay["hourly_wage"])
    lines = [
        line(t("pay.work"), t("pay.times", wage=wage, hours=fmt.number(pay["work_hours"])),
             pay["work_pay"], uses.get("hourly_wage")),
        line(t("pay.weekly_holiday"), t("pay.times", wage=wage, hours=fmt.number(pay["weekly_holiday_hours"])),
             pay["weekly_holiday_pay"], uses.get("weekly_holiday_hours_per_standard_week")),
    ]
    allowances = 0
    for name, amount in pay["allowances"].items():
        use = uses.get(f"{name}_krw") or uses.get(name)
        label = t.pick(use.label_ko, use.label_en) if use else fmt.code(t, name)
        lines.append(line(label, t("pay.allowance"), amount, use))
        allowances += amount
    wage_total = pay["work_pay"] + pay["weekly_holiday_pay"]
    hours = fmt.number(pay["paid_hours"])
    if allowances:
        summary = t("pay.summary_with_allowances", wage=wage, hours=hours,
                    wage_total=fmt.money(t, wage_total), allowances=fmt.money(t, allowances),
                    total=fmt.money(t, pay["total"]))
    else:
        summary = t("pay.summary", wage=wage, hours=hours, total=fmt.money(t, pay["total"]))
    return PayView(lines, fmt.money(t, pay["total"]), summary)


def _status(result: ProgramResult) -> str:
    if result.failed:
        return NOT_ELIGIBLE
    return TO_VERIFY if result.to_verify else ELIGIBLE


def program_view(engine: Engine, t: Translator, result: ProgramResult, person: Person,
                 on: dt.date, announced: dt.date, *, explain: bool) -> ProgramView:
    """One program's result; with ``explain``, each condition carries its plain-language reason."""
    needs = {c.id: c.needs for c in engine.conditions(result.program)}
    conditions = []
    for outcome in result.conditions:
        view = ConditionView(
            id=outcome.id, label=t.pick(outcome.label_ko, outcome.label_en), status=outcome.status,
            parameters=[parameter_row(t, u) for u in outcome.parameters],
            exceptions=[t(f"exceptions.{e}") for e in outcome.exceptions],
        )
        if explain:
            view.inputs = [(t(f"inputs.{name}"), _input_text(t, name, value))
                           for name, value in outcome.inputs.items()]
            values = _placeholders(t, outcome.inputs, outcome.parameters)
            values.update(_derived(t, outcome.id, person, outcome.parameters, on, announced))
            absent = tuple(n for n in needs.get(outcome.id, ()) if outcome.inputs.get(n) is None)
            view.reason = _reason(t, view, absent, outcome.parameters, values)
        conditions.append(view)
    program = engine.programs[result.program]
    return ProgramView(
        code=result.program,
        label=t.pick(result.label_ko, result.label_en),
        status=_status(result),
        conditions=conditions,
        pay=_pay_view(t, result),
        outputs=[parameter_row(t, u) for u in result.output_parameters],
        bonus_points=fmt.number(result.bonus_points) if program.output("bonus") else None,
        priority_group=result.priority_group if program.output("priority") else None,
        exceptions=[t(f"exceptions.{e}") for e in result.output_exceptions],
    )


def program_rules(engine: Engine, t: Translator, code: str, on: dt.date) -> ProgramView:
    """The rules of ``code`` in force on ``on`` (KeyError: unknown program;
    ParameterError: no rules recorded for that date)."""
    evaluation = engine.evaluate_person(PROBE, on, on, programs=[code])
    return program_view(engine, t, evaluation.results[0], PROBE, on, on, explain=False)


def explain(engine: Engine, t: Translator, evaluation: PersonEvaluation, person: Person) -> list[ProgramView]:
    return [program_view(engine, t, r, person, evaluation.on, evaluation.announced, explain=True)
            for r in evaluation.results]


@dataclass
class ParameterGroup:
    key: str
    label: str
    rows: list[ParameterRow]


def _entry_at(parameter: Parameter, on: dt.date) -> DatedValue | None:
    try:
        return parameter.entry_at(on)
    except ParameterError:
        return None


def parameter_groups(engine: Engine, t: Translator, on: dt.date) -> list[ParameterGroup]:
    """Every parameter, grouped by the program its name starts with, with its value on ``on``."""
    groups: dict[str, list[ParameterRow]] = {}
    for parameter in sorted(engine.tree, key=lambda p: p.name):
        entry = _entry_at(parameter, on)
        row = ParameterRow(
            name=parameter.name, label=t.pick(parameter.label_ko, parameter.label_en),
            value=fmt.with_unit(t, entry.value, parameter.unit, parameter.name) if entry else t("values.not_in_force"),
            start=fmt.date(entry.start) if entry else "",
            source=fmt.source_text(t, entry.source) if entry else "",
            kind=entry.kind if entry else "",
        )
        groups.setdefault(parameter.name.split(".", 1)[0], []).append(row)
    order = [code for code in engine.programs if code in groups] + sorted(set(groups) - set(engine.programs))
    return [ParameterGroup(key, group_label(engine, t, key), groups[key]) for key in order]


def group_label(engine: Engine, t: Translator, key: str) -> str:
    program = engine.programs.get(key)
    if program is not None:
        return t.pick(program.label_ko, program.label_en)
    return t(f"parameters.groups.{key}") if t.has(f"parameters.groups.{key}") else key


@dataclass
class ParameterHistory:
    name: str
    label: str
    description: str
    unit: str | None
    file: str
    group: str
    rows: list[ParameterRow]


def parameter_history(engine: Engine, t: Translator, name: str, on: dt.date) -> ParameterHistory:
    """A parameter's dated values, the one in force on ``on`` marked (ParameterError: unknown)."""
    parameter = engine.tree.get(name)
    current = _entry_at(parameter, on)
    rows = [
        ParameterRow(
            name=parameter.name, label="",
            value=fmt.with_unit(t, v.value, parameter.unit, parameter.name), start=fmt.date(v.start),
            source=fmt.source_text(t, v.source), kind=v.kind, note=v.note, current=v is current,
        )
        for v in parameter.values
    ]
    return ParameterHistory(
        name=parameter.name, label=t.pick(parameter.label_ko, parameter.label_en),
        description=parameter.description, unit=parameter.unit, file=parameter.file,
        group=parameter.name.split(".", 1)[0], rows=rows,
    )
