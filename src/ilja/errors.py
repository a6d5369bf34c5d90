"""The one base of every refusal a route may let through: a stable code, an HTTP status, the
message in Korean and in English, and optionally where (a field, a row).

A domain raises its own subclass and knows nothing of HTTP beyond the status; the two global
handlers in ``ilja.web.errors`` answer for it — the API with the documented JSON body
(``{"detail": {"code", "msg", "msg_ko", "loc"?, …}}``, ``ilja.web.openapi``), a page with the
shared error page in the page's language. Messages carry ids and counts, never personal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

Loc = Sequence[str | int]


class IljaError(Exception):
    """A refusal. Subclasses set ``code`` and ``status_code``; an instance may override the code
    (``code=``) and say where the problem is (``loc``, e.g. ``("body", "month")``)."""

    code = "error"
    status_code = 400

    def __init__(self, message_ko: str, message_en: str, *, code: str | None = None,
                 loc: Loc | str | None = None) -> None:
        super().__init__(message_en)
        self.message_ko = message_ko
        self.message_en = message_en
        if code is not None:
            self.code = code
        self.loc = loc

    def message(self, lang: str = "ko") -> str:
        return self.message_en if lang == "en" else self.message_ko

    def extra(self) -> dict[str, Any]:
        """More of the body, for kinds that carry more (``reason``, ``rows``, ``problems``)."""
        return {}

    def detail(self) -> dict[str, Any]:
        """The API body's ``detail``: the OpenAPI ``Problem`` (``ilja.web.openapi``)."""
        body: dict[str, Any] = {"code": self.code, "msg": self.message_en,
                                "msg_ko": self.message_ko}
        if self.loc is not None:
            body["loc"] = self.loc if isinstance(self.loc, str) else list(self.loc)
        return body | self.extra()


# The kinds of object the domains look up, in Korean, for "… not found" on a Korean page.
KINDS_KO = {
    "alumni member": "동문 회원", "appeal": "이의신청", "application": "신청", "attempt": "응시",
    "budget": "예산", "candidate": "구직자", "candidate of person": "구직자", "certification": "자격",
    "claim": "지원 신청", "cohort": "기수", "cohort instructor": "기수 강사", "course": "과정",
    "day": "채용 행사", "decision": "결정", "department": "학과", "document": "문서",
    "enrolment": "수강", "event": "행사", "evidence": "증빙", "grant": "지원금", "instructor": "강사",
    "interview": "면접", "matching run": "매칭 실행", "member": "회원", "member_id": "회원",
    "milestone": "마일스톤", "month": "달", "offer": "채용 제안", "one-day class": "원데이 클래스",
    "organisation": "기관", "override": "정정 요청", "pair": "멘토링 짝", "participation_id": "참여",
    "person": "대상자", "posting": "채용 공고", "program": "지원 사업", "proposal": "매칭 제안",
    "run": "매칭 실행", "signup": "참가 신청", "startup": "창업팀",
}


def missing(kind: str, key: object) -> tuple[str, str]:
    """"``kind`` ``key`` not found" in Korean and English (an unknown kind: "자료")."""
    return (f"{KINDS_KO.get(kind, '자료')} {key}을(를) 찾을 수 없습니다.", f"{kind} {key} not found.")


class NotFound(IljaError):
    """Nothing there, or nothing the caller may see (never 403: no probing)."""

    code = "not_found"
    status_code = 404


class Conflict(IljaError):
    """The object is not in a state that allows this."""

    code = "conflict"
    status_code = 409


class Invalid(IljaError):
    """The input is not acceptable."""

    code = "invalid"
    status_code = 422


class PersonNotFound(NotFound):
    code = "person_not_found"

    def __init__(self, person_id: object) -> None:
        super().__init__(f"대상자 {person_id}을(를) 찾을 수 없습니다.", f"Person {person_id} was not found.")


class AccountNotLinked(Conflict):
    """A citizen's account without a person record cannot act for itself."""

    code = "account_not_linked"

    def __init__(self) -> None:
        super().__init__("계정이 대상자 정보와 연결되어 있지 않습니다. 주민센터에 문의하십시오.",
                         "Your account is not linked to a person record.")
