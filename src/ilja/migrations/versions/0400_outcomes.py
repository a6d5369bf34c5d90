"""Outcomes: participations (completers and public-job participants), employment outcomes,
follow-ups, the alumni and Seoul AI Alliance registers, and staff-entered KPI figures.

Revision ID: 0400
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``UNIQUE(source_ref)`` makes reading completions from another domain idempotent.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, fk, id_column, pk

revision = "0400"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "outcome_participations"
    op.create_table(
        t, id_column(),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("track_code", sa.String(64), nullable=True),
        sa.Column("campus_code", sa.String(64), nullable=True),
        sa.Column("district_code", sa.String(8), nullable=True),
        sa.Column("course", sa.String(200), nullable=True),
        sa.Column("field", sa.String(64), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("started_year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("completed_year", sa.Integer(), nullable=True),
        sa.Column("completed_month", sa.String(7), nullable=True),
        sa.Column("source_ref", sa.String(100), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "person_id", "persons"),
        sa.UniqueConstraint("source_ref", name=f"uq_{t}_source_ref"),
    )
    op.create_index(f"ix_{t}_person_id", t, ["person_id"])
    op.create_index(f"ix_{t}_program_completed", t, ["program_code", "completed_on"])
    op.create_index(f"ix_{t}_program_started", t, ["program_code", "started_year"])

    t = "outcome_records"
    op.create_table(
        t, id_column(),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("months_after", sa.Integer(), nullable=False),
        sa.Column("employer", sa.String(200), nullable=True),
        sa.Column("job_title", sa.String(200), nullable=True),
        sa.Column("contract_type", sa.String(16), nullable=True),
        sa.Column("source", sa.String(24), nullable=False),
        sa.Column("follow_up_point", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk(t), fk(t, "participation_id", "outcome_participations", "CASCADE"),
    )
    op.create_index(f"ix_{t}_participation_kind", t, ["participation_id", "kind"])

    t = "outcome_follow_ups"
    op.create_table(
        t, id_column(),
        sa.Column("participation_id", sa.Integer(), nullable=False),
        sa.Column("point_months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("outcome_id", sa.Integer(), nullable=True),
        pk(t), fk(t, "participation_id", "outcome_participations", "CASCADE"),
        fk(t, "outcome_id", "outcome_records", "SET NULL"),
        sa.UniqueConstraint("participation_id", "point_months", name=f"uq_{t}_participation_id"),
    )
    op.create_index(f"ix_{t}_due_on", t, ["due_on"])

    t = "alumni_members"
    op.create_table(
        t, id_column(),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("campus_code", sa.String(64), nullable=True),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "person_id", "persons"),
        sa.UniqueConstraint("person_id", name=f"uq_{t}_person_id"),
    )
    t = "alumni_activities"
    op.create_table(
        t, id_column(),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("amount_won", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "member_id", "alumni_members", "CASCADE"),
    )
    op.create_index(f"ix_{t}_member_id", t, ["member_id"])
    t = "alliance_members"
    op.create_table(
        t, id_column(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("left_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), sa.UniqueConstraint("name", name=f"uq_{t}_name"),
    )
    t = "kpi_actuals"
    op.create_table(
        t, id_column(),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Numeric(18, 2), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        pk(t), sa.UniqueConstraint("scope", "metric", "year", name=f"uq_{t}_scope"),
    )


def downgrade() -> None:
    for table in ("kpi_actuals", "alliance_members", "alumni_activities", "alumni_members",
                  "outcome_follow_ups", "outcome_records", "outcome_participations"):
        op.drop_table(table)
