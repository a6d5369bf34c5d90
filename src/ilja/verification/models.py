"""Tables of verification (issue 21): the papers an applicant handed in or uploaded, the facts
staff or a public-records check verified, the records checks imported, and what each selection
run knew of every applicant's verification.

A fact's row is its current verified value (one per application and fact); every change is in
the audit log with who, when, the method and the evidence. Leaf module: it imports nothing of
Ilja's but ``ilja.db``, so ``accounts.scope`` can read it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class DocumentVia(StrEnum):
    """How a paper reached the district: uploaded by the applicant, or seen at the counter."""

    UPLOAD = "upload"
    COUNTER = "counter"


class Method(StrEnum):
    """How a fact was verified."""

    RECORDS_CHECK = "records_check"  # 사회보장정보시스템 조회
    ACCEPTED = "accepted"  # staff accepted the declared value against its evidence
    CORRECTED = "corrected"  # staff corrected the declared value, with a reason


class AtSelection(StrEnum):
    """What a selection run did with an applicant (``verification.<program>.unverified_at_selection``)."""

    VERIFIED = "verified"
    EXCLUDED = "excluded"
    CONDITIONAL = "conditional"
    HOUSEHOLD = "household"  # passed over: another member of the household holds a seat


class VerificationDocument(Base):
    """One paper of an application: an encrypted upload (by digest) or a counter sighting."""

    __tablename__ = "verification_documents"
    __table_args__ = (UniqueConstraint("application_id", "document",
                                       name="uq_verification_documents_application_id_document"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    document: Mapped[str] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str | None] = mapped_column(String(64))
    media_type: Mapped[str | None] = mapped_column(String(40))
    size: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class RecordsCheck(Base):
    """One imported records-check result file (사회보장정보시스템 조회 결과) for a round."""

    __tablename__ = "verification_records_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    checked_on: Mapped[dt.date] = mapped_column(Date)
    file_sha256: Mapped[str] = mapped_column(String(64))
    rows: Mapped[int] = mapped_column(Integer)
    became_ineligible: Mapped[int] = mapped_column(Integer)
    imported_by: Mapped[str | None] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class VerifiedFact(Base):
    """The verified value of one fact of one application, with how, from what and by whom."""

    __tablename__ = "verified_facts"
    __table_args__ = (UniqueConstraint("application_id", "fact",
                                       name="uq_verified_facts_application_id_fact"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Looked up by application (the unique constraint's index) or round; five rows an applicant,
    # so no more indexes or foreign keys than needed (each is per-row work in a 500,000-row
    # records-check import): the round and the person are the application's, copied for reading,
    # and held by the application's own foreign keys.
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    round_id: Mapped[int] = mapped_column(Integer, index=True)
    person_id: Mapped[int] = mapped_column(Integer)
    fact: Mapped[str] = mapped_column(String(40))
    value: Mapped[Any] = mapped_column(_JSON, nullable=True)
    declared: Mapped[Any] = mapped_column(_JSON, nullable=True)  # None: not declared, or not read
    method: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_documents.id", ondelete="SET NULL"))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("verification_records_checks.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SelectionVerification(Base):
    """What a selection run knew of one applicant's verification, and what it did with it."""

    __tablename__ = "verification_at_selection"
    __table_args__ = (UniqueConstraint("round_id", "application_id",
                                       name="uq_verification_at_selection_round_id_application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    state: Mapped[str] = mapped_column(String(16))
    facts: Mapped[list[dict[str, Any]]] = mapped_column(_JSON)
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
