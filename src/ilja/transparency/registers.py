"""Open registers (issue 19 §5): anonymised tables of every public-job project (placements, hours
and wages paid by month) and every training course (enrolments, completions, outcomes), in a
layout for the national open-data portal (공공데이터포털): Korean column names, declared types,
CSV in UTF-8 with a BOM, JSON and a metadata file.

k-anonymity: every published row stands for at least ``k`` distinct persons
(``transparency.disclosure.k_anonymity``), so any combination of its columns an attacker joins on
(which only merges rows) does too. A smaller row is generalised — a project into "other projects"
of its program and month; a course into "other courses" of its provider, then of its program —
and suppressed when even that stays under ``k``. A count under the minimum cell inside a
published row (three dropouts of forty) is blanked (``transparency.disclosure.min_cell_count``).

The persons behind each row are grouped with polars from (row keys, person) pairs read in one
query per table; nothing is looped over person by person.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
from sqlalchemy import Integer, and_, case, cast, extract, func, literal, select, union_all
from sqlalchemy.orm import Session

from ilja import clock, files
from ilja.outcomes import queries
from ilja.outcomes.models import Participation
from ilja.programs.loader import load_plan
from ilja.programs.plan import Plan
from ilja.publicjobs.models import PayLine, Placement, Project, TimesheetEntryRow
from ilja.transparency import disclosure
from ilja.transparency.cache import cached
from ilja.transparency.scorecards import (
    FIRST_YEAR,
    TRAINING_PROGRAMS,
    employment_rule,
    provider_names,
)

Type = Literal["string", "integer", "number"]
OTHER = {"ko": "기타", "en": "Other"}
ALL = {"ko": "전체", "en": "All"}


@dataclass(frozen=True)
class Column:
    key: str  # the JSON field
    ko: str  # the CSV header (the portal's column name)
    en: str
    type: Type
    quasi: bool  # a quasi-identifier an attacker may join on
    description_ko: str
    description_en: str


@dataclass(frozen=True)
class Layout:
    name: str  # the stable file name: /open/registers/<name>.csv|.json
    title_ko: str
    title_en: str
    description_ko: str
    description_en: str
    columns: tuple[Column, ...]
    people: str  # the count column every row's k is measured on

    @property
    def quasi(self) -> list[str]:
        return [c.key for c in self.columns if c.quasi]


PUBLIC_JOBS = Layout(
    "public-jobs", "서울시 공공일자리 사업별 월별 참여 현황", "Seoul public jobs by project and month",
    "공공일자리 사업(동행일자리·매력일자리)별 월별 참여자 수, 근로시간, 지급임금. 참여자가 공개 기준 인원 미만인 "
    "사업은 같은 사업구분·월의 '기타'로 합산하고, 그래도 기준 미만이면 공개하지 않습니다.",
    "Participants, hours worked and wages paid by public-job project and month. Projects with fewer "
    "participants than the publication threshold are merged into 'Other' of their program and month, and "
    "left out if still under it.",
    (
        Column("month", "기준월", "Month", "string", True, "참여 월 (YYYY-MM)", "Month worked (YYYY-MM)"),
        Column("program", "사업구분", "Program", "string", True, "사업 이름", "Program name"),
        Column("project_code", "사업코드", "Project code", "string", True, "사업 코드 (합산 행은 '기타')",
               "Project code ('Other' for a merged row)"),
        Column("project_name", "사업명", "Project", "string", True, "사업 이름", "Project name"),
        Column("host", "수행기관", "Host", "string", True, "사업을 수행한 기관", "Host organisation"),
        Column("district", "자치구", "District", "string", True, "사업 자치구 (합산 행은 '전체')",
               "District of the project ('All' for a merged row)"),
        Column("participants", "참여자수", "Participants", "integer", False,
               "그 달에 근무기록 또는 임금지급이 있는 참여자 수 (명, 공개 기준 인원 이상)",
               "Persons with hours or pay in the month (at least the threshold)"),
        Column("hours", "근로시간", "Hours worked", "number", False, "근무한 시간의 합계 (시간)",
               "Total hours worked"),
        Column("wages_won", "지급임금", "Wages paid", "integer", False,
               "그 달 임금의 지급 총액 (원, 세전, 정산 포함)",
               "Gross wages paid for the month (won, with adjustments)"),
    ),
    "participants",
)

TRAINING_COURSES = Layout(
    "training-courses", "서울시 직업훈련 과정별 성과 현황", "Seoul training courses and their outcomes",
    "청년취업사관학교·기술교육원 과정별 연도별 입교, 수료, 중도탈락, 취업 인정 기간 내 취업 인원. "
    "공개 기준 인원 미만인 과정은 같은 기관의 '기타'로, 그래도 기준 미만이면 사업의 '전체' 기관 "
    "'기타'로 합산하고, 그래도 기준 미만이면 공개하지 않습니다.",
    "Enrolments, completions, dropouts and employment within the recognition period by training course and "
    "intake year. Courses under the publication threshold are merged into 'Other' of their "
    "provider, then of their program, and left out if still under it.",
    (
        Column("year", "입교연도", "Intake year", "integer", True, "과정을 시작한 연도", "Year the course started"),
        Column("program", "사업구분", "Program", "string", True, "사업 이름", "Program name"),
        Column("provider", "운영기관", "Provider", "string", True, "캠퍼스 또는 기술교육원 (합산 행은 '전체')",
               "Campus or institute ('All' for a merged row)"),
        Column("course", "과정명", "Course", "string", True, "과정 이름 (합산 행은 '기타')",
               "Course name ('Other' for a merged row)"),
        Column("enrolled", "입교인원", "Enrolled", "integer", False, "입교 인원 (명, 공개 기준 인원 이상)",
               "Participations enrolled (of at least the threshold in persons)"),
        Column("completed", "수료인원", "Completed", "integer", False, "수료한 사람 수 (명)", "Persons who completed"),
        Column("dropped", "중도탈락인원", "Dropped out", "integer", False, "중도탈락한 사람 수 (명)",
               "Persons who dropped out"),
        Column("employed", "취업인원", "Employed", "integer", False,
               "취업 인정 기간 안에 취업·창업한 수료생 수 (명, outcomes.cumulative_rate 정의)",
               "Completers employed or self-employed within the recognition period (outcomes.cumulative_rate)"),
    ),
    "enrolled",
)

LAYOUTS = {layout.name: layout for layout in (PUBLIC_JOBS, TRAINING_COURSES)}
BLANKABLE = {"public-jobs": (), "training-courses": ("completed", "dropped", "employed")}


@dataclass(frozen=True)
class Register:
    layout: Layout
    rows: list[dict[str, Any]]
    as_of: dt.date
    rules: disclosure.Rules
    merged: int  # rows generalised into an "other" row
    suppressed: int  # rows left out (still under k after generalising)

    def people(self) -> list[int]:
        return [row[self.layout.people] for row in self.rows]


# --- the persons behind each row, read in one query per table -----------------------------------

def _public_job_frame(session: Session) -> pl.DataFrame:
    """(project, month, person, hours, wages) of every timesheet entry and pay line."""
    t, p = TimesheetEntryRow, Placement
    ym = cast(extract("year", t.day), Integer) * 100 + cast(extract("month", t.day), Integer)
    worked = case((t.kind == "worked", t.milli_hours), else_=0)
    hours = (select(p.project_id, ym.label("ym"), p.person_id, worked.label("milli_hours"),
                    literal(0).label("wages"))
             .join(p, p.id == t.placement_id))
    wages = (select(p.project_id, PayLine.month.label("ym"), PayLine.person_id, literal(0).label("milli_hours"),
                    (PayLine.gross + PayLine.adjustment).label("wages"))
             .join(p, p.id == PayLine.placement_id))
    rows = session.execute(union_all(hours, wages)).all()
    schema = {"project_id": pl.Int64, "ym": pl.Int64, "person_id": pl.Int64, "milli_hours": pl.Int64,
              "wages": pl.Int64}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _projects(session: Session, plan: Plan, lang: str) -> pl.DataFrame:
    programs = {p.code: (p.name.ko if lang == "ko" else p.name.en) for p in plan.programs}
    districts = {d.code: (d.name.ko if lang == "ko" else d.name.en) for d in plan.districts}
    rows = [(pid, code, name, host, programs.get(program, program), districts.get(district or "", ALL[lang]))
            for pid, code, name, host, program, district in session.execute(
                select(Project.id, Project.code, Project.name, Project.host_name, Project.program_code,
                       Project.district_code))]
    return pl.DataFrame(rows, schema={"project_id": pl.Int64, "project_code": pl.String, "project_name": pl.String,
                                      "host": pl.String, "program": pl.String, "district": pl.String},
                        orient="row")


def _generalise(frame: pl.DataFrame, keys: list[str], levels: list[dict[str, str]], k: int,
                sums: dict[str, pl.Expr]) -> tuple[pl.DataFrame, int, int]:
    """``frame`` (one row per person and event) grouped by ``keys`` into rows of at least ``k``
    distinct persons. A smaller group has the columns of the next level replaced (``{"course":
    "기타"}``) and is grouped again with the other small ones; what is still under ``k`` after the
    last level is dropped. Returns (rows, groups generalised, generalised groups dropped)."""
    aggregations = [pl.col("person_id").n_unique().alias("people"), *[e.alias(n) for n, e in sums.items()]]
    published: list[pl.DataFrame] = []
    generalised = 0
    pending = frame
    for depth, level in enumerate([{}, *levels]):
        if pending.is_empty():
            break
        pending = pending.with_columns(*[pl.lit(v).alias(c) for c, v in level.items()])
        sizes = pending.group_by(keys).agg(pl.col("person_id").n_unique().alias("_n"))
        pending = pending.join(sizes, on=keys, nulls_equal=True)
        published.append(pending.filter(pl.col("_n") >= k).group_by(keys).agg(aggregations))
        pending = pending.filter(pl.col("_n") < k).drop("_n")
        if depth == 0:
            generalised = pending.select(keys).unique().height
    dropped = pending.select(keys).unique().height
    return pl.concat(published), generalised, dropped


def _blank_small(frame: pl.DataFrame, columns: tuple[str, ...], minimum: int) -> pl.DataFrame:
    """A count between 1 and ``minimum - 1`` inside a published row is left blank."""
    return frame.with_columns(*[pl.when((pl.col(c) > 0) & (pl.col(c) < minimum)).then(None)
                                .otherwise(pl.col(c)).alias(c) for c in columns])


def public_jobs(session: Session, *, as_of: dt.date | None = None, lang: str = "ko",
                plan: Plan | None = None) -> Register:
    as_of = as_of or clock.today()
    plan = plan or load_plan()
    rules = disclosure.rules(as_of)
    events = _public_job_frame(session)
    keys = ["month", "program", "project_code", "project_name", "host", "district"]
    if events.is_empty():
        return Register(PUBLIC_JOBS, [], as_of, rules, 0, 0)
    frame = (events.join(_projects(session, plan, lang), on="project_id")
             .with_columns((pl.col("ym") // 100).cast(pl.String).str.zfill(4).alias("y"),
                           (pl.col("ym") % 100).cast(pl.String).str.zfill(2).alias("m"))
             .with_columns(pl.concat_str("y", pl.lit("-"), "m").alias("month")))
    other = OTHER[lang]
    rows, generalised, dropped = _generalise(
        frame, keys, [{"project_code": other, "project_name": other, "host": other, "district": ALL[lang]}],
        rules.k, {"milli_hours": pl.col("milli_hours").sum(), "wages_won": pl.col("wages").sum()})
    rows = (rows.rename({"people": "participants"})
            .with_columns((pl.col("milli_hours") / 1000).round(1).alias("hours"))
            .sort(["month", "program", pl.col("project_code") == other, "project_code"]))
    return Register(PUBLIC_JOBS, rows.select([c.key for c in PUBLIC_JOBS.columns]).to_dicts(), as_of, rules,
                    generalised, dropped)


def _course_frame(session: Session, as_of: dt.date) -> pl.DataFrame:
    """(person, program, provider, course, intake year, status, employed) of every training
    participation; employed under the dated definition of its intake year (one query for the
    years that share a definition)."""
    P = Participation
    years_of: dict[tuple, list[int]] = {}
    rules = {}
    for year in range(FIRST_YEAR, as_of.year + 1):
        rule = employment_rule(year, as_of)
        key = (rule.counted_outcomes, rule.counted_contract_types, rule.window_months, rule.excluded_from_denominator)
        years_of.setdefault(key, []).append(year)
        rules.setdefault(key, rule)
    parts = []
    for key, years in years_of.items():
        joined, counted, _ = queries.completer_flags(session, rules[key], as_of)
        parts.append(select(func.coalesce(P.person_id, -P.id), P.program_code, P.campus_code, P.course,
                            P.started_year, P.status, case((and_(P.status == "completed", counted), 1), else_=0))
                     .select_from(joined)
                     .where(P.program_code.in_(TRAINING_PROGRAMS), P.started_year.in_(years)))
    rows = session.execute(union_all(*parts)).all()
    return pl.DataFrame(rows, orient="row", schema={
        "person_id": pl.Int64, "program_code": pl.String, "provider_code": pl.String, "course": pl.String,
        "year": pl.Int64, "status": pl.String, "employed": pl.Int64})


def training_courses(session: Session, *, as_of: dt.date | None = None, lang: str = "ko",
                     plan: Plan | None = None) -> Register:
    as_of = as_of or clock.today()
    plan = plan or load_plan()
    rules = disclosure.rules(as_of)
    frame = _course_frame(session, as_of)
    if frame.is_empty():
        return Register(TRAINING_COURSES, [], as_of, rules, 0, 0)
    programs = {p.code: (p.name.ko if lang == "ko" else p.name.en) for p in plan.programs}
    providers = provider_names(plan, lang)
    frame = frame.with_columns(
        pl.col("program_code").replace_strict(programs, default=pl.col("program_code")).alias("program"),
        pl.col("provider_code").replace_strict(providers, default=pl.col("provider_code"))
        .fill_null(ALL[lang]).alias("provider"),
        pl.col("course").fill_null(OTHER[lang]))
    keys = ["year", "program", "provider", "course"]
    rows, generalised, dropped = _generalise(
        frame, keys, [{"course": OTHER[lang]}, {"provider": ALL[lang], "course": OTHER[lang]}], rules.k,
        {"enrolled": pl.len(), "completed": (pl.col("status") == "completed").sum(),
         "dropped": (pl.col("status") == "dropped").sum(), "employed": pl.col("employed").sum()})
    rows = _blank_small(rows.drop("people"), BLANKABLE["training-courses"], rules.min_cell)
    rows = rows.with_columns(pl.col(c).cast(pl.Int64) for c in ("enrolled", "completed", "dropped", "employed"))
    rows = rows.sort(["year", "program", pl.col("provider") == ALL[lang], "provider",
                      pl.col("course") == OTHER[lang], "course"], descending=[True, False, False, False, False, False])
    return Register(TRAINING_COURSES, rows.select([c.key for c in TRAINING_COURSES.columns]).to_dicts(), as_of,
                    rules, generalised, dropped)


BUILDERS = {"public-jobs": public_jobs, "training-courses": training_courses}


def build(session: Session, name: str, *, lang: str = "ko") -> Register:
    return BUILDERS[name](session, lang=lang)


def cached_build(session: Session, name: str, *, lang: str = "ko") -> Register:
    return cached(session, ("register", name, lang), lambda: build(session, name, lang=lang))


# --- the files ---------------------------------------------------------------------------------

def to_csv(register: Register) -> bytes:
    """Korean headers, UTF-8 with a BOM (what the portal and Excel expect), CRLF line ends; a
    blank cell is a suppressed count."""
    columns = register.layout.columns
    return files.write_csv(([row[c.key] for c in columns] for row in register.rows),
                           [c.ko for c in columns])


def to_json(register: Register) -> bytes:
    return json.dumps({
        "dataset": register.layout.name, "as_of": register.as_of.isoformat(), "k": register.rules.k,
        "fields": [{"name": c.key, "title": c.ko, "type": c.type} for c in register.layout.columns],
        "records": register.rows,
    }, ensure_ascii=False, indent=1).encode("utf-8")


def metadata(as_of: dt.date | None = None) -> dict[str, Any]:
    """The datasets' description for the portal (파일데이터 메타정보): titles, columns with types,
    encoding, the disclosure rules with their sources, the stable addresses."""
    rules = disclosure.rules(as_of or clock.today())
    return {
        "publisher": {"ko": "서울특별시", "en": "Seoul Metropolitan Government"},
        "license": {"ko": "공공누리 제1유형 (출처표시)", "en": "KOGL Type 1 (attribution)"},
        "update_frequency": {"ko": "수시 (기록이 바뀌면 바로 반영)", "en": "Continuous (as records change)"},
        "disclosure": {
            "k_anonymity": rules.k, "min_cell_count": rules.min_cell,
            "parameters": [{"name": name, "value": use.value, "effective_from": use.start.isoformat(),
                            "source": use.source} for name, use in zip(disclosure.PARAMETERS, rules.uses, strict=True)],
        },
        "datasets": [{
            "name": layout.name, "title": {"ko": layout.title_ko, "en": layout.title_en},
            "description": {"ko": layout.description_ko, "en": layout.description_en},
            "files": {"csv": f"/open/registers/{layout.name}.csv", "json": f"/open/registers/{layout.name}.json"},
            "csv": {"encoding": "UTF-8 (BOM)", "delimiter": ",", "line_end": "CRLF",
                    "empty_cell": {"ko": "비공개 (최소 집계 수 미만)", "en": "suppressed (under the minimum count)"}},
            "quasi_identifiers": layout.quasi,
            "columns": [{"name": c.key, "title": {"ko": c.ko, "en": c.en}, "type": c.type,
                         "description": {"ko": c.description_ko, "en": c.description_en}} for c in layout.columns],
        } for layout in LAYOUTS.values()],
    }
