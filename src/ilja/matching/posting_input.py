"""Checking posting and profile input, and reading posting rows from a spreadsheet.

Pure (no database): the service, the API, the pages and ``ilja match import-postings`` share
these checks so a bad value is named the same way everywhere — by field (``seats``,
``ncs_codes[1]``) and, for a file, by row and column. Issue 5 §1; NCS codes follow the
국가직무능력표준 code scheme (세분류 8 digits, 능력단위 10 digits, version ``_23v5``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

from ilja.matching.errors import MatchingInputError
from ilja.matching.filters import SHIFTS
from ilja.matching.vocabulary import education_level, vocabulary
from ilja.programs.loader import load_plan

ORGANISATION_KINDS = ("company", "city_department", "university", "partner")
POSTING_KINDS = ("internship_company", "internship_city", "job")
MAX_SEATS = 1000
MAX_DESCRIPTION = 5000

_NCS = re.compile(r"^(\d{8}|\d{10})(?:[_ ]?(\d{0,2})v(\d{1,2}))?$", re.IGNORECASE)
_SPLIT = re.compile(r"[,;\n·、]+")

# Korean kind names people type in spreadsheets and forms, and the canonical ones.
KIND_ALIASES = {
    "기업 인턴십": "internship_company", "기업인턴십": "internship_company",
    "기업 인턴": "internship_company", "기업인턴": "internship_company",
    "서울시 행정 인턴십": "internship_city", "행정인턴": "internship_city",
    "서울시 인턴": "internship_city", "시 인턴십": "internship_city",
    "채용": "job", "일자리": "job", "정규직": "job",
}
SHIFT_ALIASES = {
    "주간": "day", "낮": "day", "저녁": "evening", "야간": "night", "밤": "night",
    "주말": "weekend", "토일": "weekend", "교대": "rotating", "2교대": "rotating",
    "3교대": "rotating", "교대근무": "rotating",
}
MAX_WEEKLY_HOURS = 68  # 근로기준법: 40 h + 12 h overtime, 68 h with weekend work before 2018


def normalise_shifts(value: str | Sequence[str] | None, where: str = "shifts") -> list[str]:
    """Shifts as ``filters.SHIFTS`` ids from Korean (주간, 야간, 주말, 교대) or the ids."""
    out = []
    for i, item in enumerate(split_list(value)):
        shift = SHIFT_ALIASES.get(item.replace(" ", ""), item.casefold())
        if shift not in SHIFTS:
            raise MatchingInputError(f"{where}[{i}]", "shift_invalid",
                                     f"{item!r} is not a shift (주간, 저녁, 야간, 주말, 교대)")
        out.append(shift)
    return list(dict.fromkeys(out))


def normalise_education(value: str | None, where: str = "education") -> str | None:
    if value is None or not str(value).strip():
        return None
    level = education_level(value)
    if level is None:
        raise MatchingInputError(where, "education_invalid",
                                 f"{value!r} is not an education level (학력무관, 고졸, 초대졸, "
                                 "대졸, 석사, 박사)")
    return level


def normalise_experience_field(value: str | None, where: str = "experience_field") -> str | None:
    if value is None or not str(value).strip():
        return None
    fields = vocabulary().fields
    text = str(value).strip()
    for key, names in fields.items():
        if text in (key, names["ko"], names["en"]):
            return key
    raise MatchingInputError(where, "experience_field_invalid",
                             f"{text!r} is not a field ({', '.join(f['ko'] for f in fields.values())})")


def split_list(value: str | Sequence[str] | None) -> list[str]:
    """A list typed as text (comma, semicolon, ``·`` or one per line), cleaned and deduplicated."""
    if value is None:
        return []
    items = _SPLIT.split(value) if isinstance(value, str) else list(value)
    return list(dict.fromkeys(s.strip() for s in items if s and str(s).strip()))


def normalise_ncs_code(code: str, where: str) -> str:
    """``20010202`` (세분류), ``2001020202`` (능력단위), optionally with its version as
    ``2001020202_23v5``; the version is kept in that canonical form."""
    text = str(code).strip()
    match = _NCS.match(text)
    if not match:
        raise MatchingInputError(where, "ncs_code_invalid",
                                 f"NCS code {text!r} is 8 digits (세분류) or 10 (능력단위), "
                                 "optionally with a version such as _23v5")
    digits, year, version = match.groups()
    if version is None:
        return digits
    return f"{digits}_{year or ''}v{int(version)}"


@cache
def _districts() -> dict[str, str]:
    """Every way of naming a Seoul 자치구 (Korean name, English name, code) → its Korean name."""
    names: dict[str, str] = {}
    for d in load_plan().districts:
        for key in (d.name.ko, d.name.en, d.code, d.name.en.removesuffix("-gu")):
            names[key.casefold()] = d.name.ko
    return names


def normalise_district(name: str | None, where: str) -> str | None:
    if name is None or not str(name).strip():
        return None
    found = _districts().get(str(name).strip().casefold())
    if found is None:
        raise MatchingInputError(where, "district_invalid",
                                 f"{name!r} is not one of Seoul's 25 districts (자치구)")
    return found


def normalise_field(code: str, where: str) -> str:
    """A preferred field is an NCS 대분류 (2 digits) or 중분류 (4 digits)."""
    text = str(code).strip()
    if not (text.isdigit() and len(text) in (2, 4)):
        raise MatchingInputError(where, "field_invalid",
                                 "a field is an NCS 대분류 (2 digits) or 중분류 (4 digits)")
    return text


def normalise_kind(kind: str, where: str = "kind") -> str:
    text = str(kind).strip()
    text = KIND_ALIASES.get(text, text)
    if text not in POSTING_KINDS:
        raise MatchingInputError(where, "kind_invalid", f"kind is one of {POSTING_KINDS}")
    return text


@dataclass
class PostingFields:
    """A posting's editable fields, checked (everything except its code and organisation)."""

    round_code: str
    kind: str
    title: str
    seats: int
    description: str = ""
    required_skills: list[str] = field(default_factory=list)
    preferred_skills: list[str] = field(default_factory=list)
    ncs_codes: list[str] = field(default_factory=list)
    required_certifications: list[str] = field(default_factory=list)
    district: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    monthly_pay: int | None = None
    deadline: dt.date | None = None
    weekly_hours: int | None = None
    shifts: list[str] = field(default_factory=list)
    experience_years: int | None = None
    experience_field: str | None = None
    education: str | None = None
    preferred_certifications: list[str] = field(default_factory=list)


