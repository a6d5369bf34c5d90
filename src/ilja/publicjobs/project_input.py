"""What a public-job project (사업) may be, checked before anything is stored: pure, no database.

A project is set up by a program manager (any host) or by the host's operator (their own site),
on the page or through the API, so the one check here speaks both languages and names each
field, and bounds every value by what it means: a code is a short identifier, the seats a head
count, the period one budget year inside the plan's period for the program when the plan has one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, fields

from ilja.publicjobs.models import HostKind

CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
"""Project and host codes: letters, digits, '.', '_' and '-' (a host code is the operator's
site code, e.g. ``host.mapo``), at most 64 characters, as the code columns hold."""
MAX_SEATS = 10_000
"""More than the largest field of the 2025 plans (기후·환경 4,534 people), which many projects share."""
NAME_LENGTH = 200


@dataclass(frozen=True)
class ProjectInput:
    code: str
    program_code: str
    name: str
    host_code: str
    host_name: str
    host_kind: str
    seats: int
    track_code: str | None = None
    district_code: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None

    def values(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


@dataclass(frozen=True)
class ProjectProblem:
    """One field's problem, in Korean and English (the field id is the form's and the API's)."""

    field: str
    ko: str
    en: str


@dataclass(frozen=True)
class ProjectFrame:
    """What the plan and the calendar allow the project: its program's tracks, the districts,
    the plan's periods of the program, and today (the period is for last, this or next year)."""

    programs: Sequence[str]
    tracks: Sequence[str]
    districts: Sequence[str]
    periods: Sequence[tuple[dt.date, dt.date]]
    today: dt.date


def check_project(data: ProjectInput, frame: ProjectFrame) -> list[ProjectProblem]:
    """Every problem of ``data`` at once (an empty list: it may be stored)."""
    problems: list[ProjectProblem] = []

    def problem(field: str, ko: str, en: str) -> None:
        problems.append(ProjectProblem(field, ko, en))

    for field in ("code", "host_code"):
        if not CODE.fullmatch(getattr(data, field) or ""):
            problem(field, "영문자·숫자로 시작하고 영문자, 숫자, 점(.), 밑줄(_), 하이픈(-)만 "
                           "쓴 64자 이내로 입력하십시오.",
                    "Start with a letter or digit; use only letters, digits, '.', '_' and '-' "
                    "(at most 64 characters).")
    if data.program_code not in frame.programs:
        problem("program_code", "공공일자리 사업을 고르십시오.", "Choose a public-job program.")
    elif data.track_code and data.track_code not in frame.tracks:
        problem("track_code", "이 사업의 유형을 고르십시오.", "Choose one of this program's tracks.")
    for field in ("name", "host_name"):
        text = getattr(data, field) or ""
        if not text.strip():
            problem(field, "입력하십시오.", "Required.")
        elif len(text) > NAME_LENGTH:
            problem(field, f"{NAME_LENGTH}자 이내로 입력하십시오.", f"At most {NAME_LENGTH} characters.")
    if data.host_kind not in {k.value for k in HostKind}:
        problem("host_kind", "기관 유형을 고르십시오.", "Choose the kind of host.")
    if data.district_code and data.district_code not in frame.districts:
        problem("district_code", "서울시 자치구를 고르십시오.", "Choose a Seoul district.")
    if not 1 <= data.seats <= MAX_SEATS:
        problem("seats", f"1명에서 {MAX_SEATS:,}명 사이로 입력하십시오.",
                f"Between 1 and {MAX_SEATS:,} people.")
    problems += _period_problems(data.starts_on, data.ends_on, frame)
    return problems


def _period_problems(start: dt.date | None, end: dt.date | None,
                     frame: ProjectFrame) -> list[ProjectProblem]:
    if start is None and end is None:
        return []  # the plan's period of the program applies
    if start is None or end is None:
        missing = [f for f, d in (("starts_on", start), ("ends_on", end)) if d is None]
        return [ProjectProblem(f, "날짜를 입력하십시오.", "Enter a date.") for f in missing]
    if end < start:
        return [ProjectProblem("ends_on", "종료일이 시작일보다 빠릅니다.", "The end is before the start.")]
    if end.year != start.year:
        return [ProjectProblem("ends_on", "사업 기간은 한 해(예산 연도) 안이어야 합니다.",
                               "The period must lie within one (budget) year.")]
    if not frame.today.year - 1 <= start.year <= frame.today.year + 1:
        return [ProjectProblem("starts_on", f"{frame.today.year - 1}년에서 {frame.today.year + 1}년 사이의 "
                               "사업만 등록할 수 있습니다.",
                               f"Projects are set up for {frame.today.year - 1} to "
                               f"{frame.today.year + 1} only.")]
    planned = [(s, e) for s, e in frame.periods if s.year == start.year]
    if planned and not any(s <= start and end <= e for s, e in planned):
        spans = ", ".join(f"{s.isoformat()} ~ {e.isoformat()}" for s, e in planned)
        return [ProjectProblem("starts_on", f"사업계획의 기간 안이어야 합니다: {spans}",
                               f"The period must lie within the plan's: {spans}")]
    return []
