"""Offers of a seat with a deadline to accept or decline, and the waitlist in force (issue 18 §3).

Revision ID: 0009
Revises: 0008

``selection_outcomes.current_waitlist`` holds each application's waitlist places after the
promotions; a run already drawn gets its draw's places where it has no withdrawals yet (the
others are read by replaying them).
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("selection_outcomes",
                  sa.Column("current_waitlist", sa.JSON(none_as_null=True), nullable=True))
    op.execute("UPDATE selection_outcomes SET current_waitlist = waitlist WHERE run_id NOT IN "
               "(SELECT run_id FROM selection_withdrawals)")
    op.create_table(
        "selection_offers", id_column(), column("run_id", sa.Integer()), column("application_id", sa.Integer()),
        column("unit_code", sa.String(64)), column("seat", sa.String(16), True), column("sequence", sa.Integer(), True),
        column("waitlist_place", sa.Integer(), True), column("state", sa.String(16)), column("made_at", TZ),
        column("deadline_at", TZ), column("decided_at", TZ, True), column("decided_by", sa.String(100), True),
        fk("selection_offers", "run_id", "selection_runs", ondelete="CASCADE"),
        fk("selection_offers", "application_id", "applications"), pk("selection_offers"),
    )
    index("selection_offers", "run_id", "application_id", "state")


def downgrade() -> None:
    op.drop_table("selection_offers")
    with op.batch_alter_table("selection_outcomes") as batch:
        batch.drop_column("current_waitlist")
