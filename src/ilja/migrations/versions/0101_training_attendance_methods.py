"""Training attendance recorded several ways (issue 19 §3): the method of each record, check-in
boards and attempts, excused absences with evidence, overrides awaiting a second approval.

Revision ID: 0101
Revises: 0100

Every record made before this revision was the operator's (a roll call or an import, which were
not told apart): they read ``roll_call``.
"""

import sqlalchemy as sa
from alembic import op

revision = "0101"
down_revision = "0100"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=f"pk_{table}")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("training_attendance") as table:
        table.add_column(sa.Column("method", sa.String(16), nullable=False,
                                   server_default="roll_call"))
    op.create_table(
        "training_checkin_boards", _id(),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("secret", sa.String(64), nullable=False),
        sa.Column("opened_by", sa.String(100), nullable=True),
        sa.Column("opened_at", TZ, nullable=False),
        sa.Column("closed_at", TZ, nullable=True),
        _pk("training_checkin_boards"),
        _fk("training_checkin_boards", "cohort_id", "training_cohorts"),
    )
    op.create_index("ix_training_checkin_boards_cohort_id", "training_checkin_boards", ["cohort_id"])
    op.create_table(
        "training_checkin_attempts",
        sa.Column("id", BIGID, autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("board_id", sa.Integer(), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        _pk("training_checkin_attempts"),
        _fk("training_checkin_attempts", "person_id", "persons"),
        _fk("training_checkin_attempts", "board_id", "training_checkin_boards"),
    )
    op.create_index("ix_training_checkin_attempts_person_id", "training_checkin_attempts", ["person_id"])
    op.create_index("ix_training_checkin_attempts_at", "training_checkin_attempts", ["at"])
    op.create_table(
        "training_excused", _id(),
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
        _pk("training_excused"),
        _fk("training_excused", "enrolment_id", "training_enrolments"),
        sa.UniqueConstraint("enrolment_id", "day", name="uq_training_excused_enrolment_day"),
    )
    op.create_index("ix_training_excused_enrolment_id", "training_excused", ["enrolment_id"])
    op.create_table(
        "training_overrides", _id(),
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
        _pk("training_overrides"),
        _fk("training_overrides", "enrolment_id", "training_enrolments"),
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
