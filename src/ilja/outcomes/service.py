"""Load and save outcomes: participations, employment outcomes, follow-ups, the alumni and alliance
registers and staff-entered KPI figures. Every write is audited in the caller's transaction
(ids only in the details, never personal data).

Completions and public-job placements belong to other domains (training, publicjobs), which are
being built; until they offer a service, :func:`sync_from_applications` reads the applications
domain's ``completed`` applications through its service, and staff can enter participations here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications import rounds
from ilja.applications import service as applications
from ilja.errors import KINDS_KO, IljaError
from ilja.outcomes import states
from ilja.outcomes.models import (
    AllianceMember,
    AlumniActivity,
    AlumniMember,
    FollowUp,
    KpiActual,
    OutcomeRecord,
    Participation,
)
from ilja.outcomes.rates import ContractType, OutcomeKind, OutcomeSource, add_months, months_after
from ilja.rules.parameters import ParameterTree, default_tree

PARTICIPATION_STATUSES = ("in_progress", "completed", "dropped")
ALUMNI_ACTIVITIES = ("mentoring", "talent_donation", "scholarship_given", "scholarship_received")
ALLIANCE_KINDS = ("company", "university", "association", "public")


class OutcomeError(IljaError):
    """A request the outcomes domain refuses: ``field`` and ``reason`` say what and where."""

    code = "outcome_invalid"
    status_code = 422

    def __init__(self, field: str, reason: str,
                 message_ko: str = "입력한 내용을 처리할 수 없습니다. 입력한 값을 확인해 주십시오.") -> None:
        super().__init__(message_ko, reason, loc=("body", field))
        self.args = (f"{field}: {reason}",)
        self.field = field
        self.reason = reason


class NotFound(OutcomeError):
    code = "not_found"
    status_code = 404

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason, f"{KINDS_KO.get(field, '자료')}을(를) 찾을 수 없습니다.")


def now_utc() -> dt.datetime:
    return clock.now()


@dataclass(frozen=True)
class ParticipationInput:
    program_code: str
    started_on: dt.date
    source_ref: str
    person_id: int | None = None
    track_code: str | None = None
    campus_code: str | None = None
    district_code: str | None = None
    course: str | None = None
    field: str | None = None
    status: str = "in_progress"
    completed_on: dt.date | None = None


def _completion(row: Participation, completed_on: dt.date | None) -> None:
    row.completed_on = completed_on
    row.completed_year = completed_on.year if completed_on else None
    row.completed_month = f"{completed_on:%Y-%m}" if completed_on else None


def add_participation(session: Session, data: ParticipationInput, *, actor: audit.Actor,
                      tree: ParameterTree | None = None) -> Participation:
    """Store a participation (idempotent on ``source_ref``); a completion schedules its follow-ups."""
    if data.status not in PARTICIPATION_STATUSES:
        raise OutcomeError("status", f"one of {', '.join(PARTICIPATION_STATUSES)}")
    if (data.status == "completed") != (data.completed_on is not None):
        raise OutcomeError("completed_on", "a completion date is given exactly for completed")
    if data.completed_on is not None and data.completed_on < data.started_on:
        raise OutcomeError("completed_on", "before the start date")
    existing = session.execute(select(Participation)
                               .where(Participation.source_ref == data.source_ref)).scalar_one_or_none()
    if existing is not None:
        return existing
    row = Participation(
        person_id=data.person_id, program_code=data.program_code, track_code=data.track_code,
        campus_code=data.campus_code, district_code=data.district_code, course=data.course,
        field=data.field, started_on=data.started_on, started_year=data.started_on.year,
        status=data.status, source_ref=data.source_ref, created_at=now_utc(), created_by=actor.id)
    _completion(row, data.completed_on)
    session.add(row)
    session.flush()
    if row.completed_on is not None:
        schedule_follow_ups(session, row, tree=tree)
    audit.record(session, actor, "outcome.participation.add", subject_person_id=row.person_id,
                 object_type="participation", object_id=row.id,
                 details={"program": row.program_code, "status": row.status})
    return row


def complete(session: Session, participation_id: int, completed_on: dt.date, *,
             actor: audit.Actor, tree: ParameterTree | None = None) -> Participation:
    row = get_participation(session, participation_id)
    if completed_on < row.started_on:
        raise OutcomeError("completed_on", "before the start date")
    row.status = "completed"
    _completion(row, completed_on)
    states.completed(session, row)
    schedule_follow_ups(session, row, tree=tree)
    audit.record(session, actor, "outcome.participation.complete", subject_person_id=row.person_id,
                 object_type="participation", object_id=row.id)
    return row


def get_participation(session: Session, participation_id: int, scope: Scope = SYSTEM) -> Participation:
    """The participation if it is within ``scope`` (scoped like its person), else not found."""
    row = scope.get(session, Kind.PARTICIPATION, participation_id)
    if row is None:
        raise NotFound("participation_id", f"no participation {participation_id}")
    return row


def schedule_follow_ups(session: Session, row: Participation, *,
                        tree: ParameterTree | None = None) -> list[FollowUp]:
    """Follow-ups at the points in force on the completion date (outcomes.follow_up.points_months)."""
    assert row.completed_on is not None
    points = (tree or default_tree()).value("outcomes.follow_up.points_months", row.completed_on)
    have = set(session.execute(select(FollowUp.point_months)
                               .where(FollowUp.participation_id == row.id)).scalars())
    created = [FollowUp(participation_id=row.id, point_months=int(p),
                        due_on=add_months(row.completed_on, int(p)))
               for p in points if int(p) not in have]
    session.add_all(created)
    return created


@dataclass(frozen=True)
class OutcomeInput:
    participation_id: int
    kind: str
    effective_on: dt.date
    recorded_on: dt.date
    source: str = OutcomeSource.SELF_REPORT.value
    employer: str | None = None
    job_title: str | None = None
    contract_type: str | None = None
    follow_up_point: int | None = None


def check_outcome(data: OutcomeInput) -> list[tuple[str, str]]:
    """Every problem with an outcome, as (field, reason); empty when it can be stored."""
    problems = []
    if data.kind not in {k.value for k in OutcomeKind}:
        problems.append(("kind", "one of " + ", ".join(k.value for k in OutcomeKind)))
    if data.source not in {s.value for s in OutcomeSource}:
        problems.append(("source", "one of " + ", ".join(s.value for s in OutcomeSource)))
    if data.kind == OutcomeKind.EMPLOYED:
        if not (data.employer or "").strip():
            problems.append(("employer", "required for employed"))
        if data.contract_type not in {c.value for c in ContractType}:
            problems.append(("contract_type", "one of " + ", ".join(c.value for c in ContractType)))
    elif data.contract_type is not None:
        problems.append(("contract_type", "only for employed"))
    return problems


def record_outcome(session: Session, data: OutcomeInput, *, actor: audit.Actor,
                   scope: Scope = SYSTEM) -> OutcomeRecord:
    """Store an outcome; it closes the follow-up it answers (the named point, else the earliest
    open one that is due by the day it was recorded)."""
    row = get_participation(session, data.participation_id, scope)  # out of scope: not found first
    problems = check_outcome(data)
    if problems:
        raise OutcomeError(*problems[0])
    if row.completed_on is None:
        raise OutcomeError("participation_id", "the participation is not completed")
    record = OutcomeRecord(
        participation_id=row.id, kind=data.kind, effective_on=data.effective_on,
        recorded_on=data.recorded_on, months_after=months_after(row.completed_on, data.effective_on),
        employer=(data.employer or "").strip() or None, job_title=(data.job_title or "").strip() or None,
        contract_type=data.contract_type, source=data.source, follow_up_point=data.follow_up_point,
        recorded_by=actor.id, created_at=now_utc())
    session.add(record)
    session.flush()
    states.record(session, record, row)
    query = select(FollowUp).where(FollowUp.participation_id == row.id, FollowUp.done_on.is_(None))
    if data.follow_up_point is not None:
        query = query.where(FollowUp.point_months == data.follow_up_point)
    else:
        query = query.where(FollowUp.due_on <= data.recorded_on)
    follow_up = session.execute(query.order_by(FollowUp.due_on).limit(1)).scalar_one_or_none()
    if follow_up is not None:
        follow_up.done_on, follow_up.outcome_id = data.recorded_on, record.id
    audit.record(session, actor, "outcome.record", subject_person_id=row.person_id,
                 object_type="outcome", object_id=record.id,
                 details={"participation_id": row.id, "kind": data.kind, "source": data.source})
    return record


def outcomes_of(session: Session, participation_id: int) -> list[OutcomeRecord]:
    return list(session.execute(select(OutcomeRecord)
                                .where(OutcomeRecord.participation_id == participation_id)
                                .order_by(OutcomeRecord.effective_on, OutcomeRecord.id)).scalars())


def due_follow_ups(session: Session, on: dt.date, *, limit: int = 100, scope: Scope = SYSTEM) -> list[FollowUp]:
    """Open follow-ups due on or before ``on`` of the participations within ``scope``, oldest first."""
    mine = select(Participation.id).where(scope.where(Kind.PARTICIPATION))
    return list(session.execute(select(FollowUp).where(FollowUp.done_on.is_(None), FollowUp.due_on <= on,
                                                       FollowUp.participation_id.in_(mine))
                                .order_by(FollowUp.due_on, FollowUp.id).limit(limit)).scalars())


@dataclass(frozen=True)
class SyncReport:
    read: int
    created: int
    sources: tuple[str, ...]


def sync_from_applications(session: Session, *, actor: audit.Actor) -> SyncReport:
    """Participations from the applications domain's completed applications (through its service):
    one per application (``source_ref = application:<id>``), completed on the day the status
    changed; the campus is the application's first preference when it names a campus."""
    read = created = 0
    for round_ in rounds.list_rounds(session):
        offset = 0
        while True:
            page, total = applications.list_applications(session, round_.id, status="completed",
                                                         limit=1000, offset=offset)
            for application in page:
                read += 1
                ref = f"application:{application.id}"
                known = session.execute(select(Participation.id)
                                        .where(Participation.source_ref == ref)).first()
                if known:
                    continue
                done = application.status_changed_at.date()
                first = (application.preferences or [None])[0]
                add_participation(session, ParticipationInput(
                    program_code=round_.program_code, track_code=round_.track_code,
                    started_on=min(round_.starts_on, done), person_id=application.person_id,
                    campus_code=first if first and first.startswith("campus.") else None,
                    status="completed", completed_on=done, source_ref=ref), actor=actor)
                created += 1
            offset += len(page)
            if not page or offset >= total:
                break
    return SyncReport(read, created, ("applications",))


