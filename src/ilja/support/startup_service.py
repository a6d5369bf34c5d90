"""Start-up incubation: teams of trainees and completers, members, mentors, milestones, funding,
stage changes, the Seoul Startup Center link — and, when a team launches, a "startup" outcome
for each member through the outcomes service.

The outcomes domain has no service function that finds a person's completed participation, so
``_completed_participation`` reads its table (read only; the write goes through
``outcomes.service.record_outcome``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.outcomes import service as outcomes
from ilja.outcomes.models import Participation
from ilja.support.budgets import now
from ilja.support.errors import Conflict, Invalid, NotFound, Refused
from ilja.support.errors import required_text as _text
from ilja.support.models import (
    Startup,
    StartupFunding,
    StartupMember,
    StartupMentor,
    StartupMilestone,
    StartupStageChange,
)
from ilja.support.startups import LAUNCHED, Candidate, Stage, join_refusals, move_refusals, uses_on
from ilja.training import service as training
from ilja.training.errors import NotFound as TrainingNotFound

FUNDING_KINDS = ("grant", "investment", "loan", "prize")


def create_startup(session: Session, *, name: str, idea: str, campus_code: str | None = None,
                   on: dt.date, actor: audit.Actor) -> Startup:
    name = _text(name, "name")
    if session.execute(select(Startup.id).where(Startup.name == name)).first():
        raise Conflict(f"같은 이름의 창업팀이 있습니다: {name}", f"A team called {name} exists.", field="name")
    row = Startup(name=name, idea=_text(idea, "idea"), stage=Stage.IDEA.value, campus_code=campus_code or None,
                  created_at=now(), created_by=actor.id)
    session.add(row)
    session.flush()
    session.add(StartupStageChange(startup_id=row.id, stage=Stage.IDEA.value, on=on, changed_by=actor.id))
    audit.record(session, actor, "support.startup.create", object_type="startup", object_id=row.id)
    return row


def get_startup(session: Session, startup_id: int, scope: Scope = SYSTEM) -> Startup:
    """The start-up, if it is within ``scope`` (its campus's operator, its members' coordinators);
    else not found, as for an id that does not exist."""
    row = scope.get(session, Kind.STARTUP, startup_id)
    if row is None:
        raise NotFound("startup", startup_id)
    return row


def startups(session: Session, scope: Scope = SYSTEM) -> list[Startup]:
    return list(session.scalars(select(Startup).where(scope.where(Kind.STARTUP))
                                .order_by(Startup.created_at.desc(), Startup.id.desc())))


def startups_of_person(session: Session, person_id: int) -> list[Startup]:
    return list(session.scalars(select(Startup).join(StartupMember, StartupMember.startup_id == Startup.id)
                                .where(StartupMember.person_id == person_id).order_by(Startup.id)))


def active_members(session: Session, startup_id: int) -> list[StartupMember]:
    return list(session.scalars(select(StartupMember).where(StartupMember.startup_id == startup_id,
                                                            StartupMember.left_on.is_(None))
                                .order_by(StartupMember.joined_on, StartupMember.id)))


def candidate(session: Session, startup_id: int, person_id: int, on: dt.date) -> Candidate:
    """The person's standing from the training service: in a course on ``on``, or last completion."""
    in_training = any(e.status == "enrolled" and training.get_cohort(session, e.cohort_id).starts_on <= on
                      for e in training.enrolments_of_person(session, person_id))
    completed = [dt.date.fromisoformat(str(h["end"])) for h in training.training_history_for(session, person_id)
                 if h.get("result") == "completed" and h.get("end")]
    already = session.execute(select(StartupMember.id).where(
        StartupMember.startup_id == startup_id, StartupMember.person_id == person_id,
        StartupMember.left_on.is_(None))).first() is not None
    return Candidate(in_training, max(completed) if completed else None, already)


