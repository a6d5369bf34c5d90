"""Storing the plan in the database and reading it back.

``store_plan`` writes inside the caller's transaction and never commits: the caller owns the unit
of work (``with ilja.db.transaction() as session: store_plan(session, plan)``), so the plan is
stored whole or not at all. It is idempotent: rows are matched by their codes and updated in
place, so loading the same plan twice leaves one copy, and other domains' references to
programs, districts and sites stay valid across reloads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, select, update
from sqlalchemy.orm import Session

from ilja import clock
from ilja.programs import models as m
from ilja.programs.plan import (
    Campus,
    District,
    Figure,
    Institute,
    Plan,
    PlanCheck,
    PlanWarning,
    ProgramPlan,
    Standards,
    Target,
    Text,
)


@dataclass(frozen=True, slots=True)
class PlanVersionInfo:
    id: int
    plan_id: str
    version: str
    content_hash: str
    loaded_at: dt.datetime
    is_current: bool
    warning_count: int


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What one ``store_plan`` call changed (all zero when the same plan is stored again)."""

    version: PlanVersionInfo
    new_version: bool
    inserted: int
    updated: int
    deleted: int


@dataclass
class _Counts:
    inserted: int = 0
    updated: int = 0
    deleted: int = 0


def _int(value: float | int | None) -> int | None:
    return None if value is None else int(value)


def _info(row: m.PlanVersion) -> PlanVersionInfo:
    return PlanVersionInfo(
        row.id,
        row.plan_id,
        row.version,
        row.content_hash,
        row.loaded_at,
        row.is_current,
        row.warning_count,
    )


def _program_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    rows = []
    for position, p in enumerate(plan.programs):
        rows.append(
            {
                "code": p.code,
                "parent_code": p.parent,
                "position": position,
                "name_ko": p.name.ko,
                "name_en": p.name.en,
                "kind": p.kind,
                "budget_million_krw": _int(p.budget.value if p.budget else None),
                "projects": _int(p.projects.value if p.projects else None),
                "people": _int(p.people.value if p.people else None),
                "people_approximate": bool(p.people and p.people.approximate),
                "source": p.source,
                "data": p.model_dump(mode="json", exclude={"tracks"}),
                "plan_version_id": version_id,
            }
        )
    return rows


def _track_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    rows = []
    pairs = [(program.code, track) for program in plan.programs for track in program.tracks]
    for position, (program_code, t) in enumerate(pairs):
        rows.append(
            {
                "code": t.code,
                "program_code": program_code,
                "position": position,
                "name_ko": t.name.ko,
                "name_en": t.name.en,
                "kind": t.kind,
                "type": t.type,
                "projects": _int(t.projects.value if t.projects else None),
                "people": _int(t.people.value if t.people else None),
                "people_approximate": bool(t.people and t.people.approximate),
                "source": t.source,
                "data": t.model_dump(mode="json"),
                "plan_version_id": version_id,
            }
        )
    return rows


def _district_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "code": d.code,
            "position": position,
            "name_ko": d.name.ko,
            "name_en": d.name.en,
            "source": d.source,
            "plan_version_id": version_id,
        }
        for position, d in enumerate(plan.districts)
    ]


def _site_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    rows = []
    for position, c in enumerate(plan.campuses):
        opening = c.opening
        rows.append(
            {
                "code": c.code,
                "kind": "campus",
                "position": position,
                "name_ko": c.name.ko,
                "name_en": c.name.en,
                "district_code": c.district,
                "opening_year": opening.year if opening else None,
                "opening_month": opening.month if opening else None,
                "founded_year": None,
                "trainees": None,
                "floor_area_m2": float(c.floor_area.value) if c.floor_area else None,
                "source": c.source,
                "data": c.model_dump(mode="json"),
                "plan_version_id": version_id,
            }
        )
    for position, i in enumerate(plan.institutes, start=len(rows)):
        rows.append(
            {
                "code": i.code,
                "kind": "institute",
                "position": position,
                "name_ko": i.name.ko,
                "name_en": i.name.en,
                "district_code": i.district,
                "opening_year": None,
                "opening_month": None,
                "founded_year": _int(i.founded.value),
                "trainees": _int(i.trainees.value),
                "floor_area_m2": None,
                "source": i.source,
                "data": i.model_dump(mode="json"),
                "plan_version_id": version_id,
            }
        )
    return rows


def _target_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "key": t.key,
            "position": position,
            "program_code": t.program,
            "track_code": t.track,
            "metric": t.metric,
            "year": t.year,
            "kind": t.kind,
            "value": float(t.value),
            "value_max": None if t.value_max is None else float(t.value_max),
            "unit": t.unit,
            "source": t.source,
            "data": t.model_dump(mode="json"),
            "plan_version_id": version_id,
        }
        for position, t in enumerate(plan.targets)
    ]


