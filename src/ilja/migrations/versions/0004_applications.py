"""Recruitment rounds, units with seats, applications with eligibility snapshots and status
history; selection runs, their outcomes and the withdrawals after the draw.

Revision ID: 0004
Revises: 0003

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``UNIQUE(round_id, person_id)`` refuses a second application of a person to a round,
``UNIQUE(round_id, idempotency_key)`` makes a retried submission find the first one, and
``UNIQUE(round_id)`` on ``selection_runs`` keeps a round from being drawn twice.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, TZ, fk, id_column, index, pk

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rounds",
        id_column(),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("track_code", sa.String(64), nullable=True),
        sa.Column("project", sa.String(200), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("opens_at", TZ, nullable=False),
        sa.Column("closes_at", TZ, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("max_preferences", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("seed_commitment", sa.String(64), nullable=True),
        sa.Column("seed_revealed", sa.String(128), nullable=True),
        sa.Column("policy_options", JSON, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        pk("rounds"),
    )
    index("rounds", "program_code", "status")
    op.create_table(
        "round_seeds",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(128), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        fk("round_seeds", "round_id", "rounds", ondelete="CASCADE"),
        pk("round_seeds", "round_id"),
    )
    op.create_table(
        "round_units",
        id_column(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=True),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        fk("round_units", "round_id", "rounds", "CASCADE"),
        pk("round_units"),
        sa.UniqueConstraint("round_id", "code", name="uq_round_units_round_id_code"),
    )
    index("round_units", "round_id")
    op.create_table(
        "eligibility_contexts",
        id_column(),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        sa.Column("parameter_version", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(32), nullable=False),
        sa.Column("content", JSON, nullable=False),
        pk("eligibility_contexts"),
        sa.UniqueConstraint("digest", name="uq_eligibility_contexts_digest"),
    )
    op.create_table(
        "applications",
        id_column(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("preferences", JSON, nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("request_digest", sa.String(64), nullable=False),
        sa.Column("submitted_at", TZ, nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("status_changed_at", TZ, nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("eligibility", JSON, nullable=False),
        sa.Column("eligibility_context_id", sa.Integer(), nullable=False),
        sa.Column("parameter_version", sa.String(64), nullable=False),
        sa.Column("code_version", sa.String(32), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("announced_on", sa.Date(), nullable=False),
        fk("applications", "round_id", "rounds"),
        fk("applications", "person_id", "persons"),
        fk("applications", "eligibility_context_id", "eligibility_contexts"),
        pk("applications"),
        sa.UniqueConstraint("round_id", "person_id", name="uq_applications_round_id_person_id"),
        sa.UniqueConstraint("round_id", "idempotency_key",
                            name="uq_applications_round_id_idempotency_key"),
    )
    index("applications", "person_id")
    op.create_index("ix_applications_round_id_status", "applications", ["round_id", "status"])
    op.create_table(
        "application_events",
        id_column(),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=True),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("reason_code", sa.String(40), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=True),
        sa.Column("at", TZ, nullable=False),
        fk("application_events", "application_id", "applications", "CASCADE"),
        pk("application_events"),
    )
    op.create_index("ix_application_events_application_id", "application_events",
                    ["application_id"])
    op.create_table(
        "selection_runs",
        id_column(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("commitment", sa.String(64), nullable=False),
        sa.Column("seed", sa.String(128), nullable=True),
        sa.Column("code_version", sa.String(32), nullable=True),
        sa.Column("lottery_scheme", sa.String(200), nullable=True),
        sa.Column("policy", JSON, nullable=True),
        sa.Column("units", JSON, nullable=True),
        sa.Column("input_hash", sa.String(64), nullable=True),
        sa.Column("output_hash", sa.String(64), nullable=True),
        sa.Column("current_output_hash", sa.String(64), nullable=True),
        sa.Column("applicants", sa.Integer(), nullable=True),
        sa.Column("stats", JSON, nullable=True),
        sa.Column("prepared_at", TZ, nullable=False),
        sa.Column("prepared_by", sa.String(100), nullable=True),
        sa.Column("started_at", TZ, nullable=True),
        sa.Column("finished_at", TZ, nullable=True),
        sa.Column("run_by", sa.String(100), nullable=True),
        fk("selection_runs", "round_id", "rounds"),
        pk("selection_runs"),
        sa.UniqueConstraint("round_id", name="uq_selection_runs_round_id"),
    )
    op.create_table(
        "selection_outcomes",
        id_column(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("applicant_key", sa.String(32), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("priority", sa.Boolean(), nullable=False),
        sa.Column("preferences", JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("unit_code", sa.String(64), nullable=True),
        sa.Column("seat", sa.String(16), nullable=True),
        sa.Column("choice", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("waitlist", JSON, nullable=False),
        sa.Column("current_status", sa.String(20), nullable=False),
        sa.Column("current_unit_code", sa.String(64), nullable=True),
        sa.Column("current_seat", sa.String(16), nullable=True),
        fk("selection_outcomes", "run_id", "selection_runs", "CASCADE"),
        fk("selection_outcomes", "application_id", "applications"),
        pk("selection_outcomes"),
        sa.UniqueConstraint("run_id", "application_id",
                            name="uq_selection_outcomes_run_id_application_id"),
    )
    index("selection_outcomes", "run_id")
    op.create_index("ix_selection_outcomes_application_id", "selection_outcomes",
                    ["application_id"])
    op.create_table(
        "selection_withdrawals",
        id_column(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("leavers", JSON, nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.Column("output_hash", sa.String(64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("actor_role", sa.String(32), nullable=False),
        fk("selection_withdrawals", "run_id", "selection_runs", "CASCADE"),
        pk("selection_withdrawals"),
        sa.UniqueConstraint("run_id", "sequence", name="uq_selection_withdrawals_run_id_sequence"),
    )
    index("selection_withdrawals", "run_id")


def downgrade() -> None:
    for table in ("selection_withdrawals", "selection_outcomes", "selection_runs",
                  "application_events", "applications", "eligibility_contexts", "round_units",
                  "round_seeds", "rounds"):
        op.drop_table(table)
