"""Matching in the database, on SQLite and PostgreSQL: postings and candidates, a run, its
confirmation, offers ending in a hire (an outcome) or a decline, a matching day, the caseload."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts.audit import Actor
from ilja.accounts.models import AuditRecord
from ilja.db import engine_for, transaction
from ilja.matching import coordination, runs, service
from ilja.matching.errors import MatchingInputError
from ilja.matching.models import Interview, MatchingOutcome
from ilja.matching.service import CandidateInput, PostingInput
from tests.publicjobs.factories import add_person

COORDINATOR = Actor("3", "job_coordinator")
D = dt.date(2026, 3, 2)


def _setup(session) -> dict:
    org = service.create_organisation(session, code="ORG-1", name="(주)서울AI", kind="company",
                                      association="한국인공지능협회", district="마포구",
                                      actor=COORDINATOR)
    city = service.create_organisation(session, code="CITY-1", name="서울시 데이터전략과",
                                       kind="city_department", actor=COORDINATOR)
    backend = service.create_posting(session, PostingInput(
        code="P-BE", organisation_id=org.id, round_code="2026-1", kind="internship_company",
        title="백엔드 개발자 (Python/Django)", seats=1, required_skills=["Python", "Django"],
        ncs_codes=["2001020202"], district="마포구", monthly_pay=2_461_811,
        starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2026, 9, 30)), actor=COORDINATOR)
    data = service.create_posting(session, PostingInput(
        code="P-DATA", organisation_id=city.id, round_code="2026-1", kind="internship_city",
        title="행정데이터 분석 인턴", seats=1, required_skills=["SQL", "데이터 분석"],
        ncs_codes=["20010105"]), actor=COORDINATOR)
    service.set_course_tags(session, course_code="SESAC-BE", course_name="백엔드 개발자 양성 과정",
                            skills=["Python", "Django", "SQL"], ncs_codes=["2001020202"])
    service.set_course_tags(session, course_code="SESAC-DA", course_name="AI 융합 데이터 분석가 과정",
                            skills=["Python", "SQL", "데이터 분석"], ncs_codes=["2001010501"])
    dev = service.register_candidate(session, CandidateInput(
        person_id=add_person(session), training_status="completed", course_code="SESAC-BE",
        description="장고로 웹 서비스를 만들었습니다", preferred_districts=["마포구"]),
        actor=COORDINATOR)
    analyst = service.register_candidate(session, CandidateInput(
        person_id=add_person(session), course_code="SESAC-DA",
        description="공공데이터 분석 프로젝트 경험"), actor=COORDINATOR)
    return {"org": org, "city": city, "backend": backend, "data": data, "dev": dev,
            "analyst": analyst}


def test_run_confirm_offer_and_hire_becomes_an_outcome(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        run = runs.run_matching(session, round_code="2026-1", on=D, seed=b"s" * 16,
                                actor=COORDINATOR)
        assert run.matched == 2 and run.blocking_pairs == 0
        pairs = {(p.candidate_id, p.posting_id) for p in runs.proposals(session, run.id)}
        assert pairs == {(s["dev"].id, s["backend"].id), (s["analyst"].id, s["data"].id)}
        assert run.parameters["alternative"]["method"] == "max_fit"
        assert runs.reproduce_run(session, run.id)
        fits = service.fit_list(session, s["dev"].id, on=D, actor=COORDINATOR)
        assert fits[0]["posting"].id == s["backend"].id
        assert fits[0]["explanation"]["skills_met"] == ["Python", "Django"]
        assert fits[0]["excluded_by"] == []

        offers = runs.confirm_run(session, run.id, on=D, actor=COORDINATOR)
        assert len(offers) == 2
        with pytest.raises(runs.RunStateError):
            runs.confirm_run(session, run.id, actor=COORDINATOR)
        by_candidate = {o.candidate_id: o for o in offers}
        hired_on = dt.date(2026, 3, 20)
        outcome = runs.decide_offer(session, by_candidate[s["dev"].id].id, decision="hired",
                                    on=hired_on, actor=COORDINATOR)
        runs.decide_offer(session, by_candidate[s["analyst"].id].id, decision="declined",
                          on=hired_on, reason="타 기업 취업", actor=COORDINATOR)
        with pytest.raises(runs.RunStateError):
            runs.decide_offer(session, by_candidate[s["dev"].id].id, decision="declined",
                              on=hired_on, actor=COORDINATOR)
    with transaction(engine_for(database_url)) as session:
        stored = session.scalars(select(MatchingOutcome)).all()
        assert [(o.employer, o.hired_on, o.kind, o.monthly_pay) for o in stored] == [
            ("(주)서울AI", hired_on, "internship_company", 2_461_811)]
        assert outcome is not None and stored[0].person_id == s["dev"].person_id
        # The hired trainee and the filled seat leave the pool; the decliner can be matched again.
        again = runs.run_matching(session, round_code="2026-1", on=D, actor=COORDINATOR)
        assert again.postings == 1 and again.candidates == 1
        actions = [a for a, in session.execute(select(AuditRecord.action))]
        assert {"matching.run", "matching.run.confirm", "matching.offer.hired"} <= set(actions)


def test_ranked_lists_are_respected(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        s["analyst"].description += ", 장고로 백엔드 API 실습"  # fit enough for the backend post
        # Both candidates want the backend internship first; the company ranks the analyst first.
        service.set_ranking(session, side="candidate", candidate_id=s["dev"].id,
                            posting_ids=[s["backend"].id, s["data"].id], actor=COORDINATOR)
        service.set_ranking(session, side="candidate", candidate_id=s["analyst"].id,
                            posting_ids=[s["backend"].id, s["data"].id], actor=COORDINATOR)
        service.set_ranking(session, side="posting", candidate_id=0, posting_id=s["backend"].id,
                            candidate_ids=[s["analyst"].id, s["dev"].id], actor=COORDINATOR)
        run = runs.run_matching(session, round_code="2026-1", on=D, seed=b"r" * 16,
                                actor=COORDINATOR)
        got = {p.candidate_id: p.posting_id for p in runs.proposals(session, run.id)}
        assert got.get(s["analyst"].id) == s["backend"].id


def test_bad_inputs_are_refused(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        with pytest.raises(MatchingInputError, match="seats"):
            service.create_posting(session, PostingInput(
                code="X", organisation_id=s["org"].id, round_code="r", kind="job", title="t",
                seats=0), actor=COORDINATOR)
        with pytest.raises(MatchingInputError, match="ncs_code_invalid"):
            service.create_posting(session, PostingInput(
                code="Y", organisation_id=s["org"].id, round_code="r", kind="job", title="t",
                seats=1, ncs_codes=["123"]), actor=COORDINATOR)
        with pytest.raises(MatchingInputError, match="no_postings"):
            runs.run_matching(session, round_code="nope", actor=COORDINATOR)
        with pytest.raises(service.NotFound):
            runs.get_run(session, 999)


def test_matching_day_and_caseload(database_url):
    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        day = coordination.create_day(session, code="MD-2026-04", title="4월 일자리 매칭데이",
                                      held_on=dt.date(2026, 4, 15), slot_count=3,
                                      actor=COORDINATOR)
        coordination.add_participants(session, day.id,
                                      organisation_ids=[s["org"].id, s["city"].id],
                                      candidate_ids=[s["dev"].id, s["analyst"].id],
                                      actor=COORDINATOR)
        rows = coordination.schedule_day(session, day.id, actor=COORDINATOR)
        assert rows
        assert len({(r.candidate_id, r.slot) for r in rows}) == len(rows)
        assert coordination.slot_time(day, 1) == "10:30"
        coordination.record_result(session, rows[0].id, result="passed", actor=COORDINATOR)
        assert session.scalar(select(Interview).where(Interview.id == rows[0].id)).result == "passed"

        coordination.log_session(session, candidate_id=s["dev"].id, held_on=clock.today(),
                                 kind="cv_coaching", notes="이력서 검토", next_steps="포트폴리오 보완",
                                 actor=COORDINATOR)
        later = clock.today() + dt.timedelta(days=20)
        rows = coordination.caseload(session, coordinator_user_id=None, on=later,
                                     actor=COORDINATOR)
        flags = {r.candidate.id: r.flagged for r in rows}
        assert flags == {s["dev"].id: True, s["analyst"].id: True}
        rows = coordination.caseload(session, coordinator_user_id=None, on=clock.today(),
                                     actor=COORDINATOR)
        assert not any(r.flagged for r in rows)
        with pytest.raises(MatchingInputError):
            coordination.log_session(session, candidate_id=s["dev"].id, held_on=clock.today(),
                                     kind="chat", actor=COORDINATOR)


def test_migration_matches_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from ilja.models import metadata

    with engine_for(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = [d for d in compare_metadata(context, metadata) if "matching_" in repr(d)]
    assert diffs == []


def test_a_hire_is_recorded_as_the_employment_outcome_of_the_completed_course(database_url):
    from ilja.outcomes import service as outcomes
    from ilja.outcomes.models import OutcomeRecord

    with transaction(engine_for(database_url)) as session:
        s = _setup(session)
        outcomes.add_participation(session, outcomes.ParticipationInput(
            program_code="youth_academy", started_on=dt.date(2025, 9, 1), source_ref="own:dev",
            status="completed", completed_on=dt.date(2026, 2, 27), person_id=s["dev"].person_id),
            actor=COORDINATOR)
        run = runs.run_matching(session, round_code="2026-1", on=D, seed=b"s" * 16, actor=COORDINATOR)
        offers = {o.candidate_id: o for o in runs.confirm_run(session, run.id, on=D, actor=COORDINATOR)}
        runs.decide_offer(session, offers[s["dev"].id].id, decision="hired", on=dt.date(2026, 3, 20),
                          actor=COORDINATOR)
        recorded = session.scalars(select(OutcomeRecord)).all()
        assert [(r.kind, r.employer, r.source, r.contract_type, r.effective_on) for r in recorded] == [
            ("employed", "(주)서울AI", "coordinator_verified", "internship", dt.date(2026, 3, 20))]
