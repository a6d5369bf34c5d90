"""Training attendance recorded several ways (issue 19 §3): the method of each record, check-in
boards and attempts, excused absences with evidence, overrides awaiting a second approval.

Revision ID: 0101
Revises: 0100

Every record made before this revision was the operator's (a roll call or an import, which were
not told apart): they read ``roll_call``.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, JSON, TZ, column, evidence_columns, fk, id_column, index, pk

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("training_attendance") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False,
                                   server_default="roll_call"))
    op.create_table(
        "training_checkin_boards", id_column(), column("cohort_id", sa.Integer()), column("day", sa.Date()),
        column("secret", sa.String(64)), column("opened_by", sa.String(100), True), column("opened_at", TZ),
        column("closed_at", TZ, True),
        pk("training_checkin_boards"), fk("training_checkin_boards", "cohort_id", "training_cohorts"),
    )
    index("training_checkin_boards", "cohort_id")
    op.create_table(
        "training_checkin_attempts", id_column(BIGID), column("person_id", sa.Integer()),
        column("board_id", sa.Integer(), True), column("at", TZ), column("verdict", sa.String(16)),
        pk("training_checkin_attempts"), fk("training_checkin_attempts", "person_id", "persons"),
        fk("training_checkin_attempts", "board_id", "training_checkin_boards"),
    )
    index("training_checkin_attempts", "person_id", "at")
    op.create_table(
        "training_excused", id_column(), column("enrolment_id", sa.Integer()), column("day", sa.Date()),
        column("kind", sa.String(16)), column("excused", sa.Boolean()), column("rule", JSON),
        *evidence_columns(), column("recorded_by", sa.String(100), True),
        column("recorded_at", TZ),
        pk("training_excused"), fk("training_excused", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_excused_enrolment_day"),
    )
    index("training_excused", "enrolment_id")
    op.create_table(
        "training_overrides", id_column(), column("enrolment_id", sa.Integer()), column("day", sa.Date()),
        column("mark_before", sa.SmallInteger(), True), column("mark_after", sa.SmallInteger()),
        column("reason", sa.Text()), column("status", sa.String(16)), column("requested_by", sa.String(100), True),
        column("requested_at", TZ), column("decided_by", sa.String(100), True), column("decided_at", TZ, True),
        column("decision_note", sa.Text(), True),
        pk("training_overrides"), fk("training_overrides", "enrolment_id", "training_enrolments"),
    )
    index("training_overrides", "enrolment_id", "status")


def downgrade() -> None:
    for table in ("training_overrides", "training_excused", "training_checkin_attempts",
                  "training_checkin_boards"):
        op.drop_table(table)
    with op.batch_alter_table("training_attendance") as table:
        table.drop_column("method")
