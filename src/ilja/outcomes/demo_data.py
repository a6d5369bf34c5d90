"""Plausible synthetic outcomes for the demo and the benchmark (seeded, reproducible): academy
trainees a year on the plan's curve (556 in 2021 … 3,300 in 2025, scaled), public-job
participants, follow-ups at 1, 3 and 6 months with outcomes whose rates land near the documents'
figures (cumulative ≈ 75%, mid-term lower), alumni and Seoul AI Alliance members.

Nothing here is a real person: participations link to the synthetic registry's persons when it
has some, else to none. Rows are inserted in bulk with one audit entry for the whole fill.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.outcomes import states
from ilja.outcomes.models import (
    AllianceMember,
    AlumniMember,
    FollowUp,
    OutcomeRecord,
    Participation,
)
from ilja.outcomes.rates import add_months, months_after
from ilja.people.models import Person
from ilja.programs.loader import load_plan

ACADEMY_CURVE = {2021: 556, 2022: 1200, 2023: 2000, 2024: 2800, 2025: 3300}
"""2021, 2024 and 2025 are the documents' figures; 2022–2023 are interpolated for the demo."""
COURSES = ("AI 서비스 개발", "데이터 분석", "클라우드 엔지니어링", "생성형 AI 활용", "SW 개발", "AI 융합 디자인")
FIELDS = ("정보통신", "경영·회계·사무", "디자인·방송")
CONTRACTS = (("permanent", 55), ("fixed_term", 25), ("part_time", 8), ("internship", 7), ("dispatch", 5))
EMPLOYERS = ("(주)서울데이터", "한강소프트", "(주)누리클라우드", "마포AI랩", "종로핀테크", "(주)성수로보틱스")
ALLIANCE = (("company", "(주)에이아이파트너스"), ("university", "서울소재대학교"), ("association", "AI산업협회"),
            ("public", "서울시 투자출연기관"))
POINTS = (1, 3, 6)
EMPLOYED_BY = {1: 0.4, 3: 0.7, 6: 0.84}  # cumulative share employed by each follow-up point


@dataclass(frozen=True)
class FillReport:
    participations: int
    outcomes: int
    follow_ups: int
    alumni: int
    alliance: int
    reused: bool = False  # the seed's rows were there already (an earlier run): nothing added


def _weighted(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def fill_demo_outcomes(session: Session, *, seed: int = 2025, scale: float = 0.1,
                       as_of: dt.date | None = None, per_year: dict[int, int] | None = None,
                       public_jobs: bool = True, registers: bool = True, dropout: float = 0.1,
                       actor: audit.Actor = audit.SYSTEM_ACTOR) -> FillReport:
    """Fill the outcome tables with synthetic data (scale 1.0 = the plan's full numbers; the
    benchmark passes ``per_year={year: 10_000, …}``). Idempotent per seed: a second call adds
    nothing once ``demo:<seed>:…`` rows exist."""
    if session.execute(select(Participation.id).where(Participation.source_ref.like(f"demo:{seed}:%"))
                       .limit(1)).first():
        return FillReport(0, 0, 0, 0, 0, reused=True)
    rng = random.Random(seed)
    as_of = as_of or clock.today()
    plan = load_plan()
    campuses = [(c.code, c.district) for c in plan.campuses]
    districts = [d.code for d in plan.districts]

    person_ids = list(session.execute(select(Person.id).limit(200_000)).scalars())
    counts = per_year or {y: max(1, round(n * scale)) for y, n in ACADEMY_CURVE.items()}
    rows: list[dict] = []
    now = clock.now()

    def participation(program: str, year: int, track: str | None, campus: tuple[str | None, str],
                      course: str | None, field: str | None, length: int) -> None:
        started = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(335))
        done = started + dt.timedelta(days=length + rng.randrange(30))
        status = "dropped" if rng.random() < dropout else ("completed" if done <= as_of else "in_progress")
        if started > as_of:
            return
        rows.append({
            "person_id": rng.choice(person_ids) if person_ids else None, "program_code": program,
            "track_code": track, "campus_code": campus[0], "district_code": campus[1], "course": course,
            "field": field, "started_on": started, "started_year": started.year, "status": status,
            "completed_on": done if status == "completed" else None,
            "completed_year": done.year if status == "completed" else None,
            "completed_month": f"{done:%Y-%m}" if status == "completed" else None,
            "source_ref": f"demo:{seed}:{len(rows)}", "created_at": now, "created_by": actor.id})

    tracks = ("youth_academy.ai_core", "youth_academy.ai_convergence", "youth_academy.ai_specialist")
    for year, n in sorted(counts.items()):
        for _ in range(n):
            participation("youth_academy", year, rng.choice(tracks), rng.choice(campuses),
                          rng.choice(COURSES), rng.choice(FIELDS), 150)
    if public_jobs:
        fields = [t.code for t in plan.program("companion_jobs").tracks]
        for year in sorted(counts)[-2:]:
            for _ in range(max(1, round(12_890 * scale / 10))):
                participation("companion_jobs", year, rng.choice(fields), (None, rng.choice(districts)),
                              None, None, 170)
            for _ in range(max(1, round(3_500 * scale / 10))):
                participation("attractive_jobs", year, None, (None, rng.choice(districts)), None, None, 280)
    ids = list(session.execute(insert(Participation).returning(Participation.id, sort_by_parameter_order=True),
                               rows).scalars()) if rows else []
    outcomes, follow_ups = _outcomes(rng, rows, ids, as_of, now, actor)
    for start in range(0, len(outcomes), 20_000):
        session.execute(insert(OutcomeRecord), outcomes[start:start + 20_000])
    for start in range(0, len(follow_ups), 20_000):
        session.execute(insert(FollowUp), follow_ups[start:start + 20_000])
    if outcomes:
        states.recount(session)  # the outcome rows came in bulk, past states.record
    alumni = alliance = 0
    if registers:
        alumni, alliance = _registers(session, rng, rows, scale, as_of, actor)
    audit.record(session, actor, "outcome.demo.fill", details={
        "seed": seed, "participations": len(rows), "outcomes": len(outcomes)})
    return FillReport(len(rows), len(outcomes), len(follow_ups), alumni, alliance)


