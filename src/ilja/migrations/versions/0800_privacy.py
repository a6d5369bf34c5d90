"""Privacy: the consents given with applications and the requests to correct personal data.

Revision ID: 0800
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, fk, id_column, index, pk

revision = "0800"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_consents", id_column(), column("person_id", sa.Integer()),
        column("application_id", sa.Integer(), True), column("purpose", sa.String(32)),
        column("version", sa.String(32)), column("given_via", sa.String(16)),
        column("given_at", sa.DateTime(timezone=True)), column("recorded_by", sa.String(100), True),
        column("withdrawn_at", sa.DateTime(timezone=True), True), column("withdrawn_by", sa.String(100), True),
        fk("privacy_consents", "person_id", "persons"), fk("privacy_consents", "application_id", "applications"),
        pk("privacy_consents"),
    )
    index("privacy_consents", "person_id", "application_id")
    op.create_index("ix_privacy_consents_person_id_purpose", "privacy_consents", ["person_id", "purpose"])
    op.create_table(
        "privacy_corrections", id_column(), column("person_id", sa.Integer()), column("item", sa.String(32)),
        column("wrong", sa.Text()), column("asked", sa.Text()), column("filed_at", sa.DateTime(timezone=True)),
        column("due_on", sa.Date()), column("status", sa.String(16)), column("answer", sa.Text(), True),
        column("corrected_fields", sa.String(200), True), column("answered_at", sa.DateTime(timezone=True), True),
        column("answered_by", sa.String(100), True),
        fk("privacy_corrections", "person_id", "persons"), pk("privacy_corrections"),
    )
    index("privacy_corrections", "person_id")
    op.create_index("ix_privacy_corrections_status_due_on", "privacy_corrections", ["status", "due_on"])


def downgrade() -> None:
    op.drop_table("privacy_corrections")
    op.drop_table("privacy_consents")
