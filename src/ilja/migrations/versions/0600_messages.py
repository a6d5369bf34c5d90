"""Messages (issue 18 §1): the outbox, per-channel deliveries and a person's message preferences.

Revision ID: 0600
Revises: 0008

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0600"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "messages_outbox"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer()), column("topic", sa.String(64)),
        column("language", sa.String(2)), column("subject", sa.String(300)), column("body", sa.Text()),
        column("mandatory", sa.Boolean()), column("subject_ref", sa.String(200), True), column("status", sa.String(16)),
        column("created_at", TZ), column("delivered_at", TZ, True), column("read_at", TZ, True),
        pk(t),
        fk(t, "person_id", "persons"),
    )
    op.create_index("ix_messages_outbox_person_created", t, ["person_id", "created_at"])
    index(t, "topic", "status", "subject_ref")

    t = "messages_deliveries"
    op.create_table(
        t, id_column(), column("message_id", sa.Integer()), column("channel", sa.String(16)),
        column("address", sa.String(254), True), column("subject", sa.String(300)), column("body", sa.Text()),
        column("idempotency_key", sa.String(64)), column("status", sa.String(16)), column("attempts", sa.Integer()),
        column("next_attempt_at", TZ), column("lease_owner", sa.String(64), True), column("lease_until", TZ, True),
        column("delivered_at", TZ, True), column("provider_ref", sa.String(200), True),
        column("last_error", sa.String(300), True),
        pk(t),
        fk(t, "message_id", "messages_outbox", ondelete="CASCADE"),
        sa.UniqueConstraint("message_id", "channel", name=f"uq_{t}_message_id"),
        sa.UniqueConstraint("idempotency_key", name=f"uq_{t}_idempotency_key"),
    )
    op.create_index("ix_messages_deliveries_due", t, ["status", "next_attempt_at"])

    t = "messages_preferences"
    op.create_table(
        t, column("person_id", sa.Integer()), column("language", sa.String(2)), column("email", sa.Boolean()),
        column("phone_channel", sa.String(16)), column("opted_out", sa.JSON()), column("updated_at", TZ),
        sa.PrimaryKeyConstraint("person_id", name=f"pk_{t}"),
        fk(t, "person_id", "persons", ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("messages_preferences")
    op.drop_table("messages_deliveries")
    op.drop_table("messages_outbox")
