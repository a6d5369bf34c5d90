"""Tables of public-job operations: projects, placements, timesheets, payroll runs, pay lines.

``UNIQUE(placement_id, day)`` keeps a day from being entered twice; ``UNIQUE(placement_id,
month)`` on pay lines keeps a participant from being paid twice for a month, however often a
run is repeated; ``UNIQUE(project_id, month)`` makes an approval once per project and month.
Personal data stays in ``persons``: placements hold the person id and two dates derived from the
birth date that the deductions need (no pension from 60; no employment insurance when hired at 65).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class PlacementStatus(StrEnum):
    ACTIVE = "active"  # 근무 중
    LEFT = "left"  # 중도 포기
    COMPLETED = "completed"  # 사업 종료


class HostKind(StrEnum):
    CITY = "city"  # 시
    DISTRICT = "district"  # 자치구
    INSTITUTION = "institution"  # 투자출연기관
    COMPANY = "company"  # 민간기업
    ASSOCIATION = "association"  # 협회·단체


class Project(Base):
    """A public-job project (사업) and the organisation hosting it (수행기관)."""

    __tablename__ = "pj_projects"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    program_code: Mapped[str] = mapped_column(String(64), index=True)
    track_code: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    host_code: Mapped[str] = mapped_column(String(64), index=True)  # matches users.site_code
    host_name: Mapped[str] = mapped_column(String(200))
    host_kind: Mapped[str] = mapped_column(String(16))
    district_code: Mapped[str | None] = mapped_column(String(5))
    seats: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[dt.date | None] = mapped_column(Date)  # none: the plan's period
    ends_on: Mapped[dt.date | None] = mapped_column(Date)


class Placement(Base):
    """A participant at work in a project for a period, with a work pattern (배치)."""

    __tablename__ = "pj_placements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pj_projects.id"), index=True)
    program_code: Mapped[str] = mapped_column(String(64), index=True)
    track_code: Mapped[str | None] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), unique=True)
    start_on: Mapped[dt.date] = mapped_column(Date)
    end_on: Mapped[dt.date] = mapped_column(Date)  # the leaving date once left
    planned_end_on: Mapped[dt.date] = mapped_column(Date)
    daily_milli_hours: Mapped[int] = mapped_column(Integer)
    days_per_week: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    pension_exempt_from: Mapped[dt.date] = mapped_column(Date)
    employment_insurance_exempt: Mapped[bool] = mapped_column(Boolean)
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("pj_placements.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PlacementEvent(Base):
    """History of a placement: placed, left (중도 포기), replaced, completed."""

    __tablename__ = "pj_placement_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TimesheetEntryRow(Base):
    __tablename__ = "pj_timesheet_entries"
    __table_args__ = (UniqueConstraint("placement_id", "day"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    milli_hours: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[str | None] = mapped_column(String(100))
    # how it was recorded (``ilja.attendance.records.Method``): the host's form, a file, check-in …
    method: Mapped[str] = mapped_column(String(16), default="roll_call", server_default="roll_call")


class TimesheetApproval(Base):
    """A host's approval of a project's month (월별 근무 확인)."""

    __tablename__ = "pj_approvals"
    __table_args__ = (UniqueConstraint("project_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("pj_projects.id"))
    month: Mapped[int] = mapped_column(Integer)  # YYYYMM
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class TimesheetCorrection(Base):
    """A change to an approved day, with its reason; carried into the next payroll run."""

    __tablename__ = "pj_corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    month: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    after: Mapped[dict[str, Any]] = mapped_column(_JSON)
    reason: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    carried_line_id: Mapped[int | None] = mapped_column(ForeignKey("pj_pay_lines.id"))


class PayrollRun(Base):
    """One payroll run of a program and month; a month may be run again for late approvals."""

    __tablename__ = "pj_payroll_runs"
    __table_args__ = (UniqueConstraint("program_code", "month", "sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_code: Mapped[str] = mapped_column(String(64))
    month: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    parameter_version: Mapped[str] = mapped_column(String(64))
    totals: Mapped[dict[str, Any]] = mapped_column(_JSON)
    actor_id: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class PayLine(Base):
    """What a participant is paid for a month: gross, carried corrections, deductions, net."""

    __tablename__ = "pj_pay_lines"
    __table_args__ = (UniqueConstraint("placement_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pj_payroll_runs.id"), index=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("pj_placements.id"))
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    month: Mapped[int] = mapped_column(Integer)
    gross: Mapped[int] = mapped_column(BigInteger)
    adjustment: Mapped[int] = mapped_column(BigInteger)
    deductions_total: Mapped[int] = mapped_column(BigInteger)
    net: Mapped[int] = mapped_column(BigInteger)
    components: Mapped[dict[str, Any]] = mapped_column(_JSON)
    deductions: Mapped[dict[str, Any]] = mapped_column(_JSON)
    adjustments: Mapped[list[Any] | None] = mapped_column(_JSON)
