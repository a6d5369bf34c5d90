"""Outcomes: per completer and judge, the days they were first counted and first excluded
(``outcome_states``), and the judges kept (``outcome_state_judges``) — issue 20 §4.

Revision ID: 0401
Revises: 0400

The dashboard counted every rate by judging each outcome row known by the date; it now counts
these states (``ilja.outcomes.states``). The upgrade counts them from the outcome rows already
stored, for every dated rate definition in the rules data; the downgrade drops both tables (the
outcome rows they were counted from stay).
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk
from ilja.outcomes import states

revision = "0401"
down_revision = "0400"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "outcome_state_judges"
    op.create_table(t, id_column(), column("key", sa.String(300)), column("counted_at", TZ),
                    pk(t), sa.UniqueConstraint("key", name=f"uq_{t}_key"))
    t = "outcome_states"
    op.create_table(
        t, column("judge_id", sa.Integer()), column("participation_id", sa.Integer()),
        column("program_code", sa.String(64)), column("completed_on", sa.Date()),
        column("campus_code", sa.String(64), True),
        column("counted_on", sa.Date(), True), column("excluded_on", sa.Date(), True),
        sa.PrimaryKeyConstraint("judge_id", "participation_id", name=f"pk_{t}"),
        fk(t, "judge_id", "outcome_state_judges", "CASCADE"),
        fk(t, "participation_id", "outcome_participations", "CASCADE"),
    )
    index(t, "participation_id")
    op.create_index(f"ix_{t}_judge_completed", t, ["judge_id", "completed_on"])
    states.recount(op.get_bind())


def downgrade() -> None:
    op.drop_table("outcome_states")
    op.drop_table("outcome_state_judges")