def posting_problems(data: PostingFields) -> tuple[PostingFields, list[MatchingInputError]]:
    """The posting with lists cleaned and codes normalised, and every problem found (all of
    them, so a form or a file row shows each at once)."""
    problems: list[MatchingInputError] = []

    def check(fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except MatchingInputError as exc:
            problems.append(exc)
            return None

    kind = check(normalise_kind, data.kind, "kind") or data.kind
    if not data.title.strip():
        problems.append(MatchingInputError("title", "required", "a title is required"))
    elif len(data.title.strip()) > 200:
        problems.append(MatchingInputError("title", "too_long", "a title has at most 200 characters"))
    if not data.round_code.strip():
        problems.append(MatchingInputError("round_code", "required", "a round code is required"))
    if not isinstance(data.seats, int) or not 1 <= data.seats <= MAX_SEATS:
        problems.append(MatchingInputError("seats", "seats_invalid",
                                           f"seats is a whole number from 1 to {MAX_SEATS}"))
    if data.monthly_pay is not None and data.monthly_pay < 0:
        problems.append(MatchingInputError("monthly_pay", "pay_invalid",
                                           "monthly pay is whole won, not negative"))
    if data.weekly_hours is not None and not 1 <= data.weekly_hours <= MAX_WEEKLY_HOURS:
        problems.append(MatchingInputError("weekly_hours", "hours_invalid",
                                           f"weekly hours are 1 to {MAX_WEEKLY_HOURS}"))
    if data.experience_years is not None and not 0 <= data.experience_years <= 40:
        problems.append(MatchingInputError("experience_years", "experience_invalid",
                                           "years of experience are 0 to 40"))
    if data.starts_on and data.ends_on and data.ends_on < data.starts_on:
        problems.append(MatchingInputError("ends_on", "period_invalid",
                                           "the period ends before it starts"))
    if len(data.description) > MAX_DESCRIPTION:
        problems.append(MatchingInputError("description", "too_long",
                                           f"a description has at most {MAX_DESCRIPTION} characters"))
    codes = [check(normalise_ncs_code, c, f"ncs_codes[{i}]")
             for i, c in enumerate(split_list(data.ncs_codes))]
    district = check(normalise_district, data.district, "district")
    shifts = check(normalise_shifts, data.shifts, "shifts") or []
    education = check(normalise_education, data.education, "education")
    experience_field = check(normalise_experience_field, data.experience_field,
                             "experience_field")
    cleaned = PostingFields(
        round_code=data.round_code.strip(), kind=kind, title=data.title.strip(), seats=data.seats,
        description=data.description.strip(), required_skills=split_list(data.required_skills),
        preferred_skills=split_list(data.preferred_skills),
        ncs_codes=list(dict.fromkeys(c for c in codes if c)),
        required_certifications=split_list(data.required_certifications), district=district,
        starts_on=data.starts_on, ends_on=data.ends_on, monthly_pay=data.monthly_pay,
        deadline=data.deadline, weekly_hours=data.weekly_hours, shifts=shifts,
        experience_years=data.experience_years, experience_field=experience_field,
        education=education, preferred_certifications=split_list(data.preferred_certifications))
    return cleaned, problems


# --- spreadsheet rows ------------------------------------------------------------------------

# Column → the header names accepted for it (Korean first, then English); case and spaces ignored.
HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("공고코드", "공고번호", "code", "posting_code"),
    "organisation_code": ("기관코드", "기업코드", "organisation_code", "organization_code", "org_code"),
    "round_code": ("회차", "매칭회차", "round", "round_code"),
    "kind": ("유형", "공고유형", "kind", "type"),
    "title": ("공고명", "직무명", "제목", "title"),
    "seats": ("모집인원", "인원", "seats"),
    "required_skills": ("필수역량", "필수기술", "required_skills"),
    "preferred_skills": ("우대역량", "우대기술", "preferred_skills"),
    "ncs_codes": ("ncs코드", "ncs", "ncs_codes"),
    "required_certifications": ("필수자격증", "자격증", "certifications", "required_certifications"),
    "district": ("근무지역", "자치구", "지역", "district"),
    "starts_on": ("시작일", "근무시작일", "starts_on", "start"),
    "ends_on": ("종료일", "근무종료일", "ends_on", "end"),
    "monthly_pay": ("월급여", "월급", "월 급여", "monthly_pay", "pay"),
    "description": ("설명", "직무설명", "상세내용", "description"),
    "deadline": ("마감일", "접수마감일", "deadline"),
    "weekly_hours": ("주당근로시간", "주근로시간", "weekly_hours"),
    "shifts": ("근무형태", "근무시간대", "shifts"),
    "experience_years": ("경력연수", "요구경력", "experience_years"),
    "experience_field": ("경력분야", "experience_field"),
    "education": ("학력", "요구학력", "education"),
    "preferred_certifications": ("우대자격증", "preferred_certifications"),
}
EXAMPLE_ROW = {
    "code": "P-2026-001", "organisation_code": "AI-0001", "round_code": "2026-1",
    "kind": "기업 인턴십", "title": "백엔드 개발 인턴 (Python)", "seats": "2",
    "required_skills": "Python, SQL", "preferred_skills": "Docker", "ncs_codes": "2001020202_23v5",
    "required_certifications": "", "district": "마포구", "starts_on": "2026-04-01",
    "ends_on": "2026-09-30", "monthly_pay": "2461811",
    "description": "사내 AI 서비스의 API 서버를 개발합니다.",
}
REQUIRED_COLUMNS = ("code", "organisation_code", "round_code", "kind", "title", "seats")


