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

from ilja.migrations.columns import BIGID, JSON, TZ, fk, id_column, index, pk

revision = "0350"
down_revision = "0301"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pj_timesheet_entries") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False, server_default="roll_call"))
    op.create_table(
        "pj_checkin_boards", id_column(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=True),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        pk("pj_checkin_boards"),
        fk("pj_checkin_boards", "project_id", "pj_projects"),
    )
    index("pj_checkin_boards", "project_id")
    op.create_table(
        "pj_checkin_attempts",
        id_column(BIGID),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        pk("pj_checkin_attempts"),
        fk("pj_checkin_attempts", "person_id", "persons"),
        fk("pj_checkin_attempts", "board_id", "pj_checkin_boards"),
    )
    index("pj_checkin_attempts", "person_id", "at")
    op.create_table(
        "pj_excused", id_column(),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("rule", JSON, nullable=False),
        sa.Column("evidence_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_type", sa.String(40), nullable=True),
        sa.Column("evidence_bytes", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        pk("pj_excused"),
        fk("pj_excused", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "day", name="uq_pj_excused_placement_id"),
    )
    index("pj_excused", "placement_id")
    op.create_table(
        "pj_overrides", id_column(),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("before", JSON, nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("milli_hours", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=True),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_note", sa.String(1000), nullable=True),
        pk("pj_overrides"),
        fk("pj_overrides", "placement_id", "pj_placements"),
    )
    index("pj_overrides", "placement_id", "status")


def downgrade() -> None:
    for table in ("pj_overrides", "pj_excused", "pj_checkin_attempts", "pj_checkin_boards"):
        op.drop_table(table)
    with op.batch_alter_table("pj_timesheet_entries") as table:
        table.drop_column("method")
