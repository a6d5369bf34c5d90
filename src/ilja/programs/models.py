"""Tables for the stored plan: programs, tracks, districts, sites, targets, warnings, versions.

Each row has the columns other domains query and reference (codes, counts, years, foreign keys)
and, in ``data``, the whole validated item as JSON, so the stored plan reads back exactly as it
was loaded — sources and all. Which plan version last wrote a row is kept for provenance.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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


class PlanVersion(Base):
    """One loaded version of the plan files (identified by their content hash)."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    warning_count: Mapped[int] = mapped_column(Integer)
    title: Mapped[dict[str, Any]] = mapped_column(_JSON)
    sources: Mapped[list[Any]] = mapped_column(_JSON)
    standards: Mapped[dict[str, Any]] = mapped_column(_JSON)
    district_count: Mapped[dict[str, Any]] = mapped_column(_JSON)
    checks: Mapped[list[Any]] = mapped_column(_JSON)


class Program(Base):
    __tablename__ = "programs"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("programs.code"))
    position: Mapped[int] = mapped_column(Integer)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    budget_million_krw: Mapped[int | None] = mapped_column(BigInteger)
    projects: Mapped[int | None] = mapped_column(Integer)
    people: Mapped[int | None] = mapped_column(Integer)
    people_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(_JSON)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))


class ProgramTrack(Base):
    __tablename__ = "program_tracks"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    program_code: Mapped[str] = mapped_column(ForeignKey("programs.code"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    type: Mapped[str | None] = mapped_column(String(20))
    projects: Mapped[int | None] = mapped_column(Integer)
    people: Mapped[int | None] = mapped_column(Integer)
    people_approximate: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(_JSON)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))


class District(Base):
    """Seoul's autonomous districts (자치구), keyed by their administrative code."""

    __tablename__ = "districts"

    code: Mapped[str] = mapped_column(String(5), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    name_ko: Mapped[str] = mapped_column(String(20), unique=True)
    name_en: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(Text)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))


class Site(Base):
    """A place where a program runs: an academy campus or a technical education institute."""

    __tablename__ = "sites"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    district_code: Mapped[str | None] = mapped_column(ForeignKey("districts.code"), index=True)
    opening_year: Mapped[int | None] = mapped_column(Integer)
    opening_month: Mapped[int | None] = mapped_column(Integer)
    founded_year: Mapped[int | None] = mapped_column(Integer)
    trainees: Mapped[int | None] = mapped_column(Integer)
    floor_area_m2: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(_JSON)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))


class PlanTarget(Base):
    """A figure by year (actual, plan or target) for comparing outcomes against the plan."""

    __tablename__ = "plan_targets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    position: Mapped[int] = mapped_column(Integer)
    program_code: Mapped[str | None] = mapped_column(ForeignKey("programs.code"))
    track_code: Mapped[str | None] = mapped_column(ForeignKey("program_tracks.code"))
    metric: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    value: Mapped[float] = mapped_column(Float)
    value_max: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(_JSON)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))


class PlanWarningRow(Base):
    """An inconsistency the loader found in a plan version, with both numbers."""

    __tablename__ = "plan_warnings"
    __table_args__ = (UniqueConstraint("plan_version_id", "code", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    message_ko: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    stated: Mapped[Any] = mapped_column(_JSON, nullable=True)
    computed: Mapped[Any] = mapped_column(_JSON, nullable=True)
    sources: Mapped[list[Any]] = mapped_column(_JSON)
