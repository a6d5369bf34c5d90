"""A recruitment round to click through in the demo: 동행일자리 applicants waiting for selection.

Applicants are drawn from the synthetic population (job seekers in Seoul, so most of them can
take part), given made-up names, phones and well-formed RRNs, and imported through the real
importer — so the registry, the eligibility snapshots and the audit log are the real thing. The
demo citizen account is linked to one of them, so a citizen sees an application with its reasons,
and a manager can run the selection at ``/manage/rounds``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock, files
from ilja.accounts import audit
from ilja.accounts.models import User
from ilja.applications import importer, rounds
from ilja.applications.models import Application, Round
from ilja.people.keys import get_keyring
from ilja.people.rrn import expected_check_digit
from ilja.people.synthetic import generate_population
from ilja.rules.population import EMPLOYMENT_STATUSES

PROGRAM = "companion_jobs"
TITLE = "2027년 상반기 서울 동행일자리 참여자 모집 (데모)"
SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권"]
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은우", "지민", "영수", "순자", "정희", "동현"]
DEMO_ACTOR = audit.Actor("demo", "program_manager", None)


@dataclass(frozen=True)
class WorldReport:
    round_id: int
    applications: int
    eligible: int
    citizen_person_id: int | None


def _rrn(birth: dt.date, serial: int) -> str:
    """A made-up, well-formed RRN (old style, with its check digit) for a birth date."""
    gender = (1 if birth.year < 2000 else 3) + serial % 2
    body = f"{birth:%y%m%d}{gender}{serial % 100_000:05d}"  # 12 digits; the 13th checks them
    return f"{body[:6]}-{body[6:]}{expected_check_digit(body + '0')}"


def _applicants_file(path: Path, count: int, seed: int) -> None:
    """Job seekers aged 18+ living in Seoul, in the registry's import columns (Korean headers)."""
    population = generate_population(count * 20, seed=seed)
    on = 20270110
    adult = (on - population.birth_date) // 10000 >= 18
    seoul = population.sido.isin(["서울특별시"])
    seeker = population.employment_status == EMPLOYMENT_STATUSES.index("unemployed")
    # applicants to a program for the employment-vulnerable are mostly vulnerable themselves
    vulnerable = population.vulnerable_groups != 0
    likely = np.flatnonzero(adult & seoul & seeker & vulnerable)
    others = np.flatnonzero(adult & seoul & seeker & ~vulnerable)
    chosen = np.sort(np.concatenate([likely[: count * 85 // 100],
                                     others[: count - min(len(likely), count * 85 // 100)]]))
    units = [u.code for u in rounds.units_from_plan(PROGRAM)]
    rng = np.random.default_rng(seed)
    header = ["이름", "주민등록번호", "연락처", "birth_date", "sido", "sigungu", "employment_status",
              "able_to_work", "household_head", "household_size", "vulnerable_groups",
              "veteran_service_months", "nationality", "visa", "unemployment_benefit_periods",
              "training_history", "household_income_krw", "household_assets_krw",
              "receives_livelihood_benefit", "1지망"]
    rows = []
    for serial, i in enumerate(chosen):
        person = population.person(int(i))
        rows.append([
            SURNAMES[serial % len(SURNAMES)] + GIVEN[(serial // len(SURNAMES)) % len(GIVEN)],
            _rrn(person.birth_date, 50_000 + serial), f"010-{7000 + serial // 10_000:04d}-{serial % 10_000:04d}",
            person.birth_date.isoformat(), person.sido, person.sigungu, person.employment_status,
            person.able_to_work, person.household_head, person.household_size,
            ";".join(person.vulnerable_groups), person.veteran_service_months, person.nationality,
            person.visa,
            ";".join(f"{p.start}/{p.end}" for p in person.unemployment_benefit_periods),
            ";".join(f"{r.program}/{r.start}/{r.end}/{r.result}" for r in person.training_history),
            "" if person.household_income_krw is None else person.household_income_krw,
            "" if person.household_assets_krw is None else person.household_assets_krw,
            "" if person.receives_livelihood_benefit is None else person.receives_livelihood_benefit,
            units[int(rng.integers(0, len(units)))],
        ])
    files.write_atomically(path, files.write_csv(rows, header))


def existing_demo_round(session: Session) -> tuple[int, int] | None:
    """The demo round an earlier run made, as (round id, applications), if there is one."""
    round_id = session.scalar(select(Round.id).where(Round.title == TITLE).limit(1))
    if round_id is None:
        return None
    return round_id, session.scalar(select(func.count()).where(Application.round_id == round_id))


def fill_demo_round(session: Session, *, seed: int = 2025, applicants: int = 600,
                    citizen_login: str = "citizen") -> WorldReport | None:
    """An open 동행일자리 round with ``applicants`` imported applications (once per database)."""
    if session.scalar(select(Round.id).where(Round.title == TITLE).limit(1)):
        return None
    now = clock.now()
    round_ = rounds.create_round(session, rounds.RoundInput(
        program_code=PROGRAM, title=TITLE, announced_on=(now - dt.timedelta(days=1)).date(),
        opens_at=now - dt.timedelta(hours=1), closes_at=now + dt.timedelta(days=14),
        starts_on=dt.date(2027, 1, 11), units=rounds.units_from_plan(PROGRAM)), actor=DEMO_ACTOR)
    rounds.open_round(session, round_.id, actor=DEMO_ACTOR)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "applicants.csv"
        _applicants_file(path, applicants, seed)
        report = importer.import_applications(session, path, round_.id, DEMO_ACTOR, keyring=get_keyring())
    citizen_person = None
    user = session.scalar(select(User).where(User.login == citizen_login))
    first = session.scalar(select(Application.person_id).where(Application.round_id == round_.id)
                           .order_by(Application.id).limit(1))
    if user is not None and user.person_id is None and first is not None:
        user.person_id = citizen_person = first
    return WorldReport(round_.id, report.applications, report.eligible, citizen_person)
