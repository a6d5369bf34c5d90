"""Verification: papers, verified facts, records checks and what each selection run knew.

Revision ID: 0900
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, fk, id_column, index, pk

revision = "0900"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "verification_documents"
    op.create_table(
        t, id_column(), column("application_id", sa.Integer()), column("person_id", sa.Integer()),
        column("document", sa.String(40)), column("via", sa.String(16)), column("sha256", sa.String(64), True),
        column("media_type", sa.String(40), True), column("size", sa.Integer(), True), column("note", sa.Text(), True),
        column("recorded_by", sa.String(100), True), column("recorded_at", sa.DateTime(timezone=True)),
        fk(t, "application_id", "applications", "CASCADE"), fk(t, "person_id", "persons"),
        pk(t),
        sa.UniqueConstraint("application_id", "document", name=f"uq_{t}_application_id_document"),
    )
    index(t, "application_id", "person_id")
    t = "verification_records_checks"
    op.create_table(
        t, id_column(), column("round_id", sa.Integer()), column("checked_on", sa.Date()),
        column("file_sha256", sa.String(64)), column("rows", sa.Integer()), column("became_ineligible", sa.Integer()),
        column("imported_by", sa.String(100), True), column("imported_at", sa.DateTime(timezone=True)),
        fk(t, "round_id", "rounds"), pk(t),
    )
    index(t, "round_id")
    t = "verified_facts"
    op.create_table(
        t, id_column(), column("application_id", sa.Integer()), column("round_id", sa.Integer()),
        column("person_id", sa.Integer()), column("fact", sa.String(40)), column("value", sa.JSON(), True),
        column("declared", sa.JSON(), True), column("method", sa.String(20)), column("source", sa.String(200)),
        column("document_id", sa.Integer(), True), column("check_id", sa.Integer(), True),
        column("reason", sa.Text(), True), column("verified_by", sa.String(100), True),
        column("verified_at", sa.DateTime(timezone=True)),
        fk(t, "application_id", "applications", "CASCADE"), fk(t, "document_id", "verification_documents", "SET NULL"),
        fk(t, "check_id", "verification_records_checks"), pk(t),
        sa.UniqueConstraint("application_id", "fact", name=f"uq_{t}_application_id_fact"),
    )
    index(t, "round_id")
    t = "verification_at_selection"
    op.create_table(
        t, id_column(), column("round_id", sa.Integer()), column("application_id", sa.Integer()),
        column("state", sa.String(16)), column("facts", sa.JSON()), column("deadline", sa.Date(), True),
        column("recorded_at", sa.DateTime(timezone=True)),
        fk(t, "round_id", "rounds"), fk(t, "application_id", "applications", "CASCADE"),
        pk(t),
        sa.UniqueConstraint("round_id", "application_id", name=f"uq_{t}_round_id_application_id"),
    )
    index(t, "round_id", "application_id")


def downgrade() -> None:
    for table in ("verification_at_selection", "verified_facts", "verification_records_checks",
                  "verification_documents"):
        op.drop_table(table)
