"""Support: the certification catalogue, exam attempts, exam-fee claims and support budgets.

Revision ID: 0500
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``support_exam_attempts.enrolment_id`` names a training enrolment by id only (another domain's
branch), so this branch does not depend on training's.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0500"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_certs"
    op.create_table(
        t, id_column(), column("code", sa.String(64)), column("vendor", sa.String(64)), column("name", sa.String(200)),
        column("fee_won", sa.Integer()), column("active", sa.Boolean()), column("created_at", TZ),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )

    t = "support_budgets"
    op.create_table(
        t, id_column(), column("kind", sa.String(32)), column("year", sa.Integer()), column("amount_won", sa.Integer()),
        column("committed_won", sa.Integer()), column("paid_won", sa.Integer()), column("source", sa.String(300)),
        column("updated_at", TZ),
        pk(t), sa.UniqueConstraint("kind", "year", name=f"uq_{t}_kind"),
    )

    t = "support_exam_attempts"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer()), column("certification_id", sa.Integer()),
        column("attempt_no", sa.Integer()), column("exam_on", sa.Date()), column("fee_paid_won", sa.Integer()),
        column("result", sa.String(16)), column("enrolment_id", sa.Integer(), True),
        column("course_code", sa.String(64), True), column("campus_code", sa.String(64), True),
        column("created_at", TZ), column("created_by", sa.String(100), True),
        pk(t), fk(t, "person_id", "persons"), fk(t, "certification_id", "support_certs"),
        sa.UniqueConstraint("person_id", "certification_id", "attempt_no", name=f"uq_{t}_person_id"),
    )
    index(t, "person_id", "certification_id", "course_code", "campus_code")

    t = "support_fee_claims"
    op.create_table(
        t, id_column(), column("attempt_id", sa.Integer()), column("person_id", sa.Integer()),
        column("claimed_on", sa.Date()), column("amount_entitled_won", sa.Integer()), column("entitlement", sa.JSON()),
        column("status", sa.String(16)), column("receipt_sha256", sa.String(64)), column("receipt_type", sa.String(40)),
        column("receipt_bytes", sa.Integer()), column("budget_id", sa.Integer(), True),
        column("amount_approved_won", sa.Integer(), True), column("decided_by", sa.String(100), True),
        column("decided_at", TZ, True), column("decision_reason", sa.Text(), True), column("paid_on", sa.Date(), True),
        column("payment_ref", sa.String(100), True), column("created_at", TZ),
        column("created_by", sa.String(100), True),
        pk(t), fk(t, "attempt_id", "support_exam_attempts"), fk(t, "person_id", "persons"),
        fk(t, "budget_id", "support_budgets"), sa.UniqueConstraint("attempt_id", name=f"uq_{t}_attempt_id"),
    )
    index(t, "person_id", "status")


def downgrade() -> None:
    for t in ("support_fee_claims", "support_exam_attempts", "support_budgets", "support_certs"):
        op.drop_table(t)
