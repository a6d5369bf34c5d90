"""Support: employer events (hiring briefings, company visits, visiting academy) and sign-ups.

Revision ID: 0503
Revises: 0502
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0503"
down_revision = "0502"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_events"
    op.create_table(
        t, id_column(), column("kind", sa.String(24)), column("title", sa.String(200)),
        column("organisation_code", sa.String(64), True), column("organisation_name", sa.String(200)),
        column("university", sa.String(200), True), column("campus_code", sa.String(64), True),
        column("place", sa.String(200)), column("starts_at", TZ), column("capacity", sa.Integer()),
        column("confirmed", sa.Integer()), column("waitlisted", sa.Integer()), column("cancelled", sa.Boolean()),
        column("created_at", TZ), column("created_by", sa.String(100), True),
        pk(t),
    )
    index(t, "kind", "starts_at")
    t = "support_event_signups"
    op.create_table(
        t, id_column(), column("event_id", sa.Integer()), column("person_id", sa.Integer()),
        column("status", sa.String(16)), column("signed_up_at", TZ), column("attended", sa.Boolean(), True),
        column("hired", sa.Boolean(), True), column("hired_on", sa.Date(), True),
        column("follow_up_note", sa.Text(), True),
        pk(t),
        fk(t, "event_id", "support_events"),
        fk(t, "person_id", "persons"),
        sa.UniqueConstraint("event_id", "person_id", name=f"uq_{t}_event_id"),
    )
    index(t, "event_id", "person_id")


def downgrade() -> None:
    op.drop_table("support_event_signups")
    op.drop_table("support_events")
