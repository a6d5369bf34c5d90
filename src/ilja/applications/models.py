"""Tables of recruitment rounds (모집 공고), their units with seats, applications and history.

An application keeps the eligibility snapshot taken when it was submitted: the rules engine's
result, the conditions with the person's values they looked at, the parameter and code versions
and both dates of the round. The parameters a decision used (values, effective dates, sources)
are the same for every applicant evaluated with the same rules on the same dates, so they are
stored once per combination in ``eligibility_contexts`` and referenced — a 100,000-applicant
round then stores ~1 KB per application instead of ~10 KB.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


def table_of(model: type[Base]) -> Table:
    """A model's table, for the bulk statements that bypass the unit of work."""
    table = model.__table__
    assert isinstance(table, Table)
    return table


class RoundStatus(StrEnum):
    """A round's life: set up (draft), taking applications (open), closed, selection done."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    SELECTED = "selected"


class UnitKind(StrEnum):
    """What a unit is: a project (사업), a field (분야) grouping projects, or a course cohort."""

    PROJECT = "project"
    FIELD = "field"
    COHORT = "cohort"


class Channel(StrEnum):
    """How an application came in: the citizen's web form, a staff import, or the API."""

    WEB = "web"
    IMPORT = "import"
    API = "api"
    STAFF = "staff"


class ApplicationStatus(StrEnum):
    """An application's status (issue 3 §3); ``withdrawn`` is 포기 before the start."""

    SUBMITTED = "submitted"
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    SELECTED = "selected"
    WAITLISTED = "waitlisted"
    NOT_SELECTED = "not_selected"
    WITHDRAWN = "withdrawn"
    ENROLLED = "enrolled"
    PLACED = "placed"
    COMPLETED = "completed"
    DROPPED = "dropped"
    QUIT = "quit"


class Round(Base):
    """A recruitment round of a program (and optionally a track or one project)."""

    __tablename__ = "rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    program_code: Mapped[str] = mapped_column(String(64), index=True)
    track_code: Mapped[str | None] = mapped_column(String(64))
    project: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    announced_on: Mapped[dt.date] = mapped_column(Date)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    starts_on: Mapped[dt.date] = mapped_column(Date)
    max_preferences: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), index=True, default=RoundStatus.DRAFT.value)
    seed_commitment: Mapped[str | None] = mapped_column(String(64))
    seed_revealed: Mapped[str | None] = mapped_column(String(128))
    # set by the selection when it prepares the draw: from then on no application is added
    draw_prepared_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    policy_options: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:
        return f"Round(id={self.id!r}, program={self.program_code!r}, status={self.status!r})"


class RoundSeed(Base):
    """The lottery seed while it is secret: only its commitment is on the round until the draw.

    Kept apart from ``rounds`` so no query or response model of a round can carry it by mistake.
    """

    __tablename__ = "round_seeds"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"),
                                          primary_key=True)
    seed: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RoundUnit(Base):
    """Something with seats in a round: a project, a cohort, or a field.

    A unit with children (a field whose projects name it as ``parent_code``) is a group in the
    selection — its seats, if set, cap its projects together; applicants choose among the units
    without children.
    """

    __tablename__ = "round_units"
    __table_args__ = (UniqueConstraint("round_id", "code", name="uq_round_units_round_id_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    seats: Mapped[int | None] = mapped_column(Integer)
    parent_code: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)


class EligibilityContext(Base):
    """What an eligibility decision rests on, shared by every applicant evaluated alike: the
    parameters used (value, effective date, source) and the conditions' labels."""

    __tablename__ = "eligibility_contexts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    program_code: Mapped[str] = mapped_column(String(64))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    announced_on: Mapped[dt.date] = mapped_column(Date)
    parameter_version: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(32))
    content: Mapped[dict[str, Any]] = mapped_column(_JSON)


class Application(Base):
    """One person's application to one round."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("round_id", "person_id", name="uq_applications_round_id_person_id"),
        UniqueConstraint("round_id", "idempotency_key",
                         name="uq_applications_round_id_idempotency_key"),
        Index("ix_applications_round_id_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    preferences: Mapped[list[str]] = mapped_column(_JSON)
    channel: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    request_digest: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    status_changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    eligible: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    priority: Mapped[bool] = mapped_column(Boolean)
    eligibility: Mapped[dict[str, Any]] = mapped_column(_JSON)
    eligibility_context_id: Mapped[int] = mapped_column(ForeignKey("eligibility_contexts.id"))
    parameter_version: Mapped[str] = mapped_column(String(64))
    code_version: Mapped[str] = mapped_column(String(32))
    evaluated_on: Mapped[dt.date] = mapped_column(Date)
    announced_on: Mapped[dt.date] = mapped_column(Date)

    def __repr__(self) -> str:  # ids only: a repr ends up in logs and tracebacks
        return f"Application(id={self.id!r}, round={self.round_id!r}, status={self.status!r})"


class ApplicationEvent(Base):
    """One line of an application's status history: from, to, who, why, when.

    ``reason_code`` is stable and translated on the pages (``applications.reasons.*``); ``note``
    is what staff wrote; ``details`` hold ids and figures only (a waitlist place, a run id).
    """

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(32))
    reason_code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
