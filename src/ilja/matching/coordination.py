"""Matching days with interview slots, counselling sessions and the coordinator's caseload.

Issue 5 §4. A day's interviews come from ``interviews.schedule_interviews``: the fit between a
candidate and an organisation is their best fit over the organisation's open postings; each
candidate has at most ``matching.coordination.max_interviews_per_candidate`` interviews. The
caseload flags trainees without a counselling session for
``matching.coordination.no_contact_days`` days (or never counselled since they became candidates).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ilja import clock
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.matching.errors import MatchingInputError
from ilja.matching.fit import min_fit_scaled
from ilja.matching.interviews import schedule_interviews
from ilja.matching.models import (
    Candidate,
    CounsellingSession,
    DayParticipant,
    Interview,
    MatchingDay,
    Organisation,
)
from ilja.matching.service import NotFound, _get, fit_table, get_candidate, list_postings
from ilja.rules.parameters import default_tree
from ilja.seeds import new_seed

SESSION_KINDS = ("job_counselling", "cv_coaching", "interview_prep")
DAY_KINDS = ("matching_day", "job_fair")
RESULTS = ("passed", "failed", "no_show")


def create_day(session: Session, *, code: str, title: str, held_on: dt.date,
               kind: str = "matching_day", venue: str | None = None, first_slot: str = "10:00",
               slot_count: int = 8, actor: audit.Actor) -> MatchingDay:
    if kind not in DAY_KINDS:
        raise MatchingInputError("kind", "kind_invalid", f"kind is one of {DAY_KINDS}")
    try:
        dt.time.fromisoformat(first_slot)
    except ValueError:
        raise MatchingInputError("first_slot", "time_invalid", "the first slot is HH:MM") from None
    if not 1 <= slot_count <= 48:
        raise MatchingInputError("slot_count", "slots_invalid", "1 to 48 slots")
    minutes = int(default_tree().value("matching.coordination.interview_slot_minutes", held_on))
    row = MatchingDay(code=code, title=title, kind=kind, held_on=held_on, venue=venue,
                      first_slot=first_slot, slot_minutes=minutes, slot_count=slot_count,
                      status="planned", seed=new_seed().hex(), created_at=clock.now())
    audit.created(session, actor, row, "matching.day.create", object_type="matching_day")
    return row


def get_day(session: Session, day_id: int) -> MatchingDay:
    return _get(session, MatchingDay, day_id, "matching day")


def list_days(session: Session) -> list[MatchingDay]:
    return list(session.scalars(select(MatchingDay).order_by(MatchingDay.held_on.desc())))


def slot_time(day: MatchingDay, slot: int) -> str:
    """The clock time of a slot ("10:30")."""
    start = dt.datetime.combine(day.held_on, dt.time.fromisoformat(day.first_slot))
    return (start + dt.timedelta(minutes=day.slot_minutes * slot)).strftime("%H:%M")


def add_participants(session: Session, day_id: int, *, organisation_ids: Sequence[int] = (),
                     candidate_ids: Sequence[int] = (), actor: audit.Actor) -> None:
    """Organisations (with all the day's slots) and candidates taking part; repeats ignored."""
    day = get_day(session, day_id)
    present = session.execute(select(DayParticipant.organisation_id, DayParticipant.candidate_id)
                              .where(DayParticipant.day_id == day_id)).all()
    orgs = {o for o, _ in present if o}
    cands = {c for _, c in present if c}
    for oid in organisation_ids:
        _get(session, Organisation, oid, "organisation")
        if oid not in orgs:
            session.add(DayParticipant(day_id=day_id, organisation_id=oid,
                                       slots=list(range(day.slot_count))))
            orgs.add(oid)
    for cid in candidate_ids:
        _get(session, Candidate, cid, "candidate")
        if cid not in cands:
            session.add(DayParticipant(day_id=day_id, candidate_id=cid))
            cands.add(cid)
    session.flush()
    audit.record(session, actor, "matching.day.participants", object_type="matching_day",
                 object_id=day_id, details={"organisations": len(orgs), "candidates": len(cands)})


def participants(session: Session, day_id: int) -> tuple[list[DayParticipant],
                                                         list[DayParticipant]]:
    rows = list(session.scalars(select(DayParticipant).where(DayParticipant.day_id == day_id)
                                .order_by(DayParticipant.id)))
    return [r for r in rows if r.organisation_id], [r for r in rows if r.candidate_id]


def schedule_day(session: Session, day_id: int, *, actor: audit.Actor) -> list[Interview]:
    """(Re)build the day's interview schedule by fit; results already recorded are refused."""
    day = get_day(session, day_id)
    if day.status == "held":
        raise MatchingInputError("day", "day_held", "the day is over: its results are recorded")
    org_rows, cand_rows = participants(session, day_id)
    session.execute(delete(Interview).where(Interview.day_id == day_id))
    tree = default_tree()
    k = int(tree.value("matching.coordination.max_interviews_per_candidate", day.held_on))
    min_fit = min_fit_scaled(tree.value("matching.fit.min_fit", day.held_on))
    candidates = [_get(session, Candidate, r.candidate_id, "candidate") for r in cand_rows]
    org_ids = [r.organisation_id for r in org_rows]
    postings = [p for p in list_postings(session, open_only=True) if p.organisation_id in org_ids]
    schedule = []
    if candidates and postings:
        table = fit_table(session, candidates, postings, day.held_on)
        fit = np.zeros((len(candidates), len(org_ids)), dtype=np.int64)
        for j, posting in enumerate(postings):
            o = org_ids.index(posting.organisation_id)
            fit[:, o] = np.maximum(fit[:, o], table.scores[:, j])
        schedule = schedule_interviews(
            fit, [r.slots or [] for r in org_rows], k, min_fit,
            candidate_ids=[f"C{c.id}" for c in candidates],
            organisation_ids=[str(o) for o in org_ids], seed=bytes.fromhex(day.seed))
    rows = [Interview(day_id=day_id, organisation_id=org_ids[i.organisation],
                      candidate_id=candidates[i.candidate].id, slot=i.slot, fit=i.fit)
            for i in schedule]
    session.add_all(rows)
    day.status = "scheduled"
    session.flush()
    audit.record(session, actor, "matching.day.schedule", object_type="matching_day",
                 object_id=day_id, details={"interviews": len(rows)})
    return rows


def interviews(session: Session, *, day_id: int | None = None,
               candidate_id: int | None = None, scope: Scope = SYSTEM) -> list[Interview]:
    """The interviews (of a day, of a candidate) of the candidates within ``scope``."""
    query = select(Interview).where(scope.where(Kind.INTERVIEW)).order_by(Interview.day_id, Interview.slot,
                                                                          Interview.organisation_id)
    if day_id is not None:
        query = query.where(Interview.day_id == day_id)
    if candidate_id is not None:
        query = query.where(Interview.candidate_id == candidate_id)
    return list(session.scalars(query))


def record_result(session: Session, interview_id: int, *, result: str, notes: str | None = None,
                  actor: audit.Actor, scope: Scope = SYSTEM) -> Interview:
    row = scope.get(session, Kind.INTERVIEW, interview_id)
    if row is None:
        raise NotFound("interview", interview_id)
    if result not in RESULTS:
        raise MatchingInputError("result", "result_invalid", f"result is one of {RESULTS}")
    row.result, row.notes = result, notes
    day = get_day(session, row.day_id)
    day.status = "held"
    session.flush()
    audit.record(session, actor, "matching.interview.result", object_type="interview",
                 object_id=row.id)
    return row


# --- counselling and caseload -------------------------------------------------------------------

def log_session(session: Session, *, candidate_id: int, held_on: dt.date, kind: str,
                notes: str = "", next_steps: str = "", coordinator_user_id: int | None = None,
                actor: audit.Actor, scope: Scope = SYSTEM) -> CounsellingSession:
    """A counselling session (잡코디 직무상담, CV coaching, interview preparation)."""
    candidate = get_candidate(session, candidate_id, scope)
    if kind not in SESSION_KINDS:
        raise MatchingInputError("kind", "kind_invalid", f"kind is one of {SESSION_KINDS}")
    if held_on > clock.today():
        raise MatchingInputError("held_on", "date_future", "a session is logged after it happens")
    row = CounsellingSession(candidate_id=candidate_id, coordinator_user_id=coordinator_user_id,
                             held_on=held_on, kind=kind, notes=notes, next_steps=next_steps,
                             created_at=clock.now())
    audit.created(session, actor, row, "counselling.write", object_type="counselling_session",
                  subject_person_id=candidate.person_id)
    return row


def sessions_of(session: Session, candidate_id: int) -> list[CounsellingSession]:
    return list(session.scalars(select(CounsellingSession)
                                .where(CounsellingSession.candidate_id == candidate_id)
                                .order_by(CounsellingSession.held_on.desc(),
                                          CounsellingSession.id.desc())))


@dataclass(frozen=True)
class CaseloadRow:
    candidate: Candidate
    last_contact: dt.date | None
    days_without_contact: int
    flagged: bool


def caseload(session: Session, *, coordinator_user_id: int | None, on: dt.date,
             actor: audit.Actor, scope: Scope = SYSTEM) -> list[CaseloadRow]:
    """A coordinator's active trainees (all within ``scope``, when ``None``), longest without
    contact first."""
    days = int(default_tree().value("matching.coordination.no_contact_days", on))
    query = select(Candidate).where(Candidate.active.is_(True), scope.where(Kind.CANDIDATE))
    if coordinator_user_id is not None:
        query = query.where(Candidate.coordinator_user_id == coordinator_user_id)
    candidates = list(session.scalars(query.order_by(Candidate.id)))
    last = dict(session.execute(select(CounsellingSession.candidate_id,
                                       func.max(CounsellingSession.held_on))
                                .group_by(CounsellingSession.candidate_id)).all())
    rows = []
    for c in candidates:
        since = last.get(c.id) or c.created_at.date()
        gap = (on - since).days
        rows.append(CaseloadRow(c, last.get(c.id), gap, gap >= days))
    audit.record(session, actor, "matching.caseload.read", object_type="caseload",
                 object_id=coordinator_user_id, details={"candidates": len(rows)})
    return sorted(rows, key=lambda r: (-r.days_without_contact, r.candidate.id))
