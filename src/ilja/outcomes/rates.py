"""Employment rates (취업률) under a dated definition, with numerator, denominator and the people in
each, so that a headline figure can be opened down to the completers behind it.

The documents give three figures: the cumulative rate (75.4% through 2025), the mid-term rate for
April–September 2025 (49%) and the 1089 target (80–90% into quality jobs) —
seoul-2025-academy-2-0-release §‘1자치구 1캠퍼스 시대’ 완성, §AI 중심으로 교육 전면 개편, §1089 프로젝트 추진.
They do not say how each is counted, so each definition is a set of dated parameters under
``rules/parameters/outcomes/`` (which outcomes count, within which window, who leaves the
denominator). This module is pure: plain records in, plain results out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Literal

from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree


class OutcomeKind(StrEnum):
    """What a completer did next (취업, 창업, 진학, 구직 중)."""

    EMPLOYED = "employed"
    STARTUP = "startup"
    FURTHER_STUDY = "further_study"
    LOOKING = "looking"


class ContractType(StrEnum):
    PERMANENT = "permanent"  # 정규직
    FIXED_TERM = "fixed_term"  # 계약직
    PART_TIME = "part_time"  # 시간제
    DISPATCH = "dispatch"  # 파견
    INTERNSHIP = "internship"  # 인턴
    FREELANCE = "freelance"  # 프리랜서


class OutcomeSource(StrEnum):
    SELF_REPORT = "self_report"  # 본인 응답
    COORDINATOR = "coordinator_verified"  # 잡코디 확인
    INSURANCE = "employment_insurance"  # 고용보험 가입 이력


class DefinitionName(StrEnum):
    CUMULATIVE = "cumulative_rate"
    MIDTERM = "midterm_rate"
    TARGET = "target_rate"


@dataclass(frozen=True, slots=True)
class Completer:
    """One completion (수료) of a course or a public job: the unit an employment rate counts."""

    id: int
    person_id: int | None
    program: str
    completed_on: dt.date
    track: str | None = None
    campus: str | None = None
    district: str | None = None
    course: str | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome as recorded: ``effective_on`` is when the job, start-up or study began (for
    "still looking", the day it was observed); ``recorded_on`` is when Ilja learned it."""

    completer_id: int
    kind: str
    effective_on: dt.date
    recorded_on: dt.date
    contract_type: str | None = None
    source: str = OutcomeSource.SELF_REPORT.value


@dataclass(frozen=True, slots=True)
class RateDefinition:
    name: str
    on: dt.date
    programs: frozenset[str]
    counted_outcomes: frozenset[str]
    counted_contract_types: frozenset[str] | None
    window_months: int | None
    excluded_from_denominator: frozenset[str]
    since: dt.date | None = None
    period_months: tuple[int, int] | None = None
    uses: tuple[ParameterUse, ...] = ()

    @property
    def cohort(self) -> Literal["through", "period"]:
        return "period" if self.period_months else "through"

    def counts(self, outcome: Outcome) -> bool:
        if outcome.kind not in self.counted_outcomes:
            return False
        if outcome.kind == OutcomeKind.EMPLOYED and self.counted_contract_types is not None:
            return outcome.contract_type in self.counted_contract_types
        return True


def _list(value: object) -> frozenset[str] | None:
    return None if value is None else frozenset(str(v) for v in value)  # type: ignore[attr-defined]


def definition(name: DefinitionName | str, on: dt.date, tree: ParameterTree | None = None) -> RateDefinition:
    """The definition ``outcomes.<name>.*`` in force on ``on``, with the parameters it used."""
    tree = tree or default_tree()
    prefix = f"outcomes.{DefinitionName(name).value}."
    uses = {p.name[len(prefix):]: p.use_at(on) for p in tree if p.name.startswith(prefix)}
    value = {key: use.value for key, use in uses.items()}
    since = value.get("since")
    period = None
    if value.get("period_start_month") is not None:
        period = (int(value["period_start_month"]), int(value["period_end_month"]))
    window = value.get("window_months")
    return RateDefinition(
        name=DefinitionName(name).value,
        on=on,
        programs=_list(value["programs"]) or frozenset(),
        counted_outcomes=_list(value["counted_outcomes"]) or frozenset(),
        counted_contract_types=_list(value.get("counted_contract_types")),
        window_months=None if window is None else int(window),
        excluded_from_denominator=_list(value.get("excluded_from_denominator")) or frozenset(),
        since=dt.date.fromisoformat(str(since)) if since else None,
        period_months=period,
        uses=tuple(uses[k] for k in sorted(uses)),
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_after(completed_on: dt.date, effective_on: dt.date) -> int:
    """The fewest whole months ``m`` ≥ 0 with ``effective_on <= add_months(completed_on, m)``:
    an outcome lies within a window of ``w`` months exactly when ``months_after <= w``. Stored
    with each outcome so that the database tests a window without date arithmetic."""
    months = (effective_on.year - completed_on.year) * 12 + effective_on.month - completed_on.month
    if months < 0:
        return 0
    return months if effective_on <= add_months(completed_on, months) else months + 1


@dataclass(frozen=True, slots=True)
class Cohort:
    """Completions from ``start`` to ``end`` (inclusive), outcomes as known on ``as_of``."""

    start: dt.date
    end: dt.date
    as_of: dt.date


def cohort_for(rule: RateDefinition, *, year: int, as_of: dt.date | None = None) -> Cohort:
    """The cohort a definition measures for ``year``: its period (mid-term: April–September of
    the year) or everyone from ``since`` to the end of the year (cumulative)."""
    if rule.period_months:
        first, last = rule.period_months
        start = dt.date(year, first, 1)
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
    else:
        start = rule.since or dt.date(1900, 1, 1)
        end = dt.date(year, 12, 31)
    if as_of is not None and as_of < end:
        end = as_of
    return Cohort(start, end, as_of or end)


Status = Literal["counted", "not_counted", "excluded"]


@dataclass(frozen=True, slots=True)
class Member:
    """A completer's place in a rate: in the numerator (``counted``), only in the denominator
    (``not_counted``), or out of both (``excluded``), with the outcome that decided it."""

    completer: Completer
    status: Status
    outcome: str | None
    contract_type: str | None = None


@dataclass(frozen=True)
class Rate:
    definition: RateDefinition
    cohort: Cohort
    members: tuple[Member, ...]
    numerator: int = field(init=False)
    denominator: int = field(init=False)

    def __post_init__(self) -> None:
        counted = sum(1 for m in self.members if m.status == "counted")
        object.__setattr__(self, "numerator", counted)
        object.__setattr__(self, "denominator",
                           sum(1 for m in self.members if m.status != "excluded"))

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)

    def ids(self, status: Status) -> list[int]:
        return [m.completer.id for m in self.members if m.status == status]

    @property
    def numerator_ids(self) -> list[int]:
        return self.ids("counted")

    @property
    def denominator_ids(self) -> list[int]:
        return [m.completer.id for m in self.members if m.status != "excluded"]


