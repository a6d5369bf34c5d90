"""Recruitment rounds (모집 공고): set up, open (publishing the lottery seed's commitment),
close, read; their units with seats.

A round belongs to a program (and optionally a track or one project); its dates are the
announcement date, the application window and the work or course start date — the two dates
every applicant's eligibility is judged on. None of these functions commits: the caller owns
the transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Row, Select, bindparam, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.applications.errors import InvalidRound, RoundNotFound, RoundStateError
from ilja.applications.models import Round, RoundSeed, RoundStatus, RoundUnit, UnitKind
from ilja.programs.loader import load_plan
from ilja.rules.engine import Engine, default_engine
from ilja.rules.parameters import default_tree
from ilja.seeds import commitment, new_seed


def now_utc() -> dt.datetime:
    return clock.now()


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


def program_kind(program_code: str) -> str:
    """The plan's kind of a program: ``training``, ``public_job`` or ``pilot``. A program the
    plan does not know is an error, not a public job: its status moves would be judged by
    the wrong rules."""
    try:
        return str(load_plan().program(program_code).kind)
    except KeyError:
        raise InvalidRound([("program_code", "사업을 목록에서 고르십시오.",
                             f"unknown program {program_code!r}")]) from None


def units_from_plan(program_code: str) -> list[UnitInput]:
    """The plan's fields or tracks of a program as units with their planned head counts —
    e.g. 동행일자리's five fields (care & health 1,904 … climate & environment 4,534)."""
    try:
        tracks = load_plan().program(program_code).tracks
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
UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""A unit's code: letters, digits, '.', '_' and '-' (a project's code, a field's ``care_health``)."""
MAX_SEATS = 1_000_000


@dataclass(frozen=True)
class DateLimits:
    """How far a round's dates may lie from each other and from today, by what they mean — the
    one place these bounds are kept (the form, the API and the CLI all come through here).

    The earliest announcement is the day the rules first know the program (its oldest dated
    parameter): eligibility cannot be judged before. A notice is not set up more than a year
    ahead; an application window lasts at most a year; the work or course starts within two
    years of its notice."""

    notice_ahead: dt.timedelta = dt.timedelta(days=366)
    window: dt.timedelta = dt.timedelta(days=366)
    start_after_notice: dt.timedelta = dt.timedelta(days=2 * 366)


LIMITS = DateLimits()


@lru_cache(maxsize=32)
def rules_since(program_code: str) -> dt.date | None:
    """The first day the rules hold a value for the program (None: they do not know it)."""
    tree = default_tree()
    root = program_code.split(".")[0] + "."
    starts = [tree.get(name).values[0].start for name in tree.names() if name.startswith(root)]
    return min(starts, default=None)


Problem = tuple[str, str, str]
"""(field, Korean, English): the page shows its language, the API the English."""


def validate_round(data: RoundInput, engine: Engine | None = None,
                   today: dt.date | None = None) -> None:
    """Every problem of a round's set-up at once, as (field, Korean, English) triples."""
    engine = engine or default_engine()
    problems: list[Problem] = []
    if data.program_code not in engine.programs:
        problems.append(("program_code", "사업을 목록에서 고르십시오.",
                         f"unknown program {data.program_code!r}; known: {', '.join(engine.programs)}"))
    if data.track_code:
        try:
            tracks = {t.code for t in load_plan().program(data.program_code).tracks}
        except (KeyError, ValueError):
            tracks = set()
        short = {t.rsplit(".", 1)[-1] for t in tracks}
        if data.track_code not in tracks | short:
            problems.append(("track_code", "이 사업에 없는 유형입니다. 유형 코드를 확인하거나 비워 두십시오.",
                             f"{data.program_code!r} has no track {data.track_code!r}"))
    if not data.title.strip():
        problems.append(("title", "제목을 입력하십시오.", "a title is required"))
    elif len(data.title) > 300:
        problems.append(("title", "300자 이내로 입력하십시오.", "at most 300 characters"))
    if data.project is not None and len(data.project) > 200:
        problems.append(("project", "200자 이내로 입력하십시오.", "at most 200 characters"))
    problems += date_problems(data, today or clock.today())
    if not 1 <= data.max_preferences <= 10:
        problems.append(("max_preferences", "1에서 10 사이로 입력하십시오.", "between 1 and 10 choices"))
    unknown_options = set(data.policy_options or {}) - _POLICY_OPTIONS
    if unknown_options:
        problems.append(("policy_options", "알 수 없는 선발 옵션입니다.",
                         f"unknown option(s): {', '.join(sorted(unknown_options))}"))
    problems.extend(_unit_problems(data.units))
    if problems:
        raise InvalidRound(problems)


