"""Matching a coordinator would trust (issue 23): what the hard filters read, and proposals
decided one by one.

Revision ID: 0201
Revises: 0200

Postings gain their deadline, weekly hours and shifts, the experience (years, field) and
education they require, and preferred certificates; candidates gain their experience, education,
wanted kinds, pay floor, weekly hours, shifts, home district and commute limit, and the day they
are available. Every new column may be empty: an unstated condition excludes nobody. A proposal
keeps who decided it and why (a veto's reason).
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, TZ, column

revision = "0201"
down_revision = "0200"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("matching_postings") as table:
        table.add_column(column("deadline", sa.Date(), null=True))
        table.add_column(column("weekly_hours", sa.Integer(), null=True))
        table.add_column(column("shifts", JSON, null=True))
        table.add_column(column("experience_years", sa.Integer(), null=True))
        table.add_column(column("experience_field", sa.String(32), null=True))
        table.add_column(column("education", sa.String(16), null=True))
        table.add_column(column("preferred_certifications", JSON, null=True))
    with op.batch_alter_table("matching_candidates") as table:
        table.add_column(column("experience", JSON, null=True))
        table.add_column(column("education", sa.String(16), null=True))
        table.add_column(column("wanted_kinds", JSON, null=True))
        table.add_column(column("min_monthly_pay", sa.Integer(), null=True))
        table.add_column(column("max_weekly_hours", sa.Integer(), null=True))
        table.add_column(column("shifts", JSON, null=True))
        table.add_column(column("home_district", sa.String(20), null=True))
        table.add_column(column("max_commute_minutes", sa.Integer(), null=True))
        table.add_column(column("available_from", sa.Date(), null=True))
    with op.batch_alter_table("matching_proposals") as table:
        table.add_column(column("decided_by", sa.String(100), null=True))
        table.add_column(column("decided_at", TZ, null=True))
        table.add_column(column("reason", sa.Text(), null=True))


def downgrade() -> None:
    with op.batch_alter_table("matching_proposals") as table:
        for name in ("reason", "decided_at", "decided_by"):
            table.drop_column(name)
    with op.batch_alter_table("matching_candidates") as table:
        for name in ("available_from", "max_commute_minutes", "home_district", "shifts",
                     "max_weekly_hours", "min_monthly_pay", "wanted_kinds", "education",
                     "experience"):
            table.drop_column(name)
    with op.batch_alter_table("matching_postings") as table:
        for name in ("preferred_certifications", "education", "experience_field",
                     "experience_years", "shifts", "weekly_hours", "deadline"):
            table.drop_column(name)
