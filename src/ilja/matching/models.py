"""Tables of the matching domain (migration 0200).

Organisations offer postings (internships at companies through their AI-industry association,
city-administration internships, jobs); candidates are trainees and completers with their
course's skills and NCS tags, certifications and own description; a matching run stores its
inputs hash, seed and proposals; confirmed proposals become offers, offers become hires or
declines, and a hire is written to ``matching_outcomes`` for the outcomes domain to read.
Matching days hold interview slots; coordinators log counselling sessions.

``matching_candidates.enrolment_id`` and ``course_code`` point into the training domain without a
foreign key: training lives on a sibling migration branch (0100), so the link is by value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ilja.db import Base, UTCDateTime

_JSON = JSON(none_as_null=True)


class Organisation(Base):
    """A company (with its AI-industry association), city department, university or partner."""

    __tablename__ = "matching_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # company | city_department | university | partner
    association: Mapped[str | None] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class OrganisationMember(Base):
    """A user who speaks for an organisation and sees its postings and proposed candidates."""

    __tablename__ = "matching_org_members"
    __table_args__ = (UniqueConstraint("organisation_id", "user_id",
                                       name="uq_matching_org_members_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matching_organisations.id"),
                                                 index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)


class Posting(Base):
    __tablename__ = "matching_postings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matching_organisations.id"),
                                                 index=True)
    round_code: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # internship_company | internship_city | job
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    seats: Mapped[int] = mapped_column(Integer)
    required_skills: Mapped[list[str]] = mapped_column(_JSON)
    preferred_skills: Mapped[list[str]] = mapped_column(_JSON)
    ncs_codes: Mapped[list[str]] = mapped_column(_JSON)
    required_certifications: Mapped[list[str]] = mapped_column(_JSON)
    district: Mapped[str | None] = mapped_column(String(20))
    starts_on: Mapped[dt.date | None] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    monthly_pay: Mapped[int | None] = mapped_column(Integer)  # whole won
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # what the hard filters read (0201); empty: not stated, excludes nobody
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # 마감일 (open through that day)
    weekly_hours: Mapped[int | None] = mapped_column(Integer)
    shifts: Mapped[list[str] | None] = mapped_column(_JSON)  # filters.SHIFTS
    experience_years: Mapped[int | None] = mapped_column(Integer)
    experience_field: Mapped[str | None] = mapped_column(String(32))  # vocabulary field
    education: Mapped[str | None] = mapped_column(String(16))  # vocabulary.EDUCATION_LEVELS
    preferred_certifications: Mapped[list[str] | None] = mapped_column(_JSON)


class CourseTags(Base):
    """A course's skills and NCS codes (the training domain's courses carry no tags yet)."""

    __tablename__ = "matching_course_tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    course_code: Mapped[str] = mapped_column(String(64), unique=True)
    course_name: Mapped[str] = mapped_column(String(200))
    skills: Mapped[list[str]] = mapped_column(_JSON)
    ncs_codes: Mapped[list[str]] = mapped_column(_JSON)


class Candidate(Base):
    __tablename__ = "matching_candidates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), unique=True)
    enrolment_id: Mapped[int | None] = mapped_column(Integer)
    course_code: Mapped[str | None] = mapped_column(String(64))
    training_status: Mapped[str] = mapped_column(String(16))  # enrolled | completed | placed
    description: Mapped[str] = mapped_column(Text, default="")
    skills: Mapped[list[str]] = mapped_column(_JSON)
    certifications: Mapped[list[str]] = mapped_column(_JSON)
    preferred_districts: Mapped[list[str]] = mapped_column(_JSON)
    preferred_fields: Mapped[list[str]] = mapped_column(_JSON)
    coordinator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    # conditions and record the hard filters read (0201); empty: not stated
    experience: Mapped[list[list[Any]] | None] = mapped_column(_JSON)  # [[field, years], …]
    education: Mapped[str | None] = mapped_column(String(16))
    wanted_kinds: Mapped[list[str] | None] = mapped_column(_JSON)  # internship | job
    min_monthly_pay: Mapped[int | None] = mapped_column(Integer)
    max_weekly_hours: Mapped[int | None] = mapped_column(Integer)
    shifts: Mapped[list[str] | None] = mapped_column(_JSON)
    home_district: Mapped[str | None] = mapped_column(String(20))
    max_commute_minutes: Mapped[int | None] = mapped_column(Integer)
    available_from: Mapped[dt.date | None] = mapped_column(Date)


class Ranking(Base):
    """A ranked list entry: a candidate's rank of a posting, or a posting's rank of a candidate."""

    __tablename__ = "matching_rankings"
    __table_args__ = (UniqueConstraint("side", "candidate_id", "posting_id",
                                       name="uq_matching_rankings_pair"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    side: Mapped[str] = mapped_column(String(16))  # candidate | posting
    candidate_id: Mapped[int] = mapped_column(ForeignKey("matching_candidates.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("matching_postings.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)


class MatchingRun(Base):
    __tablename__ = "matching_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_code: Mapped[str] = mapped_column(String(64), index=True)
    method: Mapped[str] = mapped_column(String(16))  # stable | max_fit
    status: Mapped[str] = mapped_column(String(16))  # proposed | confirmed
    seed: Mapped[str] = mapped_column(String(128))  # hex
    seed_commitment: Mapped[str] = mapped_column(String(64))
    inputs_hash: Mapped[str] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(_JSON)
    candidates: Mapped[int] = mapped_column(Integer)
    postings: Mapped[int] = mapped_column(Integer)
    matched: Mapped[int] = mapped_column(Integer)
    total_fit: Mapped[int] = mapped_column(Integer)
    blocking_pairs: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    confirmed_by: Mapped[str | None] = mapped_column(String(100))


class Proposal(Base):
    __tablename__ = "matching_proposals"
    __table_args__ = (UniqueConstraint("run_id", "candidate_id",
                                       name="uq_matching_proposals_run_candidate"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("matching_runs.id"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("matching_candidates.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("matching_postings.id"), index=True)
    fit: Mapped[int] = mapped_column(Integer)  # hundredths of a point
    candidate_choice: Mapped[int] = mapped_column(Integer)  # 1 = first choice
    status: Mapped[str] = mapped_column(String(16))  # proposed | confirmed | vetoed | rejected
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)  # a veto's reason


class Offer(Base):
    __tablename__ = "matching_offers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("matching_proposals.id"),
                                                    unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("matching_candidates.id"), index=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("matching_postings.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # offered | hired | declined
    offered_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(100))


class MatchingOutcome(Base):
    """A hire through matching: the employment outcome the outcomes domain reads."""

    __tablename__ = "matching_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("matching_offers.id"), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matching_organisations.id"))
    posting_id: Mapped[int] = mapped_column(ForeignKey("matching_postings.id"))
    employer: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # the posting's kind
    job_title: Mapped[str] = mapped_column(String(200))
    hired_on: Mapped[dt.date] = mapped_column(Date, index=True)
    monthly_pay: Mapped[int | None] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class MatchingDay(Base):
    """An 일자리 매칭데이 or a 채용박람회: slots of ``slot_minutes`` from ``first_slot``."""

    __tablename__ = "matching_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # matching_day | job_fair
    held_on: Mapped[dt.date] = mapped_column(Date)
    venue: Mapped[str | None] = mapped_column(String(200))
    first_slot: Mapped[str] = mapped_column(String(5))  # "HH:MM"
    slot_minutes: Mapped[int] = mapped_column(Integer)
    slot_count: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # planned | scheduled | held
    seed: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DayParticipant(Base):
    """An organisation (with its slots) or a candidate taking part in a matching day."""

    __tablename__ = "matching_day_entries"
    __table_args__ = (UniqueConstraint("day_id", "organisation_id", "candidate_id",
                                       name="uq_matching_day_entries_entry"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("matching_days.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("matching_organisations.id"))
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("matching_candidates.id"))
    slots: Mapped[list[int] | None] = mapped_column(_JSON)


class Interview(Base):
    __tablename__ = "matching_interviews"
    __table_args__ = (
        UniqueConstraint("day_id", "organisation_id", "slot", name="uq_matching_interviews_org_slot"),
        UniqueConstraint("day_id", "candidate_id", "slot",
                         name="uq_matching_interviews_candidate_slot"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    day_id: Mapped[int] = mapped_column(ForeignKey("matching_days.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("matching_organisations.id"))
    candidate_id: Mapped[int] = mapped_column(ForeignKey("matching_candidates.id"), index=True)
    slot: Mapped[int] = mapped_column(Integer)
    fit: Mapped[int] = mapped_column(Integer)
    result: Mapped[str | None] = mapped_column(String(16))  # passed | failed | no_show
    notes: Mapped[str | None] = mapped_column(Text)


class CounsellingSession(Base):
    """A coordinator's session with a trainee (잡코디 직무상담, CV coaching, interview prep)."""

    __tablename__ = "matching_counsel_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("matching_candidates.id"), index=True)
    coordinator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(32))  # job_counselling | cv_coaching | interview_prep
    notes: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