def _key(header: object) -> str:
    return re.sub(r"[\s()]+", "", str(header or "")).casefold()


def map_headers(headers: Sequence[object]) -> tuple[dict[int, str], list[tuple[int, str, str]]]:
    """Column position → field, and problems (row 1, column, reason) for unknown, repeated or
    missing columns."""
    lookup = {_key(alias): name for name, aliases in HEADERS.items() for alias in aliases}
    mapping: dict[int, str] = {}
    problems: list[tuple[int, str, str]] = []
    for i, header in enumerate(headers):
        if not _key(header):
            continue
        name = lookup.get(_key(header))
        if name is None:
            problems.append((1, str(header), "unknown column"))
        elif name in mapping.values():
            problems.append((1, str(header), f"column {name} given twice"))
        else:
            mapping[i] = name
    for name in REQUIRED_COLUMNS:
        if name not in mapping.values():
            problems.append((1, HEADERS[name][0], f"required column missing ({name})"))
    return mapping, problems


def column_names(headers: Sequence[object]) -> dict[str, str]:
    """Field → the header as the file wrote it (for problems the caller finds later)."""
    mapping, _ = map_headers(headers)
    names = {name: HEADERS[name][0] for name in HEADERS}
    names.update({name: str(headers[i]).strip() for i, name in mapping.items()})
    return names


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _int(value: object, column: str) -> int | None:
    text = _text(value).replace(",", "").replace("원", "").replace("명", "").strip()
    if not text:
        return None
    if not re.fullmatch(r"-?\d+", text):
        raise MatchingInputError(column, "number_invalid", f"{text!r} is not a whole number")
    return int(text)


