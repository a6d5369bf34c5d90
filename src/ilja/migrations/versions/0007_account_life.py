"""Account life (issue 17 §2): grants approved by a second administrator, one citizen account per
person, log-ins unique regardless of case, and log-in throttling per (login, address).

Revision ID: 0007
Revises: 0006

Accounts that exist already count as approved. Two logins differing only in case, or two
accounts linked to one person, stop the upgrade with their names: someone decides which to keep.
The account-wide throttle column goes: a stranger's failures no longer lock an account.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, drop_indexes, index, pk

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _refuse_duplicates() -> None:
    bind = op.get_bind()
    for what, query in (
        ("logins differing only in case",
         "SELECT lower(login) FROM users GROUP BY lower(login) HAVING count(*) > 1"),
        ("accounts linked to one person",
         "SELECT person_id FROM users WHERE person_id IS NOT NULL GROUP BY person_id "
         "HAVING count(*) > 1"),
    ):
        found = [str(value) for value in bind.execute(sa.text(query)).scalars()]
        if found:
            raise RuntimeError(f"cannot upgrade: {what}: {', '.join(found)}")


def upgrade() -> None:
    _refuse_duplicates()
    op.add_column("users", sa.Column("approved_at", TZ, nullable=True))
    op.add_column("users", sa.Column("pending_role", sa.String(32), nullable=True))
    op.add_column("users", sa.Column("requested_by", sa.Integer(), nullable=True))
    op.add_column("users", sa.Column("requested_at", TZ, nullable=True))
    op.execute("UPDATE users SET approved_at = created_at")
    op.drop_column("users", "throttle")
    drop_indexes("users", "person_id")
    op.create_index("uq_users_person_id", "users", ["person_id"], unique=True)
    op.create_index("uq_users_login_lower", "users", [sa.text("lower(login)")], unique=True)
    op.create_table(
        "login_throttles", column("key", sa.String(64)), column("state", sa.JSON(none_as_null=True)),
        column("updated_at", TZ),
        pk("login_throttles", "key"),
    )
    index("login_throttles", "updated_at")


def downgrade() -> None:
    drop_indexes("login_throttles", "updated_at")
    op.drop_table("login_throttles")
    op.drop_index("uq_users_login_lower", table_name="users")
    op.drop_index("uq_users_person_id", table_name="users")
    index("users", "person_id")
    op.add_column("users", sa.Column("throttle", sa.JSON(none_as_null=True), nullable=True))
    for name in ("requested_at", "requested_by", "pending_role", "approved_at"):
        op.drop_column("users", name)
