"""The plain data of a selection: applicants, units with seats, the written policy, the outcomes.

Nothing here touches a database or the web: the selection service loads a recruitment round into
these dataclasses, calls the pure functions of this package and stores what they return.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ilja.rules.parameters import ParameterTree


class SelectionInputError(ValueError):
    """Bad selection input: where (``applicants[12].preferences[1]``), a stable code, a message.

    The message names the record by its position and its application id, never personal data.
    """

    def __init__(self, location: str, code: str, message: str):
        super().__init__(f"{location}: {message} [{code}]")
        self.location = location
        self.code = code
        self.message = message


class Status(StrEnum):
    """Where an application stands after the selection (선발 / 예비 / 미선발 / 부적격 / 포기)."""

    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    NOT_SELECTED = "not_selected"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


class Seat(StrEnum):
    """Which kind of seat a selected applicant holds: a priority (reserved) seat or an open one."""

    RESERVED = "reserved"
    OPEN = "open"


class Reason(StrEnum):
    """Why an applicant got the status they got, as one stable code the history and pages show."""

    PRIORITY = "priority"
    SCORE = "score"
    LOTTERY = "lottery"
    QUOTA = "quota"
    CAPACITY = "capacity"
    NO_SEATS = "no_seats"
    NO_PREFERENCE = "no_preference"
    INELIGIBLE = "ineligible"
    WITHDRAWN = "withdrawn"


class FillOrder(StrEnum):
    """Which seats fill first: the priority (reserved) seats or the open ones.

    ``reserved_first`` is how Korean notices describe 우선선발 (priority selection first, then
    general selection among everyone left); ``open_first`` fills the open seats from everyone and
    then the reserved seats from the priority applicants still waiting, which selects at least as
    many priority applicants (Dur, Kominers, Pathak & Sönmez 2018, "Reserve design").
    """

    RESERVED_FIRST = "reserved_first"
    OPEN_FIRST = "open_first"


class Rounding(StrEnum):
    """How ``priority_share × seats`` becomes a whole number of reserved seats.

    ``floor`` keeps the reserved seats "within" the share (이내), so it is the default; ``ceil``
    and ``half_up`` can exceed the share and are there for operators whose notice says so.
    """

    FLOOR = "floor"
    CEIL = "ceil"
    HALF_UP = "half_up"


STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.SELECTED: ("선발", "Selected"),
    Status.WAITLISTED: ("예비 (대기)", "Waitlisted"),
    Status.NOT_SELECTED: ("미선발", "Not selected"),
    Status.INELIGIBLE: ("자격 미달", "Not eligible"),
    Status.WITHDRAWN: ("포기", "Withdrawn"),
}

REASON_LABELS: dict[Reason, tuple[str, str]] = {
    Reason.PRIORITY: ("우선선발 정원으로 선발", "Selected in a priority (reserved) seat"),
    Reason.SCORE: ("점수 순위", "Decided by score (highest first)"),
    Reason.LOTTERY: ("동점자 추첨", "Equal scores at the cut-off: decided by the lottery"),
    Reason.QUOTA: ("우선선발 정원", "A seat went to a priority applicant under the priority quota"),
    Reason.CAPACITY: ("분야 정원 초과", "The field's (group's) seats were full"),
    Reason.NO_SEATS: ("모집 정원 없음", "The unit has no seats"),
    Reason.NO_PREFERENCE: ("지원 단위 없음", "No unit applied for"),
    Reason.INELIGIBLE: ("자격 미달", "Not eligible"),
    Reason.WITHDRAWN: ("포기·탈락", "Declined or dropped before the start"),
}

# Array codes: the position in these tuples is the int8 stored in an ``Allocation``.
STATUSES: tuple[Status, ...] = tuple(Status)
SEATS: tuple[Seat | None, ...] = (None, Seat.RESERVED, Seat.OPEN)
REASONS: tuple[Reason, ...] = tuple(Reason)


@dataclass(frozen=True, slots=True)
class Applicant:
    """One application in a round.

    ``score`` is the rules engine's ``bonus_points`` (or the course's assessment score);
    ``priority`` its ``priority_group``; ``preferences`` the unit ids in the applicant's order
    (one project for 동행일자리; 1지망, 2지망 … where a round allows several).
    """

    id: str
    eligible: bool
    score: float
    priority: bool = False
    preferences: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unit:
    """Something with seats that applicants apply to: a project, a course cohort, or a field.

    ``group`` names the group it belongs to (the field, 분야, of a 동행일자리 project), whose own
    seat total, if any, also binds.
    """

    id: str
    capacity: int
    group: str | None = None


@dataclass(frozen=True, slots=True)
class UnitGroup:
    """A group of units with a seat total of its own (e.g. a field's planned head count)."""

    id: str
    capacity: int | None = None


@dataclass(frozen=True)
class SelectionInputs:
    """Everything a selection depends on besides the policy and the seed."""

    round_id: str
    applicants: Sequence[Applicant]
    units: Sequence[Unit]
    groups: Sequence[UnitGroup] = ()

    def canonical(self) -> dict[str, Any]:
        """The inputs as plain JSON values in a fixed order (by id, in code-point order), for the
        input hash.

        Scores are written as floats so that ``5`` and ``5.0`` hash alike.
        """
        return {
            "round": self.round_id,
            "applicants": sorted(
                ([a.id, bool(a.eligible), float(a.score), bool(a.priority), list(a.preferences)]
                 for a in self.applicants), key=_first,
            ),
            "units": sorted(([u.id, int(u.capacity), u.group] for u in self.units), key=_first),
            "groups": sorted(([g.id, None if g.capacity is None else int(g.capacity)]
                              for g in self.groups), key=_first),
        }


def _first(row: list[Any]) -> Any:
    return row[0]


def _fraction(value: Any, what: str, upper: Fraction | None) -> Fraction:
    """An exact share or ratio: a str, Decimal, int or Fraction — a float is refused, because
    ``0.3`` in binary is not 3/10."""
    share: Fraction | None = None
    if not isinstance(value, float):
        try:
            share = Fraction(value)
        except (TypeError, ValueError, ZeroDivisionError):
            share = None
    if share is None or share < 0 or (upper is not None and share > upper):
        bound = f"between 0 and {upper}" if upper is not None else "≥ 0"
        raise SelectionInputError(
            f"policy.{what}", f"{what}_invalid",
            f"{value!r} is not a number {bound} (write it as a string or Decimal, e.g. '0.30')",
        )
    return share


@dataclass(frozen=True)
class SelectionPolicy:
    """The written, configurable rule of a round's selection.

    ``priority_share`` caps the seats of each unit filled by priority selection (우선선발): for
    기술교육원 "정원의 30% 이내" (seoul-2025-jobs-plan §3), the parameter
    ``tech_institute.eligibility.priority_share``. It is a figure of policy, so it has no default:
    the caller passes it from the parameters (``from_parameters``) or 0 for a round without a
    quota. The other options are Ilja's documented defaults (the documents are silent):
    ``floor`` rounding, ``reserved_first`` order, and no waitlist limit (``waitlist_ratio=None``:
    every eligible applicant not selected is on the waitlist of the units they applied to).
    """

    priority_share: Fraction
    rounding: Rounding = Rounding.FLOOR
    order: FillOrder = FillOrder.RESERVED_FIRST
    waitlist_ratio: Fraction | None = None
    source: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "priority_share",
                           _fraction(self.priority_share, "priority_share", Fraction(1)))
        object.__setattr__(self, "rounding", Rounding(self.rounding))
        object.__setattr__(self, "order", FillOrder(self.order))
        if self.waitlist_ratio is not None:
            object.__setattr__(self, "waitlist_ratio",
                               _fraction(self.waitlist_ratio, "waitlist_ratio", None))

    @classmethod
    def from_parameters(cls, tree: ParameterTree, on: dt.date, program: str = "tech_institute",
                        **options: Any) -> SelectionPolicy:
        """The policy of ``program`` in force on ``on``, read from the parameter tree.

        Reads ``{program}.eligibility.priority_share`` (a program without it, like 동행일자리,
        has no quota: share 0, said so in ``source``) and, where the tree has them,
        ``{program}.selection.priority_rounding``, ``.fill_order`` and ``.waitlist_ratio``;
        ``options`` override what the tree says (a what-if run).
        """
        if not any(name.startswith(f"{program}.") for name in tree.names()):
            raise SelectionInputError("policy.program", "unknown_program",
                                      f"the parameters have nothing for program {program!r}")
        share_name = f"{program}.eligibility.priority_share"
        values: dict[str, Any] = {}
        if share_name in tree:
            values["priority_share"] = tree.value(share_name, on)
            sources = [f"{share_name}={values['priority_share']} "
                       f"({tree.get(share_name).entry_at(on).source})"]
        else:
            values["priority_share"] = 0
            sources = [f"{share_name} not set: {program} has no priority quota"]
        for key, name in (("rounding", "priority_rounding"), ("order", "fill_order"),
                          ("waitlist_ratio", "waitlist_ratio")):
            full = f"{program}.selection.{name}"
            if full in tree:
                values[key] = tree.value(full, on)
                sources.append(f"{full}={values[key]} ({tree.get(full).entry_at(on).source})")
        values.update(options)
        values.setdefault("source", "; ".join(sources))
        return cls(**values)

    def reserved_seats(self, capacity: int) -> int:
        """Reserved seats of a unit with ``capacity`` seats, rounded as the policy says."""
        return int(reserved_seats_of(capacity, self.priority_share, self.rounding))

    def waitlist_length(self, capacity: int) -> int | None:
        """How many applicants a unit's waitlist holds (``None``: no limit); rounded down."""
        if self.waitlist_ratio is None:
            return None
        return math.floor(capacity * self.waitlist_ratio)

    def canonical(self) -> dict[str, Any]:
        return {
            "priority_share": str(self.priority_share),
            "rounding": self.rounding.value,
            "order": self.order.value,
            "waitlist_ratio": None if self.waitlist_ratio is None else str(self.waitlist_ratio),
            "source": self.source,
        }

    @classmethod
    def from_canonical(cls, data: Mapping[str, Any]) -> SelectionPolicy:
        ratio = data.get("waitlist_ratio")
        return cls(priority_share=Fraction(data["priority_share"]), rounding=data["rounding"],
                   order=data["order"], waitlist_ratio=None if ratio is None else Fraction(ratio),
                   source=data.get("source", ""))


def reserved_seats_of(capacity: Any, share: Fraction, rounding: Rounding) -> Any:
    """``share × capacity`` rounded to whole seats in exact integer arithmetic.

    Works on an int or an int64 array; no float ever touches a seat count.
    """
    num, den = share.numerator, share.denominator
    if rounding is Rounding.FLOOR:
        return capacity * num // den
    if rounding is Rounding.CEIL:
        return -(-capacity * num // den)
    return (2 * capacity * num + den) // (2 * den)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One applicant's result: status, unit and seat, the reason, rank and waitlist places.

    ``choice`` is 1 for the first preference; ``rank`` the place among all eligible applicants
    of the round (score, then lottery); ``waitlist`` the (unit, place) pairs, place 1 = next.
    """

    applicant_id: str
    status: Status
    reason: Reason
    unit: str | None = None
    seat: Seat | None = None
    choice: int | None = None
    rank: int | None = None
    waitlist: tuple[tuple[str, int], ...] = field(default=())

    def canonical(self) -> list[Any]:
        return [self.applicant_id, self.status.value, self.reason.value, self.unit,
                None if self.seat is None else self.seat.value, self.choice, self.rank,
                [list(w) for w in self.waitlist]]
