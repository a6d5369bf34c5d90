"""Support: training subsidies for employment-vulnerable youth — the company social-contribution
programs that fund them, grants, online-course progress and monthly payments.

Revision ID: 0502
Revises: 0501
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, fk, id_column, pk

revision = "0502"
down_revision = "0501"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_csr_programs"
    op.create_table(
        t, id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("company", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("budget_won", sa.Integer(), nullable=False),
        sa.Column("committed_won", sa.Integer(), nullable=False),
        sa.Column("paid_won", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "support_subsidy_grants"
    op.create_table(
        t, id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("course_label", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("monthly_amount_won", sa.Integer(), nullable=False),
        sa.Column("eligibility", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "person_id", "persons"), fk(t, "program_id", "support_csr_programs"),
    )
    op.create_index(f"ix_{t}_person_id", t, ["person_id"])
    op.create_index(f"ix_{t}_program_id", t, ["program_id"])
    t = "support_subsidy_progress"
    op.create_table(
        t, id_column(),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("progress_milli", sa.Integer(), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        pk(t), fk(t, "grant_id", "support_subsidy_grants"),
        sa.UniqueConstraint("grant_id", "month", name=f"uq_{t}_grant_id"),
    )
    t = "support_subsidy_payments"
    op.create_table(
        t, id_column(),
        sa.Column("grant_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("attendance_milli", sa.Integer(), nullable=True),
        sa.Column("amount_won", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("run_on", sa.Date(), nullable=False),
        pk(t), fk(t, "grant_id", "support_subsidy_grants"),
        sa.UniqueConstraint("grant_id", "month", name=f"uq_{t}_grant_id"),
    )
    op.create_index(f"ix_{t}_month", t, ["month"])


def downgrade() -> None:
    for t in ("support_subsidy_payments", "support_subsidy_progress", "support_subsidy_grants",
              "support_csr_programs"):
        op.drop_table(t)
