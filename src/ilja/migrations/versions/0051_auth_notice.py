"""Account and token changes announced to every server process (issue 20 §1).

Revision ID: 0051
Revises: 0007

The web workers keep the API tokens they checked in memory (``ilja.accounts.token_cache``) and
forget them all when PostgreSQL announces, on the ``ilja_auth`` channel, that a token or an
account changed in a way that decides whether a token may be used: revoked or expired, an
account deactivated, its role, approval, site or link to a person changed, or rows deleted.
Triggers send the notice, so a change made by any path (the app, the CLI, plain SQL) is
announced; PostgreSQL delivers it when the changing transaction commits. SQLite has no
notices: there tokens are read from the database on every request, as before.
"""

from alembic import op

revision = "0051"
down_revision = "0007"
branch_labels = None
depends_on = None

WATCHED = {
    "api_tokens": "revoked, expires_at, user_id, token_hash",
    "users": "active, role, approved_at, person_id, site_code, display_name, login",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE FUNCTION ilja_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN PERFORM pg_notify('ilja_auth', TG_TABLE_NAME); RETURN NULL; END $$")
    for table, columns in WATCHED.items():
        op.execute(f"CREATE TRIGGER {table}_auth_changed AFTER UPDATE OF {columns} OR DELETE "
                   f"OR TRUNCATE ON {table} FOR EACH STATEMENT "
                   "EXECUTE FUNCTION ilja_auth_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_auth_changed ON {table}")
    op.execute("DROP FUNCTION IF EXISTS ilja_auth_changed()")