def add_member(session: Session, *, startup_id: int, person_id: int, on: dt.date, role: str = "member",
               actor: audit.Actor, scope: Scope = SYSTEM) -> StartupMember:
    startup = get_startup(session, startup_id, scope)
    if scope.get(session, Kind.PERSON, person_id) is None:
        raise NotFound("person", person_id)
    try:
        facts = candidate(session, startup.id, person_id, on)
    except TrainingNotFound:
        raise NotFound("person", person_id) from None
    refusals = join_refusals(facts, on=on, members=len(active_members(session, startup.id)), uses=uses_on(on))
    if refusals:
        raise Refused([r.value for r in refusals])
    if role not in ("founder", "member"):
        raise Invalid("역할은 founder 또는 member입니다.", "role is founder or member", field="role")
    row = session.execute(select(StartupMember).where(StartupMember.startup_id == startup.id,
                                                      StartupMember.person_id == person_id)).scalar_one_or_none()
    if row is None:
        row = StartupMember(startup_id=startup.id, person_id=person_id, role=role, joined_on=on)
        session.add(row)
    else:  # rejoining after leaving
        row.role, row.joined_on, row.left_on = role, on, None
    session.flush()
    audit.record(session, actor, "support.startup.member_add", subject_person_id=person_id,
                 object_type="startup", object_id=startup.id)
    if startup.stage in LAUNCHED and startup.launched_on is not None:
        _launch_outcome(session, startup, row, actor)
    return row


def remove_member(session: Session, *, startup_id: int, person_id: int, on: dt.date,
                  actor: audit.Actor, scope: Scope = SYSTEM) -> StartupMember:
    get_startup(session, startup_id, scope)
    row = session.execute(select(StartupMember).where(
        StartupMember.startup_id == startup_id, StartupMember.person_id == person_id,
        StartupMember.left_on.is_(None))).scalar_one_or_none()
    if row is None:
        raise NotFound("member", person_id)
    row.left_on = on
    session.flush()
    audit.record(session, actor, "support.startup.member_leave", subject_person_id=person_id,
                 object_type="startup", object_id=startup_id)
    return row


def add_mentor(session: Session, *, startup_id: int, name: str, organisation: str | None = None,
               expertise: str | None = None, since: dt.date, actor: audit.Actor,
               scope: Scope = SYSTEM) -> StartupMentor:
    get_startup(session, startup_id, scope)
    row = StartupMentor(startup_id=startup_id, name=_text(name, "name"),
                        organisation=(organisation or "").strip() or None,
                        expertise=(expertise or "").strip() or None, since=since)
    session.add(row)
    session.flush()
    audit.record(session, actor, "support.startup.mentor_add", object_type="startup", object_id=startup_id)
    return row


def add_milestone(session: Session, *, startup_id: int, title: str, due_on: dt.date,
                  actor: audit.Actor, scope: Scope = SYSTEM) -> StartupMilestone:
    get_startup(session, startup_id, scope)
    row = StartupMilestone(startup_id=startup_id, title=_text(title, "title"), due_on=due_on)
    session.add(row)
    session.flush()
    audit.record(session, actor, "support.startup.milestone_add", object_type="startup", object_id=startup_id)
    return row


def complete_milestone(session: Session, *, milestone_id: int, on: dt.date, actor: audit.Actor,
                       scope: Scope = SYSTEM) -> StartupMilestone:
    row = scope.get(session, Kind.STARTUP_MILESTONE, milestone_id)
    if row is None:
        raise NotFound("milestone", milestone_id)
    row.done_on = on
    session.flush()
    audit.record(session, actor, "support.startup.milestone_done", object_type="startup", object_id=row.startup_id,
                 details={"milestone_id": row.id})
    return row


def add_funding(session: Session, *, startup_id: int, kind: str, funder: str, amount_won: int,
                received_on: dt.date, actor: audit.Actor, scope: Scope = SYSTEM) -> StartupFunding:
    get_startup(session, startup_id, scope)
    if kind not in FUNDING_KINDS:
        raise Invalid("자금 종류가 올바르지 않습니다.", "kind is one of " + ", ".join(FUNDING_KINDS), field="kind")
    if amount_won <= 0:
        raise Invalid("금액은 0원보다 커야 합니다.", "The amount must be positive.", field="amount_won")
    row = StartupFunding(startup_id=startup_id, kind=kind, funder=_text(funder, "funder"), amount_won=amount_won,
                         received_on=received_on)
    session.add(row)
    session.flush()
    audit.record(session, actor, "support.startup.funding_add", object_type="startup", object_id=startup_id,
                 details={"kind": kind, "amount_won": amount_won})
    return row


def link_startup_center(session: Session, *, startup_id: int, reference: str, on: dt.date,
                        actor: audit.Actor, scope: Scope = SYSTEM) -> Startup:
    """Record the team's place in a Seoul Startup Center (서울창업허브) programme."""
    row = get_startup(session, startup_id, scope)
    row.startup_center_ref, row.startup_center_linked_on = _text(reference, "reference"), on
    session.flush()
    audit.record(session, actor, "support.startup.center_link", object_type="startup", object_id=row.id)
    return row


