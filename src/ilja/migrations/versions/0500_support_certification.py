"""Support: the certification catalogue, exam attempts, exam-fee claims and support budgets.

Revision ID: 0500
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``support_exam_attempts.enrolment_id`` names a training enrolment by id only (another domain's
branch), so this branch does not depend on training's.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, fk, id_column, pk

revision = "0500"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_certs"
    op.create_table(
        t, id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("vendor", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("fee_won", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        pk(t), sa.UniqueConstraint("code", name=f"uq_{t}_code"),
    )

    t = "support_budgets"
    op.create_table(
        t, id_column(),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount_won", sa.Integer(), nullable=False),
        sa.Column("committed_won", sa.Integer(), nullable=False),
        sa.Column("paid_won", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        pk(t), sa.UniqueConstraint("kind", "year", name=f"uq_{t}_kind"),
    )

    t = "support_exam_attempts"
    op.create_table(
        t, id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("certification_id", sa.Integer(), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("exam_on", sa.Date(), nullable=False),
        sa.Column("fee_paid_won", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(16), nullable=False),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("course_code", sa.String(64), nullable=True),
        sa.Column("campus_code", sa.String(64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "person_id", "persons"), fk(t, "certification_id", "support_certs"),
        sa.UniqueConstraint("person_id", "certification_id", "attempt_no", name=f"uq_{t}_person_id"),
    )
    for column in ("person_id", "certification_id", "course_code", "campus_code"):
        op.create_index(f"ix_{t}_{column}", t, [column])

    t = "support_fee_claims"
    op.create_table(
        t, id_column(),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("claimed_on", sa.Date(), nullable=False),
        sa.Column("amount_entitled_won", sa.Integer(), nullable=False),
        sa.Column("entitlement", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("receipt_sha256", sa.String(64), nullable=False),
        sa.Column("receipt_type", sa.String(40), nullable=False),
        sa.Column("receipt_bytes", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.Integer(), nullable=True),
        sa.Column("amount_approved_won", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_ref", sa.String(100), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        pk(t), fk(t, "attempt_id", "support_exam_attempts"), fk(t, "person_id", "persons"),
        fk(t, "budget_id", "support_budgets"),
        sa.UniqueConstraint("attempt_id", name=f"uq_{t}_attempt_id"),
    )
    op.create_index(f"ix_{t}_person_id", t, ["person_id"])
    op.create_index(f"ix_{t}_status", t, ["status"])


def downgrade() -> None:
    for t in ("support_fee_claims", "support_exam_attempts", "support_budgets", "support_certs"):
        op.drop_table(t)
