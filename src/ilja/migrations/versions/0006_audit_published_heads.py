"""Published audit heads, and triggers that refuse TRUNCATE of the audit tables.

Revision ID: 0006
Revises: 0005

``TRUNCATE`` fires no row trigger, so on PostgreSQL it emptied ``audit_log`` past the UPDATE and
DELETE triggers; statement triggers now refuse it on every audit table (SQLite has no TRUNCATE:
its DELETE triggers stand). Deleting the ``audit_head`` row is refused too, as it is never
deleted. ``audit_published_heads`` keeps every head sealed by ``ilja audit publish-head``; its
rows are only inserted.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import column, id_column, index, pk

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TRUNCATE_REFUSED = ("audit_log", "audit_head", "audit_intake", "audit_published_heads")


def upgrade() -> None:
    op.create_table(
        "audit_published_heads", id_column(), column("sequence", BIG), column("entry_hash", sa.String(64)),
        column("sealed_at", sa.DateTime(timezone=True)), column("key_id", sa.String(48)), column("mac", sa.String(64)),
        pk("audit_published_heads"),
    )
    index("audit_published_heads", "sealed_at")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ilja_audit_refuse() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP; END
            $$ LANGUAGE plpgsql""")
        for table in TRUNCATE_REFUSED:
            op.execute(f"""CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
                           FOR EACH STATEMENT EXECUTE FUNCTION ilja_audit_refuse()""")
        op.execute("""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
                      FOR EACH ROW EXECUTE FUNCTION ilja_audit_refuse()""")
        op.execute("""CREATE TRIGGER audit_published_heads_append_only
                      BEFORE UPDATE OR DELETE ON audit_published_heads
                      FOR EACH ROW EXECUTE FUNCTION ilja_audit_refuse()""")
    else:
        op.execute("""CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head
                      BEGIN SELECT RAISE(ABORT, 'audit_head is append-only: DELETE refused'); END""")
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_published_heads_no_{event.lower()}
                           BEFORE {event} ON audit_published_heads
                           BEGIN SELECT RAISE(ABORT, 'audit_published_heads is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TRUNCATE_REFUSED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP TRIGGER IF EXISTS audit_head_no_delete ON audit_head")
        op.drop_table("audit_published_heads")
        op.execute("DROP FUNCTION IF EXISTS ilja_audit_refuse()")
        return
    op.execute("DROP TRIGGER IF EXISTS audit_head_no_delete")
    op.drop_table("audit_published_heads")
