"""What every attendance record says about itself: how it was recorded, and the four-eyes rule
for changing one after the fact."""

from __future__ import annotations

from enum import StrEnum


class Method(StrEnum):
    """How a day's attendance came to be recorded (stored with the record)."""

    ROLL_CALL = "roll_call"  # 출석부: the operator's sheet
    IMPORT = "import"  # 파일 등록: the operator's spreadsheet
    CHECKIN = "checkin"  # 출석 코드: the person themself, with the code shown at the site
    EXCUSED = "excused"  # 공결: an excused absence with its evidence
    OVERRIDE = "override"  # 정정: a change approved by a second staff member


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
