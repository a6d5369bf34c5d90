"""A drawn round's results, its 경쟁률 and the results export.

Results are read from the stored outcomes (the draw's, and where each application stands now);
competition rates are counted from the applications' first choices, as notices state them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ilja import files, paging
from ilja.accounts import audit
from ilja.accounts.scope import SYSTEM, Kind, Scope
from ilja.applications.models import Application, ApplicationStatus
from ilja.people.models import Person
from ilja.people.records import mask_name
from ilja.selection.errors import SelectionError
from ilja.selection.lottery import lottery_numbers, shown
from ilja.selection.model import REASON_LABELS, STATUS_LABELS, Reason, Status
from ilja.selection.models import SelectionOutcomeRow
from ilja.selection.round_run import completed_run, units_of
from ilja.selection.stats import competition_rate
from ilja.text import TEXT_PROBLEMS, text_problem

S = ApplicationStatus


@dataclass(frozen=True)
class ResultRow:
    """One application's line in the results: score, rank, outcome now and at the draw."""

    application_id: int
    person_id: int
    score: float
    priority: bool
    preferences: list[str]
    rank: int | None
    drawn_status: str
    reason: str
    status: str
    unit: str | None
    seat: str | None
    waitlist: list[list[Any]]
    failed: list[str]
    applicant_key: str


def results(session: Session, round_id: int, *, status: str | None = None,
            limit: int | None = 100, offset: int = 0,
            scope: Scope = SYSTEM) -> tuple[list[ResultRow], int]:
    """A page of the round's results in order of merit (ineligible last), and the total, of the
    applications within ``scope`` (each result is an applicant's: scoped like the application)."""
    run_row = completed_run(session, round_id)
    conditions = [SelectionOutcomeRow.run_id == run_row.id, scope.where(Kind.APPLICATION)]
    if status:
        conditions.append(Application.status == status)
    base = (select(SelectionOutcomeRow, Application.person_id, Application.status,
                   Application.eligibility)
            .join(Application, Application.id == SelectionOutcomeRow.application_id)
            .where(*conditions))
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    statement = paging.window(base.order_by(SelectionOutcomeRow.rank.is_(None),
                                            SelectionOutcomeRow.rank, SelectionOutcomeRow.id),
                              limit, offset)
    rows = [ResultRow(
        application_id=o.application_id, person_id=person_id, score=o.score, priority=o.priority,
        preferences=list(o.preferences), rank=o.rank, drawn_status=o.status, reason=o.reason,
        status=app_status, unit=o.current_unit_code, seat=o.current_seat, waitlist=o.waitlist,
        failed=list((eligibility or {}).get("failed", [])), applicant_key=o.applicant_key)
        for o, person_id, app_status, eligibility in session.execute(statement).all()]
    return rows, int(total)


def audit_results_read(session: Session, round_id: int, rows: Sequence[ResultRow], *,
                       actor: audit.Actor) -> None:
    """A staff member saw applicants' results: whose (application ids), not what."""
    audit.record(session, actor, "selection.read", object_type="round", object_id=round_id,
                 details={"applications": [r.application_id for r in rows]})


@dataclass(frozen=True)
class Competition:
    """경쟁률 before (or without) a draw, from the applications' first choices."""

    seats: int
    applicants: int
    rate: str | None
    units: list[dict[str, Any]]
    groups: list[dict[str, Any]]


def competition(session: Session, round_id: int) -> Competition:
    """Applicants per seat for the round, each unit and each field (경쟁률, every application
    at its first choice, as notices state it; ``stats.competition_rate``)."""
    units, groups = units_of(session, round_id)
    counts: dict[str, int] = {}
    for (preferences,) in session.execute(select(Application.preferences).where(
            Application.round_id == round_id, Application.status != S.WITHDRAWN)):
        if preferences:
            counts[preferences[0]] = counts.get(preferences[0], 0) + 1
    unit_rows: list[dict[str, Any]] = []
    for unit in units:
        n = counts.get(unit.id, 0)
        rate = competition_rate(n, unit.capacity)
        unit_rows.append({"unit": unit.id, "group": unit.group, "seats": unit.capacity,
                          "applicants": n, "competition_rate": None if rate is None else str(rate)})
    group_rows: list[dict[str, Any]] = []
    for group in groups:
        members = [u for u in unit_rows if u["group"] == group.id]
        unit_seats = sum(u["seats"] for u in members)
        seats = unit_seats if group.capacity is None else min(unit_seats, group.capacity)
        n = sum(u["applicants"] for u in members)
        rate = competition_rate(n, seats)
        group_rows.append({"group": group.id, "seats": seats, "applicants": n,
                           "competition_rate": None if rate is None else str(rate)})
    grouped = {g.id for g in groups}
    seats = sum(g["seats"] for g in group_rows) + sum(
        u["seats"] for u in unit_rows if u["group"] not in grouped)
    applicants = sum(counts.values())
    rate = competition_rate(applicants, seats)
    return Competition(seats, applicants, None if rate is None else str(rate), unit_rows,
                       group_rows)


