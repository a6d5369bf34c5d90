"""What can go wrong in training operations, as types with a Korean and an English message.

They are ``ilja.errors.IljaError``: the global handlers answer 404 / 409 / 422 for them, and the
pages that keep a form open show the message; none carries personal data.
"""

from __future__ import annotations

from typing import Any

from ilja.errors import IljaError, missing


class TrainingError(IljaError):
    status_code = 422
    code = "training_error"


class NotFound(TrainingError):
    status_code = 404
    code = "not_found"

    def __init__(self, what: str, key: object) -> None:
        super().__init__(*missing(what, key))


class CohortFull(TrainingError):
    status_code = 409
    code = "cohort_full"

    def __init__(self, cohort_code: str, capacity: int) -> None:
        super().__init__(f"{cohort_code} 기수의 정원 {capacity}명이 모두 찼습니다.",
                         f"Cohort {cohort_code} is full ({capacity} places).")


class ClassFull(TrainingError):
    status_code = 409
    code = "class_full"

    def __init__(self, cap: int) -> None:
        super().__init__(f"원데이 클래스 정원 {cap}명이 모두 찼습니다.",
                         f"The one-day class is full ({cap} participants).")


class NotEnrollable(TrainingError):
    status_code = 409
    code = "not_enrollable"


class NotQualified(TrainingError):
    status_code = 409
    code = "not_qualified"


class Conflict(TrainingError):
    status_code = 409
    code = "conflict"


class InvalidInput(TrainingError):
    code = "invalid_input"


class OtherSite(TrainingError):
    """An operator creating something for a site they do not work for."""

    status_code = 403
    code = "other_site"

    def __init__(self, field_ko: str, field_en: str, site_code: str | None) -> None:
        super().__init__(f"{field_ko}: {site_code} 소속 운영자는 다른 기관의 것을 만들 수 없습니다.",
                         f"{field_en}: an operator of {site_code} cannot create for another site.")


class CheckinRefused(TrainingError):
    """A check-in code that is wrong or expired, or a check-in that cannot be taken today."""

    code = "checkin_refused"

    def __init__(self, message_ko: str, message_en: str, reason: str) -> None:
        super().__init__(message_ko, message_en)
        self.reason = reason

    def extra(self) -> dict[str, Any]:
        return {"reason": self.reason}


class TooManyAttempts(TrainingError):
    """Too many wrong codes in the failure window: the person waits (429)."""

    status_code = 429
    code = "too_many_attempts"

    def __init__(self, minutes: int) -> None:
        super().__init__(f"잘못된 코드를 여러 번 입력했습니다. {minutes}분 뒤에 다시 시도하십시오.",
                         f"Too many wrong codes. Try again in {minutes} minutes.")
        self.minutes = minutes


class SecondPersonNeeded(TrainingError):
    """An override decided by the staff member who asked for it (four eyes)."""

    status_code = 409
    code = "second_person_needed"

    def __init__(self) -> None:
        super().__init__("정정을 요청한 직원은 승인할 수 없습니다. 다른 직원이 승인해야 합니다.",
                         "The staff member who asked for the change cannot approve it; another "
                         "staff member must.")
