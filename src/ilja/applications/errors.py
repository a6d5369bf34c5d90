"""The ways an application or a round operation is refused, as types.

Each carries a stable ``code``, Korean and English messages (ids and counts only, never a
person's data) and the HTTP status (``ilja.errors.IljaError``); the global handlers answer with
them, and the pages and the CLI show the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ilja.errors import IljaError


class ApplicationError(IljaError):
    code = "application_error"
    status_code = 400

    def __init__(self, message_ko: str, message_en: str, **context: object):
        super().__init__(message_ko, message_en)
        self.context = context


class NotFound(ApplicationError):
    code = "not_found"
    status_code = 404


class RoundNotFound(NotFound):
    code = "round_not_found"

    def __init__(self, round_id: object):
        super().__init__(f"모집 공고 {round_id}을(를) 찾을 수 없습니다.",
                         f"Recruitment round {round_id} was not found.", round_id=round_id)


class ApplicationNotFound(NotFound):
    code = "application_not_found"

    def __init__(self, application_id: object):
        super().__init__(f"신청 {application_id}을(를) 찾을 수 없습니다.",
                         f"Application {application_id} was not found.",
                         application_id=application_id)


class PersonNotFound(NotFound):
    code = "person_not_found"

    def __init__(self, person_id: object):
        super().__init__(f"대상자 {person_id}을(를) 찾을 수 없습니다.",
                         f"Person {person_id} was not found.", person_id=person_id)


class InvalidRound(ApplicationError):
    """A round's set-up is not acceptable: given as (field, Korean, English) triples (or
    (field, message) pairs), ``problems`` are the (field, English) pairs the API answers with and
    ``problems_ko`` the Korean ones a Korean page shows."""

    code = "invalid_round"
    status_code = 422

    def __init__(self, problems: Sequence[tuple[str, str] | tuple[str, str, str]]):
        self.problems = [(p[0], p[-1]) for p in problems]
        self.problems_ko = [(p[0], p[1]) for p in problems]
        text = "; ".join(f"{f}: {m}" for f, m in self.problems)
        text_ko = "; ".join(f"{f}: {m}" for f, m in self.problems_ko)
        super().__init__(f"모집 공고 설정이 올바르지 않습니다: {text_ko}",
                         f"The round's set-up is not valid: {text}")

    def localized(self, lang: str) -> list[tuple[str, str]]:
        return self.problems if lang == "en" else self.problems_ko

    def extra(self) -> dict[str, Any]:
        return {"problems": [{"field": f, "msg": m, "msg_ko": ko}
                             for (f, m), (_, ko) in zip(self.problems, self.problems_ko, strict=True)]}


class RoundStateError(ApplicationError):
    """The round is not in the state the operation needs (e.g. editing an open round)."""

    code = "round_state"
    status_code = 409

    def __init__(self, round_id: object, status: str, needed: str):
        super().__init__(f"모집 공고 {round_id}은(는) '{status}' 상태여서 할 수 없습니다 "
                         f"(필요한 상태: {needed}).",
                         f"Round {round_id} is {status}; this needs it to be {needed}.",
                         round_id=round_id, status=status, needed=needed)


class RoundClosed(ApplicationError):
    """Applications are not being taken (outside the window, or the round is not open)."""

    code = "round_closed"
    status_code = 409

    def __init__(self, round_id: object):
        super().__init__(f"모집 공고 {round_id}은(는) 지금 신청을 받지 않습니다 (접수 기간이 "
                         "아니거나 마감되었습니다).",
                         f"Round {round_id} is not taking applications now (outside the "
                         "application window, or closed).", round_id=round_id)


class DuplicateApplication(ApplicationError):
    """The person has already applied to this round (one application per person and round)."""

    code = "duplicate_application"
    status_code = 409

    def __init__(self, round_id: object, existing_id: object):
        self.existing_id = existing_id
        super().__init__(f"이미 이 모집 공고에 신청하셨습니다 (신청 번호 {existing_id}). "
                         "같은 공고에는 한 번만 신청할 수 있습니다.",
                         f"You have already applied to this round (application {existing_id}); "
                         "each person may apply once per round.",
                         round_id=round_id, existing_id=existing_id)


class IdempotencyConflict(ApplicationError):
    """An idempotency key reused for a different request: the first request's key is kept."""

    code = "idempotency_conflict"
    status_code = 422

    def __init__(self, round_id: object):
        super().__init__("같은 Idempotency-Key로 다른 내용의 신청이 이미 접수되었습니다. 새 신청에는 "
                         "새 키를 사용하십시오.",
                         "This Idempotency-Key was already used for a different application; "
                         "use a new key for a new request.", round_id=round_id)


class InvalidPreferences(ApplicationError):
    code = "invalid_preferences"
    status_code = 422

    def __init__(self, message_ko: str, message_en: str):
        super().__init__(message_ko, message_en)


class InvalidTransition(ApplicationError):
    """A status change the life cycle does not allow (or one only the selection may make)."""

    code = "invalid_transition"
    status_code = 409

    def __init__(self, previous: str | None, current: str, why_ko: str = "", why_en: str = ""):
        self.previous = previous
        self.current = current
        super().__init__(f"'{previous}'에서 '{current}'(으)로 상태를 바꿀 수 없습니다. {why_ko}".strip(),
                         f"An application cannot go from {previous} to {current}. {why_en}".strip(),
                         previous=previous, current=current)


class ConcurrentChange(ApplicationError):
    """Another member of staff moved one of these applications meanwhile: nothing was written."""

    code = "concurrent_change"
    status_code = 409

    def __init__(self) -> None:
        super().__init__("그사이 다른 사용자가 신청 상태를 바꾸었습니다. 새로 고친 뒤 다시 하십시오.",
                         "Someone else changed an application's status meanwhile; reload and "
                         "try again.")


@dataclass(frozen=True)
class InvalidRow:
    """One bad cell of an import file: the file row (1 = first data row), column and reason."""

    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.reason}"


class ImportRejected(ApplicationError):
    """An import file with bad rows: nothing was written. ``rows`` lists every problem found
    (up to a cap; ``truncated`` says there were more)."""

    code = "import_rejected"
    status_code = 422

    def __init__(self, rows: Sequence[InvalidRow], truncated: bool = False, total: int | None = None):
        self.rows = list(rows)
        self.truncated = truncated
        count = total if total is not None else len(self.rows)
        shown = "; ".join(str(r) for r in self.rows[:5])
        super().__init__(f"잘못된 행이 있어 아무것도 등록하지 않았습니다 ({count}건): {shown}",
                         f"Nothing was imported: {count} problem(s) found: {shown}")

    def extra(self) -> dict[str, Any]:
        return {"rows": [{"row": r.row, "column": r.column, "reason": r.reason}
                         for r in self.rows]}


class ImportFileRefused(ApplicationError):
    """An uploaded file refused before it is read: its type (415) or its size (413)."""

    def __init__(self, status: int, code: str, message_ko: str, message_en: str) -> None:
        super().__init__(message_ko, message_en)
        self.status_code, self.code = status, code
