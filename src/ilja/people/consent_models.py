"""The consents a person gave (개인정보 보호법 §15, with the text version agreed to): a person's
record, so it sits in people, below the applications it is given with.

A consent is given with an application (or, with none, for the person's record as a whole) and
is never deleted: a withdrawal (``privacy.consent``) stamps ``withdrawn_at``, so the record of what
was agreed and when stays (§22 ①, the burden of proof in §22 ⑧ lies with the city).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime


class ConsentVia(StrEnum):
    """How the consent was given: on the web form, through the API, or on a signed paper form
    entered by staff (an import or an application on someone's behalf)."""

    WEB = "web"
    API = "api"
    PAPER = "paper"


class Consent(Base):
    """One consent to one purpose (``collection_use``, ``sensitive``, ``unique_id``)."""

    __tablename__ = "privacy_consents"
    __table_args__ = (Index("ix_privacy_consents_person_id_purpose", "person_id", "purpose"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    version: Mapped[str] = mapped_column(String(32))
    given_via: Mapped[str] = mapped_column(String(16))
    given_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    withdrawn_by: Mapped[str | None] = mapped_column(String(100))

    def __repr__(self) -> str:  # ids only: a repr ends up in logs and tracebacks
        return f"Consent(id={self.id!r}, purpose={self.purpose!r})"
