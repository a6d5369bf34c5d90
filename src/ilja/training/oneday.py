"""One-day classes (원데이 클래스) for mid-career applicants and their conversion.

seoul-2025-jobs-plan §3 (중장년 직업전환): 200 people referred by the 50+ campuses
(50플러스캠퍼스) take one-day classes — Korean cooking, baking, product pages with generative AI —
which lead to regular courses at the Central and East institutes (글로벌조리, 카페베이커리,
온라인쇼핑몰창업). The cap is ``training.one_day_class.max_participants``; conversion is who of a
class's participants then applied to, and enrolled in, the linked course.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from fractions import Fraction


class ClassFull(Exception):
    """Registering more participants than the cap allows."""

    def __init__(self, cap: int, registered: int, adding: int) -> None:
        self.cap, self.registered, self.adding = cap, registered, adding
        super().__init__(f"the one-day class cap is {cap}: {registered} registered, "
                         f"{adding} more would exceed it")


def check_cap(cap: int, registered: int, adding: int = 1) -> None:
    if registered + adding > cap:
        raise ClassFull(cap, registered, adding)


@dataclass(frozen=True, slots=True)
class Conversion:
    participants: int
    applied: int
    enrolled: int

    @property
    def applied_rate(self) -> Fraction | None:
        return Fraction(self.applied, self.participants) if self.participants else None

    @property
    def enrolled_rate(self) -> Fraction | None:
        return Fraction(self.enrolled, self.participants) if self.participants else None

    def percent(self, which: str) -> float | None:
        rate = self.applied_rate if which == "applied" else self.enrolled_rate
        return None if rate is None else round(float(rate) * 100, 1)


def conversion(participants: Collection[int], applied: Collection[int],
               enrolled: Collection[int]) -> Conversion:
    """Conversion of one class: person ids of its participants, of those who applied to the
    linked course after the class, and of those who enrolled in it."""
    people = set(participants)
    applied_set = people & set(applied)
    enrolled_set = applied_set & set(enrolled)
    return Conversion(len(people), len(applied_set), len(enrolled_set))
