"""The 2025 plan as data: typed models over the YAML files in ``programs/data/`` and their loader.

Every figure carries its source: a registered document, notice or law cited by key and section
(:mod:`ilja.rules.sources`), or an assumption that says why.
The loader never changes a figure: it checks the plan's own arithmetic (totals, pay, periods,
campus openings) and reports each inconsistency as a :class:`PlanWarning` with both numbers,
because officials need to see where the documents disagree rather than a silently "fixed" total.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

DATA_DIR = Path(__file__).parent / "data"
SOURCE_KINDS = ("document", "notice", "law", "assumption")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")

Unit = Literal[
    "persons",
    "projects",
    "million_krw",
    "krw",
    "hours",
    "days",
    "weeks",
    "year",
    "campuses",
    "courses",
    "ratio",
    "percent",
    "percentage_points",
    "m2",
    "members",
    "organisations",
    "internships",
    "districts",
]
Number = int | float


class PlanDataError(ValueError):
    """A plan data file is malformed: names the file and the field (dotted path) at fault."""

    def __init__(self, file: str, problems: list[tuple[str, str]]) -> None:
        self.file = file
        self.problems = problems
        lines = "; ".join(f"{field}: {reason}" for field, reason in problems)
        super().__init__(f"plan data file {file}: {lines}")


def _check_source(text: str) -> str:
    kind, _, rest = text.partition(":")
    if kind not in SOURCE_KINDS or not rest.strip():
        raise ValueError(
            "a source starts with 'document:', 'notice:', 'law:' or 'assumption:' and says where"
        )
    return text


Source = Annotated[str, AfterValidator(_check_source)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    ko: str
    en: str


class SourcedText(Text):
    source: Source


class Figure(_Model):
    """One number from a source. ``approximate`` keeps the source's "about"/"내외"."""

    value: Number
    unit: Unit
    source: Source
    approximate: bool = False
    rounded_to: int | None = Field(
        default=None, description="the stated figure is rounded to this unit"
    )
    per_year: bool = False
    year: int | None = None
    label: Text | None = None


class StatedLength(_Model):
    months: int
    days: int


