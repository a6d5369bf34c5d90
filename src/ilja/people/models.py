"""The registry's tables: persons, households, duplicate flags and the courses that ended here.

A person's resident registration number (주민등록번호) is never stored in clear: ``rrn_token`` is
AES-256-GCM (``v1:<key id>:…``, bound to the row's id) and ``rrn_index`` a keyed HMAC blind index
for look-up and de-duplication (개인정보 보호법 §24-2 ②, 안전성 확보조치 기준 §7); ``rrn_masked``
keeps only what every screen shows (``900101-1******``), so lists never decrypt. All are NULL
when the program an intake came through has no legal basis to collect the number
(``rules/parameters/common/personal_data.yaml``). The person-format columns are the ones the
rules engine evaluates (``ilja.rules.population.Person``).
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
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)
_MONEY = BigInteger().with_variant(Integer, "sqlite")


class Household(Base):
    """A household (세대): its head and registered address."""

    __tablename__ = "households"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    head_person_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL", use_alter=True), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Person(Base):
    """One registered person, with the person-format fields the rules engine reads."""

    __tablename__ = "persons"
    __table_args__ = (
        Index("ix_persons_name_birth_date", "name", "birth_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100))
    rrn_token: Mapped[str | None] = mapped_column(String(200))
    rrn_index: Mapped[str | None] = mapped_column(String(100), unique=True)
    rrn_masked: Mapped[str | None] = mapped_column(String(14))
    rrn_basis: Mapped[str | None] = mapped_column(String(64))
    birth_date: Mapped[dt.date] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(254))  # given by the person on 내 정보
    sido: Mapped[str] = mapped_column(String(20))
    sigungu: Mapped[str] = mapped_column(String(20), index=True)
    address_detail: Mapped[str | None] = mapped_column(String(200))
    household_id: Mapped[int | None] = mapped_column(
        ForeignKey("households.id", ondelete="SET NULL"), index=True)
    employment_status: Mapped[str] = mapped_column(String(20))
    able_to_work: Mapped[bool] = mapped_column(Boolean)
    household_head: Mapped[bool] = mapped_column(Boolean)
    household_size: Mapped[int] = mapped_column(Integer)
    vulnerable_groups: Mapped[list[str]] = mapped_column(_JSON)
    veteran_service_months: Mapped[int] = mapped_column(Integer)
    nationality: Mapped[str] = mapped_column(String(3))
    visa: Mapped[str] = mapped_column(String(10))
    unemployment_benefit_periods: Mapped[list[dict[str, Any]]] = mapped_column(_JSON)
    training_history: Mapped[list[dict[str, Any]]] = mapped_column(_JSON)
    household_income_krw: Mapped[int | None] = mapped_column(_MONEY)
    household_assets_krw: Mapped[int | None] = mapped_column(_MONEY)
    receives_livelihood_benefit: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())

    def __repr__(self) -> str:  # ids only: a repr ends up in logs and tracebacks
        return f"Person(id={self.id!r})"


class FlagStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"  # the two were one person and have been merged
    DISMISSED = "dismissed"  # two different people


class DuplicateFlag(Base):
    """Two records that look like one person (same name, birth date and phone) but share no RRN.

    Staff decide: merge (``confirmed``; the newer record is folded into the older, whose id is
    kept in ``person_a_id``, the removed id in ``merged_person_id``) or ``dismissed``.
    """

    __tablename__ = "person_duplicate_flags"
    __table_args__ = (UniqueConstraint("person_a_id", "person_b_id",
                                       name="uq_person_duplicate_flags_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_a_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"),
                                             index=True)
    person_b_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"),
                                                    index=True)
    reason: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True, default=FlagStatus.OPEN.value)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    merged_person_id: Mapped[int | None] = mapped_column(Integer)


class EndedCourse(Base):
    """A course the person took here and that ended (수료, 중도 탈락, 포기), in the terms of the
    person format's training history (``program/start/end/result``), which the rules engine
    reads for the re-participation conditions.

    Training writes the row in the transaction that ends the enrolment and corrects or removes it
    when a remedy changes how it ended (``training.service.write_history``), so an application
    reads a person's history from people, below it, in one indexed select
    (``people.training_history``). ``enrolment_id`` names the training enrolment it records (no
    foreign key: training sits above people)."""

    __tablename__ = "person_ended_courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(Integer, unique=True)
    program: Mapped[str] = mapped_column(String(64))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date] = mapped_column(Date)
    result: Mapped[str] = mapped_column(String(24))  # completed | dropped | quit_without_notice
