"""The privacy domain's table: a person's requests to correct their data (개인정보 보호법 §36)
with staff's answer. The consents they gave are a person's record, kept in people
(``people.consent_models``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime


class CorrectionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # corrected (by Ilja for the registry's fields, else by staff in the domain)
    REFUSED = "refused"  # with reasons


class CorrectionRequest(Base):
    """A person's request to correct an item of their data, and the answer (PIPA §36, decree §43)."""

    __tablename__ = "privacy_corrections"
    __table_args__ = (Index("ix_privacy_corrections_status_due_on", "status", "due_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    item: Mapped[str] = mapped_column(String(32))
    wrong: Mapped[str] = mapped_column(Text)  # what is wrong, in the person's words
    asked: Mapped[str] = mapped_column(Text)  # the correction asked
    filed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=CorrectionStatus.OPEN.value)
    answer: Mapped[str | None] = mapped_column(Text)  # what was done, or the reasons for refusing
    corrected_fields: Mapped[str | None] = mapped_column(String(200))  # the registry's, comma-joined
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    answered_by: Mapped[str | None] = mapped_column(String(100))

    def __repr__(self) -> str:
        return f"CorrectionRequest(id={self.id!r}, status={self.status!r})"
