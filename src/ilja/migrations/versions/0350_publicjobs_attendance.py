"""Public-job attendance recorded several ways (issue 19 §3): the method of each timesheet entry,
the host's check-in boards and the participants' attempts, excused absences with evidence, overrides
awaiting a second staff member's approval.

Revision ID: 0350
Revises: 0301

A branch of its own beside the payments (0302 …): both revise 0301. Every entry made before this
revision was the host's (the month's form or a file): they read ``roll_call``.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, JSON, TZ, column, evidence_columns, fk, id_column, index, pk

revision = "0350"
down_revision = "0301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pj_timesheet_entries") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False, server_default="roll_call"))
    op.create_table(
        "pj_checkin_boards", id_column(), column("project_id", sa.Integer()), column("day", sa.Date()),
        column("secret", sa.String(64)), column("opened_by", sa.String(100), True), column("opened_at", TZ),
        column("closed_at", TZ, True),
        pk("pj_checkin_boards"), fk("pj_checkin_boards", "project_id", "pj_projects"),
    )
    index("pj_checkin_boards", "project_id")
    op.create_table(
        "pj_checkin_attempts", id_column(BIGID), column("person_id", sa.Integer()),
        column("board_id", sa.Integer(), True), column("at", TZ), column("verdict", sa.String(16)),
        pk("pj_checkin_attempts"), fk("pj_checkin_attempts", "person_id", "persons"),
        fk("pj_checkin_attempts", "board_id", "pj_checkin_boards"),
    )
    index("pj_checkin_attempts", "person_id", "at")
    op.create_table(
        "pj_excused", id_column(), column("placement_id", sa.Integer()), column("day", sa.Date()),
        column("kind", sa.String(16)), column("paid", sa.Boolean()), column("rule", JSON),
        *evidence_columns(), column("recorded_by", sa.String(100), True),
        column("recorded_at", TZ),
        pk("pj_excused"), fk("pj_excused", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "day", name="uq_pj_excused_placement_id"),
    )
    index("pj_excused", "placement_id")
    op.create_table(
        "pj_overrides", id_column(), column("placement_id", sa.Integer()), column("day", sa.Date()),
        column("before", JSON, True), column("kind", sa.String(16)), column("milli_hours", sa.Integer()),
        column("reason", sa.String(1000)), column("status", sa.String(16)),
        column("requested_by", sa.String(100), True), column("requested_at", TZ),
        column("decided_by", sa.String(100), True), column("decided_at", TZ, True),
        column("decision_note", sa.String(1000), True),
        pk("pj_overrides"), fk("pj_overrides", "placement_id", "pj_placements"),
    )
    index("pj_overrides", "placement_id", "status")


def downgrade() -> None:
    for table in ("pj_overrides", "pj_excused", "pj_checkin_attempts", "pj_checkin_boards"):
        op.drop_table(table)
    with op.batch_alter_table("pj_timesheet_entries") as table:
        table.drop_column("method")
