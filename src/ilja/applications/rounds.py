"""Recruitment rounds (모집 공고): set up, open (publishing the lottery seed's commitment),
close, read; their units with seats.

A round belongs to a program (and optionally a track or one project); its dates are the
announcement date, the application window and the work or course start date — the two dates
every applicant's eligibility is judged on. None of these functions commits: the caller owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.applications.errors import InvalidRound, RoundNotFound, RoundStateError
from ilja.applications.models import Round, RoundSeed, RoundStatus, RoundUnit, UnitKind
from ilja.rules.engine import Engine, default_engine
from ilja.selection.lottery import commitment, new_seed


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class UnitInput:
    """A unit of a round as staff set it up: a project, a field or a cohort with its seats."""

    code: str
    name: str
    kind: UnitKind = UnitKind.PROJECT
    seats: int | None = None
    parent_code: str | None = None


@dataclass(frozen=True)
class RoundInput:
    """A round as staff set it up (모집 공고)."""

    program_code: str
    title: str
    announced_on: dt.date
    opens_at: dt.datetime
    closes_at: dt.datetime
    starts_on: dt.date
    units: Sequence[UnitInput]
    track_code: str | None = None
    project: str | None = None
    max_preferences: int = 1
    policy_options: dict[str, Any] | None = None


@lru_cache(maxsize=1)
def _plan() -> Any:
    from ilja.programs.plan import load_plan

    return load_plan()


def program_kind(program_code: str) -> str:
    """The plan's kind of a program: ``training``, ``public_job`` or ``pilot``."""
    try:
        return str(_plan().program(program_code).kind)
    except (KeyError, ValueError):
        return "public_job"


def units_from_plan(program_code: str) -> list[UnitInput]:
    """The plan's fields or tracks of a program as units with their planned head counts —
    e.g. 동행일자리's five fields (care & health 1,904 … climate & environment 4,534)."""
    try:
        tracks = _plan().program(program_code).tracks
    except KeyError:
        return []  # an unknown program: validate_round says so
    units = []
    for track in tracks:
        seats = int(track.people.value) if track.people is not None else None
        kind = UnitKind.FIELD if track.kind == "field" else UnitKind.COHORT
        units.append(UnitInput(code=track.code.rsplit(".", 1)[-1], name=track.name.ko, kind=kind,
                               seats=seats))
    return units


_POLICY_OPTIONS = {"rounding", "order", "waitlist_ratio"}


def validate_round(data: RoundInput, engine: Engine | None = None) -> None:
    """Every problem of a round's set-up at once, as (field, message) pairs."""
    engine = engine or default_engine()
    problems: list[tuple[str, str]] = []
    if data.program_code not in engine.programs:
        problems.append(("program_code", f"unknown program {data.program_code!r}; known: "
                         f"{', '.join(engine.programs)}"))
    if data.track_code:
        try:
            tracks = {t.code for t in _plan().program(data.program_code).tracks}
        except (KeyError, ValueError):
            tracks = set()
        short = {t.rsplit(".", 1)[-1] for t in tracks}
        if data.track_code not in tracks | short:
            problems.append(("track_code", f"{data.program_code!r} has no track "
                             f"{data.track_code!r}"))
    if not data.title.strip():
        problems.append(("title", "a title is required"))
    if aware(data.opens_at) >= aware(data.closes_at):
        problems.append(("closes_at", "the application window must close after it opens"))
    if data.announced_on > aware(data.opens_at).date():
        problems.append(("opens_at", "applications cannot open before the announcement date"))
    if data.starts_on < data.announced_on:
        problems.append(("starts_on", "the start date cannot be before the announcement date"))
    if not 1 <= data.max_preferences <= 10:
        problems.append(("max_preferences", "between 1 and 10 choices"))
    unknown_options = set(data.policy_options or {}) - _POLICY_OPTIONS
    if unknown_options:
        problems.append(("policy_options", f"unknown option(s): {', '.join(sorted(unknown_options))}"))
    problems.extend(_unit_problems(data.units))
    if problems:
        raise InvalidRound(problems)


