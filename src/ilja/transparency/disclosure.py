"""What may be published: small-cell suppression for the scorecards and k-anonymity for the open
registers (parameters ``transparency.disclosure.*``). Pure: counts in, publishable cells out.

A published count is at least the minimum; a rate is published only when its numerator, its
denominator and their difference all are, so that neither the rate nor its complement (the
dropouts beside the completers) names fewer than the minimum. Anything smaller is ``suppressed``;
nothing to count at all is ``no_data``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from ilja.outcomes.rates import percent
from ilja.rules.parameters import ParameterTree, ParameterUse, default_tree

State = Literal["shown", "suppressed", "no_data"]
PARAMETERS = ("transparency.disclosure.min_cell_count", "transparency.disclosure.k_anonymity",
              "transparency.disclosure.retention_months")


@dataclass(frozen=True, slots=True)
class Rules:
    """The disclosure parameters in force on ``on``, with the uses that cite their sources."""

    min_cell: int
    k: int
    retention_months: int
    uses: tuple[ParameterUse, ...]


def rules(on: dt.date, tree: ParameterTree | None = None) -> Rules:
    tree = tree or default_tree()
    uses = tuple(tree.get(name).use_at(on) for name in PARAMETERS)
    return Rules(int(uses[0].value), int(uses[1].value), int(uses[2].value), uses)


@dataclass(frozen=True, slots=True)
class Count:
    value: int | None
    state: State


@dataclass(frozen=True, slots=True)
class Rate:
    numerator: int | None
    denominator: int | None
    state: State

    @property
    def percent(self) -> Decimal | None:
        if self.numerator is None or self.denominator is None:
            return None
        return percent(self.numerator, self.denominator)


@dataclass(frozen=True, slots=True)
class Mean:
    """An average (satisfaction, 0–100) over ``count`` answers."""

    value: Decimal | None
    count: int | None
    state: State


@dataclass(frozen=True, slots=True)
class Ratio:
    """Applicants per seat (경쟁률): the applicants are a count; seats are no one's data."""

    applicants: int | None
    seats: int | None
    state: State

    @property
    def value(self) -> Decimal | None:
        if self.applicants is None or not self.seats:
            return None
        return (Decimal(self.applicants) / Decimal(self.seats)).quantize(Decimal("0.1"), ROUND_HALF_UP)


NO_RATE = Rate(None, None, "no_data")


def count(value: int | None, minimum: int) -> Count:
    if not value:
        return Count(None, "no_data")
    return Count(value, "shown") if value >= minimum else Count(None, "suppressed")


def rate(numerator: int | None, denominator: int | None, minimum: int) -> Rate:
    if not denominator or numerator is None:
        return NO_RATE
    if min(numerator, denominator, denominator - numerator) < minimum:
        return Rate(None, None, "suppressed")
    return Rate(numerator, denominator, "shown")


def mean(total: int | Decimal | None, answers: int | None, minimum: int) -> Mean:
    if not answers or total is None:
        return Mean(None, None, "no_data")
    if answers < minimum:
        return Mean(None, None, "suppressed")
    value = (Decimal(total) / Decimal(answers)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return Mean(value, answers, "shown")


def ratio(applicants: int | None, seats: int | None, minimum: int) -> Ratio:
    shown = count(applicants, minimum)
    if shown.state != "shown" or not seats:
        return Ratio(None, None, shown.state if shown.state != "shown" else "no_data")
    return Ratio(shown.value, seats, "shown")


def published_counts(cell: Count | Rate | Mean | Ratio) -> list[int]:
    """Every count a published cell reveals (for the suppression property): a rate reveals its
    numerator, denominator and their difference."""
    if cell.state != "shown":
        return []
    if isinstance(cell, Count):
        return [cell.value] if cell.value is not None else []
    if isinstance(cell, Rate):
        assert cell.numerator is not None and cell.denominator is not None
        return [cell.numerator, cell.denominator, cell.denominator - cell.numerator]
    if isinstance(cell, Mean):
        return [cell.count] if cell.count is not None else []
    return [cell.applicants] if cell.applicants is not None else []