def date_problems(data: RoundInput, today: dt.date) -> list[Problem]:
    """The dates in order (notice, window, start) and within ``LIMITS``; differences only, so a
    date like 9999-12-31 is refused rather than overflowing."""
    problems: list[Problem] = []
    opens, closes = aware(data.opens_at), aware(data.closes_at)
    since = rules_since(data.program_code)
    if since is not None and data.announced_on < since:
        problems.append(("announced_on", f"{since.isoformat()} 이후여야 합니다 (이 사업의 기준이 시작된 날).",
                         f"must be on or after {since.isoformat()}, when the program's rules begin"))
    if data.announced_on - today > LIMITS.notice_ahead:
        problems.append(("announced_on", "오늘부터 1년 안이어야 합니다.", "must be within a year from today"))
    if opens >= closes:
        problems.append(("closes_at", "접수 시작보다 뒤여야 합니다.",
                         "the application window must close after it opens"))
    elif closes - opens > LIMITS.window:
        problems.append(("closes_at", "접수 기간은 1년을 넘을 수 없습니다.",
                         "the application window cannot last more than a year"))
    opening_day = opens.date()
    if data.announced_on > opening_day:
        problems.append(("opens_at", "공고일 이후여야 합니다.",
                         "applications cannot open before the announcement date"))
    elif opening_day - today > LIMITS.notice_ahead + LIMITS.window:
        problems.append(("opens_at", "오늘부터 2년 안이어야 합니다.", "must be within two years from today"))
    if data.starts_on < data.announced_on:
        problems.append(("starts_on", "공고일 이후여야 합니다.",
                         "the start date cannot be before the announcement date"))
    elif data.starts_on - data.announced_on > LIMITS.start_after_notice:
        problems.append(("starts_on", "공고일부터 2년 안이어야 합니다.",
                         "must be within two years of the announcement"))
    return problems


def _unit_problems(units: Sequence[UnitInput]) -> list[Problem]:
    problems: list[Problem] = []
    if not units:
        return [("units", "모집 단위를 하나 이상 입력하십시오 (또는 사업계획의 분야를 쓰십시오).",
                 "a round needs at least one unit with seats")]
    codes = [u.code for u in units]
    parents = {u.parent_code for u in units if u.parent_code}
    for i, unit in enumerate(units):
        where = f"units[{i}]"
        if not UNIT_CODE.fullmatch(unit.code or ""):
            problems.append((f"{where}.code",
                             "영문자·숫자로 시작하고 영문자, 숫자, 점, 밑줄, 하이픈만 쓴 64자 이내여야 합니다.",
                             "letters, digits, '.', '_' and '-' only, starting with a letter or "
                             "digit, at most 64 characters"))
        elif codes.count(unit.code) > 1:
            problems.append((f"{where}.code", f"'{unit.code}'이(가) 두 번 쓰였습니다.",
                             f"code {unit.code!r} is used twice"))
        if not unit.name.strip():
            problems.append((f"{where}.name", "이름을 입력하십시오.", "a name is required"))
        elif len(unit.name) > 200:
            problems.append((f"{where}.name", "200자 이내로 입력하십시오.", "at most 200 characters"))
        if unit.seats is not None and not 0 <= unit.seats <= MAX_SEATS:
            problems.append((f"{where}.seats", f"0에서 {MAX_SEATS:,} 사이여야 합니다.",
                             f"seats between 0 and {MAX_SEATS:,}"))
        if unit.code not in parents and unit.seats is None:
            problems.append((f"{where}.seats", "신청자가 고르는 단위에는 인원이 필요합니다.",
                             "a unit applicants choose needs its seats"))
        if unit.parent_code is not None:
            parent = next((u for u in units if u.code == unit.parent_code), None)
            if parent is None:
                problems.append((f"{where}.parent_code", f"'{unit.parent_code}' 단위가 없습니다.",
                                 f"no unit {unit.parent_code!r}"))
            elif parent.parent_code is not None:
                problems.append((f"{where}.parent_code", "분야 아래에 분야를 둘 수 없습니다.",
                                 "fields cannot be nested"))
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


