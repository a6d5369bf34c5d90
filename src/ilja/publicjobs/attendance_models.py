"""Tables of public-job attendance beyond the timesheet (issue 19 §3): the host's check-in boards
and the participants' attempts, excused absences with their evidence, overrides awaiting
approval. The day itself stays a timesheet entry (``pj_timesheet_entries``, whose ``method``
says how it was recorded)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class ProjectCheckinBoard(Base):
    """A check-in screen a host opened for a project's working day (see ``ilja.attendance.codes``)."""

    __tablename__ = "pj_checkin_boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pj_projects.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    secret: Mapped[str] = mapped_column(String(64))
    opened_by: Mapped[str | None] = mapped_column(String(100))
    opened_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class ProjectCheckinAttempt(Base):
    """One code typed by a participant; wrong ones count towards the failure limit."""

    __tablename__ = "pj_checkin_attempts"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    board_id: Mapped[int | None] = mapped_column(ForeignKey("pj_checkin_boards.id"))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    verdict: Mapped[str] = mapped_column(String(16))


class ExcusedDay(Base):
    """An excused absence (공가, 병가 …) of a participant with its evidence (stored sealed); the
    rule in force said whether the day is paid leave (``paid``) or unpaid but excused."""

    __tablename__ = "pj_excused"
    __table_args__ = (UniqueConstraint("placement_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    paid: Mapped[bool] = mapped_column(Boolean)
    rule: Mapped[dict[str, Any]] = mapped_column(_JSON)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    evidence_bytes: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TimesheetOverride(Base):
    """A change asked for to a recorded day (정정 요청), with its reason: it takes effect only when
    a second staff member approves it (four eyes); in an approved month, through a correction."""

    __tablename__ = "pj_overrides"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    before: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    kind: Mapped[str] = mapped_column(String(16))
    milli_hours: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(16), index=True)
    requested_by: Mapped[str | None] = mapped_column(String(100))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(String(1000))