def percent(numerator: int, denominator: int, places: int = 1) -> Decimal | None:
    """numerator / denominator in percent, rounded half up (75.35 → 75.4); None for 0/0."""
    if denominator == 0:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(quantum, ROUND_HALF_UP)


def classify(rule: RateDefinition, completer: Completer, outcomes: Iterable[Outcome],
             as_of: dt.date) -> Member:
    """Where one completer stands: a counted outcome within the window and known by ``as_of``
    puts them in the numerator; else an excluded outcome (further study) takes them out of the
    denominator; else they stay in the denominator with their latest known outcome, if any."""
    known = sorted((o for o in outcomes if o.recorded_on <= as_of and o.effective_on <= as_of),
                   key=lambda o: (o.effective_on, o.recorded_on))
    limit = None if rule.window_months is None else add_months(completer.completed_on, rule.window_months)
    in_window = [o for o in known if limit is None or o.effective_on <= limit]
    for outcome in in_window:
        if rule.counts(outcome):
            return Member(completer, "counted", outcome.kind, outcome.contract_type)
    for outcome in in_window:
        if outcome.kind in rule.excluded_from_denominator:
            return Member(completer, "excluded", outcome.kind)
    latest = known[-1] if known else None
    return Member(completer, "not_counted", latest.kind if latest else None,
                  latest.contract_type if latest else None)


def compute_rate(rule: RateDefinition, completers: Iterable[Completer], outcomes: Iterable[Outcome],
                 cohort: Cohort) -> Rate:
    """The rate over completers of the definition's programs who completed within the cohort."""
    by_completer: dict[int, list[Outcome]] = {}
    for outcome in outcomes:
        by_completer.setdefault(outcome.completer_id, []).append(outcome)
    members = tuple(
        classify(rule, c, by_completer.get(c.id, ()), cohort.as_of)
        for c in sorted(completers, key=lambda c: c.id)
        if c.program in rule.programs and cohort.start <= c.completed_on <= cohort.end
    )
    return Rate(rule, cohort, members)


Dimension = Literal["program", "track", "campus", "district", "course", "field", "month", "year"]
DIMENSIONS: tuple[Dimension, ...] = ("program", "track", "campus", "district", "course", "field",
                                     "month", "year")


def dimension_key(dimension: Dimension) -> Callable[[Completer], str | None]:
    if dimension == "month":
        return lambda c: f"{c.completed_on.year:04d}-{c.completed_on.month:02d}"
    if dimension == "year":
        return lambda c: str(c.completed_on.year)
    return lambda c: getattr(c, dimension)


@dataclass(frozen=True, slots=True)
class Group:
    key: str | None
    numerator: int
    denominator: int
    excluded: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.numerator, self.denominator)


def breakdown(rate: Rate, dimension: Dimension) -> list[Group]:
    """The rate split by one dimension; the groups' numerators and denominators add up to the
    headline's (a completer without a value falls in the ``None`` group)."""
    key = dimension_key(dimension)
    tally: dict[str | None, list[int]] = {}
    for member in rate.members:
        counts = tally.setdefault(key(member.completer), [0, 0, 0])
        if member.status == "counted":
            counts[0] += 1
        if member.status != "excluded":
            counts[1] += 1
        else:
            counts[2] += 1
    order = sorted(tally, key=lambda k: (k is None, k or ""))
    return [Group(k, *tally[k]) for k in order]


def members_of(rate: Rate, *, status: Status | None = None, dimension: Dimension | None = None,
               key: str | None = None) -> list[Member]:
    """Drill-down: the members behind a rate or one of its groups."""
    chosen: Sequence[Member] = rate.members
    if dimension is not None:
        value_of = dimension_key(dimension)
        chosen = [m for m in chosen if value_of(m.completer) == key]
    if status is not None:
        chosen = [m for m in chosen if m.status == status]
    return list(chosen)
