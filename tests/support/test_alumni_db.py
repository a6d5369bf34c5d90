"""Alumni participation on SQLite and PostgreSQL: mentoring pairs within the mentor's limit,
talent sessions that count from an hour, scholarships — each an activity of the alumni register —
and the year's figures in the outcomes KPI actuals."""

from __future__ import annotations

import datetime as dt

import pytest

from ilja.db import engine_for, transaction
from ilja.outcomes import queries
from ilja.outcomes import service as outcomes
from ilja.support import alumni_service as alumni
from ilja.support.alumni import active_members
from ilja.support.errors import Conflict, NotFound
from tests.applications.factories import register
from tests.support.factories import OPERATOR

D = dt.date(2026, 2, 2)


def test_pure_active_members_counts_each_member_once_a_year():
    assert active_members([(1, D), (1, D), (2, D), (3, dt.date(2025, 12, 31))], 2026) == 2


def test_mentoring_talent_and_scholarships_make_members_active(database_url, keyring):
    persons = [register(database_url, keyring, program="youth_academy", birth_date="1999-01-01") for _ in range(6)]
    with transaction(engine_for(database_url)) as session:
        mentor = outcomes.add_alumni_member(session, person_id=persons[0], joined_on=dt.date(2025, 1, 1),
                                            actor=OPERATOR)
        donor = outcomes.add_alumni_member(session, person_id=persons[1], joined_on=dt.date(2025, 1, 1),
                                           actor=OPERATOR)
        outcomes.add_alumni_member(session, person_id=persons[2], joined_on=dt.date(2025, 1, 1), actor=OPERATOR)
        pairs = [alumni.pair(session, mentor_member_id=mentor.id, mentee_person_id=p, started_on=D, actor=OPERATOR)
                 for p in persons[3:6]]
        with pytest.raises(Conflict):
            alumni.pair(session, mentor_member_id=mentor.id, mentee_person_id=persons[2], started_on=D, actor=OPERATOR)
        alumni.end_pair(session, pair_id=pairs[0].id, on=D + dt.timedelta(60), actor=OPERATOR)
        alumni.pair(session, mentor_member_id=mentor.id, mentee_person_id=persons[2], started_on=D, actor=OPERATOR)
        alumni.record_meeting(session, pair_id=pairs[1].id, on=D + dt.timedelta(7), actor=OPERATOR)
        short = alumni.talent_session(session, member_id=donor.id, topic="LLM 서비스 배포", held_on=D, minutes=45,
                                      attendees=20, actor=OPERATOR)
        long = alumni.talent_session(session, member_id=donor.id, topic="포트폴리오 리뷰", held_on=D, minutes=120,
                                     attendees=15, campus_code="campus.mapo", actor=OPERATOR)
        assert (short.counted, short.activity_id is None, long.counted) == (False, True, True)
        alumni.scholarship(session, donor_member_id=donor.id, recipient_person_id=persons[4], amount_won=1_000_000,
                           awarded_on=D, actor=OPERATOR)
        with pytest.raises(NotFound):
            alumni.scholarship(session, donor_member_id=999, recipient_person_id=persons[4], amount_won=1,
                               awarded_on=D, actor=OPERATOR)
        found = alumni.publish(session, year=2026, actor=OPERATOR)
        assert found == {"alumni_active_members": 2, "mentoring_pairs": 4, "mentoring_meetings": 1,
                         "talent_sessions": 1, "talent_attendees": 15, "scholarships": 1,
                         "scholarships_won": 1_000_000}
        actuals = {a.metric: a.value for a in queries.record_actuals(session, 2026)}
        assert int(actuals["alumni_active_members"]) == 2 and int(actuals["alumni_members"]) == 3
