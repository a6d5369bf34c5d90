"""Privacy: the consents given with applications and the requests to correct personal data.

Revision ID: 0800
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0800"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_consents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("given_via", sa.String(16), nullable=False),
        sa.Column("given_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_by", sa.String(100), nullable=True),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_privacy_consents_person_id_persons"),
        sa.ForeignKeyConstraint(["application_id"], ["applications.id"],
                                name="fk_privacy_consents_application_id_applications"),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_consents"),
    )
    op.create_index("ix_privacy_consents_person_id", "privacy_consents", ["person_id"])
    op.create_index("ix_privacy_consents_application_id", "privacy_consents", ["application_id"])
    op.create_index("ix_privacy_consents_person_id_purpose", "privacy_consents", ["person_id", "purpose"])
    op.create_table(
        "privacy_corrections",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
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
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name="fk_privacy_corrections_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name="pk_privacy_corrections"),
    )
    op.create_index("ix_privacy_corrections_person_id", "privacy_corrections", ["person_id"])
    op.create_index("ix_privacy_corrections_status_due_on", "privacy_corrections", ["status", "due_on"])


def downgrade() -> None:
    op.drop_table("privacy_corrections")
    op.drop_table("privacy_consents")
