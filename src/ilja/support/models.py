"""Tables of the support domain (migrations 0500…).

Certification support (0500): the catalogue of exams, trainees' attempts with the course and
campus they sat from (a snapshot, so pass rates per course and campus need no joins into
training), fee claims with their receipt file and decision, and the budget each year's claims
draw on. ``support_budgets.committed_won`` is moved by one conditional UPDATE, so two approvals
at the same moment cannot overspend it.
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


class Certification(Base):
    """An exam in the catalogue (AI 자격증): vendor, exam and its list fee in whole won."""

    __tablename__ = "support_certs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    vendor: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    fee_won: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class ExamAttempt(Base):
    """One sitting of an exam by a trainee, with the result once known."""

    __tablename__ = "support_exam_attempts"
    __table_args__ = (UniqueConstraint("person_id", "certification_id", "attempt_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    certification_id: Mapped[int] = mapped_column(ForeignKey("support_certs.id"), index=True)
    attempt_no: Mapped[int] = mapped_column(Integer)
    exam_on: Mapped[dt.date] = mapped_column(Date)
    fee_paid_won: Mapped[int] = mapped_column(Integer)
    result: Mapped[str] = mapped_column(String(16))  # pending | passed | failed | absent
    enrolment_id: Mapped[int | None] = mapped_column(Integer)  # training enrolment, by id
    course_code: Mapped[str | None] = mapped_column(String(64), index=True)
    campus_code: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class FeeClaim(Base):
    """A claim for exam-fee support (응시료 지원 신청) with its receipt, decision and payment.

    ``entitlement`` stamps what the rule said (amount, refusals, the parameters with their dates
    and sources, the parameter version) when the claim was assessed."""

    __tablename__ = "support_fee_claims"
    __table_args__ = (UniqueConstraint("attempt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("support_exam_attempts.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    claimed_on: Mapped[dt.date] = mapped_column(Date)
    amount_entitled_won: Mapped[int] = mapped_column(Integer)
    entitlement: Mapped[dict[str, Any]] = mapped_column(_JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)  # submitted | approved | rejected | paid
    receipt_sha256: Mapped[str] = mapped_column(String(64))
    receipt_type: Mapped[str] = mapped_column(String(40))
    receipt_bytes: Mapped[int] = mapped_column(Integer)
    budget_id: Mapped[int | None] = mapped_column(ForeignKey("support_budgets.id"))
    amount_approved_won: Mapped[int | None] = mapped_column(Integer)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    paid_on: Mapped[dt.date | None] = mapped_column(Date)
    payment_ref: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class SupportBudget(Base):
    """The budget a kind of support draws on in a year: amount, committed by approvals, paid."""

    __tablename__ = "support_budgets"
    __table_args__ = (UniqueConstraint("kind", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))  # certification_fee | training_subsidy
    year: Mapped[int] = mapped_column(Integer)
    amount_won: Mapped[int] = mapped_column(Integer)
    committed_won: Mapped[int] = mapped_column(Integer, default=0)
    paid_won: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(300))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class Startup(Base):
    """An incubated start-up team (창업 인큐베이팅): idea, stage, campus and the Seoul Startup
    Center (서울창업허브) programme it is linked to."""

    __tablename__ = "support_startups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    idea: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(24))
    campus_code: Mapped[str | None] = mapped_column(String(64))
    startup_center_ref: Mapped[str | None] = mapped_column(String(200))
    startup_center_linked_on: Mapped[dt.date | None] = mapped_column(Date)
    launched_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class StartupMember(Base):
    __tablename__ = "support_startup_members"
    __table_args__ = (UniqueConstraint("startup_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("support_startups.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    role: Mapped[str] = mapped_column(String(24))  # founder | member
    joined_on: Mapped[dt.date] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)
    outcome_id: Mapped[int | None] = mapped_column(Integer)  # the outcomes record of the launch, by id


class StartupMentor(Base):
    __tablename__ = "support_startup_mentors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("support_startups.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    organisation: Mapped[str | None] = mapped_column(String(200))
    expertise: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[dt.date] = mapped_column(Date)


class StartupMilestone(Base):
    __tablename__ = "support_startup_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("support_startups.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[dt.date] = mapped_column(Date)
    done_on: Mapped[dt.date | None] = mapped_column(Date)


class StartupFunding(Base):
    """Money raised: a grant, an investment, a loan or a prize, in whole won."""

    __tablename__ = "support_startup_funding"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("support_startups.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    funder: Mapped[str] = mapped_column(String(200))
    amount_won: Mapped[int] = mapped_column(Integer)
    received_on: Mapped[dt.date] = mapped_column(Date)


class StartupStageChange(Base):
    __tablename__ = "support_startup_stages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    startup_id: Mapped[int] = mapped_column(ForeignKey("support_startups.id"), index=True)
    stage: Mapped[str] = mapped_column(String(24))
    on: Mapped[dt.date] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str | None] = mapped_column(String(100))


class CsrProgram(Base):
    """A company's social-contribution program (사회공헌 프로그램) that funds training subsidies;
    ``committed_won`` is moved by one conditional UPDATE, so grants never exceed its budget."""

    __tablename__ = "support_csr_programs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    company: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[int | None] = mapped_column(Integer)  # matching organisation, by id
    budget_won: Mapped[int] = mapped_column(Integer)
    committed_won: Mapped[int] = mapped_column(Integer, default=0)
    paid_won: Mapped[int] = mapped_column(Integer, default=0)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class SubsidyGrant(Base):
    """A training subsidy (교육훈련지원금) granted to a person for a course, funded by a program;
    ``eligibility`` stamps the rule's answer and the parameters used."""

    __tablename__ = "support_subsidy_grants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("support_csr_programs.id"), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(Integer)  # training enrolment, by id
    course_label: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    months: Mapped[int] = mapped_column(Integer)
    monthly_amount_won: Mapped[int] = mapped_column(Integer)
    eligibility: Mapped[dict[str, Any]] = mapped_column(_JSON)
    status: Mapped[str] = mapped_column(String(16))  # active | ended
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class SubsidyProgress(Base):
    """A month's learning progress in the online basic course (per mille), entered by the operator."""

    __tablename__ = "support_subsidy_progress"
    __table_args__ = (UniqueConstraint("grant_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("support_subsidy_grants.id"))
    month: Mapped[str] = mapped_column(String(7))
    progress_milli: Mapped[int] = mapped_column(Integer)
    recorded_by: Mapped[str | None] = mapped_column(String(100))


class SubsidyPayment(Base):
    """One month of a grant: paid in full or withheld with its reason; one row per grant-month."""

    __tablename__ = "support_subsidy_payments"
    __table_args__ = (UniqueConstraint("grant_id", "month"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("support_subsidy_grants.id"))
    month: Mapped[str] = mapped_column(String(7), index=True)
    attendance_milli: Mapped[int | None] = mapped_column(Integer)
    amount_won: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))  # paid | withheld
    reason: Mapped[str | None] = mapped_column(String(40))
    run_on: Mapped[dt.date] = mapped_column(Date)


class EmployerEvent(Base):
    """A hiring briefing, company visit or visiting-academy session; ``confirmed`` and
    ``waitlisted`` are counters moved by conditional UPDATEs, so no event is over-booked."""

    __tablename__ = "support_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24), index=True)
    title: Mapped[str] = mapped_column(String(200))
    organisation_code: Mapped[str | None] = mapped_column(String(64))  # matching organisation
    organisation_name: Mapped[str] = mapped_column(String(200))
    university: Mapped[str | None] = mapped_column(String(200))
    campus_code: Mapped[str | None] = mapped_column(String(64))
    place: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer, default=0)
    waitlisted: Mapped[int] = mapped_column(Integer, default=0)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str | None] = mapped_column(String(100))


