"""The papers and the facts verification knows, and how a verified fact enters the person format.

Pure: no database, no web. A program's list of required papers and of facts to verify are dated
parameters (``rules/parameters/<program>/verification.yaml``); this module only names them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ilja.people.records import base_program
from ilja.rules.parameters import ParameterTree, default_tree
from ilja.rules.population import SIDO_NAMES, VULNERABLE_GROUPS

# Papers (서류): code → (ko, en), and the facts each one is evidence for.
DOCUMENTS: dict[str, tuple[str, str]] = {
    "participation_application": ("사업 참여신청서", "Application form"),
    "personal_data_consent": ("개인정보 수집·이용·제공 동의서", "Personal-data consent form"),
    "livelihood_benefit_waiver": ("생계급여 포기 동의서", "Livelihood-benefit waiver"),
    "job_seeker_registration": ("구직등록확인증", "Job-seeker registration certificate"),
    "resident_registration_copy": ("주민등록등본", "Resident registration copy"),
}
EVIDENCE_FOR: dict[str, tuple[str, ...]] = {
    "livelihood_benefit_waiver": ("receives_livelihood_benefit",),
    "job_seeker_registration": ("job_seeker_registered",),
    "resident_registration_copy": ("sido",),
}
WHEN = ("always", "livelihood_benefit", "on_request")
UNVERIFIED_TREATMENTS = ("exclude", "conditional", "blocker")


@dataclass(frozen=True)
class Fact:
    """A fact that can be verified: its label, its kind of value and the person-format field."""

    code: str
    ko: str
    en: str
    kind: str  # krw | yes_no | groups | sido | count | household | members


FACTS: dict[str, Fact] = {f.code: f for f in (
    Fact("household_income_krw", "가구 소득 (월)", "Household income (monthly)", "krw"),
    Fact("household_size", "가구원 수", "Household size", "count"),
    Fact("household_assets_krw", "가구 재산", "Household assets", "krw"),
    Fact("receives_livelihood_benefit", "생계급여 수급", "Receives the livelihood benefit", "yes_no"),
    Fact("employment_insured", "고용보험 가입 (재직)", "Insured in employment insurance (in work)", "yes_no"),
    Fact("job_seeker_registered", "구직등록 (미취업)", "Registered as a job seeker (not in work)", "yes_no"),
    Fact("priority_groups", "우선 선발 대상 (공적 자료로 확인되는 취약계층)",
         "Priority groups (those public records confirm)", "groups"),
    Fact("sido", "거주지 (시·도)", "Residence (province or city)", "sido"),
    Fact("household", "세대 (같은 세대의 신청자)", "Household (which applicants share one)",
         "household"),
    Fact("household_members", "가구원 (관계와 월소득)", "Household members (relation, monthly income)",
         "members"),
)}
RELATIONS: dict[str, tuple[str, str]] = {  # a household member's relation: code → (ko, en)
    "self": ("본인", "self"),
    "spouse": ("배우자", "spouse"),
    "child": ("자녀", "child"),
    "parent": ("부모", "parent"),
    "sibling": ("형제자매", "sibling"),
    "grandparent": ("조부모", "grandparent"),
    "grandchild": ("손자녀", "grandchild"),
    "other": ("기타", "other"),
}
RECORDS_CHECK_FACTS = ("household_income_krw", "household_assets_krw", "receives_livelihood_benefit",
                       "employment_insured", "priority_groups", "household_size", "household")
RECORDED_GROUPS = ("basic_livelihood", "near_poor", "national_merit", "disabled", "single_parent",
                   "north_korean_defector")
"""The vulnerable groups public records confirm (``priority_groups``); the others (long-term
unemployed, other) stay as declared."""
"""What a public-records check (사회보장정보시스템) reports for each applicant."""


class BadValue(ValueError):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


def parameter(name: str, program: str, on: dt.date, tree: ParameterTree | None = None) -> Any:
    """``<program>.verification.<name>`` on ``on`` (a track reads its program's)."""
    return (tree or default_tree()).value(f"{base_program(program)}.verification.{name}", on)


def required_documents(program: str, on: dt.date, *, livelihood_benefit: bool | None,
                       tree: ParameterTree | None = None) -> list[tuple[str, bool]]:
    """The papers of the program on ``on`` with whether each is required of this applicant
    (an ``on_request`` paper is listed, not required)."""
    result = []
    for entry in parameter("required_documents", program, on, tree):
        when = entry["when"]
        required = when == "always" or (when == "livelihood_benefit" and bool(livelihood_benefit))
        result.append((entry["document"], required))
    return result


def facts_to_verify(program: str, on: dt.date, tree: ParameterTree | None = None) -> list[str]:
    return list(parameter("facts_to_verify", program, on, tree))


def declared(fact: str, person: Mapping[str, Any]) -> Any:
    """What the applicant declared for ``fact`` (None: not declared), from the person format."""
    status = person.get("employment_status")
    if fact == "employment_insured":
        return None if status is None else status == "employed"
    if fact == "job_seeker_registered":
        return None if status is None else status == "unemployed"
    if fact == "priority_groups":
        return [g for g in person.get("vulnerable_groups") or [] if g in RECORDED_GROUPS]
    return person.get(fact)


def apply(person: dict[str, Any], verified: Mapping[str, Any]) -> dict[str, Any]:
    """The person-format fields with the verified facts in place of the declared ones.

    A job-seeker registration makes the person not in work (미취업); being insured in employment
    insurance makes them in work, whatever was registered (the insurance record is the later
    and stronger evidence).
    """
    out = dict(person)
    for code in ("household_income_krw", "household_size", "household_assets_krw",
                 "receives_livelihood_benefit", "sido"):
        if code in verified:
            out[code] = verified[code]
    if "priority_groups" in verified:
        kept = [g for g in person.get("vulnerable_groups") or [] if g not in RECORDED_GROUPS]
        out["vulnerable_groups"] = [g for g in VULNERABLE_GROUPS
                                    if g in kept or g in verified["priority_groups"]]
    if verified.get("job_seeker_registered") is True:
        out["employment_status"] = "unemployed"
    if verified.get("employment_insured") is True:
        out["employment_status"] = "employed"
    return out


_YES = {"y", "yes", "true", "1", "예", "네", "o", "해당"}
_NO = {"n", "no", "false", "0", "아니오", "아니요", "x", "비해당"}


def parse(fact: str, raw: Any) -> Any:
    """A fact's value from a form field or a file's cell; ``BadValue`` says why not."""
    kind = FACTS[fact].kind
    text = "" if raw is None else str(raw).strip()
    if kind == "krw":
        digits = text.replace(",", "").removesuffix("원").strip()
        if digits.endswith(".0"):
            digits = digits[:-2]
        if not digits.isdigit():
            raise BadValue("0 이상의 정수(원)를 입력하십시오.", "expected a whole number of won, 0 or more")
        return int(digits)
    if kind == "count":
        if not text.isdigit() or int(text) < 1:
            raise BadValue("1 이상의 정수를 입력하십시오.", "expected a whole number, 1 or more")
        return int(text)
    if kind == "household":
        raise BadValue("세대는 사회보장정보시스템 조회 결과 파일로만 확인합니다.",
                       "a household is verified only from a records-check file")
    if kind == "members":
        raise BadValue("가구원은 주민등록등본으로 가구 입력 화면에서 입력하십시오.",
                       "enter the members on the household page, from the resident registration copy")
    if kind == "yes_no":
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise BadValue("Y 또는 N을 입력하십시오.", "expected Y or N")
    if kind == "groups":
        codes = [c.strip() for c in text.replace(",", ";").split(";") if c.strip()]
        unknown = [c for c in codes if c not in RECORDED_GROUPS]
        if unknown:
            raise BadValue("알 수 없는 우선 선발 대상 코드입니다.",
                           f"unknown priority-group code; expected codes from {', '.join(RECORDED_GROUPS)}")
        return [g for g in RECORDED_GROUPS if g in codes]

    if text not in SIDO_NAMES:
        raise BadValue("시·도 이름을 전부 쓰십시오 (예: 서울특별시).",
                       "expected a 시·도 name in full, such as 서울특별시")
    return text


def shown(fact: str, value: Any, lang: str = "ko") -> str:
    """A fact's value as a page shows it (no codes, no raw booleans)."""
    if value is None:
        return "신고 없음" if lang == "ko" else "not declared"
    kind = FACTS[fact].kind
    if kind == "krw":
        return f"{int(value):,}원" if lang == "ko" else f"KRW {int(value):,}"
    if kind == "count":
        return f"{int(value)}명" if lang == "ko" else f"{int(value)}"
    if kind == "household":  # a keyed hash: never shown
        return "확인됨" if lang == "ko" else "identified"
    if kind == "members":  # [[relation, monthly income], …]
        at = 0 if lang == "ko" else 1
        return ", ".join(f"{RELATIONS[relation][at]} {shown('household_income_krw', income, lang)}"
                         for relation, income in value)
    if kind == "yes_no":
        return ("예" if value else "아니오") if lang == "ko" else ("yes" if value else "no")
    if kind == "groups":
        if not value:
            return "해당 없음" if lang == "ko" else "none"
        labels = GROUP_LABELS
        return ", ".join(labels[g][0 if lang == "ko" else 1] for g in value)
    return str(value)


GROUP_LABELS: dict[str, tuple[str, str]] = {
    "basic_livelihood": ("기초생활수급자", "basic livelihood recipient"),
    "near_poor": ("차상위계층", "near-poor"),
    "national_merit": ("국가유공자", "person of national merit"),
    "disabled": ("장애인", "person with a disability"),
    "single_parent": ("한부모가족", "single-parent family"),
    "north_korean_defector": ("북한이탈주민", "North Korean defector"),
    "long_term_unemployed": ("장기실업자", "long-term unemployed"),
    "other_vulnerable": ("기타 취약계층", "other vulnerable group"),
}
