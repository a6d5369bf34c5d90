"""The part of the draw that applies verified facts (issue 21 §4–5): what a selection run does
with applicants whose facts are still unverified, and one participant per household. It reads
verification's facts and parameters (``ilja.verification``, below selection); the withdrawals it
leads to are the selection's own (``selection.service``).

``<program>.verification.unverified_at_selection`` says what the run does: ``exclude`` (they take
no part in the draw: passed to it as not eligible, which the stored inputs record, so the verify
check re-runs bit for bit), ``conditional`` (they take part; a seat or waitlist place is held on
condition that the facts are verified by ``conditional_days_before_start`` days before the
start, else ``selection.service.lapse_conditional`` gives it to the next in line) or ``blocker``
(the run is refused, naming how many applications wait for which facts, until staff verify them).

The run's record (``SelectionVerification``, one row per drawn application) says for each
application which facts were verified, how, from what and by whom, and what the run did.

``<program>.verification.one_participant_per_household``: after the draw, and after every later
withdrawal's promotions, a household (the ``household`` fact of the records check) with more
than one member in a seat keeps the member ranked first; the others (``passed_over``) are
withdrawn as ``household`` (not eligible, with a decision and an appeal route) and the next in
line takes each seat. The withdrawal is stored with the run, so ``selection.service.verify``
replays it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ilja.applications.adverse import AdverseMove, Reasons
from ilja.applications.models import Application, Round, table_of
from ilja.selection.errors import SelectionError
from ilja.selection.models import SelectionOutcomeRow, SelectionRunRow
from ilja.selection.wording import selection_wording
from ilja.verification import catalogue, household
from ilja.verification.evaluation import CHUNK, verified_of
from ilja.verification.models import AtSelection, SelectionVerification, Verification


class UnverifiedBlocksDraw(SelectionError):
    code = "unverified_facts"

    def __init__(self, round_id: int, waiting: dict[str, int]):
        counts_ko = ", ".join(f"{catalogue.FACTS[f].ko} {n}건" for f, n in waiting.items())
        counts_en = ", ".join(f"{catalogue.FACTS[f].en}: {n}" for f, n in waiting.items())
        super().__init__(f"확인되지 않은 사실이 남아 선발할 수 없습니다 ({counts_ko}). "
                         "확인 대기열에서 먼저 확인하십시오.",
                         f"Facts are still unverified ({counts_en}); verify them in the verification "
                         "queue before the draw.", round_id=round_id)


@dataclass
class Gate:
    """The treatment of the round's drawn applications: ids left out of the draw, ids held on
    condition, and each application's verified facts for the run's record."""

    treatment: str
    excluded: set[int] = field(default_factory=set)
    conditional: set[int] = field(default_factory=set)
    facts: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    deadline: dt.date | None = None


def _facts_of(session: Session, ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Each application's verified facts for the run's record, by fact code: how, from what, by
    whom and when."""
    found: dict[int, list[dict[str, Any]]] = {}
    table = table_of(Verification)
    for start in range(0, len(ids), CHUNK):
        for row in session.execute(select(table.c.application_id, table.c.facts, table.c.method, table.c.source,
                                          table.c.verified_by, table.c.verified_at)
                                   .where(table.c.application_id.in_(ids[start:start + CHUNK]))):
            found.setdefault(row.application_id, []).extend(
                {"fact": fact, "method": row.method, "source": row.source, "by": row.verified_by,
                 "at": row.verified_at.isoformat()} for fact in row.facts)
    for facts in found.values():
        facts.sort(key=lambda f: f["fact"])
    return found


def before_draw(session: Session, round_row: Round, eligible_ids: Sequence[int]) -> Gate:
    """How the program treats the eligible applications whose facts to verify are not all
    verified (raises ``UnverifiedBlocksDraw`` for ``blocker``)."""
    program, on = round_row.program_code, round_row.starts_on
    treatment = catalogue.parameter("unverified_at_selection", program, on)
    required = set(catalogue.facts_to_verify(program, on))
    facts = _facts_of(session, list(eligible_ids))
    gate = Gate(treatment, facts=facts)
    waiting: dict[str, int] = {}
    unverified = set()
    for app_id in eligible_ids:
        missing = required - {f["fact"] for f in facts.get(app_id, [])}
        if missing:
            unverified.add(app_id)
            for fact in missing:
                waiting[fact] = waiting.get(fact, 0) + 1
    if unverified and treatment == "blocker":
        raise UnverifiedBlocksDraw(round_row.id, dict(sorted(waiting.items())))
    if treatment == "exclude":
        gate.excluded = unverified
    elif treatment == "conditional":
        gate.conditional = unverified
        gate.deadline = on - dt.timedelta(days=int(catalogue.parameter("conditional_days_before_start", program, on)))
    return gate


