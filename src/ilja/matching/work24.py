"""Postings from a 고용24 (워크넷) job-list export (issue 23 §1).

Layout read — one row per posting, headed by the field names of the 고용24/워크넷 채용정보 Open
API list (``callTp=L``) or by the Korean names the site's download uses for the same fields
(either works, case and spaces ignored):

================  ==============  ==================================================
API field         Korean header   becomes
================  ==============  ==================================================
wantedAuthNo      구인인증번호      the posting code ``W24-<number>`` (required)
company           회사명           the organisation, made once per business number or
busino            사업자등록번호     name (code ``W24-<number or name>``, kind company)
title             채용제목          the title (required)
salTpNm           임금형태          월급 / 연봉 / 시급 — with minSal (or sal), the
minSal, sal       최소임금액, 급여    monthly pay: 연봉 ÷ 12, 시급 × 209 (the statutory
                                  month of a 40-hour week with paid weekly rest; an
                                  assumption for an hourly ad); other forms: not stated
region            근무지역          the 자치구 when it names one of Seoul's 25
holidayTpNm       근무형태          description; "주말" in it asks for weekend shifts
minEdubg          최소학력          education (학력무관, 고졸, 대졸(2~3년), 대졸(4년), 석사, 박사)
career            경력             "경력 3년 이상" → 3 years required; 신입, 관계없음 → none
closeDt           마감일           the deadline (26-03-20, 2026-03-20); 채용시까지,
                                  상시 → none
empTpCd           고용형태          description (10, 11 permanent; 20, 21 fixed term)
jobsCd            직종코드          NCS codes where ``data/keco_ncs.yaml`` maps it
collectPsncnt     모집인원          seats (1 when absent)
================  ==============  ==================================================

Not verified against a live export (none was at hand): the field names are those the API's
documentation lists. Unknown columns are ignored; the rows then go through the same checks and
the same all-or-nothing write as Ilja's own spreadsheet (``importing.import_postings``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

import yaml
from sqlalchemy.orm import Session

from ilja.accounts import audit
from ilja.matching import service
from ilja.matching.errors import MatchingInputError
from ilja.matching.importing import ImportProblems, ImportReport, import_postings
from ilja.matching.posting_input import HEADERS, normalise_district
from ilja.matching.vocabulary import experience_years, key

FIELDS: dict[str, tuple[str, ...]] = {
    "wantedAuthNo": ("구인인증번호",), "company": ("회사명", "기업명"), "busino": ("사업자등록번호",),
    "title": ("채용제목", "공고제목"), "salTpNm": ("임금형태",), "minSal": ("최소임금액",),
    "sal": ("급여", "임금"), "region": ("근무지역",), "holidayTpNm": ("근무형태",),
    "minEdubg": ("최소학력", "학력"), "career": ("경력",), "closeDt": ("마감일", "접수마감일"),
    "empTpCd": ("고용형태",), "jobsCd": ("직종코드",), "collectPsncnt": ("모집인원",),
}
HOURS_PER_MONTH = 209  # 40 h a week with paid weekly rest, the statutory month (assumption)
EMPLOYMENT = {"10": "정규직", "11": "정규직(시간선택제)", "20": "계약직", "21": "계약직(시간선택제)",
              "4": "파견근로", "Y": "대체인력"}
_DATE = re.compile(r"^(\d{2}|\d{4})[-./](\d{1,2})[-./](\d{1,2})")


@cache
def keco_to_ncs() -> dict[str, list[str]]:
    text = resources.files("ilja.matching").joinpath("data/keco_ncs.yaml").read_text("utf-8")
    return {str(k): [str(c) for c in v] for k, v in (yaml.safe_load(text)["map"] or {}).items()}


def _columns(headers: Sequence[object]) -> dict[int, str]:
    lookup = {key(name): field for field, names in FIELDS.items() for name in (field, *names)}
    return {i: lookup[key(str(h))] for i, h in enumerate(headers) if key(str(h)) in lookup}


def _won(text: str) -> int | None:
    digits = re.sub(r"[^\d.만]", "", text)
    if not digits:
        return None
    if "만" in digits:
        return int(float(digits.split("만")[0] or 0) * 10_000)
    return int(float(digits))


def monthly_pay(kind: str, amount: str) -> int | None:
    """Monthly won from the pay form and amount (None when the form says no month)."""
    won = _won(amount)
    if won is None:
        return None
    kind = kind.strip()
    if kind.startswith("월"):
        return won
    if kind.startswith("연"):
        return round(won / 12)
    if kind.startswith("시"):
        return won * HOURS_PER_MONTH
    return None


def deadline(text: str) -> str:
    match = _DATE.match(text.strip())
    if not match:
        return ""  # 채용시까지, 상시: no deadline
    year, month, day = match.groups()
    year = f"20{year}" if len(year) == 2 else year
    return f"{year}-{int(month):02d}-{int(day):02d}"


def district(region: str) -> str:
    for word in re.split(r"[\s,]+", region):
        if word.endswith("구"):
            try:
                return normalise_district(word, "region") or ""
            except MatchingInputError:  # another city's 구: not a Seoul district
                continue
    return ""


def to_rows(rows: Sequence[Sequence[object]], round_code: str
            ) -> tuple[list[list[object]], dict[str, str]]:
    """The export as Ilja's posting spreadsheet (header row first), and organisation code →
    name for the organisations it names."""
    if not rows:
        return [], {}
    columns = _columns(rows[0])
    names = ("code", "organisation_code", "round_code", "kind", "title", "seats", "district",
             "monthly_pay", "deadline", "education", "experience_years", "shifts", "ncs_codes",
             "description")
    out: list[list[object]] = [[HEADERS[n][0] for n in names]]
    organisations: dict[str, str] = {}
    for cells in rows[1:]:
        v = {columns[i]: ("" if c is None else str(c).strip()) for i, c in enumerate(cells)
             if i in columns}
        if not any(v.values()):
            continue
        number = v.get("wantedAuthNo", "")
        org = "W24-" + (re.sub(r"\D", "", v.get("busino", "")) or key(v.get("company", ""))[:40])
        organisations.setdefault(org, v.get("company", "") or org)
        years = experience_years(v.get("career", "")) if "경력" in v.get("career", "") else None
        employment = EMPLOYMENT.get(v.get("empTpCd", ""), v.get("empTpCd", ""))
        text = " · ".join(x for x in (v.get("region"), v.get("holidayTpNm"), employment,
                                      v.get("career")) if x)
        out.append([
            f"W24-{number}" if number else "", org, round_code, "job", v.get("title", ""),
            v.get("collectPsncnt") or "1", district(v.get("region", "")),
            monthly_pay(v.get("salTpNm", ""), v.get("minSal") or v.get("sal", "")) or "",
            deadline(v.get("closeDt", "")), v.get("minEdubg", ""), years or "",
            "주말" if "주말" in v.get("holidayTpNm", "") else "",
            ", ".join(keco_to_ncs().get(v.get("jobsCd", ""), [])), text])
    return out, organisations


def import_work24(session: Session, rows: Sequence[Sequence[object]], *, round_code: str,
                  actor: audit.Actor) -> ImportReport:
    """Create the organisations the export names, then import its postings like a spreadsheet:
    every row checked, nothing written when one is bad (``ImportProblems``)."""
    converted, organisations = to_rows(rows, round_code)
    if len(converted) < 2:
        raise ImportProblems([(1, "", "the file has no postings")])
    for code, name in organisations.items():
        if service.organisation_by_code(session, code) is None:
            service.create_organisation(session, code=code, name=name[:200], kind="company",
                                        actor=actor)
    return import_postings(session, converted, actor=actor)
