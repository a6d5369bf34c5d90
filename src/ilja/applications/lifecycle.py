"""The life cycle of an application: which status may follow which (issue 3 §3).

submitted → eligible / ineligible → selected / waitlisted / not selected → enrolled (training)
or placed (public jobs) → completed / dropped / quit. Besides the main line: staff may correct
the screening before the draw (eligible ↔ ineligible); a waitlisted person is promoted
(waitlisted → selected); a selected or waitlisted person may decline or drop before the start
(→ withdrawn, 포기) or be found ineligible after the draw (→ ineligible); an applicant may
withdraw before the draw.

Some moves belong to the selection alone — the draw itself and anything that frees or fills a
seat — so that the seat is refilled from the waitlist in the same transaction.
"""

from __future__ import annotations

from ilja.applications.errors import InvalidTransition
from ilja.applications.models import ApplicationStatus as S

TRAINING = "training"

DRAW_RESULTS = frozenset({S.SELECTED, S.WAITLISTED, S.NOT_SELECTED})
HOLDS_OR_WAITS = frozenset({S.SELECTED, S.WAITLISTED})
BEFORE_DRAW = frozenset({S.SUBMITTED, S.ELIGIBLE, S.INELIGIBLE})
ACTIVE = frozenset({S.ENROLLED, S.PLACED})
ENDINGS = frozenset({S.COMPLETED, S.DROPPED, S.QUIT})


ADVERSE = {S.INELIGIBLE: "not_eligible", S.NOT_SELECTED: "not_selected", S.WAITLISTED: "waitlisted"}
"""Moves that are adverse decisions about the applicant (``adverse`` records each with its
reasons and sends the notice). A dropout, a quit without notice and an ended placement are
adverse too, but take something away: they are decided with prior notice by their own domain
before the move is made."""

REMEDIES = frozenset({(S.NOT_SELECTED, S.SELECTED), (S.WITHDRAWN, S.SELECTED), (S.DROPPED, S.ENROLLED),
                      (S.QUIT, S.PLACED)})
"""Moves back that only an upheld objection makes (``ilja.rights.remedies``)."""


def adverse_decision(previous: S | None, current: S) -> str | None:
    """The kind of adverse decision ``previous → current`` is (``ilja.decisions.catalogue``), if any."""
    return ADVERSE.get(current) if previous != current else None


def check_transition(previous: S | None, current: S, *, program_kind: str,
                     remedy: bool = False) -> None:
    """Raise ``InvalidTransition`` unless ``previous → current`` is a move of the life cycle.

    ``program_kind`` is the plan's kind of the round's program: a training course enrols, a
    public job places. ``remedy``: the move undoes a decision an objection overturned.
    """
    if remedy and (previous, current) in REMEDIES:
        return
    match (previous, current):
        case (None, S.SUBMITTED):
            return
        case (S.SUBMITTED, S.ELIGIBLE | S.INELIGIBLE):
            return
        case (S.ELIGIBLE, S.INELIGIBLE) | (S.INELIGIBLE, S.ELIGIBLE):
            return  # screening corrected before the draw
        case (S.ELIGIBLE, S.SELECTED | S.WAITLISTED | S.NOT_SELECTED):
            return  # the draw
        case (S.WAITLISTED, S.SELECTED | S.NOT_SELECTED):
            return  # promoted, or the waitlist closed at the start
        case (S.SELECTED | S.WAITLISTED, S.WITHDRAWN | S.INELIGIBLE):
            return  # declined or dropped before the start; found ineligible after the draw
        case (S.SUBMITTED | S.ELIGIBLE | S.INELIGIBLE, S.WITHDRAWN):
            return  # the applicant withdrew before the draw
        case (S.SELECTED, S.ENROLLED) if program_kind == TRAINING:
            return
        case (S.SELECTED, S.PLACED) if program_kind != TRAINING:
            return
        case (S.ENROLLED | S.PLACED, S.COMPLETED | S.DROPPED | S.QUIT):
            return
        case (S.SELECTED, S.ENROLLED | S.PLACED):
            raise InvalidTransition(
                previous, current,
                "교육 과정은 '입교(enrolled)', 일자리 사업은 '배치(placed)'를 사용합니다.",
                "Training courses enrol (enrolled); public jobs place (placed).")
    raise InvalidTransition(previous, current)


def selection_owns(previous: S, current: S) -> bool:
    """Moves only the selection service makes: the draw's results, promotions, and leaving a
    seat or a waitlist place (which must refill the seat in the same transaction)."""
    return (current in DRAW_RESULTS and previous in (S.ELIGIBLE, S.WAITLISTED)) or (
        previous in HOLDS_OR_WAITS and current in (S.WITHDRAWN, S.INELIGIBLE))
