"""What the pages show of the 2025 plan (``ilja.programs.plan``): program cards, a program's
tracks and figures, the Seoul districts, and the plan page with its warnings — translated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ilja.i18n import Translator
from ilja.programs.loader import load_plan
from ilja.programs.plan import Figure, Plan, ProgramPlan, Target
from ilja.rules.engine import Engine
from ilja.rules.parameters import ParameterError
from ilja.rules.sources import default_registry
from ilja.web import format as fmt
from ilja.web.rules_view import program_rules

DERIVED_METRICS = ("budget", "projects", "people")


def plan() -> Plan:
    return load_plan()


def _text(t: Translator, text: Any) -> str:
    return t.pick(text.ko, text.en) if text is not None else ""


def figure(t: Translator, value: float | int | None, unit: str, *, approximate: bool = False,
           value_max: float | int | None = None, comparison: str = "eq") -> str:
    """A plan figure with its unit: ``12,890명``, ``약 3,500명``, ``94,291백만원``, ``80~90%``."""
    if value is None:
        return t("plan.none")
    shown = fmt.number(value)
    if comparison == "range" and value_max is not None:
        shown = t("figures.range", low=shown, high=fmt.number(value_max))
    key = f"units.{unit}"
    text = t(key, n=shown) if t.has(key) else f"{shown} {unit}"
    if comparison == "at_least":
        text = t("figures.at_least", value=text)
    return t("figures.about", value=text) if approximate else text


def figure_of(t: Translator, fig: Figure | None) -> str:
    if fig is None:
        return t("plan.none")
    return figure(t, fig.value, fig.unit, approximate=fig.approximate)


def districts(t: Translator) -> list[tuple[str, str]]:
    """Seoul's 25 districts as select options: the value is the Korean name (the person format's
    ``sigungu``), the label is in the page's language."""
    options = []
    for d in plan().districts:
        label = d.name.ko if t.lang == "ko" else f"{d.name.en} ({d.name.ko})"
        options.append((d.name.ko, label))
    return options


@dataclass
class ProgramCard:
    code: str
    name: str
    who: str
    pay: str | None
    budget: str | None
    people: str | None
    children: list[tuple[str, str]] = field(default_factory=list)


def _monthly_pay(engine: Engine, t: Translator, code: str, on: dt.date) -> str | None:
    if code not in engine.programs:
        return None
    try:
        rules = program_rules(engine, t, code, on)
    except ParameterError:
        return None
    return rules.pay.total if rules.pay else None


def _people(t: Translator, p: Plan, program: ProgramPlan) -> str | None:
    """The program's headcount, or else its trainees a year in the plan year (the academy)."""
    if program.people is not None:
        return figure_of(t, program.people)
    for target in p.targets_for("trainees_per_year", p.year):
        if target.program == program.code:
            return figure(t, target.value, target.unit, approximate=target.approximate)
    return None


def program_cards(engine: Engine, t: Translator, on: dt.date) -> list[ProgramCard]:
    """The top-level programs of the plan, with who they are for, pay (from the rules as of ``on``),
    budget and headcount, and links to their sub-programs."""
    p = plan()
    cards = []
    for program in p.programs:
        if program.parent is not None:
            continue
        cards.append(ProgramCard(
            code=program.code,
            name=_text(t, program.name),
            who=_text(t, program.target_group),
            pay=_monthly_pay(engine, t, program.code, on),
            budget=figure_of(t, program.budget) if program.budget else None,
            people=_people(t, p, program),
            children=[(f"/programs/{c.code}", _text(t, c.name)) for c in p.children(program.code)],
        ))
    return cards


@dataclass
class TrackRow:
    name: str
    kind: str
    projects: str
    people: str
    examples: str


def _track_rows(t: Translator, program: ProgramPlan) -> list[TrackRow]:
    rows = []
    for track in program.tracks:
        examples = [_text(t, e) for e in track.examples]
        if track.linked_course is not None:
            examples.append(t("plan.linked_course", course=_text(t, track.linked_course)))
        rows.append(TrackRow(
            name=_text(t, track.name),
            kind=t(f"plan.track_kinds.{track.kind}"),
            projects=figure_of(t, track.projects) if track.projects else t("plan.none"),
            people=figure_of(t, track.people) if track.people else t("plan.none"),
            examples=", ".join(examples) or t("plan.none"),
        ))
    return rows


@dataclass
class Fact:
    label: str
    value: str
    source: str = ""


@dataclass
class ProgramPlanView:
    summary: str
    facts: list[Fact]
    tracks: list[TrackRow]
    rule_changes: list[tuple[str, str]]


def program_plan(t: Translator, code: str) -> ProgramPlanView | None:
    """The plan's figures of one program (None when the plan does not list it)."""
    try:
        program = plan().program(code)
    except KeyError:
        return None
    facts = []
    for key, value in (("target_group", program.target_group), ("legal_basis", program.legal_basis)):
        if value is not None:
            facts.append(Fact(t(f"plan.facts.{key}"), _text(t, value), fmt.source_text(t, value.source)))
    for key in DERIVED_METRICS:
        fig: Figure | None = getattr(program, key)
        if fig is not None:
            facts.append(Fact(t(f"plan.facts.{key}"), figure_of(t, fig), fmt.source_text(t, fig.source)))
    if program.pay is not None:
        facts.append(Fact(t("plan.facts.pay"), _text(t, program.pay), fmt.source_text(t, program.pay.source)))
    for period in program.periods:
        end = fmt.date(period.end) if period.end else ""
        facts.append(Fact(t("plan.facts.period", label=_text(t, period.label)),
                          f"{fmt.date(period.start)} ~ {end}", fmt.source_text(t, period.source)))
    for fig in program.figures.values():
        facts.append(Fact(_text(t, fig.label), figure_of(t, fig), fmt.source_text(t, fig.source)))
    return ProgramPlanView(
        summary=_text(t, program.summary),
        facts=facts,
        tracks=_track_rows(t, program),
        rule_changes=[(_text(t, c), fmt.source_text(t, c.source)) for c in program.rule_changes],
    )


