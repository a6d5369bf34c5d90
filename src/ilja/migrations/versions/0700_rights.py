"""Rights: decisions about a person with reasons, basis and deadlines; objections (이의신청).

Revision ID: 0700
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0700"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "rights_decisions"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer()), column("kind", sa.String(40)),
        column("status", sa.String(16)), column("subject_ref", sa.String(80)), column("reasons_ko", sa.Text()),
        column("reasons_en", sa.Text()), column("basis", sa.JSON()), column("details", sa.JSON(), True),
        column("decided_on", sa.Date()), column("answer_by", sa.Date(), True), column("effective_on", sa.Date(), True),
        column("objection_by", sa.Date(), True), column("appeal_by", sa.Date(), True),
        column("answer_token", sa.Text(), True), column("answered_at", TZ, True),
        column("actor_id", sa.String(100), True), column("actor_role", sa.String(32)), column("created_at", TZ),
        fk(t, "person_id", "persons"),
        pk(t),
    )
    index(t, "person_id", "kind", "status", "subject_ref")
    t = "rights_appeals"
    op.create_table(
        t, id_column(), column("decision_id", sa.Integer()), column("person_id", sa.Integer()),
        column("status", sa.String(16)), column("text_token", sa.Text()),
        column("attachment_sha256", sa.String(64), True), column("attachment_type", sa.String(40), True),
        column("attachment_bytes", sa.Integer(), True), column("filed_at", TZ), column("filed_on", sa.Date()),
        column("due_on", sa.Date()), column("assigned_user_id", sa.Integer(), True), column("assigned_at", TZ, True),
        column("decided_at", TZ, True), column("decided_on", sa.Date(), True),
        column("decided_by", sa.String(100), True), column("reasons", sa.Text(), True),
        column("remedy", sa.JSON(), True),
        fk(t, "decision_id", "rights_decisions"),
        fk(t, "person_id", "persons"),
        fk(t, "assigned_user_id", "users"),
        pk(t),
    )
    index(t, "decision_id", "person_id", "status")


def downgrade() -> None:
    op.drop_table("rights_appeals")
    op.drop_table("rights_decisions")
