"""Public jobs: the payment loop — payments with their status history, transfer files, the
bank's results and corrected pay accounts (issue 19 §1).

Revision ID: 0302
Revises: 0301

``UNIQUE(line_id)`` keeps a pay line to one payment; a corrected account number and its holder
are stored only as encrypted tokens.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, TZ, fk, id_column, index, pk

revision = "0302"
down_revision = "0301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pj_transfers",
        id_column(),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("payments", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("at", TZ, nullable=False),
        pk("pj_transfers"),
        fk("pj_transfers", "run_id", "pj_payroll_runs"),
    )
    index("pj_transfers", "program_code", "run_id")
    op.create_table(
        "pj_pay_accounts",
        id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("bank_code", sa.String(3), nullable=False),
        sa.Column("number_token", sa.String(255), nullable=False),
        sa.Column("number_last4", sa.String(4), nullable=False),
        sa.Column("holder_token", sa.String(255), nullable=False),
        sa.Column("entered_by", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("pj_pay_accounts"),
        fk("pj_pay_accounts", "person_id", "persons"),
    )
    index("pj_pay_accounts", "person_id")
    op.create_table(
        "pj_payments",
        id_column(),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("reject_reason", sa.String(32), nullable=True),
        sa.Column("updated_at", TZ, nullable=False),
        pk("pj_payments"),
        fk("pj_payments", "line_id", "pj_pay_lines"),
        fk("pj_payments", "run_id", "pj_payroll_runs"),
        fk("pj_payments", "placement_id", "pj_placements"),
        fk("pj_payments", "project_id", "pj_projects"),
        fk("pj_payments", "transfer_id", "pj_transfers"),
        fk("pj_payments", "account_id", "pj_pay_accounts"),
        sa.UniqueConstraint("line_id", name="uq_pj_payments_line_id"),
    )
    for column in ("run_id", "placement_id", "person_id", "status"):
        op.create_index(f"ix_pj_payments_{column}", "pj_payments", [column])
    op.create_table(
        "pj_payment_events",
        id_column(BIGID),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("transfer_id", sa.Integer(), nullable=True),
        sa.Column("bank_date", sa.Date(), nullable=True),
        sa.Column("reason", sa.String(32), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("at", TZ, nullable=False),
        pk("pj_payment_events"),
        fk("pj_payment_events", "payment_id", "pj_payments"),
        fk("pj_payment_events", "transfer_id", "pj_transfers"),
        fk("pj_payment_events", "account_id", "pj_pay_accounts"),
    )
    index("pj_payment_events", "payment_id", "transfer_id")


def downgrade() -> None:
    op.drop_table("pj_payment_events")
    op.drop_table("pj_payments")
    op.drop_table("pj_pay_accounts")
    op.drop_table("pj_transfers")
