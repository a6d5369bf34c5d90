"""Rights: decisions about a person with reasons, basis and deadlines; objections (이의신청).

Revision ID: 0700
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, id_column

revision = "0700"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "rights_decisions"
    op.create_table(
        t,
        id_column(),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("subject_ref", sa.String(80), nullable=False),
        sa.Column("reasons_ko", sa.Text(), nullable=False),
        sa.Column("reasons_en", sa.Text(), nullable=False),
        sa.Column("basis", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("answer_by", sa.Date(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("objection_by", sa.Date(), nullable=True),
        sa.Column("appeal_by", sa.Date(), nullable=True),
        sa.Column("answer_token", sa.Text(), nullable=True),
        sa.Column("answered_at", TZ, nullable=True),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("actor_role", sa.String(32), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=f"fk_{t}_person_id_persons"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"))
    for column in ("person_id", "kind", "status", "subject_ref"):
        op.create_index(f"ix_{t}_{column}", t, [column])
    t = "rights_appeals"
    op.create_table(
        t,
        id_column(),
        sa.Column("decision_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("text_token", sa.Text(), nullable=False),
        sa.Column("attachment_sha256", sa.String(64), nullable=True),
        sa.Column("attachment_type", sa.String(40), nullable=True),
        sa.Column("attachment_bytes", sa.Integer(), nullable=True),
        sa.Column("filed_at", TZ, nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("assigned_user_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", TZ, nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(100), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("remedy", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["decision_id"], ["rights_decisions.id"],
                                name=f"fk_{t}_decision_id_rights_decisions"),
        sa.ForeignKeyConstraint(["person_id"], ["persons.id"], name=f"fk_{t}_person_id_persons"),
        sa.ForeignKeyConstraint(["assigned_user_id"], ["users.id"], name=f"fk_{t}_assigned_user_id_users"),
        sa.PrimaryKeyConstraint("id", name=f"pk_{t}"))
    for column in ("decision_id", "person_id", "status"):
        op.create_index(f"ix_{t}_{column}", t, [column])


def downgrade() -> None:
    op.drop_table("rights_appeals")
    op.drop_table("rights_decisions")