def _unit_problems(units: Sequence[UnitInput]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if not units:
        return [("units", "a round needs at least one unit with seats")]
    codes = [u.code for u in units]
    parents = {u.parent_code for u in units if u.parent_code}
    for i, unit in enumerate(units):
        where = f"units[{i}]"
        if not unit.code or len(unit.code) > 64 or unit.code.strip() != unit.code:
            problems.append((f"{where}.code", "a code of 1–64 characters without spaces around"))
        if codes.count(unit.code) > 1:
            problems.append((f"{where}.code", f"code {unit.code!r} is used twice"))
        if not unit.name.strip():
            problems.append((f"{where}.name", "a name is required"))
        if unit.seats is not None and unit.seats < 0:
            problems.append((f"{where}.seats", "seats cannot be negative"))
        if unit.code not in parents and unit.seats is None:
            problems.append((f"{where}.seats", "a unit applicants choose needs its seats"))
        if unit.parent_code is not None:
            parent = next((u for u in units if u.code == unit.parent_code), None)
            if parent is None:
                problems.append((f"{where}.parent_code", f"no unit {unit.parent_code!r}"))
            elif parent.parent_code is not None:
                problems.append((f"{where}.parent_code", "fields cannot be nested"))
    return problems


def create_round(session: Session, data: RoundInput, *, actor: audit.Actor,
                 now: dt.datetime | None = None) -> Round:
    """A new round in ``draft``: staff check it, then open it."""
    validate_round(data)
    now = now or now_utc()
    row = Round(program_code=data.program_code, track_code=data.track_code, project=data.project,
                title=data.title.strip(), announced_on=data.announced_on, opens_at=data.opens_at,
                closes_at=data.closes_at, starts_on=data.starts_on,
                max_preferences=data.max_preferences, status=RoundStatus.DRAFT.value,
                policy_options=data.policy_options or None, created_at=now,
                created_by=actor.id, updated_at=now)
    session.add(row)
    session.flush()
    _store_units(session, row.id, data.units)
    audit.record(session, actor, "round.create", object_type="round", object_id=row.id,
                 details={"program": data.program_code, "units": len(data.units)})
    return row


def _store_units(session: Session, round_id: int, units: Sequence[UnitInput]) -> None:
    session.add_all(RoundUnit(round_id=round_id, code=u.code, name=u.name.strip(),
                              kind=UnitKind(u.kind).value, seats=u.seats,
                              parent_code=u.parent_code, position=i)
                    for i, u in enumerate(units))
    session.flush()


def update_round(session: Session, round_id: int, data: RoundInput, *, actor: audit.Actor,
                 now: dt.datetime | None = None) -> Round:
    """Replace a draft round's set-up and units (an open round's notice is fixed)."""
    row = lock_round(session, round_id)
    if row.status != RoundStatus.DRAFT:
        raise RoundStateError(round_id, row.status, RoundStatus.DRAFT.value)
    validate_round(data)
    for name in ("program_code", "track_code", "project", "announced_on", "opens_at",
                 "closes_at", "starts_on", "max_preferences"):
        setattr(row, name, getattr(data, name))
    row.title = data.title.strip()
    row.policy_options = data.policy_options or None
    row.updated_at = now or now_utc()
    for unit in session.execute(select(RoundUnit).where(RoundUnit.round_id == round_id)).scalars():
        session.delete(unit)
    session.flush()
    _store_units(session, round_id, data.units)
    audit.record(session, actor, "round.update", object_type="round", object_id=round_id,
                 details={"units": len(data.units)})
    return row


def delete_round(session: Session, round_id: int, *, actor: audit.Actor) -> None:
    """Delete a draft round (one that was never opened has no applications)."""
    row = lock_round(session, round_id)
    if row.status != RoundStatus.DRAFT:
        raise RoundStateError(round_id, row.status, RoundStatus.DRAFT.value)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "round.delete", object_type="round", object_id=round_id)


