"""What every attendance record says about itself: how it was recorded, and the four-eyes rule
for changing one after the fact (an override: its reason, who may decide it, the decision)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from ilja import clock
from ilja.text import text_problem

MAX_REASON = 1000


class Method(StrEnum):
    """How a day's attendance came to be recorded (stored with the record)."""

    ROLL_CALL = "roll_call"  # 출석부: the operator's sheet
    IMPORT = "import"  # 파일 등록: the operator's spreadsheet
    CHECKIN = "checkin"  # 출석 코드: the person themself, with the code shown at the site
    EXCUSED = "excused"  # 공결: an excused absence with its evidence
    OVERRIDE = "override"  # 정정: a change approved by a second staff member


# Records the operator's sheet or file (or a host's timesheet form) do not overwrite: the person's
# own check-in, an excused day with its evidence, an approved override. They change only through
# an override.
PROTECTED = frozenset({Method.CHECKIN.value, Method.EXCUSED.value, Method.OVERRIDE.value})


class OverrideStatus(StrEnum):
    PENDING = "pending"  # 승인 대기
    APPROVED = "approved"  # 승인
    REJECTED = "rejected"  # 반려


class SameApprover(ValueError):
    """The staff member who asked for a change cannot approve it (four eyes, 4안 원칙)."""


def check_second_person(requested_by: str | None, decided_by: str | None) -> None:
    """A change is decided by someone other than who asked for it, and by someone known: an
    anonymous or system actor cannot be the second pair of eyes."""
    if decided_by is None or requested_by is None or decided_by == requested_by:
        raise SameApprover("the requester cannot decide their own override")


def reason_refusal(reason: str | None, requested_by: str | None) -> tuple[str, str] | None:
    """Why an override cannot be asked for with this reason or by this actor, in Korean and
    English (each program raises it as its own refusal), or None."""
    text = (reason or "").strip()
    if not text:
        return "정정 사유: 사유를 입력하십시오.", "Reason for the change: enter a reason."
    if len(text) > MAX_REASON or text_problem(text, line_breaks=True):
        return (f"정정 사유: {MAX_REASON}자 이내로, 주민등록번호나 제어 문자 없이 입력하십시오.",
                f"Reason for the change: at most {MAX_REASON} characters, without a registration "
                "number or control characters.")
    if requested_by is None:
        return "정정은 직원이 요청합니다.", "An override is asked for by a staff member."
    return None


def record_decision(override: Any, *, approve: bool, note: str | None,
                    decided_by: str | None) -> None:
    """Write the decision on a pending override (either program's row): its status, who decided
    and when, and the note (cut to ``MAX_REASON``)."""
    override.status = (OverrideStatus.APPROVED if approve else OverrideStatus.REJECTED).value
    override.decided_by, override.decided_at = decided_by, clock.now()
    override.decision_note = (note or "").strip()[:MAX_REASON] or None
