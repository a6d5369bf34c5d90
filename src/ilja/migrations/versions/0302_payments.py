"""Public jobs: the payment loop — payments with their status history, transfer files, the
bank's results and corrected pay accounts (issue 19 §1).

Revision ID: 0302
Revises: 0301

``UNIQUE(line_id)`` keeps a pay line to one payment; a corrected account number and its holder
are stored only as encrypted tokens.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, TZ, column, fk, id_column, index, pk

revision = "0302"
down_revision = "0301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pj_transfers", id_column(), column("program_code", sa.String(64)), column("run_id", sa.Integer(), True),
        column("payments", sa.Integer()), column("total", sa.BigInteger()), column("actor_id", sa.String(100), True),
        column("at", TZ),
        pk("pj_transfers"), fk("pj_transfers", "run_id", "pj_payroll_runs"),
    )
    index("pj_transfers", "program_code", "run_id")
    op.create_table(
        "pj_pay_accounts", id_column(), column("person_id", sa.Integer()), column("bank_code", sa.String(3)),
        column("number_token", sa.String(255)), column("number_last4", sa.String(4)),
        column("holder_token", sa.String(255)), column("entered_by", sa.String(16)),
        column("actor_id", sa.String(100), True), column("created_at", TZ),
        pk("pj_pay_accounts"), fk("pj_pay_accounts", "person_id", "persons"),
    )
    index("pj_pay_accounts", "person_id")
    op.create_table(
        "pj_payments", id_column(), column("line_id", sa.Integer()), column("run_id", sa.Integer()),
        column("placement_id", sa.Integer()), column("project_id", sa.Integer()), column("person_id", sa.Integer()),
        column("program_code", sa.String(64)), column("month", sa.Integer()), column("amount", sa.BigInteger()),
        column("status", sa.String(16)), column("attempt", sa.Integer()), column("transfer_id", sa.Integer(), True),
        column("account_id", sa.Integer(), True), column("due_on", sa.Date()), column("paid_on", sa.Date(), True),
        column("days_late", sa.Integer(), True), column("reject_reason", sa.String(32), True), column("updated_at", TZ),
        pk("pj_payments"), fk("pj_payments", "line_id", "pj_pay_lines"), fk("pj_payments", "run_id", "pj_payroll_runs"),
        fk("pj_payments", "placement_id", "pj_placements"), fk("pj_payments", "project_id", "pj_projects"),
        fk("pj_payments", "transfer_id", "pj_transfers"), fk("pj_payments", "account_id", "pj_pay_accounts"),
        sa.UniqueConstraint("line_id", name="uq_pj_payments_line_id"),
    )
    index("pj_payments", "run_id", "placement_id", "person_id", "status")
    op.create_table(
        "pj_payment_events", id_column(BIGID), column("payment_id", sa.Integer()), column("status", sa.String(16)),
        column("attempt", sa.Integer()), column("transfer_id", sa.Integer(), True),
        column("bank_date", sa.Date(), True), column("reason", sa.String(32), True),
        column("account_id", sa.Integer(), True), column("note", sa.Text(), True),
        column("actor_id", sa.String(100), True), column("at", TZ),
        pk("pj_payment_events"), fk("pj_payment_events", "payment_id", "pj_payments"),
        fk("pj_payment_events", "transfer_id", "pj_transfers"),
        fk("pj_payment_events", "account_id", "pj_pay_accounts"),
    )
    index("pj_payment_events", "payment_id", "transfer_id")


def downgrade() -> None:
    op.drop_table("pj_payment_events")
    op.drop_table("pj_payments")
    op.drop_table("pj_pay_accounts")
    op.drop_table("pj_transfers")