def _warning_rows(plan: Plan, version_id: int) -> list[dict[str, Any]]:
    return [
        {
            "plan_version_id": version_id,
            "position": position,
            "code": w.code,
            "subject": w.subject,
            "message_ko": w.message_ko,
            "message_en": w.message_en,
            "stated": w.stated,
            "computed": w.computed,
            "sources": list(w.sources),
        }
        for position, w in enumerate(plan.warnings)
    ]


def _existing(
    session: Session,
    model: type[Any],
    key: Callable[[Any], Any],
    where: ColumnElement[bool] | None = None,
) -> dict[Any, Any]:
    statement: Select[Any] = select(model)
    if where is not None:
        statement = statement.where(where)
    return {key(row): row for row in session.scalars(statement)}


def _by(name: str) -> Callable[[dict[str, Any]], Any]:
    return lambda values: values[name]


def _warning_key(values: dict[str, Any]) -> tuple[str, str]:
    return values["code"], values["subject"]


def _delete_stale(session: Session, existing: dict, keys: set, counts: _Counts) -> None:
    for k, row in existing.items():
        if k not in keys:
            session.delete(row)
            counts.deleted += 1


def _upsert(
    session: Session,
    model: type,
    existing: dict,
    rows: list[dict[str, Any]],
    counts: _Counts,
    key: Callable[[dict[str, Any]], Any],
) -> None:
    for values in rows:
        row = existing.get(key(values))
        if row is None:
            session.add(model(**values))
            counts.inserted += 1
            continue
        changed = False
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
        counts.updated += changed


def _version(session: Session, plan: Plan, now: dt.datetime) -> tuple[m.PlanVersion, bool]:
    row = session.scalar(
        select(m.PlanVersion).where(m.PlanVersion.content_hash == plan.content_hash)
    )
    values = {
        "plan_id": plan.id,
        "version": plan.version,
        "year": plan.year,
        "warning_count": len(plan.warnings),
        "title": plan.title.model_dump(mode="json"),
        "sources": list(plan.sources),
        "standards": plan.standards.model_dump(mode="json"),
        "district_count": plan.district_count.model_dump(mode="json"),
        "checks": [c.model_dump(mode="json") for c in plan.checks],
    }
    if row is None:
        row = m.PlanVersion(
            content_hash=plan.content_hash, loaded_at=now, is_current=False, **values
        )
        session.add(row)
        session.flush()
        created = True
    else:
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
        created = False
    if not row.is_current:
        session.execute(
            update(m.PlanVersion).where(m.PlanVersion.id != row.id).values(is_current=False)
        )
        row.is_current = True
    return row, created


def store_plan(session: Session, plan: Plan, *, now: dt.datetime | None = None) -> StoreResult:
    """Store ``plan`` as the current plan in the session's transaction (the caller commits)."""
    version, created = _version(session, plan, now or clock.now())
    vid = version.id
    counts = _Counts()
    programs = _program_rows(plan, vid)
    tracks = _track_rows(plan, vid)
    districts = _district_rows(plan, vid)
    sites = _site_rows(plan, vid)
    targets = _target_rows(plan, vid)
    warnings = _warning_rows(plan, vid)

    old_targets = _existing(session, m.PlanTarget, lambda r: r.key)
    old_tracks = _existing(session, m.ProgramTrack, lambda r: r.code)
    old_sites = _existing(session, m.Site, lambda r: r.code)
    old_programs = _existing(session, m.Program, lambda r: r.code)
    old_districts = _existing(session, m.District, lambda r: r.code)
    old_warnings = _existing(
        session,
        m.PlanWarningRow,
        lambda r: (r.code, r.subject),
        m.PlanWarningRow.plan_version_id == vid,
    )

    # Children go before their parents, and come back after them.
    _delete_stale(session, old_targets, {r["key"] for r in targets}, counts)
    _delete_stale(session, old_tracks, {r["code"] for r in tracks}, counts)
    _delete_stale(session, old_sites, {r["code"] for r in sites}, counts)
    _delete_stale(session, old_warnings, {_warning_key(r) for r in warnings}, counts)
    session.flush()
    stale_programs = dict(sorted(old_programs.items(), key=lambda kv: kv[1].parent_code is None))
    _delete_stale(session, stale_programs, {r["code"] for r in programs}, counts)
    _delete_stale(session, old_districts, {r["code"] for r in districts}, counts)
    session.flush()
    _upsert(session, m.District, old_districts, districts, counts, _by("code"))
    _upsert(session, m.Program, old_programs, programs, counts, _by("code"))
    session.flush()
    _upsert(session, m.ProgramTrack, old_tracks, tracks, counts, _by("code"))
    _upsert(session, m.Site, old_sites, sites, counts, _by("code"))
    session.flush()
    _upsert(session, m.PlanTarget, old_targets, targets, counts, _by("key"))
    _upsert(session, m.PlanWarningRow, old_warnings, warnings, counts, _warning_key)
    session.flush()
    return StoreResult(_info(version), created, counts.inserted, counts.updated, counts.deleted)


