"""Public jobs: a project's own period (사업 기간), set on the project page.

Revision ID: 0301
Revises: 0300

Both dates may be empty: a project without its own period runs for the plan's period of its
program (the projects made before this revision), as placements have done until now.
"""

import sqlalchemy as sa
from alembic import op

revision = "0301"
down_revision = "0300"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pj_projects") as table:
        table.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        table.add_column(sa.Column("ends_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("pj_projects") as table:
        table.drop_column("ends_on")
        table.drop_column("starts_on")