def related_programs(engine: Engine, t: Translator, code: str) -> list[tuple[str, str]]:
    """Links to the parent program and the sub-programs (매력일자리 and its projects)."""
    p = plan()
    try:
        program = p.program(code)
    except KeyError:
        return []
    codes = [program.parent] if program.parent else []
    codes += [c.code for c in p.children(program.parent or code) if c.code != code]
    links = []
    for other in codes:
        if other in engine.programs:
            links.append((f"/programs/{other}", _text(t, p.program(other).name)))
    return links


@dataclass
class WarningRow:
    code: str
    subject: str
    stated: str
    computed: str
    message: str
    sources: list[str]


@dataclass
class TargetRow:
    label: str
    year: str
    kind: str
    value: str
    source: str


@dataclass
class PlanPage:
    title: str
    version: str
    warnings: list[WarningRow]
    programs: list[dict[str, str]]
    tracks: list[tuple[str, list[TrackRow]]]
    campuses: list[dict[str, str]]
    institutes: list[dict[str, str]]
    targets: list[tuple[str, list[TargetRow]]]
    sources: list[dict[str, str]]
    checks_total: int


def _subject(t: Translator, p: Plan, subject: str) -> str:
    """A warning's subject (a program, track or site code) by name where the plan knows it."""
    head = subject.split(":", 1)[0]
    names = {prog.code: prog.name for prog in p.programs}
    names.update({track.code: track.name for track in p.tracks})
    names.update({c.code: c.name for c in p.campuses})
    names.update({i.code: i.name for i in p.institutes})
    if head in names:
        rest = subject[len(head) + 1:]
        return _text(t, names[head]) + (f" ({rest})" if rest else "")
    return subject


def _stated(t: Translator, value: Any) -> str:
    """A warning's figure: a number with separators, a month (``2025-10``) or a period
    (``P5M20D``) in words."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return fmt.number(value)
    if re.fullmatch(r"\d{4}-\d{2}", str(value)):
        return fmt.month(t, value)
    return fmt.duration(t, value)


def _target_row(t: Translator, target: Target) -> TargetRow:
    value = figure(t, target.value, target.unit, approximate=target.approximate,
                   value_max=target.value_max, comparison=target.comparison)
    year = str(target.year) if target.year is not None else t("plan.year_unknown")
    if target.as_of:
        year = f"{year} ({target.as_of})"
    return TargetRow(_text(t, target.label), year, t(f"plan.target_kinds.{target.kind}"), value,
                     fmt.source_text(t, target.source))


def plan_page(t: Translator) -> PlanPage:
    p = plan()
    warnings = [
        WarningRow(w.code, _subject(t, p, w.subject), _stated(t, w.stated), _stated(t, w.computed),
                   t.pick(w.message_ko, w.message_en), [fmt.source_text(t, s) for s in w.sources])
        for w in p.warnings
    ]
    programs = [
        {"code": prog.code, "name": _text(t, prog.name),
         "budget": figure_of(t, prog.budget) if prog.budget else t("plan.none"),
         "projects": figure_of(t, prog.projects) if prog.projects else t("plan.none"),
         "people": figure_of(t, prog.people) if prog.people else t("plan.none")}
        for prog in p.programs
    ]
    tracks = [(_text(t, prog.name), _track_rows(t, prog)) for prog in p.programs if prog.tracks]
    campuses = []
    for c in p.campuses:
        opening = c.opening
        if opening is not None:
            opened = t(f"plan.opening.{opening.status}", when=opening.label)
        elif c.opened_by is not None:
            opened = t("plan.opening.by", year=c.opened_by.year)
        else:
            opened = t("plan.none")
        campuses.append({
            "name": _text(t, c.name), "district": _text(t, c.district_name),
            "opened": opened,
            "specialisation": ", ".join(
                _text(t, s.label) + ("" if s.status == "operating" else f" ({t('plan.planned')})")
                for s in c.specialisations) or t("plan.none"),
            "area": figure_of(t, c.floor_area) if c.floor_area else t("plan.none"),
        })
    institutes = [
        {"name": _text(t, i.name), "address": _text(t, i.address),
         "founded": str(i.founded.value), "trainees": figure_of(t, i.trainees)}
        for i in p.institutes
    ]
    names = {prog.code: _text(t, prog.name) for prog in p.programs}
    grouped: dict[str, list[TargetRow]] = {}
    for target in p.targets:
        if target.metric in DERIVED_METRICS:
            continue
        group = names.get(target.program or "", t("plan.whole_plan"))
        grouped.setdefault(group, []).append(_target_row(t, target))
    sources = [
        {"title": s.title(t.lang), "issuer": s.issuer(t.lang), "date": s.date or ""}
        for s in default_registry() if s.key in p.sources
    ]
    return PlanPage(
        title=_text(t, p.title), version=p.version, warnings=warnings, programs=programs,
        tracks=tracks, campuses=campuses, institutes=institutes, targets=list(grouped.items()),
        sources=sources, checks_total=len(p.checks),
    )
