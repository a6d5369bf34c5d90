"""Messages (issue 18 §1): the outbox, per-channel deliveries and a person's message preferences.

Revision ID: 0600
Revises: 0008

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, id_column

revision = "0600"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "messages_outbox"
    op.create_table(
        t,
        id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("subject_ref", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.Column("read_at", TZ, nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=f"fk_{t}_person_id_persons"),
    )
    op.create_index("ix_messages_outbox_person_created", t, ["person_id", "created_at"])
    op.create_index("ix_messages_outbox_topic", t, ["topic"])
    op.create_index("ix_messages_outbox_status", t, ["status"])
    op.create_index("ix_messages_outbox_subject_ref", t, ["subject_ref"])

    t = "messages_deliveries"
    op.create_table(
        t,
        id_column(),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(254), nullable=True),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TZ, nullable=False),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_until", TZ, nullable=True),
        sa.Column("delivered_at", TZ, nullable=True),
        sa.Column("provider_ref", sa.String(200), nullable=True),
        sa.Column("last_error", sa.String(300), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.ForeignKeyConstraint(["message_id"], ["messages_outbox.id"], ondelete="CASCADE",
                                name=f"fk_{t}_message_id_messages_outbox"),
        sa.UniqueConstraint("message_id", "channel", name=f"uq_{t}_message_id"),
        sa.UniqueConstraint("idempotency_key", name=f"uq_{t}_idempotency_key"),
    )
    op.create_index("ix_messages_deliveries_due", t, ["status", "next_attempt_at"])

    t = "messages_preferences"
    op.create_table(
        t,
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("phone_channel", sa.String(16), nullable=False),
        sa.Column("opted_out", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("person_id", name=f"pk_{t}"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], ondelete="CASCADE",
                                name=f"fk_{t}_person_id_persons"),
    )


def downgrade() -> None:
    op.drop_table("messages_preferences")
    op.drop_table("messages_deliveries")
    op.drop_table("messages_outbox")
