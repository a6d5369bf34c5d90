"""Support: start-up incubation — teams, members, mentors, milestones, funding, stage history.

Revision ID: 0501
Revises: 0500
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0501"
down_revision = "0500"
branch_labels = None
depends_on = None


def _child(table: str, *columns: sa.Column, extra: tuple = ()) -> None:
    op.create_table(
        table, id_column(), column("startup_id", sa.Integer()), *columns,
        pk(table), fk(table, "startup_id", "support_startups"),
        *extra,
    )
    index(table, "startup_id")


def upgrade() -> None:
    t = "support_startups"
    op.create_table(
        t, id_column(), column("name", sa.String(200)), column("idea", sa.Text()), column("stage", sa.String(24)),
        column("campus_code", sa.String(64), True), column("startup_center_ref", sa.String(200), True),
        column("startup_center_linked_on", sa.Date(), True), column("launched_on", sa.Date(), True),
        column("created_at", TZ), column("created_by", sa.String(100), True),
        pk(t), sa.UniqueConstraint("name", name=f"uq_{t}_name"),
    )
    t = "support_startup_members"
    _child(t, sa.Column("person_id", sa.Integer(), nullable=False),
           sa.Column("role", sa.String(24), nullable=False),
           sa.Column("joined_on", sa.Date(), nullable=False),
           sa.Column("left_on", sa.Date(), nullable=True),
           sa.Column("outcome_id", sa.Integer(), nullable=True),
           extra=(fk(t, "person_id", "persons"),
                  sa.UniqueConstraint("startup_id", "person_id", name=f"uq_{t}_startup_id")))
    index(t, "person_id")
    _child("support_startup_mentors",
           sa.Column("name", sa.String(100), nullable=False),
           sa.Column("organisation", sa.String(200), nullable=True),
           sa.Column("expertise", sa.String(200), nullable=True),
           sa.Column("since", sa.Date(), nullable=False))
    _child("support_startup_milestones",
           sa.Column("title", sa.String(200), nullable=False),
           sa.Column("due_on", sa.Date(), nullable=False),
           sa.Column("done_on", sa.Date(), nullable=True))
    _child("support_startup_funding",
           sa.Column("kind", sa.String(16), nullable=False),
           sa.Column("funder", sa.String(200), nullable=False),
           sa.Column("amount_won", sa.Integer(), nullable=False),
           sa.Column("received_on", sa.Date(), nullable=False))
    _child("support_startup_stages",
           sa.Column("stage", sa.String(24), nullable=False),
           sa.Column("on", sa.Date(), nullable=False),
           sa.Column("note", sa.Text(), nullable=True),
           sa.Column("changed_by", sa.String(100), nullable=True))


def downgrade() -> None:
    for t in ("support_startup_stages", "support_startup_funding", "support_startup_milestones",
              "support_startup_mentors", "support_startup_members", "support_startups"):
        op.drop_table(t)
