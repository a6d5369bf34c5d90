"""Matching: organisations and postings, candidates and rankings, matching runs with proposals,
offers and hires (``matching_outcomes``), matching days with interviews, counselling sessions.

Revision ID: 0200
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
The two unique constraints on ``matching_interviews`` refuse an organisation slot used twice and a
candidate in two interviews at the same time, whatever the scheduler did.
"""

import sqlalchemy as sa
from alembic import op

revision = "0200"
down_revision = "0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"],
                                   name=f"fk_{table}_{column}_{target}")


def _col(name: str, type_: sa.types.TypeEngine, null: bool = False) -> sa.Column:
    return sa.Column(name, type_, nullable=null)


def _index(table: str, *columns: str) -> None:
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    t = "matching_organisations"
    op.create_table(
        t, _id(), _col("code", sa.String(64)), _col("name", sa.String(200)),
        _col("kind", sa.String(32)), _col("association", sa.String(200), True),
        _col("district", sa.String(20), True), _col("created_at", TZ),
        _pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "matching_org_members"
    op.create_table(
        t, _id(), _col("organisation_id", sa.Integer()), _col("user_id", sa.Integer()),
        _pk(t), _fk(t, "organisation_id", "matching_organisations"), _fk(t, "user_id", "users"),
        sa.UniqueConstraint("organisation_id", "user_id", name=f"uq_{t}_pair"),
    )
    _index(t, "organisation_id", "user_id")
    t = "matching_postings"
    op.create_table(
        t, _id(), _col("code", sa.String(64)), _col("organisation_id", sa.Integer()),
        _col("round_code", sa.String(64)), _col("kind", sa.String(32)),
        _col("title", sa.String(200)), _col("description", sa.Text()), _col("seats", sa.Integer()),
        _col("required_skills", JSON), _col("preferred_skills", JSON), _col("ncs_codes", JSON),
        _col("required_certifications", JSON), _col("district", sa.String(20), True),
        _col("starts_on", sa.Date(), True), _col("ends_on", sa.Date(), True),
        _col("monthly_pay", sa.Integer(), True), _col("status", sa.String(16)),
        _col("created_at", TZ),
        _pk(t), _fk(t, "organisation_id", "matching_organisations"),
        sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    _index(t, "organisation_id", "round_code")
    t = "matching_course_tags"
    op.create_table(
        t, _id(), _col("course_code", sa.String(64)), _col("course_name", sa.String(200)),
        _col("skills", JSON), _col("ncs_codes", JSON),
        _pk(t), sa.UniqueConstraint("course_code", name=f"uq_{t}_course_code"),
    )
    t = "matching_candidates"
    op.create_table(
        t, _id(), _col("person_id", sa.Integer()), _col("enrolment_id", sa.Integer(), True),
        _col("course_code", sa.String(64), True), _col("training_status", sa.String(16)),
        _col("description", sa.Text()), _col("skills", JSON), _col("certifications", JSON),
        _col("preferred_districts", JSON), _col("preferred_fields", JSON),
        _col("coordinator_user_id", sa.Integer(), True), _col("active", sa.Boolean()),
        _col("created_at", TZ), _col("updated_at", TZ),
        _pk(t), _fk(t, "person_id", "persons"), _fk(t, "coordinator_user_id", "users"),
        sa.UniqueConstraint("person_id", name=f"uq_{t}_person_id"),
    )
    _index(t, "coordinator_user_id")
    t = "matching_rankings"
    op.create_table(
        t, _id(), _col("side", sa.String(16)), _col("candidate_id", sa.Integer()),
        _col("posting_id", sa.Integer()), _col("rank", sa.Integer()),
        _pk(t), _fk(t, "candidate_id", "matching_candidates"),
        _fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("side", "candidate_id", "posting_id", name=f"uq_{t}_pair"),
    )
    _index(t, "candidate_id", "posting_id")
    t = "matching_runs"
    op.create_table(
        t, _id(), _col("round_code", sa.String(64)), _col("method", sa.String(16)),
        _col("status", sa.String(16)), _col("seed", sa.String(128)),
        _col("seed_commitment", sa.String(64)), _col("inputs_hash", sa.String(64)),
        _col("parameters", JSON), _col("candidates", sa.Integer()), _col("postings", sa.Integer()),
        _col("matched", sa.Integer()), _col("total_fit", sa.Integer()),
        _col("blocking_pairs", sa.Integer()), _col("created_at", TZ),
        _col("created_by", sa.String(100), True), _col("confirmed_at", TZ, True),
        _col("confirmed_by", sa.String(100), True),
        _pk(t),
    )
    _index(t, "round_code")
    t = "matching_proposals"
    op.create_table(
        t, _id(), _col("run_id", sa.Integer()), _col("candidate_id", sa.Integer()),
        _col("posting_id", sa.Integer()), _col("fit", sa.Integer()),
        _col("candidate_choice", sa.Integer()), _col("status", sa.String(16)),
        _pk(t), _fk(t, "run_id", "matching_runs"), _fk(t, "candidate_id", "matching_candidates"),
        _fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("run_id", "candidate_id", name=f"uq_{t}_run_candidate"),
    )
    _index(t, "run_id", "candidate_id", "posting_id")
    t = "matching_offers"
    op.create_table(
        t, _id(), _col("proposal_id", sa.Integer(), True), _col("candidate_id", sa.Integer()),
        _col("posting_id", sa.Integer()), _col("status", sa.String(16)),
        _col("offered_on", sa.Date()), _col("decided_on", sa.Date(), True),
        _col("decline_reason", sa.Text(), True), _col("created_by", sa.String(100), True),
        _pk(t), _fk(t, "proposal_id", "matching_proposals"),
        _fk(t, "candidate_id", "matching_candidates"), _fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("proposal_id", name=f"uq_{t}_proposal_id"),
    )
    _index(t, "candidate_id", "posting_id")
    t = "matching_outcomes"
    op.create_table(
        t, _id(), _col("offer_id", sa.Integer()), _col("person_id", sa.Integer()),
        _col("organisation_id", sa.Integer()), _col("posting_id", sa.Integer()),
        _col("employer", sa.String(200)), _col("kind", sa.String(32)),
        _col("job_title", sa.String(200)), _col("hired_on", sa.Date()),
        _col("monthly_pay", sa.Integer(), True), _col("recorded_by", sa.String(100), True),
        _col("created_at", TZ),
        _pk(t), _fk(t, "offer_id", "matching_offers"), _fk(t, "person_id", "persons"),
        _fk(t, "organisation_id", "matching_organisations"),
        _fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("offer_id", name=f"uq_{t}_offer_id"),
    )
    _index(t, "person_id", "hired_on")
    t = "matching_days"
    op.create_table(
        t, _id(), _col("code", sa.String(64)), _col("title", sa.String(200)),
        _col("kind", sa.String(16)), _col("held_on", sa.Date()),
        _col("venue", sa.String(200), True), _col("first_slot", sa.String(5)),
        _col("slot_minutes", sa.Integer()), _col("slot_count", sa.Integer()),
        _col("status", sa.String(16)), _col("seed", sa.String(128)), _col("created_at", TZ),
        _pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "matching_day_entries"
    op.create_table(
        t, _id(), _col("day_id", sa.Integer()), _col("organisation_id", sa.Integer(), True),
        _col("candidate_id", sa.Integer(), True), _col("slots", JSON, True),
        _pk(t), _fk(t, "day_id", "matching_days"),
        _fk(t, "organisation_id", "matching_organisations"),
        _fk(t, "candidate_id", "matching_candidates"),
        sa.UniqueConstraint("day_id", "organisation_id", "candidate_id", name=f"uq_{t}_entry"),
    )
    _index(t, "day_id")
    t = "matching_interviews"
    op.create_table(
        t, _id(), _col("day_id", sa.Integer()), _col("organisation_id", sa.Integer()),
        _col("candidate_id", sa.Integer()), _col("slot", sa.Integer()), _col("fit", sa.Integer()),
        _col("result", sa.String(16), True), _col("notes", sa.Text(), True),
        _pk(t), _fk(t, "day_id", "matching_days"),
        _fk(t, "organisation_id", "matching_organisations"),
        _fk(t, "candidate_id", "matching_candidates"),
        sa.UniqueConstraint("day_id", "organisation_id", "slot", name=f"uq_{t}_org_slot"),
        sa.UniqueConstraint("day_id", "candidate_id", "slot", name=f"uq_{t}_candidate_slot"),
    )
    _index(t, "day_id", "candidate_id")
    t = "matching_counsel_sessions"
    op.create_table(
        t, _id(), _col("candidate_id", sa.Integer()), _col("coordinator_user_id", sa.Integer(), True),
        _col("held_on", sa.Date()), _col("kind", sa.String(32)), _col("notes", sa.Text()),
        _col("next_steps", sa.Text()), _col("created_at", TZ),
        _pk(t), _fk(t, "candidate_id", "matching_candidates"),
        _fk(t, "coordinator_user_id", "users"),
    )
    _index(t, "candidate_id")


def downgrade() -> None:
    for table in ("matching_counsel_sessions", "matching_interviews",
                  "matching_day_entries", "matching_days", "matching_outcomes",
                  "matching_offers", "matching_proposals", "matching_runs", "matching_rankings",
                  "matching_candidates", "matching_course_tags", "matching_postings",
                  "matching_org_members", "matching_organisations"):
        op.drop_table(table)
