"""Tables of decisions about a person (with their reasons, basis and deadlines) and of the
objections (이의신청) filed against them."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class DecisionStatus(StrEnum):
    PROPOSED = "proposed"  # 사전 통지: 의견제출 기간 중
    EFFECTIVE = "effective"  # 효력 발생
    WITHDRAWN = "withdrawn"  # 사전 통지 후 철회 (의견을 받아들임)
    OVERTURNED = "overturned"  # 이의신청 인용으로 취소


class AppealStatus(StrEnum):
    FILED = "filed"  # 접수
    ASSIGNED = "assigned"  # 담당자 지정
    UPHELD = "upheld"  # 인용
    DISMISSED = "dismissed"  # 기각


class Decision(Base):
    """One decision about one person: what, why (reasons and basis), when it takes effect and
    by when it can be contested. ``subject_ref`` names what it is about (``application:12``);
    ``details`` hold the ids and figures a remedy needs (never names or free text)."""

    __tablename__ = "rights_decisions"
    __table_args__ = (Index("ix_rights_decisions_subject_ref", "subject_ref"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    subject_ref: Mapped[str] = mapped_column(String(80))
    reasons_ko: Mapped[str] = mapped_column(Text)
    reasons_en: Mapped[str] = mapped_column(Text)
    basis: Mapped[list[Any]] = mapped_column(_JSON)
    details: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
    decided_on: Mapped[dt.date] = mapped_column(Date)
    answer_by: Mapped[dt.date | None] = mapped_column(Date)
    effective_on: Mapped[dt.date | None] = mapped_column(Date)
    objection_by: Mapped[dt.date | None] = mapped_column(Date)
    appeal_by: Mapped[dt.date | None] = mapped_column(Date)
    answer_token: Mapped[str | None] = mapped_column(Text)  # the person's answer, encrypted
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    actor_id: Mapped[str | None] = mapped_column(String(100))
    actor_role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Appeal(Base):
    """An objection to a decision: the person's text (encrypted) and attachment, the staff member
    assigned, the deadline, and the decision on it with its reasons."""

    __tablename__ = "rights_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decision_id: Mapped[int] = mapped_column(ForeignKey("rights_decisions.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    text_token: Mapped[str] = mapped_column(Text)
    attachment_sha256: Mapped[str | None] = mapped_column(String(64))
    attachment_type: Mapped[str | None] = mapped_column(String(40))
    attachment_bytes: Mapped[int | None] = mapped_column(Integer)
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    filed_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    assigned_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    reasons: Mapped[str | None] = mapped_column(Text)
    remedy: Mapped[dict[str, Any] | None] = mapped_column(_JSON)