def _outcomes(rng: random.Random, rows: list[dict], ids: list[int], as_of: dt.date,
              now: dt.datetime, actor: audit.Actor) -> tuple[list[dict], list[dict]]:
    outcomes: list[dict] = []
    follow_ups: list[dict] = []
    for pid, row in zip(ids, rows, strict=True):
        done = row["completed_on"]
        if done is None:
            continue
        lift = 0.05 if row["started_year"] >= 2025 else 0.0
        destiny = rng.random()
        other = rng.random()
        job: tuple[dt.date, str, str] | None = None
        for point in POINTS:
            due = add_months(done, point)
            recorded = due + dt.timedelta(days=rng.randrange(0, 25))
            follow = {"participation_id": pid, "point_months": point, "due_on": due,
                      "done_on": None, "outcome_id": None}
            follow_ups.append(follow)
            if recorded > as_of:
                continue
            if job is None and destiny < EMPLOYED_BY[point] + lift:
                start = add_months(done, point - 1) + dt.timedelta(days=rng.randrange(0, 28))
                job = (min(start, due), _weighted(rng, CONTRACTS), rng.choice(EMPLOYERS))
            if job is not None:
                kind, effective, contract, employer = "employed", job[0], job[1], job[2]
                if other < 0.04:
                    kind, contract, employer = "startup", None, None
            elif other < 0.04:
                kind, effective, contract, employer = "further_study", due, None, None
            else:
                kind, effective, contract, employer = "looking", due, None, None
            follow["done_on"] = recorded
            outcomes.append({
                "participation_id": pid, "kind": kind, "effective_on": effective, "recorded_on": recorded,
                "months_after": months_after(done, effective), "employer": employer,
                "job_title": "개발자" if kind == "employed" else None, "contract_type": contract,
                "source": rng.choice(("self_report", "coordinator_verified", "employment_insurance")),
                "follow_up_point": point, "recorded_by": actor.id, "created_at": now})
    return outcomes, follow_ups


def _registers(session: Session, rng: random.Random, rows: list[dict], scale: float,
               as_of: dt.date, actor: audit.Actor) -> tuple[int, int]:
    taken: set[int] = set()
    members = []
    for row in rows:
        if row["program_code"] != "youth_academy" or row["completed_on"] is None or rng.random() > 0.35:
            continue
        person = row["person_id"]
        if person is not None and person in taken:
            continue
        if person is not None:
            taken.add(person)
        joined = row["completed_on"] + dt.timedelta(days=rng.randrange(0, 60))
        if joined <= as_of:
            members.append({"person_id": person, "campus_code": row["campus_code"], "joined_on": joined,
                            "left_on": None, "created_by": actor.id})
    if members:
        session.execute(insert(AlumniMember), members)
    launch = dt.date(2025, 12, 1)
    alliance = []
    for i in range(max(4, round(600 * scale))):
        kind, stem = ALLIANCE[i % len(ALLIANCE)]
        joined = launch + dt.timedelta(days=rng.randrange(0, 20))
        if joined <= as_of:
            alliance.append({"name": f"{stem} {i + 1:03d}", "kind": kind, "joined_on": joined,
                             "left_on": None, "created_by": actor.id})
    if alliance:
        session.execute(insert(AllianceMember), alliance)
    return len(members), len(alliance)
