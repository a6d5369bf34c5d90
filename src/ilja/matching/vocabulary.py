"""Skills and certificates by vocabulary, not morphemes (issue 23 §3).

``data/skills.yaml`` names each skill once (an id, its field, Korean and English names) with the
spellings people use for it: TypeScript/타입스크립트, 프런트엔드/프론트엔드, k8s/쿠버네티스,
NLP/자연어처리. A skill list entry is looked up whole; free text is read with Kiwi only to find
where candidate phrases start and end (runs of up to five morphemes, without particles and
endings), and each phrase is looked up in the vocabulary — so "파이썬을" finds Python, and
"경력 3년" keeps its 3 (``experience_years``).

Certificates compare by their official names (정보처리 기사 = 정보처리기사), and a higher grade of
the same line satisfies a requirement for the lower (``held_certificates``).

Pure: no database. One vocabulary per process, loaded on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

MAX_PHRASE = 5  # morphemes in one phrase looked up
_SEPARATORS = re.compile(r"[\s.\-_·/()]+")
# Morphemes that end a phrase: particles, endings, copula, punctuation.
_BREAK_TAGS = ("J", "E", "VCP", "VCN", "SF", "SP", "SS", "SE", "SO", "SW")
EDUCATION_LEVELS = ("none", "high_school", "associate", "bachelor", "master", "doctor")
EDUCATION_ALIASES = {
    "학력무관": "none", "무관": "none", "none": "none",
    "고졸": "high_school", "고등학교졸업": "high_school", "고졸이상": "high_school",
    "high_school": "high_school",
    "초대졸": "associate", "전문대졸": "associate", "전문학사": "associate",
    "대졸2~3년": "associate", "대졸4년": "bachelor",
    "초대졸이상": "associate", "associate": "associate",
    "대졸": "bachelor", "학사": "bachelor", "4년제": "bachelor", "대졸이상": "bachelor",
    "학사이상": "bachelor", "bachelor": "bachelor",
    "석사": "master", "석사이상": "master", "master": "master",
    "박사": "doctor", "doctor": "doctor",
}
_EXPERIENCE = re.compile(r"(?:경력|실무|근무|현장)\s*(?:경험\s*)?(\d{1,2})\s*년")
_EXPERIENCE_AFTER = re.compile(r"(\d{1,2})\s*년\s*(?:이상\s*)?(?:의\s*)?(?:경력|실무)")


def key(text: str) -> str:
    """The lookup form of a name: case, spaces, dots, hyphens, slashes and brackets ignored."""
    return _SEPARATORS.sub("", str(text)).casefold()


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    field: str
    ko: str
    en: str
    related: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Certificate:
    name: str  # the official name
    kind: str  # 국가기술자격 | 국가전문자격 | 국가공인 민간자격 | 민간자격 | 면허
    field: str
    en: str
    implies: tuple[str, ...] = ()


class Vocabulary:
    """Skills and certificates with every alias; lookups are dictionary reads."""

    def __init__(self, data: dict[str, Any]):
        self.fields: dict[str, dict[str, str]] = data["fields"]
        self.skills: dict[str, Skill] = {}
        self.certificates: dict[str, Certificate] = {}
        self._skill_alias: dict[str, str] = {}
        self._cert_alias: dict[str, str] = {}
        self._skill_alias_names: list[str] = []
        for sid, entry in data["skills"].items():
            if entry["field"] not in self.fields:
                raise ValueError(f"skill {sid}: unknown field {entry['field']}")
            self.skills[sid] = Skill(sid, entry["field"], str(entry["ko"]), str(entry["en"]),
                                     tuple(entry.get("related", ())))
            for name in (sid, entry["ko"], entry["en"], *entry.get("aliases", ())):
                self._add(self._skill_alias, key(name), sid, "skill")
                self._skill_alias_names.append(str(name))
        for name, entry in data["certificates"].items():
            self.certificates[name] = Certificate(name, entry["kind"], entry["field"],
                                                  entry["en"], tuple(entry.get("implies", ())))
            for alias in (name, entry["en"], *entry.get("aliases", ())):
                self._add(self._cert_alias, key(alias), name, "certificate")
        self._longest = max(map(len, self._skill_alias))
        for skill in self.skills.values():
            for other in skill.related:
                if other not in self.skills:
                    raise ValueError(f"skill {skill.id}: related {other} is not a skill")
        for cert in self.certificates.values():
            for lower in cert.implies:
                if lower not in self.certificates:
                    raise ValueError(f"certificate {cert.name}: implies unknown {lower}")

    @staticmethod
    def _add(table: dict[str, str], alias: str, target: str, what: str) -> None:
        if table.get(alias, target) != target:
            raise ValueError(f"{what} alias {alias!r} names both {table[alias]} and {target}")
        table[alias] = target

    # --- skills ---------------------------------------------------------------------------------

    def skill(self, name: str) -> str | None:
        """The skill id of a whole name ("타입스크립트" → typescript), or None."""
        return self._skill_alias.get(key(name))

    def skill_label(self, sid: str, language: str = "ko") -> str:
        """A skill's name for people: Korean or English; an unknown skill keeps its words."""
        skill = self.skills.get(sid)
        if skill is None:
            return sid.removeprefix("?")
        return skill.ko if language == "ko" else skill.en

    def skills_in_tokens(self, text: str, tokens: Sequence[Any]) -> list[str]:
        """Skills named in ``text``, found in Kiwi's ``tokens`` of it: the longest phrase of up
        to ``MAX_PHRASE`` morphemes that the vocabulary knows wins at each position."""
        found: list[str] = []
        runs: list[list[Any]] = [[]]
        for token in tokens:
            if token.tag.startswith(_BREAK_TAGS):
                runs.append([])
            else:
                runs[-1].append(token)
        aliases, longest = self._skill_alias, self._longest
        for run in runs:
            # a phrase's lookup form is its morphemes' and the gaps' between, joined
            parts = [key(text[t.start:t.start + t.len]) for t in run]
            gaps = [key(text[a.start + a.len:b.start]) for a, b in zip(run, run[1:], strict=False)]
            i = 0
            while i < len(run):
                phrases, joined = [], ""
                for j in range(i, min(len(run), i + MAX_PHRASE)):
                    joined += (gaps[j - 1] if j > i else "") + parts[j]
                    if len(joined) > longest:
                        break
                    phrases.append((j, joined))
                for j, phrase in reversed(phrases):
                    sid = aliases.get(phrase)
                    if sid is not None:
                        found.append(sid)
                        i = j
                        break
                i += 1
        return list(dict.fromkeys(found))

    def user_words(self) -> list[str]:
        """Hangul words of the skill names and aliases, for Kiwi to keep whole (it reads 알곤
        as a verb otherwise)."""
        words = {w for alias in self._skill_alias_names for w in alias.split()
                 if len(w) >= 2 and all("가" <= ch <= "힣" for ch in w)}
        return sorted(words)

    def related(self, sid: str) -> tuple[str, ...]:
        skill = self.skills.get(sid)
        return skill.related if skill else ()

    def field_of(self, skills: Iterable[str]) -> str | None:
        """The field most of the skills belong to (ties: the first named), or None."""
        counts: dict[str, int] = {}
        for sid in skills:
            skill = self.skills.get(sid)
            if skill is not None and skill.field != "general":
                counts[skill.field] = counts.get(skill.field, 0) + 1
        return max(counts, key=lambda f: counts[f]) if counts else None

    # --- certificates -----------------------------------------------------------------------------

    def certificate(self, name: str) -> str | None:
        """The official name of a certificate however written, or None if unknown."""
        return self._cert_alias.get(key(name))

    def certificate_name(self, name: str) -> str:
        """The official name, or the name as written (stripped) for an unknown certificate."""
        return self.certificate(name) or " ".join(str(name).split())

    def held_certificates(self, names: Iterable[str]) -> frozenset[str]:
        """What holding ``names`` satisfies: their official names and every lower grade they
        imply (전기기사 → 전기산업기사 → 전기기능사)."""
        held: set[str] = set()
        todo = [self.certificate_name(n) for n in names if n and str(n).strip()]
        while todo:
            name = todo.pop()
            if name in held:
                continue
            held.add(name)
            cert = self.certificates.get(name)
            if cert is not None:
                todo.extend(cert.implies)
        return frozenset(held)

    def certificate_groups(self, entries: Iterable[str]) -> list[tuple[str, ...]]:
        """Required certificates as groups of alternatives: "전기기사 또는 전기산업기사" is one
        group met by either; each group must be met."""
        groups = []
        for entry in entries:
            if not entry or not str(entry).strip():
                continue
            parts = re.split(r"\s*(?:또는|혹은|\bor\b|\|)\s*", str(entry))
            groups.append(tuple(dict.fromkeys(self.certificate_name(p) for p in parts
                                              if p.strip())))
        return groups


@cache
def vocabulary() -> Vocabulary:
    """The process's vocabulary, from ``ilja/matching/data/skills.yaml``."""
    text = resources.files("ilja.matching").joinpath("data/skills.yaml").read_text("utf-8")
    return Vocabulary(yaml.safe_load(text))


def education_level(text: str | None) -> str | None:
    """An education level id from "대졸 이상", "석사", "bachelor" …; None if not given."""
    if text is None or not str(text).strip():
        return None
    return EDUCATION_ALIASES.get(key(text)) or EDUCATION_ALIASES.get(key(text).removesuffix("이상"))


def education_rank(level: str | None) -> int:
    return EDUCATION_LEVELS.index(level) if level in EDUCATION_LEVELS else -1


def experience_years(text: str) -> int | None:
    """Years of experience a text states ("경력 3년 이상", "3년 이상의 실무 경력"), the largest if
    several; None if it states none (신입 is 0 only if said so)."""
    if not text:
        return None
    years = [int(m.group(1)) for pattern in (_EXPERIENCE, _EXPERIENCE_AFTER)
             for m in pattern.finditer(text)]
    if years:
        return max(years)
    return 0 if "신입" in text and "경력" not in text else None
