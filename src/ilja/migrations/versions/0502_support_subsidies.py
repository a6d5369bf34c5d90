"""Support: training subsidies for employment-vulnerable youth — the company social-contribution
programs that fund them, grants, online-course progress and monthly payments.

Revision ID: 0502
Revises: 0501
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0502"
down_revision = "0501"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_csr_programs"
    op.create_table(
        t, id_column(), column("code", sa.String(64)), column("company", sa.String(200)),
        column("name", sa.String(200)), column("organisation_id", sa.Integer(), True),
        column("budget_won", sa.Integer()), column("committed_won", sa.Integer()), column("paid_won", sa.Integer()),
        column("starts_on", sa.Date()), column("ends_on", sa.Date()), column("created_at", TZ),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )
    t = "support_subsidy_grants"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer()), column("program_id", sa.Integer()),
        column("enrolment_id", sa.Integer(), True), column("course_label", sa.String(200)),
        column("starts_on", sa.Date()), column("months", sa.Integer()), column("monthly_amount_won", sa.Integer()),
        column("eligibility", sa.JSON()), column("status", sa.String(16)), column("created_at", TZ),
        column("created_by", sa.String(100), True),
        pk(t), fk(t, "person_id", "persons"), fk(t, "program_id", "support_csr_programs"),
    )
    index(t, "person_id", "program_id")
    t = "support_subsidy_progress"
    op.create_table(
        t, id_column(), column("grant_id", sa.Integer()), column("month", sa.String(7)),
        column("progress_milli", sa.Integer()), column("recorded_by", sa.String(100), True),
        pk(t), fk(t, "grant_id", "support_subsidy_grants"),
        sa.UniqueConstraint("grant_id", "month", name=f"uq_{t}_grant_id"),
    )
    t = "support_subsidy_payments"
    op.create_table(
        t, id_column(), column("grant_id", sa.Integer()), column("month", sa.String(7)),
        column("attendance_milli", sa.Integer(), True), column("amount_won", sa.Integer()),
        column("status", sa.String(16)), column("reason", sa.String(40), True), column("run_on", sa.Date()),
        pk(t), fk(t, "grant_id", "support_subsidy_grants"),
        sa.UniqueConstraint("grant_id", "month", name=f"uq_{t}_grant_id"),
    )
    index(t, "month")


def downgrade() -> None:
    for t in ("support_subsidy_payments", "support_subsidy_progress", "support_subsidy_grants",
              "support_csr_programs"):
        op.drop_table(t)
