"""Support: alumni participation — mentoring pairs, talent-donation sessions, scholarships.

Revision ID: 0504
Revises: 0503

Alumni members and their activity rows live in the outcomes branch; they are named here by id
only, so this branch does not depend on it.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, fk, id_column, index, pk

revision = "0504"
down_revision = "0503"
branch_labels = None
depends_on = None


def _table(name: str, *columns: sa.Column, person: str | None = None) -> None:
    extra = [fk(name, person, "persons")] if person else []
    op.create_table(
        name, id_column(), *columns, column("activity_id", sa.Integer(), True),
        column("created_by", sa.String(100), True),
        pk(name),
        *extra,
    )


def upgrade() -> None:
    t = "support_mentoring_pairs"
    _table(t, sa.Column("mentor_member_id", sa.Integer(), nullable=False),
           sa.Column("mentee_person_id", sa.Integer(), nullable=False),
           sa.Column("started_on", sa.Date(), nullable=False),
           sa.Column("ended_on", sa.Date(), nullable=True),
           sa.Column("meetings", sa.Integer(), nullable=False), person="mentee_person_id")
    index(t, "mentor_member_id", "mentee_person_id")
    t = "support_talent_sessions"
    _table(t, sa.Column("member_id", sa.Integer(), nullable=False),
           sa.Column("topic", sa.String(200), nullable=False),
           sa.Column("campus_code", sa.String(64), nullable=True),
           sa.Column("held_on", sa.Date(), nullable=False),
           sa.Column("minutes", sa.Integer(), nullable=False),
           sa.Column("attendees", sa.Integer(), nullable=False),
           sa.Column("counted", sa.Boolean(), nullable=False))
    index(t, "member_id")
    t = "support_scholarships"
    _table(t, sa.Column("donor_member_id", sa.Integer(), nullable=False),
           sa.Column("recipient_person_id", sa.Integer(), nullable=False),
           sa.Column("amount_won", sa.Integer(), nullable=False),
           sa.Column("awarded_on", sa.Date(), nullable=False), person="recipient_person_id")
    index(t, "donor_member_id", "recipient_person_id")


def downgrade() -> None:
    for t in ("support_scholarships", "support_talent_sessions", "support_mentoring_pairs"):
        op.drop_table(t)
