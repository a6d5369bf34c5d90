"""What can go wrong in the support services, as types with a Korean and an English message and
a stable code (``ilja.errors.IljaError``): the global handlers answer 404 / 409 / 422 for them,
without personal data."""

from __future__ import annotations

from ilja.errors import IljaError, missing
from ilja.text import TEXT_PROBLEMS, text_problem


class SupportError(IljaError):
    status_code = 422
    code = "support_error"

    def __init__(self, message_ko: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(message_ko, message_en, loc=("body", field) if field else None)
        self.field = field


class NotFound(SupportError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(*missing(what, key))


class Invalid(SupportError):
    code = "invalid"


def required_text(value: str | None, field: str) -> str:
    """``value`` stripped, or ``Invalid``: empty, or holding what free text may not (an RRN, a
    control character; ``ilja.text``). The pages post forms straight to the services, so the
    services check what the API's schemas (``FreeText``) check."""
    text = (value or "").strip()
    if not text:
        raise Invalid(f"{field} 항목을 입력해 주세요.", f"{field} is required.", field=field)
    if (code := text_problem(text, line_breaks=True)) is not None:
        en, ko = TEXT_PROBLEMS[code]
        raise Invalid(f"{ko}.", f"{en[0].upper()}{en[1:]}.", field=field)
    return text


class Conflict(SupportError):
    status_code = 409
    code = "conflict"


class NotEntitled(SupportError):
    """The rule refuses the support; ``refusals`` are the codes of the conditions that failed."""

    status_code = 409
    code = "not_entitled"

    def __init__(self, refusals: tuple[str, ...]) -> None:
        self.refusals = refusals
        super().__init__("응시료 지원 대상이 아닙니다: " + ", ".join(refusals),
                         "Not entitled to exam-fee support: " + ", ".join(refusals))


class BudgetExceeded(SupportError):
    status_code = 409
    code = "budget_exceeded"

    def __init__(self, kind: str, year: int, left: int, asked: int) -> None:
        super().__init__(f"{year}년 {kind} 예산 잔액 {left:,}원으로 {asked:,}원을 승인할 수 없습니다.",
                         f"The {year} {kind} budget has {left:,} won left; {asked:,} won cannot be approved.")


class Full(SupportError):
    status_code = 409
    code = "full"


class Refused(SupportError):
    """A rule refused the change; ``refusals`` are the codes of the conditions that failed."""

    status_code = 409
    code = "refused"

    def __init__(self, refusals: list[str]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("허용되지 않습니다: " + ", ".join(refusals), "Not allowed: " + ", ".join(refusals))


class NoRuleInForce(SupportError):
    """The date is before the support's parameters start: there is no rule to apply."""

    status_code = 422
    code = "no_rule_in_force"

    def __init__(self, on: object) -> None:
        super().__init__(f"{on}에 시행 중인 지원 기준이 없습니다.", f"No support rule was in force on {on}.",
                         field="date")
