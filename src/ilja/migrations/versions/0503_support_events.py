"""Support: employer events (hiring briefings, company visits, visiting academy) and sign-ups.

Revision ID: 0503
Revises: 0502
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, id_column

revision = "0503"
down_revision = "0502"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "support_events"
    op.create_table(
        t, id_column(),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("organisation_code", sa.String(64), nullable=True),
        sa.Column("organisation_name", sa.String(200), nullable=False),
        sa.Column("university", sa.String(200), nullable=True),
        sa.Column("campus_code", sa.String(64), nullable=True),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("starts_at", TZ, nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.Column("waitlisted", sa.Integer(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
    )
    op.create_index(f"ix_{t}_kind", t, ["kind"])
    op.create_index(f"ix_{t}_starts_at", t, ["starts_at"])
    t = "support_event_signups"
    op.create_table(
        t, id_column(),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("signed_up_at", TZ, nullable=False),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("hired", sa.Boolean(), nullable=True),
        sa.Column("hired_on", sa.Date(), nullable=True),
        sa.Column("follow_up_note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"),
        sa.ForeignKeyConstraint(["event_id"], ["support_events.id"], name=f"fk_{t}_event_id_support_events"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=f"fk_{t}_person_id_persons"),
        sa.UniqueConstraint("event_id", "person_id", name=f"uq_{t}_event_id"),
    )
    op.create_index(f"ix_{t}_event_id", t, ["event_id"])
    op.create_index(f"ix_{t}_person_id", t, ["person_id"])


def downgrade() -> None:
    op.drop_table("support_event_signups")
    op.drop_table("support_events")
