"""Outcomes in the database, on SQLite and PostgreSQL: participations, outcomes and follow-ups,
registers, and the dashboard's SQL rates agreeing with the pure definition."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
from sqlalchemy import select

from ilja.accounts import audit
from ilja.accounts.audit import Actor
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.outcomes import queries, service
from ilja.outcomes.models import AllianceMember, AlumniMember, FollowUp
from ilja.outcomes.rates import DIMENSIONS, breakdown, cohort_for, compute_rate, definition
from ilja.outcomes.service import OutcomeError, OutcomeInput, ParticipationInput

D = dt.date
STAFF = Actor("7", "job_coordinator")


def completed(ref: str, done: dt.date, **kw) -> ParticipationInput:
    return ParticipationInput(program_code=kw.pop("program_code", "youth_academy"),
                              started_on=done - dt.timedelta(days=150), source_ref=ref,
                              status="completed", completed_on=done, **kw)


def test_completion_schedules_follow_ups_and_an_outcome_closes_one(database_url):
    with transaction(engine_for(database_url)) as session:
        row = service.add_participation(session, completed("own:1", D(2025, 1, 31)), actor=STAFF)
        again = service.add_participation(session, completed("own:1", D(2025, 1, 31)), actor=STAFF)
        assert again.id == row.id
        due = sorted((f.point_months, f.due_on) for f in session.execute(select(FollowUp)).scalars())
        assert due == [(1, D(2025, 2, 28)), (3, D(2025, 4, 30)), (6, D(2025, 7, 31))]
        assert [f.point_months for f in service.due_follow_ups(session, D(2025, 3, 1))] == [1]
        record = service.record_outcome(session, OutcomeInput(
            row.id, "employed", D(2025, 3, 2), D(2025, 3, 3), "coordinator_verified",
            employer="(주)서울AI", job_title="데이터 엔지니어", contract_type="permanent"), actor=STAFF)
        assert record.months_after == 2
        assert service.due_follow_ups(session, D(2025, 3, 3)) == []
        audit.seal(session)  # chain this transaction's entries to read them before the commit
        actions = list(session.execute(select(AuditRecord.action, AuditRecord.details)))
        assert ("outcome.record" in [a for a, _ in actions])
        assert all("서울AI" not in str(d) for _, d in actions)


def test_bad_outcomes_are_refused_with_field_and_reason(database_url):
    with transaction(engine_for(database_url)) as session:
        row = service.add_participation(session, completed("own:2", D(2025, 5, 1)), actor=STAFF)
        with pytest.raises(OutcomeError) as error:
            service.record_outcome(session, OutcomeInput(row.id, "employed", D(2025, 6, 1), D(2025, 6, 1),
                                                         contract_type="permanent"), actor=STAFF)
        assert error.value.field == "employer"
        with pytest.raises(OutcomeError):
            service.record_outcome(session, OutcomeInput(row.id, "hired", D(2025, 6, 1), D(2025, 6, 1)), actor=STAFF)
        with pytest.raises(service.NotFound):
            service.record_outcome(session, OutcomeInput(999, "looking", D(2025, 6, 1), D(2025, 6, 1)), actor=STAFF)


def test_registers_count_members_on_a_date(database_url):
    with transaction(engine_for(database_url)) as session:
        service.add_alliance_member(session, name="네이버클라우드", kind="company", joined_on=D(2025, 12, 10),
                                    actor=STAFF)
        service.add_alliance_member(session, name="서울대학교", kind="university", joined_on=D(2025, 12, 10),
                                    actor=STAFF)
        service.add_alliance_member(session, name="서울대학교", kind="university", joined_on=D(2025, 12, 10),
                                    actor=STAFF)
        member = service.add_alumni_member(session, person_id=None, joined_on=D(2024, 3, 1), actor=STAFF)
        service.add_alumni_activity(session, member_id=member.id, kind="mentoring", on=D(2025, 1, 5), actor=STAFF)
        with pytest.raises(OutcomeError):
            service.add_alliance_member(session, name="X", kind="club", joined_on=D(2025, 12, 10), actor=STAFF)
        assert service.active_count(session, AllianceMember, D(2025, 12, 31)) == 2
        assert service.active_count(session, AllianceMember, D(2025, 12, 9)) == 0
        assert service.active_count(session, AlumniMember, D(2025, 12, 31)) == 1
        service.set_kpi_actual(session, scope="youth_academy", metric="campus_floor_area", year=2025,
                               value=22298, source="운영 현황 2025-12", actor=STAFF)
        actuals = queries.record_actuals(session, 2025)
        found = {(a.metric, a.year): a.value for a in actuals}
        assert found[("ai_alliance_members", 2025)] == 2
        assert found[("campus_floor_area", 2025)] == Decimal(22298)


def _random_cohort(session, seed: int, n: int = 160) -> None:
    rng = random.Random(seed)
    campuses = ["campus.mapo", "campus.jung", "campus.jongno", None]
    for i in range(n):
        done = D(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        program = rng.choice(["youth_academy", "youth_academy", "tech_institute"])
        row = service.add_participation(session, completed(f"own:{i}", done, program_code=program,
                                                           campus_code=rng.choice(campuses),
                                                           course=rng.choice(["AI", "SW", None]),
                                                           district_code=rng.choice(["11440", "11140"])), actor=STAFF)
        for _ in range(rng.randrange(3)):
            kind = rng.choice(["employed", "startup", "further_study", "looking"])
            start = done + dt.timedelta(days=rng.randrange(-20, 300))
            service.record_outcome(session, OutcomeInput(
                row.id, kind, start, start + dt.timedelta(days=rng.randrange(40)),
                employer="회사" if kind == "employed" else None,
                contract_type=rng.choice(["permanent", "part_time", "internship"]) if kind == "employed" else None),
                actor=STAFF)


@pytest.mark.parametrize("name,on", [("cumulative_rate", D(2025, 6, 30)), ("midterm_rate", D(2025, 9, 30)),
                                     ("target_rate", D(2025, 11, 10)), ("target_rate", D(2025, 11, 11))])
def test_sql_rates_agree_with_the_pure_definition(database_url, name, on):
    with transaction(engine_for(database_url)) as session:
        _random_cohort(session, seed=7)
        rule = definition(name, on)
        cohort = cohort_for(rule, year=2025, as_of=on)
        completers, outcomes = queries.load_records(session, rule, cohort)
        pure = compute_rate(rule, completers, outcomes, cohort)
        head = queries.headline(session, rule, cohort)
        assert (head.numerator, head.denominator) == (pure.numerator, pure.denominator)
        other = definition("midterm_rate", on)
        both = queries.headlines(session, [(rule, cohort), (other, cohort_for(other, year=2025, as_of=on))])
        assert both[0] == head
        assert both[1] == queries.headline(session, other, cohort_for(other, year=2025, as_of=on))
        assert pure.denominator > 20
        for dimension in DIMENSIONS:
            sql = [(g.key, g.numerator, g.denominator, g.excluded)
                   for g in queries.rate_groups(session, rule, cohort, dimension=dimension)]
            mine = [(g.key, g.numerator, g.denominator, g.excluded) for g in breakdown(pure, dimension)]
            assert sorted(sql, key=str) == sorted(mine, key=str), dimension
        rows, total = queries.rate_members(session, rule, cohort, status="counted", limit=1000)
        assert total == head.numerator == len(rows)
        assert sorted(r.participation_id for r in rows) == pure.numerator_ids
        campus = queries.rate_groups(session, rule, cohort, dimension="campus")[0]
        rows, total = queries.rate_members(session, rule, cohort, dimension="campus", key=campus.key, limit=1000)
        assert total == campus.denominator + campus.excluded
        filtered = queries.headline(session, rule, cohort, queries.Filters(campus="campus.mapo"))
        assert filtered.denominator == sum(g.denominator for g in breakdown(pure, "campus") if g.key == "campus.mapo")


def test_sync_reads_completed_applications_through_their_service(database_url):
    with transaction(engine_for(database_url)) as session:
        report = service.sync_from_applications(session, actor=STAFF)
        assert report.created == 0 and report.sources == ("applications",)


def test_figures_without_a_target_still_reach_the_dashboard(database_url):
    from ilja.outcomes import dashboard
    from ilja.programs.loader import load_plan

    with transaction(engine_for(database_url)) as session:
        service.set_kpi_actual(session, scope="youth_academy", metric="certification_pass_rate", year=2025,
                               value=Decimal("61.5"), source="ilja support publish", actor=STAFF)
        shown = dashboard.other_figures(session, 2025, load_plan())
        assert [(f.metric, f.value) for f in shown] == [("certification_pass_rate", Decimal("61.50"))]
        assert dashboard.other_figures(session, 2024, load_plan()) == []
