"""Tables of selection runs, the per-application outcomes and the withdrawals after the draw.

A run is one per round (``UNIQUE(round_id)``): it is created when the draw is prepared (the seed
commitment published), completed by the draw, and never run again. Each outcome row keeps the
applicant's inputs as the draw saw them (eligibility, score, priority, preferences) next to the
draw's result, so ``verify`` recomputes the draw from stored data even after applications have
moved on; ``current_*`` columns follow promotions from the waitlist, which are stored as
``selection_withdrawals`` in order and can be replayed bit for bit. An offer (``selection_offers``)
is a seat put to its holder with a deadline to accept or decline (issue 18 §3).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class RunStatus(StrEnum):
    PREPARED = "prepared"
    COMPLETED = "completed"


class SelectionRunRow(Base):
    """A round's selection: commitment, revealed seed, code version, policy, hashes, who, when."""

    __tablename__ = "selection_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), unique=True)
    status: Mapped[str] = mapped_column(String(16))
    commitment: Mapped[str] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(128))
    code_version: Mapped[str | None] = mapped_column(String(32))
    lottery_scheme: Mapped[str | None] = mapped_column(String(200))
    policy: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    units: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    input_hash: Mapped[str | None] = mapped_column(String(64))
    output_hash: Mapped[str | None] = mapped_column(String(64))
    current_output_hash: Mapped[str | None] = mapped_column(String(64))
    applicants: Mapped[int | None] = mapped_column(Integer)
    stats: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    prepared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    prepared_by: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    run_by: Mapped[str | None] = mapped_column(String(100))


class SelectionOutcomeRow(Base):
    """One application in a run: its inputs as drawn, the draw's outcome, and where it is now."""

    __tablename__ = "selection_outcomes"
    __table_args__ = (UniqueConstraint("run_id", "application_id",
                                       name="uq_selection_outcomes_run_id_application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_runs.id", ondelete="CASCADE"),
                                        index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    applicant_key: Mapped[str] = mapped_column(String(32))
    eligible: Mapped[bool] = mapped_column(Boolean)
    score: Mapped[float] = mapped_column(Float)
    priority: Mapped[bool] = mapped_column(Boolean)
    preferences: Mapped[list[str]] = mapped_column(_JSON)
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(String(64))
    seat: Mapped[str | None] = mapped_column(String(16))
    choice: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int | None] = mapped_column(Integer)
    waitlist: Mapped[list[Any]] = mapped_column(_JSON)
    current_status: Mapped[str] = mapped_column(String(20))
    current_unit_code: Mapped[str | None] = mapped_column(String(64))
    current_seat: Mapped[str | None] = mapped_column(String(16))
    current_waitlist: Mapped[list[Any] | None] = mapped_column(_JSON)
    """The waitlist places in force after the promotions (``None``: a run stored before this
    column, read by replaying its withdrawals)."""


class SelectionWithdrawal(Base):
    """One batch of leavers after the draw (declined, dropped, found ineligible) and the
    promotions it caused; replayed in ``sequence`` order it reproduces the allocation in force."""

    __tablename__ = "selection_withdrawals"
    __table_args__ = (UniqueConstraint("run_id", "sequence",
                                       name="uq_selection_withdrawals_run_id_sequence"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_runs.id", ondelete="CASCADE"),
                                        index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    leavers: Mapped[dict[str, str]] = mapped_column(_JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(_JSON)
    output_hash: Mapped[str] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(32))


class SelectionOffer(Base):
    """A seat offered to the applicant holding it: accept or decline by ``deadline_at``.

    Made for every seat of the draw and for every promotion (``sequence`` names the withdrawal
    that opened the seat); a decline, a lapse or a no-show frees the seat for the waitlist.
    """

    __tablename__ = "selection_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("selection_runs.id", ondelete="CASCADE"),
                                        index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(64))
    seat: Mapped[str | None] = mapped_column(String(16))
    sequence: Mapped[int | None] = mapped_column(Integer)
    waitlist_place: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), index=True)
    made_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(100))
