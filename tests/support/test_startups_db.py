"""Start-up incubation on SQLite and PostgreSQL: a team from idea to investment, and its launch
counted as a "startup" outcome for its members in the outcomes domain."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from ilja.db import engine_for, transaction
from ilja.outcomes import service as outcomes
from ilja.outcomes.models import OutcomeRecord
from ilja.support import figures
from ilja.support import startup_service as startups
from ilja.support.errors import Refused
from tests.support.factories import ENDS, OPERATOR, trainees

D = dt.date(2026, 1, 10)


def test_a_team_from_idea_to_investment_counts_as_a_startup_outcome(database_url, keyring):
    persons, _ = trainees(database_url, keyring, n=3, complete=2)
    with transaction(engine_for(database_url)) as session:
        outcomes.sync_from_applications(session, actor=OPERATOR)
        team = startups.create_startup(session, name="마포 AI 랩", idea="소상공인 리뷰 요약 서비스",
                                       campus_code="campus.mapo", on=D, actor=OPERATOR)
        startups.add_member(session, startup_id=team.id, person_id=persons[0], role="founder", on=D, actor=OPERATOR)
        startups.add_member(session, startup_id=team.id, person_id=persons[2], on=D, actor=OPERATOR)  # in training
        with pytest.raises(Refused) as again:
            startups.add_member(session, startup_id=team.id, person_id=persons[0], on=D, actor=OPERATOR)
        assert again.value.refusals == ("already_member",)
        startups.add_mentor(session, startup_id=team.id, name="김멘토", organisation="서울창업허브", since=D,
                            actor=OPERATOR)
        startups.link_startup_center(session, startup_id=team.id, reference="서울창업허브 2026-1기 #17", on=D,
                                     actor=OPERATOR)
        milestone = startups.add_milestone(session, startup_id=team.id, title="MVP 공개", due_on=D + dt.timedelta(30),
                                           actor=OPERATOR)
        startups.move_stage(session, startup_id=team.id, stage="prototype", on=D, actor=OPERATOR)
        startups.move_stage(session, startup_id=team.id, stage="market_research", on=D, actor=OPERATOR)
        with pytest.raises(Refused) as early:
            startups.move_stage(session, startup_id=team.id, stage="launch", on=D, actor=OPERATOR)
        assert early.value.refusals == ("milestone_needed",)
        startups.complete_milestone(session, milestone_id=milestone.id, on=D + dt.timedelta(20), actor=OPERATOR)
        result = startups.move_stage(session, startup_id=team.id, stage="launch", on=D + dt.timedelta(40),
                                     actor=OPERATOR)
        assert result.outcomes_recorded == [persons[0]] and result.without_participation == [persons[2]]
        startups.add_member(session, startup_id=team.id, person_id=persons[1], on=D + dt.timedelta(41),
                            actor=OPERATOR)  # a completer joining after launch is counted at once
        startups.add_funding(session, startup_id=team.id, kind="investment", funder="서울 AI 펀드",
                             amount_won=50_000_000, received_on=D + dt.timedelta(60), actor=OPERATOR)
        startups.move_stage(session, startup_id=team.id, stage="investment", on=D + dt.timedelta(60), actor=OPERATOR)
        view = startups.detail(session, team.id)
        assert view["raised_won"] == 50_000_000
        assert [s.stage for s in view["stages"]] == ["idea", "prototype", "market_research", "launch", "investment"]
        records = list(session.scalars(select(OutcomeRecord).where(OutcomeRecord.kind == "startup")))
        assert len(records) == 2 and {r.employer for r in records} == {"마포 AI 랩"}
        assert startups.record_pending_outcomes(session, actor=OPERATOR) == 0  # idempotent
        published = figures.publish_all(session, year=2026, actor=OPERATOR)
        assert (published["startups_launched"], published["startup_funding_won"]) == (1, 50_000_000)
        from ilja.outcomes import queries

        actuals = {a.metric: a.value for a in queries.record_actuals(session, 2026)}
        assert int(actuals["startups_launched"]) == 1
    assert ENDS < D
