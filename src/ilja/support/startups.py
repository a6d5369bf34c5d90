"""Start-up incubation (창업 인큐베이팅, seoul-2025-jobs-plan §1) as pure rules: the stages a team moves
through, who may join, and when a team counts as launched.

Stages run idea → prototype → market research → launch → investment, one step at a time and
never back (a team that fails is closed, not demoted). Reaching *launch* is what makes the
start-up an outcome ("startup") for its members. The figures are parameters
(``rules/parameters/support/startup.yaml``), each assumption marked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ilja.rules.parameters import ParameterTree, ParameterUse
from ilja.support.certification import add_months
from ilja.support.parameters import in_force

PREFIX = "support.startup."


class Stage(StrEnum):
    IDEA = "idea"  # 아이디어
    PROTOTYPE = "prototype"  # 시제품
    MARKET_RESEARCH = "market_research"  # 시장 조사
    LAUNCH = "launch"  # 창업·출시
    INVESTMENT = "investment"  # 투자 유치
    CLOSED = "closed"  # 종료


ORDER = (Stage.IDEA, Stage.PROTOTYPE, Stage.MARKET_RESEARCH, Stage.LAUNCH, Stage.INVESTMENT)
LAUNCHED = frozenset({Stage.LAUNCH, Stage.INVESTMENT})


class MoveRefusal(StrEnum):
    UNKNOWN = "unknown_stage"
    CLOSED = "team_closed"
    BACKWARDS = "not_backwards"
    SKIPS = "one_step_at_a_time"
    NO_MEMBERS = "no_members"
    NO_MILESTONE = "milestone_needed"


class JoinRefusal(StrEnum):
    NOT_TRAINEE = "not_trainee_or_completer"
    TOO_LONG_AFTER = "too_long_after_completion"
    TEAM_FULL = "team_full"
    ALREADY = "already_member"


def uses_on(on: dt.date, tree: ParameterTree | None = None) -> dict[str, ParameterUse]:
    return in_force(PREFIX, ("max_members", "member_within_months_of_completion", "launch_needs_milestone"), on, tree)


def move_refusals(current: str, target: str, *, members: int, milestones_done: int,
                  uses: Mapping[str, ParameterUse]) -> list[MoveRefusal]:
    """Why a team may not move from ``current`` to ``target`` (empty: it may)."""
    if target == Stage.CLOSED:
        return [MoveRefusal.CLOSED] if current == Stage.CLOSED else []
    if current == Stage.CLOSED:
        return [MoveRefusal.CLOSED]
    if target not in ORDER or current not in ORDER:
        return [MoveRefusal.UNKNOWN]
    step = ORDER.index(Stage(target)) - ORDER.index(Stage(current))
    refusals = []
    if step <= 0:
        refusals.append(MoveRefusal.BACKWARDS)
    elif step > 1:
        refusals.append(MoveRefusal.SKIPS)
    if members < 1:
        refusals.append(MoveRefusal.NO_MEMBERS)
    if target == Stage.LAUNCH and bool(uses["launch_needs_milestone"].value) and milestones_done < 1:
        refusals.append(MoveRefusal.NO_MILESTONE)
    return refusals


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person who would join: in a course on ``on``, or the day they last completed one."""

    in_training: bool
    last_completed_on: dt.date | None
    already_member: bool


def join_refusals(candidate: Candidate, *, on: dt.date, members: int,
                  uses: Mapping[str, ParameterUse]) -> list[JoinRefusal]:
    refusals = []
    if candidate.already_member:
        refusals.append(JoinRefusal.ALREADY)
    if not candidate.in_training:
        if candidate.last_completed_on is None:
            refusals.append(JoinRefusal.NOT_TRAINEE)
        elif on > add_months(candidate.last_completed_on, int(uses["member_within_months_of_completion"].value)):
            refusals.append(JoinRefusal.TOO_LONG_AFTER)
    if members >= int(uses["max_members"].value):
        refusals.append(JoinRefusal.TEAM_FULL)
    return refusals
