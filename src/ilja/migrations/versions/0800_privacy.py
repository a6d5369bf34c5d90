"""Privacy: the consents given with applications and the requests to correct personal data.

Revision ID: 0800
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import fk, id_column, index, pk

revision = "0800"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_consents",
        id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("given_via", sa.String(16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(100), nullable=True),
        fk("privacy_consents", "person_id", "persons"),
        fk("privacy_consents", "application_id", "applications"),
        pk("privacy_consents"),
    )
    index("privacy_consents", "person_id", "application_id")
    op.create_index("ix_privacy_consents_person_id_purpose", "privacy_consents", ["person_id", "purpose"])
    op.create_table(
        "privacy_corrections",
        id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(32), nullable=False),
        sa.Column("wrong", sa.Text(), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("filed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("corrected_fields", sa.String(200), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(100), nullable=True),
        fk("privacy_corrections", "person_id", "persons"),
        pk("privacy_corrections"),
    )
    index("privacy_corrections", "person_id")
    op.create_index("ix_privacy_corrections_status_due_on", "privacy_corrections", ["status", "due_on"])


def downgrade() -> None:
    op.drop_table("privacy_corrections")
    op.drop_table("privacy_consents")
