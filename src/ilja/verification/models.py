"""Tables of verification (issue 21): the papers an applicant handed in or uploaded, the facts
staff or a public-records check verified, the records checks imported, and what each selection
run knew of every applicant's verification.

A verification's row holds the facts it verified (a records check's for one application, or the
one fact staff verified); each fact's current value is in one row; every change is in the audit
log with who, when, the method and the evidence. Leaf module: it imports nothing of
Ilja's but ``ilja.db``, so the access rules (``ilja.access``) can read it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    RESIDENT_COPY = "resident_copy"  # staff entered the household from a 주민등록등본


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


class Verification(Base):
    """One verification of one application: the facts one records check returned for it (one row
    per application and check), or the one fact staff accepted or corrected, with how, from what
    and by whom. A fact of an application is in one row at most (the writers keep it so): its
    verified value now.

    A records check of 100,000 applicants is 100,000 rows (not one per fact): the foreign-key
    checks and index entries of each row are the server's work in the import. So no more indexes
    or foreign keys than needed: looked up by application (its index; a round's by the range of
    its application ids, with ``round_id``); the round and the person are the application's,
    copied for reading, and held by the application's own foreign keys.
    """

    __tablename__ = "verified_facts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    round_id: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(Integer)
    facts: Mapped[dict[str, Any]] = mapped_column(_JSON)  # fact code → verified value
    declared: Mapped[dict[str, Any] | None] = mapped_column(_JSON)  # fact → declared (staff's)
    method: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(200))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("verification_documents.id", ondelete="SET NULL"))
    check_id: Mapped[int | None] = mapped_column(ForeignKey("verification_records_checks.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    verified_by: Mapped[str | None] = mapped_column(String(100))
    verified_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def verified_facts(self) -> list[VerifiedFact]:
        """The row's facts one by one."""
        declared = self.declared or {}
        return [VerifiedFact(fact, value, declared.get(fact), self) for fact, value in self.facts.items()]


@dataclass(frozen=True, slots=True)
class VerifiedFact:
    """One fact's verified value, with the verification that established it."""

    fact: str
    value: Any
    declared: Any  # None: not declared, or not read (a records check)
    verification: Verification

    @property
    def method(self) -> str:
        return self.verification.method

    @property
    def source(self) -> str:
        return self.verification.source

    @property
    def document_id(self) -> int | None:
        return self.verification.document_id

    @property
    def check_id(self) -> int | None:
        return self.verification.check_id

    @property
    def reason(self) -> str | None:
        return self.verification.reason

    @property
    def verified_by(self) -> str | None:
        return self.verification.verified_by

    @property
    def verified_at(self) -> dt.datetime:
        return self.verification.verified_at


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
