"""Accounts, login sessions, API tokens, the append-only audit log and its monthly reviews.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, fk, id_column, index, pk

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "users",
        id_column(),
        sa.Column("login", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("site_code", sa.String(64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("password_changed_at", TZ, nullable=False),
        sa.Column("throttle", sa.JSON(none_as_null=True), nullable=True),
        pk("users"),
        sa.UniqueConstraint("login", name="uq_users_login"),
    )
    index("users", "person_id")
    op.create_table(
        "login_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("last_seen_at", TZ, nullable=False),
        sa.Column("source_address", sa.String(64), nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        fk("login_sessions", "user_id", "users"),
        pk("login_sessions", "token_hash"),
    )
    index("login_sessions", "user_id")
    op.create_table(
        "api_tokens",
        id_column(),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("expires_at", TZ, nullable=False),
        sa.Column("last_used_at", TZ, nullable=True),
        sa.Column("revoked", sa.Boolean(), nullable=False),
        fk("api_tokens", "user_id", "users"),
        pk("api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )
    index("api_tokens", "user_id")
    op.create_table(
        "audit_log",
        sa.Column("sequence", BIG, autoincrement=False, nullable=False),
        sa.Column("timestamp", TZ, nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("actor_role", sa.String(32), nullable=True),
        sa.Column("source_address", sa.String(64), nullable=True),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject_person_id", sa.String(64), nullable=True),
        sa.Column("object_type", sa.String(64), nullable=True),
        sa.Column("object_id", sa.String(100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("canonical", sa.Text(), nullable=False),
        sa.Column("previous_hash", sa.String(64), nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        pk("audit_log", "sequence"),
        sa.UniqueConstraint("entry_hash", name="uq_audit_log_entry_hash"),
    )
    for column in ("timestamp", "actor_id", "action", "subject_person_id"):
        op.create_index(f"ix_audit_log_{column}", "audit_log", [column])
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sequence", BIG, nullable=False),
        sa.Column("entry_hash", sa.String(64), nullable=False),
        pk("audit_head"),
    )
    op.create_table(
        "audit_reviews",
        id_column(),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("reviewed_at", TZ, nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("chain_ok", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("summary", sa.JSON(none_as_null=True), nullable=False),
        fk("audit_reviews", "reviewer_id", "users"),
        pk("audit_reviews"),
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
