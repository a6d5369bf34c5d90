"""Provider scorecards (issue 19 §4): for each campus (청년취업사관학교), institute (기술교육원) and
public-job host, per year: applicants and competition, completion, dropout, employment within the
recognition period, 6-month retention, satisfaction and payments on time — each rate with its
numerator and denominator, small cells suppressed for the public (:mod:`.disclosure`).

Every figure is an SQL aggregate grouped by provider and year. Employment reuses the outcomes
domain's dated definition (``outcomes.cumulative_rate``: which outcomes count, the 6-month window,
who leaves the denominator) applied to each provider's completers of the year; it is not
redefined here. Years: completion and dropout count the intake of the year (started in it),
employment and retention the completers of the year, applicants and satisfaction the training
cohorts starting in it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import Integer, and_, case, cast, extract, func, or_, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.applications.models import Application, Round, RoundUnit
from ilja.outcomes import queries
from ilja.outcomes.models import FollowUp, OutcomeRecord, Participation
from ilja.outcomes.rates import Cohort, DefinitionName, RateDefinition, definition
from ilja.programs.loader import load_plan
from ilja.programs.plan import Plan
from ilja.publicjobs.models import Placement, Project
from ilja.publicjobs.payment_models import Payment
from ilja.training.models import Enrolment, SurveyResponse, TrainingCohort, TrainingCourse, TrainingDepartment
from ilja.transparency import disclosure
from ilja.transparency.cache import cached

Kind = Literal["campus", "institute", "host"]
KINDS: tuple[Kind, ...] = ("campus", "institute", "host")
TRAINING_PROGRAMS = ("youth_academy", "tech_institute")
FIRST_YEAR = 2021
P = Participation


@dataclass
class Raw:
    """One provider's counts for one year, before suppression (the manager's view shows these)."""

    kind: Kind
    code: str
    program: str | None
    year: int
    applicants: int = 0
    seats: int = 0
    ended: int = 0  # intake of the year that completed or dropped out
    completed: int = 0
    dropped: int = 0
    employed: int = 0
    employable: int = 0  # the employment rate's denominator
    retained: int = 0
    retention_due: int = 0
    satisfaction_total: Decimal = Decimal(0)
    satisfaction_answers: int = 0
    paid_on_time: int = 0
    payments: int = 0

    @property
    def empty(self) -> bool:
        return not (self.applicants or self.ended or self.employable or self.satisfaction_answers
                    or self.payments or self.retention_due)


@dataclass(frozen=True)
class Row:
    """The published scorecard line of a provider and year."""

    kind: Kind
    code: str
    name: str
    year: int
    applicants: disclosure.Count
    competition: disclosure.Ratio
    completion: disclosure.Rate
    dropout: disclosure.Rate
    employment: disclosure.Rate
    retention: disclosure.Rate
    satisfaction: disclosure.Mean
    payments_on_time: disclosure.Rate

    def cells(self) -> list[tuple[str, Any]]:
        return [(name, getattr(self, name)) for name in CELLS]


CELLS = ("applicants", "competition", "completion", "dropout", "employment", "retention", "satisfaction",
         "payments_on_time")


def publish(raw: Raw, name: str, minimum: int) -> Row:
    """The line the public sees: every cell under ``minimum`` suppressed (0: staff's full view)."""
    return Row(
        raw.kind, raw.code, name, raw.year,
        applicants=disclosure.count(raw.applicants, minimum),
        competition=disclosure.ratio(raw.applicants, raw.seats, minimum),
        completion=disclosure.rate(raw.completed, raw.ended, minimum),
        dropout=disclosure.rate(raw.dropped, raw.ended, minimum),
        employment=disclosure.rate(raw.employed, raw.employable, minimum),
        retention=disclosure.rate(raw.retained, raw.retention_due, minimum),
        satisfaction=disclosure.mean(raw.satisfaction_total, raw.satisfaction_answers, minimum),
        payments_on_time=disclosure.rate(raw.paid_on_time, raw.payments, minimum),
    )


def kind_of(code: str) -> Kind:
    return "institute" if code.startswith("institute.") else "campus"


# --- the aggregates ------------------------------------------------------------------------------

class _Table:
    """Raw lines by (kind, code, year), made on first touch."""

    def __init__(self) -> None:
        self.rows: dict[tuple[Kind, str, int], Raw] = {}

    def at(self, kind: Kind, code: str, year: int, program: str | None = None) -> Raw:
        key = (kind, code, int(year))
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = Raw(kind, code, program, int(year))
        if program and not row.program:
            row.program = program
        return row


def _intake(session: Session, table: _Table, years: range) -> None:
    query = (select(P.campus_code, P.program_code, P.started_year,
                    func.sum(case((P.status == "completed", 1), else_=0)),
                    func.sum(case((P.status == "dropped", 1), else_=0)))
             .where(P.program_code.in_(TRAINING_PROGRAMS), P.campus_code.is_not(None),
                    P.started_year >= years.start, P.started_year < years.stop)
             .group_by(P.campus_code, P.program_code, P.started_year))
    for code, program, year, completed, dropped in session.execute(query):
        row = table.at(kind_of(code), code, year, program)
        row.completed += int(completed or 0)
        row.dropped += int(dropped or 0)
        row.ended = row.completed + row.dropped


def employment_rule(year: int, as_of: dt.date) -> RateDefinition:
    """The cumulative rate's counting rules in force at the end of ``year`` (or on ``as_of``),
    applied to every training program a provider runs."""
    rule = definition(DefinitionName.CUMULATIVE, min(as_of, dt.date(year, 12, 31)))
    return dataclasses.replace(rule, programs=frozenset(TRAINING_PROGRAMS))


def _employment(session: Session, table: _Table, years: range, as_of: dt.date, retention_months: int) -> None:
    for year in years:
        if dt.date(year, 1, 1) > as_of:
            break
        rule = employment_rule(year, as_of)
        cohort = Cohort(dt.date(year, 1, 1), min(dt.date(year, 12, 31), as_of), as_of)
        for group in queries.rate_groups(session, rule, cohort, dimension="campus"):
            if group.key is None:
                continue
            row = table.at(kind_of(group.key), group.key, year)
            row.employed, row.employable = group.numerator, group.denominator
        _retention(session, table, rule, year, as_of, retention_months)


def _retention(session: Session, table: _Table, rule: RateDefinition, year: int, as_of: dt.date,
               months: int) -> None:
    """Of the year's completers counted as employed, those whose ``months`` follow-up is due by
    ``as_of``; retained when that follow-up recorded a counted outcome (still employed)."""
    counted, _ = queries._conditions(rule, as_of)
    o = OutcomeRecord
    employed = select(o.participation_id).where(counted)
    retained = select(o.participation_id).where(
        o.follow_up_point == months, o.kind.in_(sorted(rule.counted_outcomes) or [""]), o.recorded_on <= as_of)
    due = select(FollowUp.participation_id).where(FollowUp.point_months == months, FollowUp.due_on <= as_of)
    query = (select(P.campus_code, func.count(), func.sum(case((P.id.in_(retained), 1), else_=0)))
             .where(P.status == "completed", P.program_code.in_(sorted(rule.programs)),
                    P.campus_code.is_not(None), P.completed_year == year,
                    P.id.in_(employed), P.id.in_(due))
             .group_by(P.campus_code))
    for code, due_count, kept in session.execute(query):
        row = table.at(kind_of(code), code, year)
        row.retention_due, row.retained = int(due_count), int(kept or 0)


def _applicants(session: Session, table: _Table, years: range) -> None:
    """Applications to the training cohorts a round fills (the cohort's round, and its unit when
    it has one, as the first choice) by the cohort's site and start year; seats are the
    cohorts' capacities."""
    c = TrainingCohort
    year = cast(extract("year", c.starts_on), Integer)
    site = (select(c.id, c.round_id, c.unit_code, c.capacity, year.label("year"),
                   TrainingDepartment.site_code, TrainingCourse.program_code)
            .join(TrainingCourse, TrainingCourse.id == c.course_id)
            .join(TrainingDepartment, TrainingDepartment.id == TrainingCourse.department_id)
            .where(c.round_id.is_not(None), year >= years.start, year < years.stop,
                   TrainingCourse.program_code.in_(TRAINING_PROGRAMS)).subquery("cohorts"))
    first = Application.preferences[0].as_string()
    applied = (select(site.c.site_code, site.c.program_code, site.c.year, func.count(func.distinct(Application.id)))
               .join(site, and_(site.c.round_id == Application.round_id,
                                or_(site.c.unit_code.is_(None), site.c.unit_code == first)))
               .group_by(site.c.site_code, site.c.program_code, site.c.year))
    for code, program, y, n in session.execute(applied):
        if str(code).startswith(("campus.", "institute.")):
            table.at(kind_of(code), code, y, program).applicants += int(n)
    for code, program, y, seats in session.execute(
            select(site.c.site_code, site.c.program_code, site.c.year, func.sum(site.c.capacity))
            .group_by(site.c.site_code, site.c.program_code, site.c.year)):
        if str(code).startswith(("campus.", "institute.")):
            table.at(kind_of(code), code, y, program).seats += int(seats or 0)


def _satisfaction(session: Session, table: _Table, years: range) -> None:
    """Lecture satisfaction (0–100) answered by trainees, by the course's site and cohort start."""
    year = cast(extract("year", TrainingCohort.starts_on), Integer)
    query = (select(TrainingDepartment.site_code, TrainingCourse.program_code, year,
                    func.sum(SurveyResponse.score), func.count())
             .select_from(SurveyResponse)
             .join(Enrolment, Enrolment.id == SurveyResponse.enrolment_id)
             .join(TrainingCohort, TrainingCohort.id == Enrolment.cohort_id)
             .join(TrainingCourse, TrainingCourse.id == TrainingCohort.course_id)
             .join(TrainingDepartment, TrainingDepartment.id == TrainingCourse.department_id)
             .where(year >= years.start, year < years.stop)
             .group_by(TrainingDepartment.site_code, TrainingCourse.program_code, year))
    for code, program, y, total, answers in session.execute(query):
        if str(code).startswith(("campus.", "institute.")):
            row = table.at(kind_of(code), code, y, program)
            row.satisfaction_total += Decimal(total or 0)
            row.satisfaction_answers += int(answers)


def _hosts(session: Session, table: _Table, years: range, as_of: dt.date) -> dict[str, str]:
    """Public-job placements by host and the year they started: completed the project or left
    early (중도 포기). Returns the hosts' names (organisations, not people)."""
    year = cast(extract("year", Placement.start_on), Integer)
    query = (select(Project.host_code, func.max(Project.host_name), func.min(Project.program_code), year,
                    func.sum(case((Placement.status == "completed", 1), else_=0)),
                    func.sum(case((Placement.status == "left", 1), else_=0)))
             .join(Project, Project.id == Placement.project_id)
             .where(year >= years.start, year < years.stop, Placement.replaces_id.is_(None))
             .group_by(Project.host_code, year))
    names = {}
    for code, name, program, y, completed, left in session.execute(query):
        names[code] = name
        row = table.at("host", code, y, program)
        row.completed, row.dropped = int(completed or 0), int(left or 0)
        row.ended = row.completed + row.dropped
    _host_applicants(session, table, year_range=years)
    for (code, y), (on_time, total) in payments_on_time(session, years, as_of).items():
        row = table.at("host", code, y)
        row.paid_on_time, row.payments = on_time, total
    return names


def _host_applicants(session: Session, table: _Table, year_range: range) -> None:
    """Applications naming a host's project first (a public-job round's units are its projects,
    by code) in rounds of the project's program starting in the year; seats are those units'."""
    year = cast(extract("year", Round.starts_on), Integer)
    first = Application.preferences[0].as_string()
    in_years = and_(year >= year_range.start, year < year_range.stop)
    applied = (select(Project.host_code, year, func.count())
               .select_from(Application).join(Round, Round.id == Application.round_id)
               .join(Project, and_(Project.code == first, Project.program_code == Round.program_code))
               .where(in_years).group_by(Project.host_code, year))
    for code, y, n in session.execute(applied):
        table.at("host", code, y).applicants += int(n)
    seats = (select(Project.host_code, year, func.sum(RoundUnit.seats))
             .select_from(RoundUnit).join(Round, Round.id == RoundUnit.round_id)
             .join(Project, and_(Project.code == RoundUnit.code, Project.program_code == Round.program_code))
             .where(in_years).group_by(Project.host_code, year))
    for code, y, n in session.execute(seats):
        table.at("host", code, y).seats += int(n or 0)


def payments_on_time(session: Session, years: range, as_of: dt.date) -> dict[tuple[str, int], tuple[int, int]]:
    """(paid by the pay day, payments due by ``as_of``) by host and the year the pay is for: a
    payment counts on time when the bank's result credited it on or before its due date
    (``publicjobs.payment.*_pay_day``, 근로기준법 §43 and §36, set by the payments module); a
    rejected one is late until its reissue arrives."""
    year = Payment.month // 100
    on_time = and_(Payment.paid_on.is_not(None), Payment.paid_on <= Payment.due_on)
    query = (select(Project.host_code, year, func.sum(case((on_time, 1), else_=0)), func.count())
             .join(Project, Project.id == Payment.project_id)
             .where(Payment.due_on <= as_of, Payment.month >= years.start * 100, Payment.month < years.stop * 100)
             .group_by(Project.host_code, year))
    return {(code, int(y)): (int(n or 0), int(total)) for code, y, n, total in session.execute(query)}


# --- the scorecard -------------------------------------------------------------------------------

@dataclass
class Scorecard:
    year: int
    years: list[int]
    as_of: dt.date
    rules: disclosure.Rules
    raw: list[Raw]
    rows: list[Row]
    names: dict[str, str] = field(default_factory=dict)

    def of(self, kind: Kind) -> list[Row]:
        return [r for r in self.rows if r.kind == kind]

    def raw_of(self, kind: Kind) -> list[Raw]:
        return [r for r in self.raw if r.kind == kind]


def provider_names(plan: Plan, lang: str) -> dict[str, str]:
    pick = (lambda text: text.ko) if lang == "ko" else (lambda text: text.en)
    return {**{c.code: pick(c.name) for c in plan.campuses}, **{i.code: pick(i.name) for i in plan.institutes}}


def build(session: Session, *, year: int, as_of: dt.date | None = None, lang: str = "ko",
          plan: Plan | None = None) -> Scorecard:
    """Every provider's line for ``year``: the plan's campuses and institutes (with "no data"
    where nothing is recorded) and every host with placements."""
    plan = plan or load_plan()
    as_of = as_of or clock.today()
    rules = disclosure.rules(min(as_of, dt.date(year, 12, 31)))
    years = range(year, year + 1)
    table = _Table()
    _intake(session, table, years)
    _employment(session, table, years, as_of, rules.retention_months)
    _applicants(session, table, years)
    _satisfaction(session, table, years)
    names = {**_hosts(session, table, years, as_of), **provider_names(plan, lang)}
    for campus in plan.campuses:
        table.at("campus", campus.code, year, "youth_academy")
    for institute in plan.institutes:
        table.at("institute", institute.code, year, "tech_institute")
    order = {code: i for i, code in enumerate(provider_names(plan, lang))}
    raw = sorted(table.rows.values(), key=lambda r: (KINDS.index(r.kind), order.get(r.code, len(order)),
                                                     names.get(r.code, r.code)))
    rows = [publish(r, names.get(r.code, r.code), rules.min_cell) for r in raw]
    return Scorecard(year, available_years(as_of), as_of, rules, raw, rows, names)


def available_years(as_of: dt.date) -> list[int]:
    return list(range(as_of.year, FIRST_YEAR - 1, -1))


def cached_build(session: Session, *, year: int, lang: str = "ko") -> Scorecard:
    """``build`` for today, kept while the tables it reads are unchanged (:mod:`.cache`)."""
    return cached(session, ("scorecard", year, lang), lambda: build(session, year=year, lang=lang))


def targets(plan: Plan, kind: Kind) -> dict[str, Any]:
    """The plan's figures a provider of ``kind`` is compared with in the manager's view: the
    employment goal (the 1089 project's 80–90%) and the documents' competition rate."""
    program = "tech_institute" if kind == "institute" else "youth_academy"
    found: dict[str, Any] = {}
    for target in plan.targets:
        if target.program != program or target.track:
            continue
        if target.metric == "employment_rate" and target.kind == "target":
            found["employment"] = target
        if target.metric == "competition_rate" and (found.get("competition") is None
                                                    or (target.year or 0) >= (found["competition"].year or 0)):
            found["competition"] = target
    return found


def attainment(value: Decimal | None, target: Any) -> str:
    """met / below / no_data of a figure against the target's lower bound."""
    if value is None or target is None:
        return "no_data"
    return "met" if value >= Decimal(str(target.value)) else "below"