def amend_open_round(session: Session, round_id: int, *, title: str, closes_at: dt.datetime,
                     actor: audit.Actor, now: dt.datetime | None = None) -> Round:
    """What may change once a round is open: its title (a typo) and a later closing time (마감
    연장). Everything applicants relied on when they applied — the program, dates judged on,
    units, seats, choices — stays; an earlier close would cut off people who planned to apply."""
    row = lock_round(session, round_id)
    if row.status != RoundStatus.OPEN:
        raise RoundStateError(round_id, row.status, RoundStatus.OPEN.value)
    moment = now or now_utc()
    problems: list[Problem] = []
    if not title.strip():
        problems.append(("title", "제목을 입력하십시오.", "a title is required"))
    elif len(title) > 300:
        problems.append(("title", "300자 이내로 입력하십시오.", "at most 300 characters"))
    closes, current = aware(closes_at), aware(row.closes_at)
    if closes < current:
        problems.append(("closes_at", "접수 마감은 늦출 수만 있습니다 (앞당길 수 없습니다).",
                         "the closing time can only move later"))
    elif closes - aware(row.opens_at) > LIMITS.window:
        problems.append(("closes_at", "접수 기간은 1년을 넘을 수 없습니다.",
                         "the application window cannot last more than a year"))
    elif closes != current and closes <= moment:
        problems.append(("closes_at", "지금보다 뒤여야 합니다.", "must be later than now"))
    if problems:
        raise InvalidRound(problems)
    changed = {k: [str(b), str(a)] for k, b, a in (("title", row.title, title.strip()),
                                                    ("closes_at", current, closes)) if b != a}
    row.title, row.closes_at, row.updated_at = title.strip(), closes, moment
    audit.record(session, actor, "round.amend", object_type="round", object_id=round_id,
                 details={"changed": changed})
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


class Unit(NamedTuple):
    """A round's unit as a submission reads it (``lock_round_with_units``)."""

    code: str
    name: str
    kind: str
    seats: int | None
    parent_code: str | None


@lru_cache(maxsize=2)
def round_with_units(shared: bool) -> Select[Any]:
    """The statement ``lock_round_with_units`` runs (one that adds columns to it: ``round_and_units``)."""
    rounds, units = Round.__table__, RoundUnit.__table__
    return (select(rounds, *(units.c[name].label(f"unit_{name}") for name in Unit._fields))
            .outerjoin(units, units.c.round_id == rounds.c.id)
            .where(rounds.c.id == bindparam("round_id")).order_by(units.c.position, units.c.id)
            .with_for_update(of=rounds, read=shared))


def lock_round_with_units(session: Session, round_id: int, *, shared: bool = False
                          ) -> tuple[Row[Any], list[Unit]]:
    """``lock_round`` and ``round_units`` in one round trip (the lock is on the round only), as
    one statement compiled once: the round as a row (its columns by name) and its units, no
    mapped objects to build (a submission's path; ``shared``: a share lock, which its status
    and window hold under until the caller's transaction ends)."""
    return round_and_units(session.execute(round_with_units(shared), {"round_id": round_id}).all(), round_id)


def round_and_units(rows: Sequence[Row[Any]], round_id: int) -> tuple[Row[Any], list[Unit]]:
    """The round and its units out of ``round_with_units``'s rows."""
    if not rows:
        raise RoundNotFound(round_id)
    return rows[0], [Unit(r.unit_code, r.unit_name, r.unit_kind, r.unit_seats, r.unit_parent_code)
                     for r in rows if r.unit_code is not None]


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
