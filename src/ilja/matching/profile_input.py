"""Checking a candidate's skills, certificates, experience and working conditions (issue 23 §5).

Pure: the trainee's own page, the coordinator's candidate page and the demo share these checks,
so a bad value is named the same way everywhere (by field). Empty means "not stated": a
condition left empty excludes no posting (``ilja.matching.filters``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ilja.matching.errors import MatchingInputError
from ilja.matching.posting_input import (
    normalise_district,
    normalise_education,
    normalise_experience_field,
    normalise_shifts,
    split_list,
)
from ilja.matching.tokens import skills_of
from ilja.matching.vocabulary import vocabulary

KINDS_WANTED = ("internship", "job")
MAX_COMMUTE = 300
_EXPERIENCE = re.compile(r"^(.+?)\s*(\d{1,2})\s*년?$")


@dataclass
class CandidateConditions:
    """What the filters and the fit read of a candidate beyond their course."""

    skills: list[str] = field(default_factory=list)
    certifications: list[str] = field(default_factory=list)
    experience: list[tuple[str, int]] = field(default_factory=list)  # (field, years)
    education: str | None = None
    wanted_kinds: list[str] = field(default_factory=list)
    min_monthly_pay: int | None = None
    max_weekly_hours: int | None = None
    shifts: list[str] = field(default_factory=list)
    home_district: str | None = None
    max_commute_minutes: int | None = None
    available_from: dt.date | None = None


def parse_experience(text: str | Sequence[str], where: str = "experience"
                     ) -> list[tuple[str, int]]:
    """"바리스타·제과제빵 2년, 사무·행정 1년" → [("cafe_bakery", 2), ("office", 1)]; a field is
    named by the vocabulary's field names (Korean or English) or a skill of it."""
    out: dict[str, int] = {}
    items = [x.strip() for x in re.split(r"[,;\n]+", text)] if isinstance(text, str) else text
    for i, item in enumerate(x for x in items if x):
        match = _EXPERIENCE.match(item.strip())
        if not match or int(match.group(2)) > 40:
            raise MatchingInputError(f"{where}[{i}]", "experience_invalid",
                                     f"{item!r} is not a field and years (e.g. 용접 2년)")
        name = match.group(1).strip()
        try:
            key = normalise_experience_field(name, f"{where}[{i}]")
        except MatchingInputError:
            vocab = vocabulary()
            key = vocab.field_of(skills_of(vocab, [name]))
            if key is None:
                raise
        out[key] = max(out.get(key, 0), int(match.group(2)))
    return list(out.items())


def experience_text(experience: Sequence[Sequence[object]] | None, language: str = "ko") -> str:
    """The form's text for recorded experience."""
    fields = vocabulary().fields
    return ", ".join(f"{fields.get(str(f), {}).get(language, f)} {y}년"
                     for f, y in experience or ())


def parse_conditions(values: Mapping[str, object]) -> tuple[CandidateConditions,
                                                            list[MatchingInputError]]:
    """The form's values (text, or lists for multi-selects) as conditions, and every problem."""
    problems: list[MatchingInputError] = []

    def check(fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except MatchingInputError as exc:
            problems.append(exc)
            return None

    def text(name: str) -> str:
        value = values.get(name)
        return "" if value is None else str(value).strip()

    def number(name: str, low: int, high: int, code: str) -> int | None:
        raw = text(name).replace(",", "").removesuffix("원").removesuffix("분").strip()
        if not raw:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            problems.append(MatchingInputError(name, code, f"a whole number {low}–{high}"))
            return None
        return int(raw)

    def listed(name: str) -> list[str]:
        value = values.get(name)
        if isinstance(value, list | tuple):
            return [str(v) for v in value if str(v).strip()]
        return split_list(text(name))

    kinds = listed("wanted_kinds")
    if any(k not in KINDS_WANTED for k in kinds):
        problems.append(MatchingInputError("wanted_kinds", "kind_wish_invalid",
                                           "internship or job"))
    available = None
    if text("available_from"):
        try:
            available = dt.date.fromisoformat(text("available_from"))
        except ValueError:
            problems.append(MatchingInputError("available_from", "date_invalid", "YYYY-MM-DD"))
    conditions = CandidateConditions(
        skills=listed("skills"), certifications=listed("certifications"),
        experience=check(parse_experience, text("experience")) or [],
        education=check(normalise_education, text("education") or None),
        wanted_kinds=[k for k in dict.fromkeys(kinds) if k in KINDS_WANTED],
        min_monthly_pay=number("min_monthly_pay", 0, 100_000_000, "pay_invalid"),
        max_weekly_hours=number("max_weekly_hours", 1, 68, "hours_invalid"),
        shifts=check(normalise_shifts, listed("shifts")) or [],
        home_district=check(normalise_district, text("home_district") or None, "home_district"),
        max_commute_minutes=number("max_commute_minutes", 1, MAX_COMMUTE, "commute_invalid"),
        available_from=available)
    return conditions, problems