EXPORT_HEADER = ("순위 Rank", "접수번호 Application", "성명 Name", "지원 단위 Choices",
                 "점수(가점) Score", "우선선발 대상 Priority", "추첨번호 Lottery number",
                 "추첨 결과 Drawn", "사유 Reason", "현재 상태 Status", "배정 단위 Unit",
                 "좌석 Seat", "예비 순번 Waitlist", "자격 미충족 조건 Failed conditions")
STATS_HEADER = ("단위 Unit", "분야 Field", "정원 Seats", "지원자 Applicants",
                "경쟁률 Competition rate", "선발 Selected", "예비 Waitlisted")


def export_results(session: Session, round_id: int, target: Path | BinaryIO, *, reason: str,
                   actor: audit.Actor, scope: Scope = SYSTEM) -> int:
    """Write the round's results to XLSX: each person's score, rank, outcome and reasons, the
    statistics (경쟁률) and the verification record; audited as ``selection.export`` with the
    reason (다운로드 사유). Names are masked (``홍*동``), as results are published."""
    text = (reason or "").strip()
    if len(text) < 4:
        raise SelectionError("내려받는 사유를 4자 이상 입력하십시오.",
                             "Give the reason for the download (at least 4 characters).")
    if (code := text_problem(text)) is not None:  # the page posts the reason without a schema
        en, ko = TEXT_PROBLEMS[code]
        raise SelectionError(f"사유: {ko}.", f"Reason: {en}.")
    run_row = completed_run(session, round_id)
    rows, _ = results(session, round_id, limit=None, scope=scope)
    names = dict(session.execute(select(Person.id, Person.name).where(
        Person.id.in_({r.person_id for r in rows}))).all()) if rows else {}
    numbers = lottery_numbers(bytes.fromhex(run_row.seed or ""), [r.applicant_key for r in rows])
    table = [[row.rank, row.application_id, mask_name(names.get(row.person_id, "")),
              " > ".join(row.preferences), row.score, "예" if row.priority else "",
              shown(number), STATUS_LABELS[Status(row.drawn_status)][0],
              REASON_LABELS[Reason(row.reason)][0], row.status, row.unit or "",
              {"reserved": "우선선발", "open": "일반"}.get(row.seat or "", ""),
              ", ".join(f"{u} {p}" for u, p in row.waitlist), ", ".join(row.failed)]
             for row, number in zip(rows, numbers, strict=True)]
    figures = run_row.stats or {}
    stats = [[unit["unit"], unit["group"] or "", unit["seats"], unit["applicants"],
              unit["competition_rate"], unit["selected"], unit["waitlisted"]]
             for unit in figures.get("units", [])]
    stats.append(["합계 Total", "", figures.get("seats"), figures.get("applicants"),
                  figures.get("competition_rate"), figures.get("selected"),
                  figures.get("waitlisted")])
    proof = [[label, value] for label, value in (
        ("round", round_id), ("commitment", run_row.commitment), ("seed", run_row.seed),
        ("lottery_scheme", run_row.lottery_scheme), ("code_version", run_row.code_version),
        ("input_hash", run_row.input_hash), ("output_hash", run_row.output_hash),
        ("current_output_hash", run_row.current_output_hash))]
    data = files.write_xlsx(
        files.Sheet("결과 Results", table, EXPORT_HEADER),
        files.Sheet("통계 Statistics", stats, STATS_HEADER),
        files.Sheet("검증 Verification", proof))
    if isinstance(target, Path):
        files.write_atomically(target, data)
    else:
        target.write(data)
    audit.record(session, actor, "selection.export", object_type="round", object_id=round_id,
                 reason=text, details={"run": run_row.id, "rows": len(rows), "format": "xlsx"})
    return len(rows)