def _day(value: object, column: str) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace(".", "-").replace("/", "-")
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise MatchingInputError(column, "date_invalid", f"{text!r} is not a date (YYYY-MM-DD)") from None


@dataclass
class PostingRow:
    row: int  # the spreadsheet's row number (header = 1)
    code: str
    organisation_code: str
    fields: PostingFields


def parse_rows(rows: Iterable[Sequence[object]]
               ) -> tuple[list[PostingRow], list[tuple[int, str, str]]]:
    """Every row checked: the postings, and problems as (row, column, reason). The caller writes
    nothing when there is any problem."""
    iterator = iter(rows)
    try:
        headers = next(iterator)
    except StopIteration:
        return [], [(1, "", "the file is empty")]
    mapping, problems = map_headers(list(headers))
    if problems:
        return [], problems
    column_of = column_names(list(headers))
    out: list[PostingRow] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(iterator, start=2):
        values = {mapping[i]: cells[i] for i in mapping if i < len(cells)}
        if not any(_text(v) for v in values.values()):
            continue
        row_problems: list[MatchingInputError] = []

        def read(fn, name, values=values, row_problems=row_problems):  # type: ignore[no-untyped-def]
            try:
                return fn(values.get(name), name)
            except MatchingInputError as exc:
                row_problems.append(exc)
                return None

        code, org = _text(values.get("code")), _text(values.get("organisation_code"))
        if not code:
            row_problems.append(MatchingInputError("code", "required", "a posting code is required"))
        elif code in seen:
            row_problems.append(MatchingInputError("code", "duplicate",
                                                   f"code {code} is also on row {seen[code]}"))
        else:
            seen[code] = number
        if not org:
            row_problems.append(MatchingInputError("organisation_code", "required",
                                                   "an organisation code is required"))
        seats = read(_int, "seats")
        fields, more = posting_problems(PostingFields(
            round_code=_text(values.get("round_code")), kind=_text(values.get("kind")),
            title=_text(values.get("title")), seats=seats if seats is not None else 0,
            description=_text(values.get("description")),
            required_skills=split_list(_text(values.get("required_skills"))),
            preferred_skills=split_list(_text(values.get("preferred_skills"))),
            ncs_codes=split_list(_text(values.get("ncs_codes"))),
            required_certifications=split_list(_text(values.get("required_certifications"))),
            district=_text(values.get("district")) or None,
            starts_on=read(_day, "starts_on"), ends_on=read(_day, "ends_on"),
            monthly_pay=read(_int, "monthly_pay"), deadline=read(_day, "deadline"),
            weekly_hours=read(_int, "weekly_hours"),
            shifts=split_list(_text(values.get("shifts"))),
            experience_years=read(_int, "experience_years"),
            experience_field=_text(values.get("experience_field")) or None,
            education=_text(values.get("education")) or None,
            preferred_certifications=split_list(_text(values.get("preferred_certifications")))))
        if seats is None and not any(p.location == "seats" for p in row_problems):
            more = [p for p in more if p.location != "seats"]
            row_problems.append(MatchingInputError("seats", "required", "seats is required"))
        for problem in [*row_problems, *more]:
            base = problem.location.split("[")[0]
            problems.append((number, column_of.get(base, base), problem.message))
        if not row_problems and not more:
            out.append(PostingRow(number, code, org, fields))
    if not out and not problems:
        problems.append((2, "", "the file has no postings"))
    return out, problems

