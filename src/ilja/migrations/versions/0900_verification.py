"""Verification: papers, verified facts, records checks and what each selection run knew.

Revision ID: 0900
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import fk, id_column

revision = "0900"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "verification_documents"
    op.create_table(
        t,
        id_column(),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(40), nullable=False),
        sa.Column("via", sa.String(16), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.Column("media_type", sa.String(40), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        fk(t, "application_id", "applications", "CASCADE"), fk(t, "person_id", "persons"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("application_id", "document", name=f"uq_{t}_application_id_document"),
    )
    op.create_index(f"ix_{t}_application_id", t, ["application_id"])
    op.create_index(f"ix_{t}_person_id", t, ["person_id"])
    t = "verification_records_checks"
    op.create_table(
        t,
        id_column(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("file_sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("became_ineligible", sa.Integer(), nullable=False),
        sa.Column("imported_by", sa.String(100), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        fk(t, "round_id", "rounds"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_round_id", t, ["round_id"])
    t = "verified_facts"
    op.create_table(
        t,
        id_column(),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("fact", sa.String(40), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("declared", sa.JSON(), nullable=True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.String(100), nullable=True),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=False),
        fk(t, "application_id", "applications", "CASCADE"),
        fk(t, "document_id", "verification_documents", "SET NULL"),
        fk(t, "check_id", "verification_records_checks"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("application_id", "fact", name=f"uq_{t}_application_id_fact"),
    )
    op.create_index(f"ix_{t}_round_id", t, ["round_id"])
    t = "verification_at_selection"
    op.create_table(
        t,
        id_column(),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("facts", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        fk(t, "round_id", "rounds"), fk(t, "application_id", "applications", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.UniqueConstraint("round_id", "application_id", name=f"uq_{t}_round_id_application_id"),
    )
    op.create_index(f"ix_{t}_round_id", t, ["round_id"])
    op.create_index(f"ix_{t}_application_id", t, ["application_id"])


def downgrade() -> None:
    for table in ("verification_at_selection", "verified_facts", "verification_records_checks",
                  "verification_documents"):
        op.drop_table(table)
