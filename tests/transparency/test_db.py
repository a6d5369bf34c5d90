"""Scorecards and open registers on SQLite and PostgreSQL: the figures are the outcomes domain's
(same definition, same numbers), small cells are suppressed, the files have the portal's layout,
and an attacker who joins the published tables with the registry re-identifies no one."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import json
import re
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from ilja import clock
from ilja.accounts import service as accounts
from ilja.accounts.roles import Role
from ilja.db import engine_for, transaction
from ilja.outcomes import queries
from ilja.outcomes.models import Participation
from ilja.outcomes.rates import Cohort
from ilja.programs.loader import load_plan
from ilja.publicjobs.models import PayLine, Placement, Project, TimesheetEntryRow
from ilja.publicjobs.payment_models import Payment
from ilja.transparency import cache, disclosure, registers, scorecards
from tests.transparency.world import AS_OF, NOW, build_world
from tests.web.html_check import check_page

YEAR = 2025
PASSWORD = "Tr0ub4dor&3x"


@pytest.fixture
def world(database_url):
    build_world(database_url)
    cache.clear()
    with clock.frozen(NOW):
        yield database_url
    cache.clear()


def _bank_results(session) -> None:
    """What imported result files would have recorded for host-0's seven July payments: four
    credited on the pay day, two three days late, one not yet."""
    payments = session.scalars(select(Payment).join(Project, Project.id == Payment.project_id)
                               .where(Project.host_code == "host-0").order_by(Payment.id)).all()
    assert len(payments) == 7
    for payment, late in zip(payments, (0, 0, 0, 0, 3, 3), strict=False):
        payment.paid_on = payment.due_on + dt.timedelta(days=late)
        payment.status = "paid"


def test_scorecards_count_what_the_outcomes_domain_counts(world):
    with transaction(engine_for(world)) as session:
        _bank_results(session)
    with transaction(engine_for(world)) as session:
        card = scorecards.build(session, year=YEAR, as_of=AS_OF)
        rule = scorecards.employment_rule(YEAR, AS_OF)
        groups = {g.key: g for g in queries.rate_groups(session, rule, Cohort(
            AS_OF.replace(month=1, day=1), AS_OF, AS_OF), dimension="campus")}
        intake = dict(session.execute(
            select(Participation.campus_code, func.count()).where(
                Participation.started_year == YEAR, Participation.status.in_(("completed", "dropped")),
                Participation.program_code == "youth_academy").group_by(Participation.campus_code)).all())
    plan = load_plan()
    campuses = card.raw_of("campus")
    assert {r.code for r in campuses} == {c.code for c in plan.campuses}
    assert {r.code for r in card.raw_of("institute")} == {i.code for i in plan.institutes}
    for raw in campuses:
        group = groups.get(raw.code)
        assert (raw.employed, raw.employable) == ((group.numerator, group.denominator) if group else (0, 0))
        assert raw.ended == intake.get(raw.code, 0)
        assert raw.retained <= raw.retention_due <= raw.employed
    hosts = card.raw_of("host")
    assert len(hosts) == 4 and sum(1 for r in card.of("host") if r.name == "마포구청") == 4
    assert {r.code: (r.applicants, r.seats) for r in hosts}["host-0"] == (6, 3)
    host = next(r for r in card.of("host") if r.code == "host-0")
    assert (host.applicants.value, host.competition.value) == (6, Decimal("2.0"))
    paid = {r.code: (r.paid_on_time, r.payments) for r in hosts}
    assert paid == {"host-0": (4, 7), "host-1": (0, 3), "host-2": (0, 3), "host-3": (0, 0)}
    assert {r.code: r.payments_on_time.state for r in card.of("host")} == {
        "host-0": "suppressed", "host-1": "suppressed", "host-2": "suppressed", "host-3": "no_data"}
    assert all(r.payments_on_time.state == "no_data" for r in card.rows if r.kind != "host")
    mapo = next(r for r in card.rows if r.code == "campus.mapo")
    assert (mapo.applicants.value, mapo.competition.value) == (12, Decimal("1.2"))
    assert (mapo.satisfaction.value, mapo.satisfaction.count) == (Decimal("81.7"), 6)
    assert all(r.satisfaction.state == "no_data" for r in card.rows if r.code != "campus.mapo")
    for row in card.rows:
        for _, cell in row.cells():
            assert all(n >= card.rules.min_cell for n in disclosure.published_counts(cell))


def test_the_registers_have_the_portals_layout(world):
    with transaction(engine_for(world)) as session:
        jobs = registers.public_jobs(session, as_of=AS_OF)
        courses = registers.training_courses(session, as_of=AS_OF)
    content = registers.to_csv(jobs)
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert table[0] == [c.ko for c in registers.PUBLIC_JOBS.columns]
    assert [r[2] for r in table[1:]] and table[1][0] == "2025-07"
    # one project of 7 shown; two of 3 merged into "기타" (6); one of 1 alone in its program: left out
    assert [r["participants"] for r in jobs.rows] == [7, 6]
    assert jobs.rows[1]["project_code"] == "기타" and jobs.suppressed == 1
    assert sum(r["wages_won"] for r in jobs.rows) > 0 and jobs.rows[0]["hours"] > 0
    document = json.loads(registers.to_json(courses))
    assert [f["name"] for f in document["fields"]] == [c.key for c in registers.TRAINING_COURSES.columns]
    assert document["k"] == 5 and document["records"] == courses.rows
    meta = registers.metadata(AS_OF)
    assert [d["files"]["csv"] for d in meta["datasets"]] == ["/open/registers/public-jobs.csv",
                                                            "/open/registers/training-courses.csv"]
    assert meta["disclosure"]["parameters"][1]["name"] == "transparency.disclosure.k_anonymity"
    for row in courses.rows:
        for column in ("completed", "dropped", "employed"):
            assert row[column] is None or row[column] == 0 or row[column] >= 5


def _records(session, plan) -> dict[str, list[tuple[dict[str, object], int]]]:
    """What the attacker knows from the registry: every person's participations, by the columns
    the registers publish (taken from the database, not from the register code)."""
    programs = {p.code: p.name.ko for p in plan.programs}
    districts = {d.code: d.name.ko for d in plan.districts}
    providers = scorecards.provider_names(plan, "ko")
    jobs = []
    hours = select(Project.code, Project.name, Project.host_name, Project.program_code, Project.district_code,
                   TimesheetEntryRow.day, Placement.person_id).join(
        Placement, Placement.id == TimesheetEntryRow.placement_id).join(Project, Project.id == Placement.project_id)
    for code, name, host, program, district, day, person in session.execute(hours):
        jobs.append(({"month": f"{day:%Y-%m}", "program": programs[program], "project_code": code,
                      "project_name": name, "host": host, "district": districts.get(district, "전체")}, person))
    pay = select(Project.code, Project.name, Project.host_name, Project.program_code, Project.district_code,
                 PayLine.month, PayLine.person_id).join(Placement, Placement.id == PayLine.placement_id).join(
        Project, Project.id == Placement.project_id)
    for code, name, host, program, district, month, person in session.execute(pay):
        jobs.append(({"month": f"{month // 100:04d}-{month % 100:02d}", "program": programs[program],
                      "project_code": code, "project_name": name, "host": host,
                      "district": districts.get(district, "전체")}, person))
    courses = []
    for year, program, campus, course, person, pid in session.execute(select(
            Participation.started_year, Participation.program_code, Participation.campus_code, Participation.course,
            Participation.person_id, Participation.id).where(
            Participation.program_code.in_(scorecards.TRAINING_PROGRAMS))):
        courses.append(({"year": year, "program": programs[program], "provider": providers.get(campus, "전체"),
                         "course": course or "기타"}, person if person is not None else -pid))
    return {"public-jobs": jobs, "training-courses": courses}


GENERALISED = {"기타", "전체"}


def _reidentified(register, known, k: int) -> tuple[list, int]:
    """Every (columns, row, candidates) where a combination of published columns narrows the
    registry down to between 1 and k-1 persons, and the number of combinations tried."""
    found, tried = [], 0
    quasi = register.layout.quasi
    for size in range(1, len(quasi) + 1):
        for columns in itertools.combinations(quasi, size):
            for row in register.rows:
                # a generalised value ("기타", "전체") may stand for anyone: the attacker's widest guess
                candidates = {person for record, person in known
                              if all(row[c] in GENERALISED or record[c] == row[c] for c in columns)}
                tried += 1
                if 0 < len(candidates) < k:
                    found.append((columns, row, len(candidates)))
    return found, tried


def test_an_attacker_joining_the_registers_with_the_registry_reidentifies_no_one(world, monkeypatch):
    plan = load_plan()
    with transaction(engine_for(world)) as session:
        known = _records(session, plan)
        published = {name: registers.build(session, name) for name in registers.LAYOUTS}
    for name, register in published.items():
        k = register.rules.k
        assert register.rows, name
        found, tried = _reidentified(register, known[name], k)
        assert not found, (name, found[:3])
        assert tried > 100
        for row in register.rows:  # every exact row stands for as many people as it says
            if not GENERALISED & {str(row[c]) for c in register.layout.quasi}:
                exact = {person for record, person in known[name]
                         if all(record[c] == row[c] for c in register.layout.quasi)}
                assert len(exact) >= k
                if name == "public-jobs":
                    assert row["participants"] == len(exact)

    # the attacker is not toothless: published with k = 1, the small projects give people away
    rules = disclosure.rules(AS_OF)
    monkeypatch.setattr(disclosure, "rules", lambda on, tree=None: disclosure.Rules(rules.min_cell, 1, 6, rules.uses))
    with transaction(engine_for(world)) as session:
        careless = registers.build(session, "public-jobs")
    assert _reidentified(careless, known["public-jobs"], rules.k)[0]


def test_the_public_pages_answer_without_log_in_and_name_no_one(world, monkeypatch):
    from fastapi.testclient import TestClient

    from ilja.config import get_settings
    from ilja.people.models import Person
    from ilja.web.app import create_app

    monkeypatch.setenv("ILJA_DATABASE_URL", world)
    get_settings.cache_clear()
    with transaction(engine_for(world)) as session:
        names = list(session.execute(select(Person.name)).scalars())
    try:
        client = TestClient(create_app())
        pages = ["/scorecards", "/scorecards?year=2025", "/open/registers", "/open/registers/public-jobs",
                 "/open/registers/training-courses", "/scorecards?lang=en", "/open/registers?lang=en"]
        files = ["/scorecards.csv", "/scorecards.xlsx", "/open/registers/public-jobs.csv",
                 "/open/registers/public-jobs.json", "/open/registers/training-courses.csv",
                 "/open/registers/training-courses.json", "/open/registers/metadata.json"]
        for path in pages + files:
            response = client.get(path)
            assert response.status_code == 200, path
            text = response.content.decode("utf-8-sig", errors="ignore")
            assert not [n for n in names if n in text], path
            if path in pages:
                check_page(text)
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(client.get("/scorecards.xlsx?year=2025&lang=ko").content)).active
        head = [c.value for c in sheet[4]]
        assert head[:4] == ["구분", "기관", "연도", "지원자 — 값"] and len(head) == 3 + 4 * 8
        assert [c.value for c in sheet[5]][:3] == ["청년취업사관학교 캠퍼스", "청년취업사관학교 종로캠퍼스", 2025]
        page = client.get("/scorecards?year=2025&lang=ko").text
        assert "청년취업사관학교 마포캠퍼스" in page and "비공개" in page and "자료 없음" in page
        assert "임금 적기 지급률" in page
        assert client.get("/manage/scorecards", follow_redirects=False).status_code in (303, 401)
        with transaction(engine_for(world)) as session:
            accounts.create_user(session, login="manager", password=PASSWORD, role=Role.PROGRAM_MANAGER,
                                 display_name="담당자")
        login = client.get("/login?lang=ko")
        token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
        assert client.post("/login", data={"login": "manager", "password": PASSWORD, "next": "",
                                           "csrf_token": token}, follow_redirects=False).status_code == 303
        manage = client.get("/manage/scorecards?year=2025")
        assert manage.status_code == 200 and manage.headers["cache-control"] == "no-store"
        check_page(manage.text)
        assert "취업률 목표 (2030년, 80~90%)" in manage.text and "미달" in manage.text
        assert "비공개" not in manage.text  # staff see every figure
        client.get("/scorecards?year=2025")
        built = []
        monkeypatch.setattr(scorecards, "build", lambda *args, **kwargs: built.append(kwargs))
        for _ in range(5):
            assert client.get("/scorecards?year=2025").status_code == 200
        assert built == []  # warm: from the cache, the tables unchanged (speed is bench/pages's)
    finally:
        get_settings.cache_clear()