def record_hire(session: Session, *, person_id: int, employer: str, job_title: str, hired_on: dt.date,
                contract_type: str, actor: audit.Actor) -> OutcomeRecord | None:
    """A hire confirmed by a coordinator (matching) as the employment outcome of the person's
    latest completed participation; None when the person has no completed participation here
    (a hire before completion is recorded once they complete, by the follow-up)."""
    participation = session.execute(
        select(Participation).where(Participation.person_id == person_id,
                                    Participation.completed_on.is_not(None),
                                    Participation.completed_on <= hired_on)
        .order_by(Participation.completed_on.desc(), Participation.id.desc()).limit(1)
    ).scalar_one_or_none()
    if participation is None:
        return None
    return record_outcome(session, OutcomeInput(
        participation_id=participation.id, kind=OutcomeKind.EMPLOYED.value, effective_on=hired_on,
        recorded_on=hired_on, source=OutcomeSource.COORDINATOR.value, employer=employer,
        job_title=job_title, contract_type=contract_type), actor=actor)


def add_alumni_member(session: Session, *, person_id: int | None, joined_on: dt.date,
                      campus_code: str | None = None, actor: audit.Actor) -> AlumniMember:
    if person_id is not None:
        existing = session.execute(select(AlumniMember)
                                   .where(AlumniMember.person_id == person_id)).scalar_one_or_none()
        if existing is not None:
            return existing
    row = AlumniMember(person_id=person_id, campus_code=campus_code, joined_on=joined_on,
                       created_by=actor.id)
    audit.created(session, actor, row, "outcome.alumni.add", object_type="alumni_member", subject_person_id=person_id)
    return row