def milestones_done(session: Session, startup_id: int) -> int:
    return int(session.execute(select(func.count()).select_from(StartupMilestone).where(
        StartupMilestone.startup_id == startup_id, StartupMilestone.done_on.is_not(None))).scalar_one())


@dataclass
class StageResult:
    startup: Startup
    outcomes_recorded: list[int] = field(default_factory=list)  # person ids
    without_participation: list[int] = field(default_factory=list)


def move_stage(session: Session, *, startup_id: int, stage: str, on: dt.date, note: str = "",
               actor: audit.Actor, scope: Scope = SYSTEM) -> StageResult:
    """Move one step (or close); reaching launch records a "startup" outcome for each member."""
    startup = get_startup(session, startup_id, scope)
    members = active_members(session, startup.id)
    refusals = move_refusals(startup.stage, stage, members=len(members),
                             milestones_done=milestones_done(session, startup.id), uses=uses_on(on))
    if refusals:
        raise Refused([r.value for r in refusals])
    startup.stage = stage
    session.add(StartupStageChange(startup_id=startup.id, stage=stage, on=on, note=note.strip() or None,
                                   changed_by=actor.id))
    result = StageResult(startup)
    if stage == Stage.LAUNCH:
        startup.launched_on = on
        for member in members:
            (result.outcomes_recorded if _launch_outcome(session, startup, member, actor)
             else result.without_participation).append(member.person_id)
    session.flush()
    audit.record(session, actor, "support.startup.stage", object_type="startup", object_id=startup.id,
                 details={"stage": stage, "outcomes": len(result.outcomes_recorded)})
    return result


def _completed_participation(session: Session, person_id: int) -> int | None:
    return session.execute(select(Participation.id).where(
        Participation.person_id == person_id, Participation.completed_on.is_not(None))
        .order_by(Participation.completed_on.desc()).limit(1)).scalar()


def _launch_outcome(session: Session, startup: Startup, member: StartupMember, actor: audit.Actor) -> bool:
    """A "startup" outcome for the member's latest completion, once; False when they have none
    yet (a trainee still in a course: the outcome waits for their completion)."""
    if member.outcome_id is not None or startup.launched_on is None:
        return member.outcome_id is not None
    participation = _completed_participation(session, member.person_id)
    if participation is None:
        return False
    record = outcomes.record_outcome(session, outcomes.OutcomeInput(
        participation_id=participation, kind="startup", effective_on=max(startup.launched_on, member.joined_on),
        recorded_on=clock.today(), source="coordinator_verified", employer=startup.name), actor=actor)
    member.outcome_id = record.id
    return True


def record_pending_outcomes(session: Session, *, actor: audit.Actor) -> int:
    """Members of launched teams who have completed since the launch get their outcome now."""
    count = 0
    for startup in session.scalars(select(Startup).where(Startup.launched_on.is_not(None))):
        for member in active_members(session, startup.id):
            if member.outcome_id is None and _launch_outcome(session, startup, member, actor):
                count += 1
    return count


def detail(session: Session, startup_id: int, scope: Scope = SYSTEM) -> dict[str, object]:
    startup = get_startup(session, startup_id, scope)
    by = StartupMember.startup_id == startup.id
    return {
        "startup": startup,
        "members": list(session.scalars(select(StartupMember).where(by).order_by(StartupMember.joined_on))),
        "mentors": list(session.scalars(select(StartupMentor).where(StartupMentor.startup_id == startup.id))),
        "milestones": list(session.scalars(select(StartupMilestone).where(StartupMilestone.startup_id == startup.id)
                                           .order_by(StartupMilestone.due_on))),
        "funding": list(session.scalars(select(StartupFunding).where(StartupFunding.startup_id == startup.id)
                                        .order_by(StartupFunding.received_on))),
        "stages": list(session.scalars(select(StartupStageChange).where(StartupStageChange.startup_id == startup.id)
                                       .order_by(StartupStageChange.on, StartupStageChange.id))),
        "raised_won": int(session.execute(select(func.coalesce(func.sum(StartupFunding.amount_won), 0))
                                          .where(StartupFunding.startup_id == startup.id)).scalar_one()),
    }
