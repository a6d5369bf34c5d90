"""Training attendance recorded several ways (issue 19 §3): the method of each record, check-in
boards and attempts, excused absences with evidence, overrides awaiting a second approval.

Revision ID: 0101
Revises: 0100

Every record made before this revision was the operator's (a roll call or an import, which were
not told apart): they read ``roll_call``.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, JSON, TZ, fk, id_column, index, pk

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_attendance") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False,
                                   server_default="roll_call"))
    op.create_table(
        "training_checkin_boards", id_column(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=True),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        pk("training_checkin_boards"),
        fk("training_checkin_boards", "cohort_id", "training_cohorts"),
    )
    index("training_checkin_boards", "cohort_id")
    op.create_table(
        "training_checkin_attempts",
        id_column(BIGID),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        pk("training_checkin_attempts"),
        fk("training_checkin_attempts", "person_id", "persons"),
        fk("training_checkin_attempts", "board_id", "training_checkin_boards"),
    )
    index("training_checkin_attempts", "person_id", "at")
    op.create_table(
        "training_excused", id_column(),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("excused", sa.Boolean(), nullable=False),
        sa.Column("rule", JSON, nullable=False),
        sa.Column("evidence_sha256", sa.String(64), nullable=True),
        sa.Column("evidence_type", sa.String(40), nullable=True),
        sa.Column("evidence_bytes", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(100), nullable=True),
        sa.Column("recorded_at", TZ, nullable=False),
        pk("training_excused"),
        fk("training_excused", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_excused_enrolment_day"),
    )
    index("training_excused", "enrolment_id")
    op.create_table(
        "training_overrides", id_column(),
        sa.Column("enrolment_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("mark_before", sa.SmallInteger(), nullable=True),
        sa.Column("mark_after", sa.SmallInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=True),
        sa.Column("requested_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        pk("training_overrides"),
        fk("training_overrides", "enrolment_id", "training_enrolments"),
    )
    op.create_index("ix_training_overrides_enrolment_id", "training_overrides",
                    ["enrolment_id"])
    op.create_index("ix_training_overrides_status", "training_overrides",
                    ["status"])


def downgrade() -> None:
    for table in ("training_overrides", "training_excused", "training_checkin_attempts",
                  "training_checkin_boards"):
        op.drop_table(table)
    with op.batch_alter_table("training_attendance") as table:
        table.drop_column("method")