def add_alumni_activity(session: Session, *, member_id: int, kind: str, on: dt.date,
                        amount_won: int | None = None, actor: audit.Actor,
                        scope: Scope = SYSTEM) -> AlumniActivity:
    if scope.get(session, Kind.ALUMNI_MEMBER, member_id) is None:
        raise NotFound("member_id", f"no alumni member {member_id}")
    if kind not in ALUMNI_ACTIVITIES:
        raise OutcomeError("kind", "one of " + ", ".join(ALUMNI_ACTIVITIES))
    if amount_won is not None and amount_won < 0:
        raise OutcomeError("amount_won", "not negative")
    row = AlumniActivity(member_id=member_id, kind=kind, on=on, amount_won=amount_won,
                         created_by=actor.id)
    audit.created(session, actor, row, "outcome.alumni.activity", object_type="alumni_activity",
                  details={"member_id": member_id, "kind": kind})
    return row


def add_alliance_member(session: Session, *, name: str, kind: str, joined_on: dt.date,
                        actor: audit.Actor) -> AllianceMember:
    name = name.strip()
    if not name:
        raise OutcomeError("name", "required")
    if kind not in ALLIANCE_KINDS:
        raise OutcomeError("kind", "one of " + ", ".join(ALLIANCE_KINDS))
    existing = session.execute(select(AllianceMember)
                               .where(AllianceMember.name == name)).scalar_one_or_none()
    if existing is not None:
        return existing
    row = AllianceMember(name=name, kind=kind, joined_on=joined_on, created_by=actor.id)
    audit.created(session, actor, row, "outcome.alliance.add", object_type="alliance_member", details={"kind": kind})
    return row


def set_kpi_actual(session: Session, *, scope: str, metric: str, year: int, value: Decimal | int | float,
                   source: str, actor: audit.Actor) -> KpiActual:
    """Enter (or correct) an achieved figure no domain records; the source says where it is from."""
    if not source.strip():
        raise OutcomeError("source", "required: say where the figure comes from")
    row = session.execute(select(KpiActual).where(KpiActual.scope == scope, KpiActual.metric == metric,
                                                  KpiActual.year == year)).scalar_one_or_none()
    if row is None:
        row = KpiActual(scope=scope, metric=metric, year=year, value=Decimal(0), source="",
                        recorded_at=now_utc())
        session.add(row)
    row.value, row.source, row.recorded_by = Decimal(str(value)), source.strip(), actor.id
    row.recorded_at = now_utc()
    session.flush()
    audit.record(session, actor, "outcome.kpi.set", object_type="kpi_actual", object_id=row.id,
                 details={"scope": scope, "metric": metric, "year": year})
    return row


def active_count(session: Session, model: type[AlumniMember] | type[AllianceMember], on: dt.date) -> int:
    """Members on ``on``: joined by then and not left."""
    query = select(func.count()).select_from(model).where(
        model.joined_on <= on, (model.left_on.is_(None)) | (model.left_on > on))
    return int(session.execute(query).scalar_one())
