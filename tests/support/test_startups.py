"""Start-up incubation rules on plain data: stages one step at a time, who may join."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from ilja.support.startups import (
    ORDER,
    Candidate,
    JoinRefusal,
    MoveRefusal,
    Stage,
    join_refusals,
    move_refusals,
    uses_on,
)

USES = uses_on(dt.date(2025, 12, 1))


def test_a_team_moves_one_stage_at_a_time_and_launch_needs_a_done_milestone():
    assert move_refusals("idea", "prototype", members=1, milestones_done=0, uses=USES) == []
    assert move_refusals("idea", "market_research", members=1, milestones_done=0, uses=USES) == [MoveRefusal.SKIPS]
    assert move_refusals("market_research", "launch", members=2, milestones_done=0, uses=USES) == [
        MoveRefusal.NO_MILESTONE]
    assert move_refusals("market_research", "launch", members=2, milestones_done=1, uses=USES) == []
    assert move_refusals("prototype", "idea", members=1, milestones_done=0, uses=USES) == [MoveRefusal.BACKWARDS]
    assert move_refusals("idea", "prototype", members=0, milestones_done=0, uses=USES) == [MoveRefusal.NO_MEMBERS]
    assert move_refusals("launch", "closed", members=1, milestones_done=1, uses=USES) == []
    assert move_refusals("closed", "launch", members=1, milestones_done=1, uses=USES) == [MoveRefusal.CLOSED]


@given(st.sampled_from(ORDER), st.sampled_from(ORDER))
def test_only_the_next_stage_is_allowed(current, target):
    allowed = not move_refusals(current, target, members=3, milestones_done=1, uses=USES)
    assert allowed == (ORDER.index(target) == ORDER.index(current) + 1)


def test_trainees_and_recent_completers_may_join_up_to_the_team_size():
    on = dt.date(2025, 12, 1)
    assert join_refusals(Candidate(True, None, False), on=on, members=0, uses=USES) == []
    assert join_refusals(Candidate(False, dt.date(2022, 12, 1), False), on=on, members=4, uses=USES) == []
    assert join_refusals(Candidate(False, dt.date(2022, 11, 30), False), on=on, members=0, uses=USES) == [
        JoinRefusal.TOO_LONG_AFTER]
    assert join_refusals(Candidate(False, None, True), on=on, members=5, uses=USES) == [
        JoinRefusal.ALREADY, JoinRefusal.NOT_TRAINEE, JoinRefusal.TEAM_FULL]
    assert Stage.LAUNCH in ORDER
