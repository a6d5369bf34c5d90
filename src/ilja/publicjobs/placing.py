"""Placing a round's selected applicants in a project (배치), as a host or a manager does it on
the project's page: choose the round, see who is selected and not yet placed and how many seats
are free, confirm; every placement goes through ``service.place`` (audited, selected → placed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Scope
from ilja.applications import rounds
from ilja.applications.models import ApplicationStatus, RoundStatus
from ilja.publicjobs import service
from ilja.publicjobs.models import Placement, Project
from ilja.publicjobs.service import PublicJobError
from ilja.selection import service as selection


def rounds_for(session: Session, project: Project) -> list[Any]:
    """The rounds of the project's program (or one of its sub-programs) whose selection is done."""
    root = project.program_code.split(".")[0]
    return [r for r in rounds.list_rounds(session, [RoundStatus.SELECTED])
            if r.program_code.split(".")[0] == root]


def recruits_for(session: Session, project: Project, round_id: int) -> bool:
    """Whether the round recruited for this very project: one of its units carries the project's
    code (then only those selected into it are the project's to place)."""
    return any(u.code == project.code for u in rounds.round_units(session, round_id))


def waiting(session: Session, project: Project, round_id: int) -> list[Any]:
    """The round's selected applications not placed yet, in order of merit (selection results);
    those selected into the project's own unit when the round has one for it."""
    if round_id not in {r.id for r in rounds_for(session, project)}:
        raise service.NotFound("이 사업의 선발이 끝난 모집 공고가 아닙니다.",
                               "Not a round of this program whose selection is done.")
    rows, _ = selection.results(session, round_id, status=ApplicationStatus.SELECTED.value, limit=None)
    if recruits_for(session, project, round_id):
        rows = [r for r in rows if r.unit == project.code]
    return rows


def place_selected(session: Session, project_id: int, round_id: int, application_ids: Sequence[int], *,
                   actor: audit.Actor, start_on: dt.date | None = None,
                   scope: Scope = SYSTEM) -> list[Placement]:
    """Place the chosen selected applications of ``round_id`` in the project: all or none (the
    caller's transaction), never more than the free seats."""
    project = service.get_project(session, project_id, scope)
    # two hosts confirming at once must not both take the last seat: the second waits, then counts
    session.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    chosen = list(dict.fromkeys(application_ids))
    if not chosen:
        raise PublicJobError("배치할 사람을 한 명 이상 고르십시오.", "Choose at least one person to place.")
    free = service.free_seats(session, project)
    if len(chosen) > free:
        raise PublicJobError(f"빈 자리가 {free}석인데 {len(chosen)}명을 골랐습니다.",
                             f"{len(chosen)} chosen for {free} free seat(s).")
    rows = {r.application_id: r for r in waiting(session, project, round_id)}
    unknown = [a for a in chosen if a not in rows]
    if unknown:
        raise PublicJobError(f"선발 상태가 아닌 신청이 있습니다 (신청 번호 {', '.join(map(str, unknown))}).",
                             f"Not selected (any more): application {', '.join(map(str, unknown))}.")
    return [service.place(session, project_id=project.id, person_id=rows[a].person_id,
                          application_id=a, start_on=start_on, actor=actor, scope=scope)
            for a in chosen]