def record(session: Session, round_row: Round, gate: Gate, drawn_ids: Sequence[int], *,
           now: dt.datetime) -> None:
    """Store what the run knew of each drawn application's verification."""
    rows = []
    for app_id in drawn_ids:
        state = (AtSelection.EXCLUDED if app_id in gate.excluded else
                 AtSelection.CONDITIONAL if app_id in gate.conditional else AtSelection.VERIFIED)
        rows.append({"round_id": round_row.id, "application_id": app_id, "state": state.value,
                     "facts": gate.facts.get(app_id, []),
                     "deadline": gate.deadline if state == AtSelection.CONDITIONAL else None,
                     "recorded_at": now})
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(table_of(SelectionVerification)), rows[start:start + CHUNK])


def at_selection(session: Session, application_id: int) -> SelectionVerification | None:
    """The run's record of one application's verification (for its explanation)."""
    return session.scalars(select(SelectionVerification).where(
        SelectionVerification.application_id == application_id)).first()


LAPSE_NOTE = "조건부 선발: 기한까지 사실이 확인되지 않음"


def lapsed(session: Session, round_row: Round, on: dt.date) -> list[int]:
    """The conditional seats and waitlist places past their deadline on ``on`` whose facts are
    still unverified."""
    required = set(catalogue.facts_to_verify(round_row.program_code, round_row.starts_on))
    held = list(session.execute(
        select(SelectionVerification.application_id).join(
            Application, Application.id == SelectionVerification.application_id)
        .where(SelectionVerification.round_id == round_row.id,
               SelectionVerification.state == AtSelection.CONDITIONAL.value,
               SelectionVerification.deadline < on,
               Application.status.in_(("selected", "waitlisted")))).scalars())
    facts = _facts_of(session, held)
    return [i for i in held if required - {f["fact"] for f in facts.get(i, [])}]


def rounds_with_lapsed(session: Session, on: dt.date) -> list[int]:
    """The rounds holding a conditional place whose deadline is before ``on``."""
    return list(session.scalars(select(SelectionVerification.round_id).distinct().where(
        SelectionVerification.state == AtSelection.CONDITIONAL.value, SelectionVerification.deadline < on)))


HOUSEHOLD_NOTE = "1세대 1인 참여: 같은 세대에서 순위가 앞선 신청자가 선발됨"
HOUSEHOLD_REASONS = (
    "같은 세대(사회보장정보시스템 조회로 확인)의 다른 신청자가 순위가 앞서 선발되었습니다. 이 사업은 한 세대에서 "
    "한 사람만 참여할 수 있어(1세대 1인 참여), 선발에서 제외되고 그 자리는 다음 순번에게 돌아갔습니다.",
    "Another applicant of your household (as the social-security information system records it) "
    "was ranked ahead of you and selected. The program takes one participant per household, so "
    "you were passed over and the seat went to the next in line.")
"""The reasons of a household member's ``not_eligible`` decision (``household_wording``)."""


def household_wording(session: Session, moves: Sequence[AdverseMove]) -> list[Reasons | None]:
    """A household member passed over: ``HOUSEHOLD_REASONS``; the rest of the withdrawal's chain
    as the selection words it."""
    return [HOUSEHOLD_REASONS if move.reason_code == "withdrawal.household" else words
            for move, words in zip(moves, selection_wording(session, moves), strict=True)]


def passed_over(session: Session, round_row: Round, run_row: SelectionRunRow) -> list[int]:
    """The seated members of a household after the one ranked first, where the program takes
    one participant per household; their run records say so. The caller withdraws them."""
    if not catalogue.parameter("one_participant_per_household", round_row.program_code,
                               round_row.starts_on):
        return []
    seated = list(session.scalars(
        select(SelectionOutcomeRow.application_id)
        .where(SelectionOutcomeRow.run_id == run_row.id,
               SelectionOutcomeRow.current_status == "selected")
        .order_by(SelectionOutcomeRow.rank, SelectionOutcomeRow.application_id)))
    facts = verified_of(session, seated)
    over = household.passed_over([(app_id, facts.get(app_id, {}).get("household")) for app_id in seated])
    if over:
        table = table_of(SelectionVerification)
        session.execute(table.update().where(table.c.application_id.in_(over),
                                             table.c.round_id == round_row.id)
                        .values(state=AtSelection.HOUSEHOLD.value))
    return over