class EventSignup(Base):
    __tablename__ = "support_event_signups"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("support_events.id"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))  # confirmed | waitlisted | cancelled
    signed_up_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)
    hired: Mapped[bool | None] = mapped_column(Boolean)
    hired_on: Mapped[dt.date | None] = mapped_column(Date)
    follow_up_note: Mapped[str | None] = mapped_column(Text)


class MentoringPair(Base):
    """An alumni mentor (동문 멘토) paired with a trainee; ``activity_id`` is the outcomes
    ``alumni_activities`` row it was counted as, by id."""

    __tablename__ = "support_mentoring_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mentor_member_id: Mapped[int] = mapped_column(Integer, index=True)  # outcomes alumni member, by id
    mentee_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    meetings: Mapped[int] = mapped_column(Integer, default=0)
    activity_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(100))


class TalentSession(Base):
    """A talent-donation session (재능기부) an alumnus gives at a campus."""

    __tablename__ = "support_talent_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = mapped_column(Integer, index=True)  # outcomes alumni member, by id
    topic: Mapped[str] = mapped_column(String(200))
    campus_code: Mapped[str | None] = mapped_column(String(64))
    held_on: Mapped[dt.date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    attendees: Mapped[int] = mapped_column(Integer)
    counted: Mapped[bool] = mapped_column(Boolean)
    activity_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(100))


class Scholarship(Base):
    """A scholarship (장학금) given by an alumnus to a trainee, in whole won."""

    __tablename__ = "support_scholarships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    donor_member_id: Mapped[int] = mapped_column(Integer, index=True)  # outcomes alumni member, by id
    recipient_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    amount_won: Mapped[int] = mapped_column(Integer)
    awarded_on: Mapped[dt.date] = mapped_column(Date)
    activity_id: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(100))
