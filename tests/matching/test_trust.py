"""A matching a coordinator would trust (issue 23), on SQLite and PostgreSQL: the demo gives the
coordinator candidates across every field; a run proposes no pair a hard filter excludes, says
why the others stayed unmatched, and each proposal is confirmed or vetoed on its own; candidates
come in from training; a candidate's conditions are checked and saved."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja import clock
from ilja.accounts.roles import Role
from ilja.accounts.service import create_user
from ilja.db import engine_for, transaction
from ilja.matching import filters, runs, service
from ilja.matching.demo_data import fill_demo_candidates, fill_demo_matching
from ilja.matching.errors import MatchingInputError
from ilja.matching.models import Offer
from ilja.matching.profile_input import parse_conditions
from tests.matching.test_service_db import COORDINATOR
from tests.publicjobs.factories import add_person


def _demo(session) -> int:
    user = create_user(session, login="coordinator", password="Ilja-demo-pass-7!",
                       role=Role.JOB_COORDINATOR, display_name="잡코디")
    for _ in range(16):
        add_person(session)
    fill_demo_matching(session)
    made = fill_demo_candidates(session)
    assert made.candidates == 16 and made.postings == 34
    assert fill_demo_candidates(session).candidates == 0  # a second call adds nothing
    return user.id


def test_demo_run_proposes_only_eligible_pairs_and_explains_the_rest(database_url):
    with transaction(engine_for(database_url)) as session:
        coordinator = _demo(session)
        caseload = [c for c in service.active_candidates(session)
                    if c.coordinator_user_id == coordinator]
        assert len(caseload) == 16
        run = runs.run_matching(session, round_code="2026-1", seed=b"t" * 16,
                                actor=COORDINATOR)
        assert run.matched >= 12 and run.blocking_pairs == 0
        proposals = runs.proposals(session, run.id)
        table = service.fit_table(session, [service.get_candidate(session, p.candidate_id)
                                            for p in proposals],
                                  [service.get_posting(session, p.posting_id)
                                   for p in proposals], clock.today())
        assert all(table.excluded[i, i] == 0 for i in range(len(proposals)))
        unmatched = run.parameters["unmatched"]
        assert len(unmatched) == run.candidates - run.matched
        for why in unmatched.values():
            assert why["excluded"] + why["below_min_fit"] + why["taken_by_others"] == why["postings"]
        # every candidate was kept away from the posting whose deadline has passed
        late = service.posting_by_code(session, "DEMO2025-GP05")
        fits = service.fit_list(session, caseload[0].id, on=clock.today(), actor=COORDINATOR)
        assert next(f for f in fits if f["posting"].id == late.id)["excluded_by"][0] == "deadline"


def test_each_proposal_is_confirmed_or_vetoed_on_its_own(database_url):
    with transaction(engine_for(database_url)) as session:
        _demo(session)
        run = runs.run_matching(session, round_code="2026-1", seed=b"v" * 16,
                                actor=COORDINATOR)
        first, second, *rest = runs.proposals(session, run.id)
        with pytest.raises(MatchingInputError, match="reason"):
            runs.decide_proposal(session, second.id, decision="veto", actor=COORDINATOR)
        offer = runs.decide_proposal(session, first.id, decision="confirm", actor=COORDINATOR)
        assert offer is not None and offer.posting_id == first.posting_id
        runs.decide_proposal(session, second.id, decision="veto", reason="통근이 너무 멉니다",
                             actor=COORDINATOR)
        assert (second.status, second.reason) == ("vetoed", "통근이 너무 멉니다")
        with pytest.raises(runs.RunStateError):
            runs.decide_proposal(session, first.id, decision="veto", reason="x",
                                 actor=COORDINATOR)
        assert run.status == "proposed"
        runs.confirm_run(session, run.id, actor=COORDINATOR)  # the rest, all at once
        assert second.status == "vetoed" and run.status == "confirmed"
        offers = session.scalars(select(Offer)).all()
        assert len(offers) == 1 + len(rest)
        assert second.candidate_id not in {o.candidate_id for o in offers}


def test_conditions_are_checked_then_saved(database_url):
    with transaction(engine_for(database_url)) as session:
        candidate = service.register_candidate(session, service.CandidateInput(
            person_id=add_person(session)), actor=COORDINATOR)
        conditions, problems = parse_conditions({
            "skills": "타입스크립트, 피그마", "certifications": "정보처리 기사",
            "experience": "AI·소프트웨어 1년", "education": "대졸", "wanted_kinds": ["job"],
            "min_monthly_pay": "2,600,000", "shifts": ["day"], "home_district": "강동구",
            "max_commute_minutes": "70", "available_from": "2026-04-01"})
        assert problems == []
        service.update_conditions(session, candidate.id, conditions, actor=COORDINATOR)
        assert candidate.experience == [["software", 1]] and candidate.home_district == "강동구"
        profile = service.candidate_profile(candidate, {})
        assert profile.education == "bachelor" and profile.available_from == dt.date(2026, 4, 1)
        _, problems = parse_conditions({"max_weekly_hours": "90", "home_district": "부산",
                                        "shifts": "밤샘"})
        assert {p.location.split("[")[0] for p in problems} == {
            "max_weekly_hours", "home_district", "shifts"}


def test_every_filter_and_shift_has_words():
    from ilja.i18n import has

    for lang in ("ko", "en"):
        assert all(has(lang, f"matching.filter.{name}") for name in filters.FILTERS)
        assert all(has(lang, f"matching.shift.{name}") for name in filters.SHIFTS)


def test_acceptance_by_posting_and_employer(database_url):
    from ilja.matching.acceptance import acceptance

    with transaction(engine_for(database_url)) as session:
        _demo(session)
        run = runs.run_matching(session, round_code="2026-1", seed=b"a" * 16,
                                actor=COORDINATOR)
        first, second, third, *_ = runs.proposals(session, run.id)
        runs.decide_proposal(session, third.id, decision="veto", reason="경력 부족",
                             actor=COORDINATOR)
        hired = runs.decide_proposal(session, first.id, decision="confirm", actor=COORDINATOR)
        declined = runs.decide_proposal(session, second.id, decision="confirm",
                                        actor=COORDINATOR)
        today = clock.today()
        runs.decide_offer(session, hired.id, decision="hired", on=today, actor=COORDINATOR)
        runs.decide_offer(session, declined.id, decision="declined", on=today,
                          reason="근무 시간이 맞지 않음", actor=COORDINATOR)
        by_posting, by_employer = acceptance(session)
        title = service.get_posting(session, second.posting_id).title
        row = next(r for r in by_posting if r.name == title)
        assert row.offers["declined"] == 1 and row.rate == 0.0
        assert row.decline_reasons == ["근무 시간이 맞지 않음"]
        assert sum(r.offers["hired"] for r in by_employer) == 1
        assert sum(r.proposals["vetoed"] for r in by_posting) == 1
