"""A round says when its draw was prepared (issue 22), so that the applications domain knows
whether staff may still add a late application without reading the selection's tables.

Revision ID: 0010
Revises: 0009

A round whose run is prepared already takes the run's ``prepared_at``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rounds", sa.Column("draw_prepared_at", sa.DateTime(timezone=True),
                                      nullable=True))
    op.execute("UPDATE rounds SET draw_prepared_at = (SELECT prepared_at FROM selection_runs "
               "WHERE selection_runs.round_id = rounds.id)")


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("draw_prepared_at")
