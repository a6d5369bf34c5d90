"""The household in a records check: its members' incomes summed, its identity kept blind, and the
one-participant-per-household rule of a draw (issue 21 §5).

Pure: no database, no web. The records-check file (``records_check``; the real system's layout is
not public, so Ilja defines one) may carry two household columns per applicant:

``가구원`` (``household_members``)
    the household's members with their monthly income, as ``관계:금액`` entries separated by
    ``;`` — e.g. ``본인:1200000;배우자:1500000;자녀:0``. ``관계`` is one of ``RELATIONS`` (Korean
    or English); the applicant is ``본인``, exactly once. The household size is the number of
    members and the household income their sum: the income limits are a share of the standard
    median income by household size (``common.median_income.monthly_by_household_size``). With
    members given, ``가구소득(원)`` may be left empty; if it is filled it must equal the sum.
``세대번호`` (``household_id``)
    the household (세대) as the system identifies it. Only its keyed hash is kept (the blind-index
    key, its own purpose prefix), so applicants of one household can be told apart from others
    and the identifier itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

from ilja.people.rrn import KeyRing
from ilja.verification.catalogue import RELATIONS, BadValue, parse

_RELATION_OF = {name: code for code, pair in RELATIONS.items() for name in pair}
MEMBERS_COLUMN, HOUSEHOLD_COLUMN, INCOME_COLUMN = "가구원", "세대번호", "가구소득(원)"
PURPOSE = "household"


@dataclass(frozen=True, slots=True)
class Member:
    relation: str  # a RELATIONS code
    income_krw: int


@dataclass(frozen=True, slots=True)
class Household:
    members: tuple[Member, ...]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def income_krw(self) -> int:
        return sum(m.income_krw for m in self.members)


def _no_self() -> BadValue:
    return BadValue("가구원에 본인이 한 번 있어야 합니다.", "the members must name the applicant (self) once")


def parse_members(text: str) -> Household:
    """The members of a ``가구원`` cell; ``BadValue`` says what is wrong with it."""
    members = []
    for entry in (e.strip() for e in text.split(";")):
        if not entry:
            continue
        relation, colon, amount = entry.partition(":")
        code = _RELATION_OF.get(relation.strip())
        if not colon or code is None:
            raise BadValue("가구원은 '관계:월소득'을 ;로 나누어 쓰십시오 (예: 본인:1200000;배우자:0).",
                           "write each member as relation:monthly income, separated by ; "
                           "(e.g. self:1200000;spouse:0)")
        try:
            income = parse("household_income_krw", amount)
        except BadValue as error:
            raise BadValue(f"{relation.strip()}의 소득: {error.ko}",
                           f"{code}'s income: {error.en}") from None
        members.append(Member(code, income))
    if sum(m.relation == "self" for m in members) != 1:
        raise _no_self()
    return Household(tuple(members))


def from_entries(entries: Sequence[tuple[str, str]]) -> tuple[Household, dict[tuple[int, str], BadValue]]:
    """The household staff enter from a 주민등록등본: ``entries`` of (relation code, monthly
    income as typed), blank pairs skipped; and what is wrong, by (entry, ``relation`` or
    ``income``) — the applicant (``self``) must be there once, or the first relation is wrong."""
    members, problems = [], {}
    for at, (relation, income) in enumerate(entries):
        if not relation.strip() and not income.strip():
            continue
        if relation not in RELATIONS:
            problems[at, "relation"] = BadValue("관계를 고르십시오.", "choose the relation")
            continue
        try:
            members.append(Member(relation, parse("household_income_krw", income)))
        except BadValue as error:
            problems[at, "income"] = error
    if not problems and sum(m.relation == "self" for m in members) != 1:
        problems[0, "relation"] = _no_self()
    return Household(tuple(members)), problems


def format_members(household: Household) -> str:
    """A ``가구원`` cell for ``household`` (what ``parse_members`` reads back)."""
    return ";".join(f"{RELATIONS[m.relation][0]}:{m.income_krw}" for m in household.members)


def household_index(identifier: str, keyring: KeyRing) -> str:
    """The keyed hash a household is known by: ``h1:<key id>:<HMAC-SHA256>`` under the active
    blind-index key with its own purpose prefix (never the identifier)."""
    key_id = keyring.blind_index.active
    message = f"ilja:{PURPOSE}\x00".encode() + " ".join(identifier.split()).encode()
    digest = hmac.new(keyring.blind_index.key(key_id), message, hashlib.sha256).hexdigest()
    return f"h1:{key_id}:{digest}"


def row_facts(facts: MutableMapping[str, Any], members: str, identifier: str, keyring: KeyRing,
              *, row: int, seen: MutableMapping[str, tuple[int, int, int]]
              ) -> list[tuple[str, BadValue]]:
    """Add a records-check row's household facts to ``facts`` (size and summed income from the
    members, the household's blind key) and return its problems as (column, why).

    ``facts`` holds the row's ``household_income_krw`` if its ``가구소득(원)`` cell was filled;
    ``seen``: the households of the rows before, as key → (row, size, income), so two applicants
    of one household who are reported with different members are caught.
    """
    problems: list[tuple[str, BadValue]] = []
    household = None
    if members.strip():
        try:
            household = parse_members(members)
        except BadValue as error:
            problems.append((MEMBERS_COLUMN, error))
    if household is not None:
        stated = facts.get("household_income_krw")
        if stated is not None and stated != household.income_krw:
            problems.append((INCOME_COLUMN, BadValue(
                f"가구원 소득의 합({household.income_krw:,}원)과 다릅니다.",
                f"differs from the sum of the members' incomes (KRW {household.income_krw:,})")))
        facts["household_income_krw"] = household.income_krw
        facts["household_size"] = household.size
    if identifier.strip():
        key = household_index(identifier, keyring)
        facts["household"] = key
        if household is not None:
            first = seen.setdefault(key, (row, household.size, household.income_krw))
            if first[1:] != (household.size, household.income_krw):
                problems.append((HOUSEHOLD_COLUMN, BadValue(
                    f"같은 세대인 {first[0]}행과 가구원 수나 소득이 다릅니다.",
                    f"the same household as row {first[0]}, with other members or incomes")))
    return problems


def passed_over(ranked: Iterable[tuple[int, str | None]]) -> list[int]:
    """One participant per household: given the seated applications best-ranked first, each with
    its household key (None: no household known), the ones to pass over — every member of a
    household after the first. An application with no known household is never passed over."""
    kept: set[str] = set()
    over = []
    for application_id, key in ranked:
        if key is None:
            continue
        if key in kept:
            over.append(application_id)
        else:
            kept.add(key)
    return over