class Period(_Model):
    """A date range; ``YYYY-MM`` in the data means the whole month (precision ``month``)."""

    label: Text | None = None
    start: dt.date
    end: dt.date | None = None
    precision: Literal["day", "month"] = "day"
    stated_length: StatedLength | None = None
    source: Source

    @model_validator(mode="before")
    @classmethod
    def _months(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for key in ("start", "end"):
            match = _YEAR_MONTH.match(str(data.get(key) or ""))
            if match:
                year, month = int(match[1]), int(match[2])
                day = dt.date(year, month, 1)
                if key == "end":
                    day = (day + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
                data[key] = day
                data["precision"] = "month"
        return data


class Pay(SourcedText):
    hourly_wage: Figure
    daily_hours: Figure
    days_per_week: Figure
    monthly: Figure


class ProgramType(_Model):
    code: str
    name: Text
    description: SourcedText


class Track(_Model):
    code: str
    name: Text
    kind: Literal["course_line", "track", "field", "one_day_class"]
    type: str | None = None
    projects: Figure | None = None
    people: Figure | None = None
    examples: list[Text] = []
    description: SourcedText | None = None
    linked_course: Text | None = None
    institutes: list[str] = []
    source: Source


class ProgramPlan(_Model):
    code: str
    parent: str | None = None
    name: Text
    kind: Literal["training", "public_job", "pilot"]
    source: Source
    legal_basis: SourcedText | None = None
    target_group: SourcedText | None = None
    summary: SourcedText | None = None
    budget: Figure | None = None
    projects: Figure | None = None
    people: Figure | None = None
    pay: Pay | None = None
    periods: list[Period] = []
    schedule: list[Period] = []
    types: list[ProgramType] = []
    rule_changes: list[SourcedText] = []
    figures: dict[str, Figure] = {}
    tracks: list[Track] = []


class District(_Model):
    code: str = Field(pattern=r"^11\d{3}$")
    name: Text
    source: Source


class OpeningReport(_Model):
    year: int
    month: int | None = Field(default=None, ge=1, le=12)
    status: Literal["planned", "reported"]
    first: bool = False
    source: Source

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}" if self.month else str(self.year)


class YearFact(_Model):
    year: int
    source: Source


class Specialisation(_Model):
    kind: Literal["big_tech", "industry_hub"]
    status: Literal["operating", "planned"]
    label: Text
    partner: str | None = None
    industry: Text | None = None
    source: Source


class Campus(_Model):
    code: str
    name: Text
    district: str
    district_name: Text | None = Field(default=None, description="filled in by the loader")
    source: Source
    openings: list[OpeningReport] = []
    opened_by: YearFact | None = None
    location: SourcedText | None = None
    floor_area: Figure | None = None
    specialisations: list[Specialisation] = []

    @property
    def opening(self) -> OpeningReport | None:
        """What actually happened if a source reports it, else the plan; None when unknown."""
        candidates = [o for o in self.openings if o.status == "reported"] or self.openings
        return candidates[0] if candidates else None

    def open_by_end_of(self, year: int) -> bool:
        if self.opening is not None:
            return self.opening.year <= year
        return self.opened_by is not None and self.opened_by.year <= year


class Institute(_Model):
    code: str
    name: Text
    address: SourcedText
    district: str | None
    district_name: Text | None = Field(default=None, description="filled in by the loader")
    note: Text | None = None
    founded: Figure
    trainees: Figure
    source: Source


class Target(_Model):
    """A figure by year: ``actual`` (achieved), ``plan`` (this year's plan) or ``target`` (goal)."""

    program: str | None = None
    track: str | None = None
    metric: str
    label: Text
    year: int | None
    kind: Literal["actual", "plan", "target"]
    value: Number
    value_max: Number | None = None
    comparison: Literal["eq", "at_least", "range"] = "eq"
    unit: Unit
    approximate: bool = False
    cumulative: bool = False
    per_year: bool = False
    as_of: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}(-\d{2})?$")
    period: Period | None = None
    note: Text | None = None
    source: Source

    @model_validator(mode="after")
    def _range(self) -> Target:
        if (self.comparison == "range") != (self.value_max is not None):
            raise ValueError("value_max is given exactly when comparison is 'range'")
        return self

    @property
    def key(self) -> str:
        year = "none" if self.year is None else str(self.year)
        return f"{self.track or self.program or 'plan'}:{self.metric}:{year}:{self.kind}"


class PlanWarning(_Model):
    """An inconsistency in the sources, with both numbers; the figures themselves stay as stated."""

    code: str
    subject: str
    message_ko: str
    message_en: str
    stated: Number | str | None
    computed: Number | str | None
    sources: list[str] = []


class PlanCheck(PlanWarning):
    """A check the loader ran; ``ok`` checks are kept so the plan page can show what was verified."""

    ok: bool


class Standards(_Model):
    weeks_per_month: Figure
    weekly_paid_holiday_days: Figure
    paid_hours_rounding: Figure


class Plan(_Model):
    id: str
    version: str
    year: int
    title: Text
    content_hash: str
    sources: list[str] = Field(description="keys of the registered sources the plan cites")
    standards: Standards
    programs: list[ProgramPlan]
    district_count: Figure
    districts: list[District]
    campuses: list[Campus]
    institutes: list[Institute]
    targets: list[Target]
    checks: list[PlanCheck] = []
    warnings: list[PlanWarning] = []

    def program(self, code: str) -> ProgramPlan:
        for program in self.programs:
            if program.code == code:
                return program
        raise KeyError(code)

    def district(self, code: str) -> District:
        for district in self.districts:
            if district.code == code:
                return district
        raise KeyError(code)

    def children(self, code: str) -> list[ProgramPlan]:
        return [p for p in self.programs if p.parent == code]

    @property
    def tracks(self) -> list[Track]:
        return [track for program in self.programs for track in program.tracks]

    def targets_for(self, metric: str, year: int | None = None) -> list[Target]:
        return [t for t in self.targets if t.metric == metric and (year is None or t.year == year)]
