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

from ilja.migrations.columns import JSON, TZ, column, fk, id_column, index, pk

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rounds", id_column(), column("program_code", sa.String(64)), column("track_code", sa.String(64), True),
        column("project", sa.String(200), True), column("title", sa.String(300)), column("announced_on", sa.Date()),
        column("opens_at", TZ), column("closes_at", TZ), column("starts_on", sa.Date()),
        column("max_preferences", sa.Integer()), column("status", sa.String(16)),
        column("seed_commitment", sa.String(64), True), column("seed_revealed", sa.String(128), True),
        column("policy_options", JSON, True), column("created_at", TZ), column("created_by", sa.String(100), True),
        column("updated_at", TZ),
        pk("rounds"),
    )
    index("rounds", "program_code", "status")
    op.create_table(
        "round_seeds", column("round_id", sa.Integer()), column("seed", sa.String(128)), column("created_at", TZ),
        fk("round_seeds", "round_id", "rounds", ondelete="CASCADE"), pk("round_seeds", "round_id"),
    )
    op.create_table(
        "round_units", id_column(), column("round_id", sa.Integer()), column("code", sa.String(64)),
        column("name", sa.String(200)), column("kind", sa.String(16)), column("seats", sa.Integer(), True),
        column("parent_code", sa.String(64), True), column("position", sa.Integer()),
        fk("round_units", "round_id", "rounds", "CASCADE"), pk("round_units"),
        sa.UniqueConstraint("round_id", "code", name="uq_round_units_round_id_code"),
    )
    index("round_units", "round_id")
    op.create_table(
        "eligibility_contexts", id_column(), column("digest", sa.String(64)), column("program_code", sa.String(64)),
        column("evaluated_on", sa.Date()), column("announced_on", sa.Date()),
        column("parameter_version", sa.String(64)), column("code_version", sa.String(32)), column("content", JSON),
        pk("eligibility_contexts"), sa.UniqueConstraint("digest", name="uq_eligibility_contexts_digest"),
    )
    op.create_table(
        "applications", id_column(), column("round_id", sa.Integer()), column("person_id", sa.Integer()),
        column("preferences", JSON), column("channel", sa.String(16)), column("idempotency_key", sa.String(128)),
        column("request_digest", sa.String(64)), column("submitted_at", TZ),
        column("submitted_by", sa.String(100), True), column("status", sa.String(20)), column("status_changed_at", TZ),
        column("eligible", sa.Boolean()), column("score", sa.Float()), column("priority", sa.Boolean()),
        column("eligibility", JSON), column("eligibility_context_id", sa.Integer()),
        column("parameter_version", sa.String(64)), column("code_version", sa.String(32)),
        column("evaluated_on", sa.Date()), column("announced_on", sa.Date()),
        fk("applications", "round_id", "rounds"), fk("applications", "person_id", "persons"),
        fk("applications", "eligibility_context_id", "eligibility_contexts"), pk("applications"),
        sa.UniqueConstraint("round_id", "person_id", name="uq_applications_round_id_person_id"),
        sa.UniqueConstraint("round_id", "idempotency_key",
                            name="uq_applications_round_id_idempotency_key"),
    )
    index("applications", "person_id")
    op.create_index("ix_applications_round_id_status", "applications", ["round_id", "status"])
    op.create_table(
        "application_events", id_column(), column("application_id", sa.Integer()),
        column("from_status", sa.String(20), True), column("to_status", sa.String(20)),
        column("actor_id", sa.String(100), True), column("actor_role", sa.String(32)),
        column("reason_code", sa.String(40)), column("note", sa.Text(), True), column("details", JSON, True),
        column("at", TZ),
        fk("application_events", "application_id", "applications", "CASCADE"), pk("application_events"),
    )
    index("application_events", "application_id")
    op.create_table(
        "selection_runs", id_column(), column("round_id", sa.Integer()), column("status", sa.String(16)),
        column("commitment", sa.String(64)), column("seed", sa.String(128), True),
        column("code_version", sa.String(32), True), column("lottery_scheme", sa.String(200), True),
        column("policy", JSON, True), column("units", JSON, True), column("input_hash", sa.String(64), True),
        column("output_hash", sa.String(64), True), column("current_output_hash", sa.String(64), True),
        column("applicants", sa.Integer(), True), column("stats", JSON, True), column("prepared_at", TZ),
        column("prepared_by", sa.String(100), True), column("started_at", TZ, True), column("finished_at", TZ, True),
        column("run_by", sa.String(100), True),
        fk("selection_runs", "round_id", "rounds"), pk("selection_runs"),
        sa.UniqueConstraint("round_id", name="uq_selection_runs_round_id"),
    )
    op.create_table(
        "selection_outcomes", id_column(), column("run_id", sa.Integer()), column("application_id", sa.Integer()),
        column("applicant_key", sa.String(32)), column("eligible", sa.Boolean()), column("score", sa.Float()),
        column("priority", sa.Boolean()), column("preferences", JSON), column("status", sa.String(20)),
        column("reason", sa.String(20)), column("unit_code", sa.String(64), True), column("seat", sa.String(16), True),
        column("choice", sa.Integer(), True), column("rank", sa.Integer(), True), column("waitlist", JSON),
        column("current_status", sa.String(20)), column("current_unit_code", sa.String(64), True),
        column("current_seat", sa.String(16), True),
        fk("selection_outcomes", "run_id", "selection_runs", "CASCADE"),
        fk("selection_outcomes", "application_id", "applications"), pk("selection_outcomes"),
        sa.UniqueConstraint("run_id", "application_id",
                            name="uq_selection_outcomes_run_id_application_id"),
    )
    index("selection_outcomes", "run_id", "application_id")
    op.create_table(
        "selection_withdrawals", id_column(), column("run_id", sa.Integer()), column("sequence", sa.Integer()),
        column("leavers", JSON), column("changes", JSON), column("output_hash", sa.String(64)),
        column("note", sa.Text(), True), column("at", TZ), column("actor_id", sa.String(100), True),
        column("actor_role", sa.String(32)),
        fk("selection_withdrawals", "run_id", "selection_runs", "CASCADE"), pk("selection_withdrawals"),
        sa.UniqueConstraint("run_id", "sequence", name="uq_selection_withdrawals_run_id_sequence"),
    )
    index("selection_withdrawals", "run_id")


def downgrade() -> None:
    for table in ("selection_withdrawals", "selection_outcomes", "selection_runs",
                  "application_events", "applications", "eligibility_contexts", "round_units",
                  "round_seeds", "rounds"):
        op.drop_table(table)
