"""The audit intake: where a request's audit entries wait, for milliseconds, to be chained.

Revision ID: 0005
Revises: 0004

Writers used to chain their entry inside their own transaction, holding the chain head's row
lock until they committed, so every audited write in the city queued behind the slowest one.
Now a writer only inserts into ``audit_intake`` (no shared row, no lock) in its transaction; a
short sealing transaction, run right after the commit, moves the committed entries into
``audit_log`` in one go, numbering and hashing them under the head lock (the same idea as a
Certificate Transparency log's sequencer). Intake rows are never updated: they are inserted,
then deleted when they move, in the same transaction that appends them to the log.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, pk

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "audit_intake", sa.Column("id", BIG, autoincrement=True, nullable=False),
        column("timestamp", sa.DateTime(timezone=True)), column("actor_id", sa.String(100), True),
        column("actor_role", sa.String(32), True), column("source_address", sa.String(64), True),
        column("action", sa.String(64)), column("subject_person_id", sa.String(64), True),
        column("object_type", sa.String(64), True), column("object_id", sa.String(100), True),
        column("reason", sa.Text(), True), column("details", sa.JSON(none_as_null=True), True),
        pk("audit_intake"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ilja_audit_intake_no_update() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_intake rows are never changed'; END
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_intake_no_update BEFORE UPDATE ON audit_intake
                      FOR EACH ROW EXECUTE FUNCTION ilja_audit_intake_no_update()""")
    else:
        op.execute("""CREATE TRIGGER audit_intake_no_update BEFORE UPDATE ON audit_intake
                      BEGIN SELECT RAISE(ABORT, 'audit_intake rows are never changed'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_intake_no_update ON audit_intake")
        op.execute("DROP FUNCTION IF EXISTS ilja_audit_intake_no_update()")
    op.drop_table("audit_intake")
