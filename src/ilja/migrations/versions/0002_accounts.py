"""Accounts, login sessions, API tokens, the append-only audit log and its monthly reviews.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users", id_column(), column("login", sa.String(100)), column("display_name", sa.String(200)),
        column("role", sa.String(32)), column("password_hash", sa.String(255)), column("person_id", sa.Integer(), True),
        column("site_code", sa.String(64), True), column("active", sa.Boolean()), column("created_at", TZ),
        column("password_changed_at", TZ), column("throttle", sa.JSON(none_as_null=True), True),
        pk("users"), sa.UniqueConstraint("login", name="uq_users_login"),
    )
    index("users", "person_id")
    op.create_table(
        "login_sessions", column("token_hash", sa.String(64)), column("user_id", sa.Integer()),
        column("csrf_token", sa.String(64)), column("created_at", TZ), column("expires_at", TZ),
        column("last_seen_at", TZ), column("source_address", sa.String(64), True), column("revoked", sa.Boolean()),
        fk("login_sessions", "user_id", "users"), pk("login_sessions", "token_hash"),
    )
    index("login_sessions", "user_id")
    op.create_table(
        "api_tokens", id_column(), column("user_id", sa.Integer()), column("name", sa.String(100)),
        column("token_hash", sa.String(64)), column("created_at", TZ), column("expires_at", TZ),
        column("last_used_at", TZ, True), column("revoked", sa.Boolean()),
        fk("api_tokens", "user_id", "users"), pk("api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    index("api_tokens", "user_id")
    op.create_table(
        "audit_log", sa.Column("sequence", BIG, autoincrement=False, nullable=False), column("timestamp", TZ),
        column("actor_id", sa.String(100), True), column("actor_role", sa.String(32), True),
        column("source_address", sa.String(64), True), column("action", sa.String(64)),
        column("subject_person_id", sa.String(64), True), column("object_type", sa.String(64), True),
        column("object_id", sa.String(100), True), column("reason", sa.Text(), True),
        column("details", sa.JSON(none_as_null=True), True), column("canonical", sa.Text()),
        column("previous_hash", sa.String(64)), column("entry_hash", sa.String(64)),
        pk("audit_log", "sequence"), sa.UniqueConstraint("entry_hash", name="uq_audit_log_entry_hash"),
    )
    index("audit_log", "timestamp", "actor_id", "action", "subject_person_id")
    op.create_table(
        "audit_head", column("id", sa.Integer()), column("sequence", BIG), column("entry_hash", sa.String(64)),
        pk("audit_head"),
    )
    op.create_table(
        "audit_reviews", id_column(), column("month", sa.String(7)), column("reviewed_at", TZ),
        column("reviewer_id", sa.Integer()), column("chain_ok", sa.Boolean()), column("findings", sa.Text()),
        column("summary", sa.JSON(none_as_null=True)),
        fk("audit_reviews", "reviewer_id", "users"), pk("audit_reviews"),
        sa.UniqueConstraint("month", name="uq_audit_reviews_month"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ilja_audit_append_only() RETURNS trigger AS $$
            BEGIN RAISE EXCEPTION 'audit_log is append-only'; END
            $$ LANGUAGE plpgsql""")
        op.execute("""CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
                      FOR EACH ROW EXECUTE FUNCTION ilja_audit_append_only()""")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"""CREATE TRIGGER audit_log_no_{event.lower()} BEFORE {event} ON audit_log
                           BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS ilja_audit_append_only()")
    for table in ("audit_reviews", "audit_head", "audit_log", "api_tokens", "login_sessions", "users"):
        op.drop_table(table)
