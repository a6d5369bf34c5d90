"""Tables of the outcomes domain (migration 0400).

``outcome_participations`` is the population every rate and headcount counts: one row per person
per course or public job (training completions, public-job placements), read from the domain that
ran it (``source_ref``) or entered here. ``outcome_records`` holds what each completer did next
(employed, start-up, further study, still looking) with its source and who recorded it;
``months_after`` (whole months from completion to the outcome, rounded up) lets the database test
a definition's window without date arithmetic that differs between SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime


class Participation(Base):
    __tablename__ = "outcome_participations"
    __table_args__ = (
        UniqueConstraint("source_ref"),
        Index("ix_outcome_participations_program_completed", "program_code", "completed_on"),
        Index("ix_outcome_participations_program_started", "program_code", "started_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"), index=True)
    program_code: Mapped[str] = mapped_column(String(64))
    track_code: Mapped[str | None] = mapped_column(String(64))
    campus_code: Mapped[str | None] = mapped_column(String(64))
    district_code: Mapped[str | None] = mapped_column(String(8))
    course: Mapped[str | None] = mapped_column(String(200))
    field: Mapped[str | None] = mapped_column(String(64))
    started_on: Mapped[dt.date] = mapped_column(Date)
    started_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # in_progress | completed | dropped
    completed_on: Mapped[dt.date | None] = mapped_column(Date)
    completed_year: Mapped[int | None] = mapped_column(Integer)
    completed_month: Mapped[str | None] = mapped_column(String(7))  # YYYY-MM, for grouping
    source_ref: Mapped[str] = mapped_column(String(100))  # "application:123", "own:…"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class OutcomeRecord(Base):
    __tablename__ = "outcome_records"
    __table_args__ = (
        Index("ix_outcome_records_participation_kind", "participation_id", "kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_participations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    effective_on: Mapped[dt.date] = mapped_column(Date)
    recorded_on: Mapped[dt.date] = mapped_column(Date)
    months_after: Mapped[int] = mapped_column(Integer)
    employer: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    contract_type: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(24))
    follow_up_point: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class FollowUp(Base):
    """A follow-up due ``point_months`` after completion (outcomes.follow_up.points_months)."""

    __tablename__ = "outcome_follow_ups"
    __table_args__ = (UniqueConstraint("participation_id", "point_months"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_participations.id", ondelete="CASCADE"))
    point_months: Mapped[int] = mapped_column(Integer)
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_records.id", ondelete="SET NULL"))


class AlumniMember(Base):
    """A member of the alumni network (동문회)."""

    __tablename__ = "alumni_members"
    __table_args__ = (UniqueConstraint("person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))
    campus_code: Mapped[str | None] = mapped_column(String(64))
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(100))


class AlumniActivity(Base):
    """Mentoring (멘토링), talent donation (재능기부) or a scholarship (장학금) by a member."""

    __tablename__ = "alumni_activities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("alumni_members.id", ondelete="CASCADE"),
                                           index=True)
    kind: Mapped[str] = mapped_column(String(24))
    on: Mapped[dt.date] = mapped_column(Date)
    amount_won: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(100))


class AllianceMember(Base):
    """A member organisation of the Seoul AI Alliance (서울 AI 얼라이언스)."""

    __tablename__ = "alliance_members"
    __table_args__ = (UniqueConstraint("name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # company | university | association | public
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str | None] = mapped_column(String(100))


class KpiActual(Base):
    """An achieved figure entered by staff where no domain records it (floor area, AI courses,
    internships, budget executed…), with its source."""

    __tablename__ = "kpi_actuals"
    __table_args__ = (UniqueConstraint("scope", "metric", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(64))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[Decimal] = mapped_column(Numeric(18, 2))
    source: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())



class StateJudge(Base):
    """A judge (``ilja.outcomes.judges.Judge.key``) whose states ``outcome_states`` keeps: set
    when they were counted from the outcome rows, kept since by every writer of an outcome."""

    __tablename__ = "outcome_state_judges"
    __table_args__ = (UniqueConstraint("key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300))
    counted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OutcomeState(Base):
    """The days a completer was first counted and first excluded under a judge (migration 0401);
    a completer without a row has neither. The dashboard counts these instead of judging every
    outcome row at every view (issue 20 §4). The participation's program, completion day and
    campus come along (kept by the writers too), so that the headlines count cohorts here alone."""

    __tablename__ = "outcome_states"
    __table_args__ = (Index("ix_outcome_states_judge_completed", "judge_id", "completed_on"),)

    judge_id: Mapped[int] = mapped_column(ForeignKey("outcome_state_judges.id", ondelete="CASCADE"),
                                          primary_key=True)
    participation_id: Mapped[int] = mapped_column(
        ForeignKey("outcome_participations.id", ondelete="CASCADE"), primary_key=True, index=True)
    program_code: Mapped[str] = mapped_column(String(64))
    completed_on: Mapped[dt.date] = mapped_column(Date)
    campus_code: Mapped[str | None] = mapped_column(String(64))
    counted_on: Mapped[dt.date | None] = mapped_column(Date)
    excluded_on: Mapped[dt.date | None] = mapped_column(Date)