def open_round(session: Session, round_id: int, *, actor: audit.Actor,
               now: dt.datetime | None = None) -> Round:
    """Open a draft round and publish the commitment to its lottery seed.

    The seed is drawn now, before anyone applies, and kept sealed; only its SHA-256 is shown
    with the notice, so nobody can pick a seed later that favours a known applicant.
    """
    row = lock_round(session, round_id)
    if row.status != RoundStatus.DRAFT:
        raise RoundStateError(round_id, row.status, RoundStatus.DRAFT.value)
    ensure_commitment(session, row, now=now)
    row.status = RoundStatus.OPEN.value
    row.updated_at = now or now_utc()
    audit.record(session, actor, "round.open", object_type="round", object_id=round_id,
                 details={"commitment": row.seed_commitment})
    return row


def ensure_commitment(session: Session, row: Round, *, now: dt.datetime | None = None) -> str:
    """The round's published seed commitment, drawing and sealing a seed if it has none."""
    if row.seed_commitment:
        return row.seed_commitment
    seed = new_seed()
    session.add(RoundSeed(round_id=row.id, seed=seed.hex(), created_at=now or now_utc()))
    row.seed_commitment = commitment(seed)
    session.flush()
    return row.seed_commitment


def close_round(session: Session, round_id: int, *, actor: audit.Actor,
                now: dt.datetime | None = None) -> Round:
    """Stop taking applications (staff may still enter paper applications until the draw is
    prepared)."""
    row = lock_round(session, round_id)
    if row.status != RoundStatus.OPEN:
        raise RoundStateError(round_id, row.status, RoundStatus.OPEN.value)
    row.status = RoundStatus.CLOSED.value
    row.updated_at = now or now_utc()
    audit.record(session, actor, "round.close", object_type="round", object_id=round_id)
    return row


def get_round(session: Session, round_id: int) -> Round:
    row = session.get(Round, round_id)
    if row is None:
        raise RoundNotFound(round_id)
    return row


def lock_round(session: Session, round_id: int, *, shared: bool = False) -> Round:
    """The round's row, locked for this transaction (``FOR UPDATE``, or ``FOR SHARE`` with
    ``shared``) on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` already serialises writers."""
    statement = select(Round).where(Round.id == round_id)
    statement = statement.with_for_update(read=shared)
    row = session.execute(statement.execution_options(populate_existing=True)).scalar_one_or_none()
    if row is None:
        raise RoundNotFound(round_id)
    return row


def lock_round_with_units(session: Session, round_id: int, *, shared: bool = False
                          ) -> tuple[Round, list[RoundUnit]]:
    """``lock_round`` and ``round_units`` in one round trip (the lock is on the round only)."""
    statement = (select(Round, RoundUnit).outerjoin(RoundUnit, RoundUnit.round_id == Round.id)
                 .where(Round.id == round_id).order_by(RoundUnit.position, RoundUnit.id)
                 .with_for_update(of=Round, read=shared)
                 .execution_options(populate_existing=True))
    rows = session.execute(statement).all()
    if not rows:
        raise RoundNotFound(round_id)
    return rows[0][0], [unit for _, unit in rows if unit is not None]


def list_rounds(session: Session, statuses: Iterable[str] | None = None,
                program_code: str | None = None) -> list[Round]:
    statement = select(Round).order_by(Round.opens_at.desc(), Round.id.desc())
    if statuses is not None:
        statement = statement.where(Round.status.in_(list(statuses)))
    if program_code:
        statement = statement.where(Round.program_code == program_code)
    return list(session.execute(statement).scalars())


def round_units(session: Session, round_id: int) -> list[RoundUnit]:
    return list(session.execute(select(RoundUnit).where(RoundUnit.round_id == round_id)
                                .order_by(RoundUnit.position, RoundUnit.id)).scalars())


def choosable(units: Sequence[RoundUnit]) -> list[RoundUnit]:
    """The units applicants choose among: those no other unit names as its parent."""
    parents = {u.parent_code for u in units if u.parent_code}
    return [u for u in units if u.code not in parents]


def taking_applications(row: Round, now: dt.datetime | None = None) -> bool:
    """Whether citizens can apply now: the round is open and inside its window."""
    moment = now or now_utc()
    return (row.status == RoundStatus.OPEN and aware(row.opens_at) <= moment
            < aware(row.closes_at))