# --- reading back -----------------------------------------------------------------------------


def current_version(session: Session) -> PlanVersionInfo | None:
    row = session.scalar(select(m.PlanVersion).where(m.PlanVersion.is_current.is_(True)))
    return None if row is None else _info(row)


def list_versions(session: Session) -> list[PlanVersionInfo]:
    rows = session.scalars(select(m.PlanVersion).order_by(m.PlanVersion.id))
    return [_info(row) for row in rows]


def _program(row: m.Program, tracks: list[m.ProgramTrack]) -> ProgramPlan:
    return ProgramPlan.model_validate({**row.data, "tracks": [t.data for t in tracks]})


def get_program(session: Session, code: str) -> ProgramPlan | None:
    row = session.get(m.Program, code)
    if row is None:
        return None
    tracks = session.scalars(
        select(m.ProgramTrack)
        .where(m.ProgramTrack.program_code == code)
        .order_by(m.ProgramTrack.position)
    )
    return _program(row, list(tracks))


def list_districts(session: Session) -> list[District]:
    rows = session.scalars(select(m.District).order_by(m.District.position))
    return [
        District(code=r.code, name=Text(ko=r.name_ko, en=r.name_en), source=r.source) for r in rows
    ]


def find_district(session: Session, name: str) -> District | None:
    """A district by its Korean name (the person format's ``sigungu``), English name or code."""
    row = session.scalar(
        select(m.District).where(
            (m.District.name_ko == name) | (m.District.name_en == name) | (m.District.code == name)
        )
    )
    if row is None:
        return None
    return District(code=row.code, name=Text(ko=row.name_ko, en=row.name_en), source=row.source)


def list_sites(
    session: Session, kind: str | None = None, district: str | None = None
) -> list[Campus | Institute]:
    statement = select(m.Site).order_by(m.Site.position)
    if kind is not None:
        statement = statement.where(m.Site.kind == kind)
    if district is not None:
        statement = statement.where(m.Site.district_code == district)
    return [
        Campus.model_validate(r.data) if r.kind == "campus" else Institute.model_validate(r.data)
        for r in session.scalars(statement)
    ]


def list_targets(
    session: Session, metric: str | None = None, year: int | None = None, program: str | None = None
) -> list[Target]:
    statement = select(m.PlanTarget).order_by(m.PlanTarget.position)
    if metric is not None:
        statement = statement.where(m.PlanTarget.metric == metric)
    if year is not None:
        statement = statement.where(m.PlanTarget.year == year)
    if program is not None:
        statement = statement.where(m.PlanTarget.program_code == program)
    return [Target.model_validate(r.data) for r in session.scalars(statement)]


def list_warnings(session: Session, version_id: int | None = None) -> list[PlanWarning]:
    """The warnings of the current plan version (or of ``version_id``)."""
    if version_id is None:
        current = current_version(session)
        if current is None:
            return []
        version_id = current.id
    rows = session.scalars(
        select(m.PlanWarningRow)
        .where(m.PlanWarningRow.plan_version_id == version_id)
        .order_by(m.PlanWarningRow.position)
    )
    return [
        PlanWarning(
            code=r.code,
            subject=r.subject,
            message_ko=r.message_ko,
            message_en=r.message_en,
            stated=r.stated,
            computed=r.computed,
            sources=r.sources,
        )
        for r in rows
    ]


def read_plan(session: Session) -> Plan | None:
    """The current stored plan, exactly as it was loaded; None before the first ``plan load``."""
    version = session.scalar(select(m.PlanVersion).where(m.PlanVersion.is_current.is_(True)))
    if version is None:
        return None
    tracks: dict[str, list[m.ProgramTrack]] = {}
    for track in session.scalars(select(m.ProgramTrack).order_by(m.ProgramTrack.position)):
        tracks.setdefault(track.program_code, []).append(track)
    programs = [
        _program(row, tracks.get(row.code, []))
        for row in session.scalars(select(m.Program).order_by(m.Program.position))
    ]
    sites = list_sites(session)
    return Plan(
        id=version.plan_id,
        version=version.version,
        year=version.year,
        title=Text.model_validate(version.title),
        content_hash=version.content_hash,
        sources=list(version.sources),
        standards=Standards.model_validate(version.standards),
        programs=programs,
        district_count=Figure.model_validate(version.district_count),
        districts=list_districts(session),
        campuses=[s for s in sites if isinstance(s, Campus)],
        institutes=[s for s in sites if isinstance(s, Institute)],
        targets=list_targets(session),
        checks=[PlanCheck.model_validate(c) for c in version.checks],
        warnings=list_warnings(session, version.id),
    )
