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

from ilja.migrations.columns import JSON, TZ, column, fk, id_column, index, pk

revision = "0200"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "matching_organisations"
    op.create_table(
        t, id_column(), column("code", sa.String(64)), column("name", sa.String(200)), column("kind", sa.String(32)),
        column("association", sa.String(200), True), column("district", sa.String(20), True), column("created_at", TZ),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "matching_org_members"
    op.create_table(
        t, id_column(), column("organisation_id", sa.Integer()), column("user_id", sa.Integer()),
        pk(t), fk(t, "organisation_id", "matching_organisations"), fk(t, "user_id", "users"),
        sa.UniqueConstraint("organisation_id", "user_id", name=f"uq_{t}_pair"),
    )
    index(t, "organisation_id", "user_id")
    t = "matching_postings"
    op.create_table(
        t, id_column(), column("code", sa.String(64)), column("organisation_id", sa.Integer()),
        column("round_code", sa.String(64)), column("kind", sa.String(32)), column("title", sa.String(200)),
        column("description", sa.Text()), column("seats", sa.Integer()), column("required_skills", JSON),
        column("preferred_skills", JSON), column("ncs_codes", JSON), column("required_certifications", JSON),
        column("district", sa.String(20), True), column("starts_on", sa.Date(), True),
        column("ends_on", sa.Date(), True), column("monthly_pay", sa.Integer(), True), column("status", sa.String(16)),
        column("created_at", TZ),
        pk(t), fk(t, "organisation_id", "matching_organisations"), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    index(t, "organisation_id", "round_code")
    t = "matching_course_tags"
    op.create_table(
        t, id_column(), column("course_code", sa.String(64)), column("course_name", sa.String(200)),
        column("skills", JSON), column("ncs_codes", JSON),
        pk(t), sa.UniqueConstraint("course_code", name=f"uq_{t}_course_code"),
    )
    t = "matching_candidates"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer()), column("enrolment_id", sa.Integer(), True),
        column("course_code", sa.String(64), True), column("training_status", sa.String(16)),
        column("description", sa.Text()), column("skills", JSON), column("certifications", JSON),
        column("preferred_districts", JSON), column("preferred_fields", JSON),
        column("coordinator_user_id", sa.Integer(), True), column("active", sa.Boolean()), column("created_at", TZ),
        column("updated_at", TZ),
        pk(t), fk(t, "person_id", "persons"), fk(t, "coordinator_user_id", "users"),
        sa.UniqueConstraint("person_id", name=f"uq_{t}_person_id"),
    )
    index(t, "coordinator_user_id")
    t = "matching_rankings"
    op.create_table(
        t, id_column(), column("side", sa.String(16)), column("candidate_id", sa.Integer()),
        column("posting_id", sa.Integer()), column("rank", sa.Integer()),
        pk(t), fk(t, "candidate_id", "matching_candidates"), fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("side", "candidate_id", "posting_id", name=f"uq_{t}_pair"),
    )
    index(t, "candidate_id", "posting_id")
    t = "matching_runs"
    op.create_table(
        t, id_column(), column("round_code", sa.String(64)), column("method", sa.String(16)),
        column("status", sa.String(16)), column("seed", sa.String(128)), column("seed_commitment", sa.String(64)),
        column("inputs_hash", sa.String(64)), column("parameters", JSON), column("candidates", sa.Integer()),
        column("postings", sa.Integer()), column("matched", sa.Integer()), column("total_fit", sa.Integer()),
        column("blocking_pairs", sa.Integer()), column("created_at", TZ), column("created_by", sa.String(100), True),
        column("confirmed_at", TZ, True), column("confirmed_by", sa.String(100), True),
        pk(t),
    )
    index(t, "round_code")
    t = "matching_proposals"
    op.create_table(
        t, id_column(), column("run_id", sa.Integer()), column("candidate_id", sa.Integer()),
        column("posting_id", sa.Integer()), column("fit", sa.Integer()), column("candidate_choice", sa.Integer()),
        column("status", sa.String(16)),
        pk(t), fk(t, "run_id", "matching_runs"), fk(t, "candidate_id", "matching_candidates"),
        fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("run_id", "candidate_id", name=f"uq_{t}_run_candidate"),
    )
    index(t, "run_id", "candidate_id", "posting_id")
    t = "matching_offers"
    op.create_table(
        t, id_column(), column("proposal_id", sa.Integer(), True), column("candidate_id", sa.Integer()),
        column("posting_id", sa.Integer()), column("status", sa.String(16)), column("offered_on", sa.Date()),
        column("decided_on", sa.Date(), True), column("decline_reason", sa.Text(), True),
        column("created_by", sa.String(100), True),
        pk(t), fk(t, "proposal_id", "matching_proposals"), fk(t, "candidate_id", "matching_candidates"),
        fk(t, "posting_id", "matching_postings"), sa.UniqueConstraint("proposal_id", name=f"uq_{t}_proposal_id"),
    )
    index(t, "candidate_id", "posting_id")
    t = "matching_outcomes"
    op.create_table(
        t, id_column(), column("offer_id", sa.Integer()), column("person_id", sa.Integer()),
        column("organisation_id", sa.Integer()), column("posting_id", sa.Integer()), column("employer", sa.String(200)),
        column("kind", sa.String(32)), column("job_title", sa.String(200)), column("hired_on", sa.Date()),
        column("monthly_pay", sa.Integer(), True), column("recorded_by", sa.String(100), True),
        column("created_at", TZ),
        pk(t), fk(t, "offer_id", "matching_offers"), fk(t, "person_id", "persons"),
        fk(t, "organisation_id", "matching_organisations"), fk(t, "posting_id", "matching_postings"),
        sa.UniqueConstraint("offer_id", name=f"uq_{t}_offer_id"),
    )
    index(t, "person_id", "hired_on")
    t = "matching_days"
    op.create_table(
        t, id_column(), column("code", sa.String(64)), column("title", sa.String(200)), column("kind", sa.String(16)),
        column("held_on", sa.Date()), column("venue", sa.String(200), True), column("first_slot", sa.String(5)),
        column("slot_minutes", sa.Integer()), column("slot_count", sa.Integer()), column("status", sa.String(16)),
        column("seed", sa.String(128)), column("created_at", TZ),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "matching_day_entries"
    op.create_table(
        t, id_column(), column("day_id", sa.Integer()), column("organisation_id", sa.Integer(), True),
        column("candidate_id", sa.Integer(), True), column("slots", JSON, True),
        pk(t), fk(t, "day_id", "matching_days"), fk(t, "organisation_id", "matching_organisations"),
        fk(t, "candidate_id", "matching_candidates"),
        sa.UniqueConstraint("day_id", "organisation_id", "candidate_id", name=f"uq_{t}_entry"),
    )
    index(t, "day_id")
    t = "matching_interviews"
    op.create_table(
        t, id_column(), column("day_id", sa.Integer()), column("organisation_id", sa.Integer()),
        column("candidate_id", sa.Integer()), column("slot", sa.Integer()), column("fit", sa.Integer()),
        column("result", sa.String(16), True), column("notes", sa.Text(), True),
        pk(t), fk(t, "day_id", "matching_days"), fk(t, "organisation_id", "matching_organisations"),
        fk(t, "candidate_id", "matching_candidates"),
        sa.UniqueConstraint("day_id", "organisation_id", "slot", name=f"uq_{t}_org_slot"),
        sa.UniqueConstraint("day_id", "candidate_id", "slot", name=f"uq_{t}_candidate_slot"),
    )
    index(t, "day_id", "candidate_id")
    t = "matching_counsel_sessions"
    op.create_table(
        t, id_column(), column("candidate_id", sa.Integer()), column("coordinator_user_id", sa.Integer(), True),
        column("held_on", sa.Date()), column("kind", sa.String(32)), column("notes", sa.Text()),
        column("next_steps", sa.Text()), column("created_at", TZ),
        pk(t), fk(t, "candidate_id", "matching_candidates"), fk(t, "coordinator_user_id", "users"),
    )
    index(t, "candidate_id")


def downgrade() -> None:
    for table in ("matching_counsel_sessions", "matching_interviews",
                  "matching_day_entries", "matching_days", "matching_outcomes",
                  "matching_offers", "matching_proposals", "matching_runs", "matching_rankings",
                  "matching_candidates", "matching_course_tags", "matching_postings",
                  "matching_org_members", "matching_organisations"):
        op.drop_table(table)
