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

revision = "0201"
down_revision = "0200"
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True)
TZ = sa.DateTime(timezone=True)


def _null(name: str, type_: sa.types.TypeEngine) -> sa.Column:
    return sa.Column(name, type_, nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("matching_postings") as table:
        table.add_column(_null("deadline", sa.Date()))
        table.add_column(_null("weekly_hours", sa.Integer()))
        table.add_column(_null("shifts", JSON))
        table.add_column(_null("experience_years", sa.Integer()))
        table.add_column(_null("experience_field", sa.String(32)))
        table.add_column(_null("education", sa.String(16)))
        table.add_column(_null("preferred_certifications", JSON))
    with op.batch_alter_table("matching_candidates") as table:
        table.add_column(_null("experience", JSON))
        table.add_column(_null("education", sa.String(16)))
        table.add_column(_null("wanted_kinds", JSON))
        table.add_column(_null("min_monthly_pay", sa.Integer()))
        table.add_column(_null("max_weekly_hours", sa.Integer()))
        table.add_column(_null("shifts", JSON))
        table.add_column(_null("home_district", sa.String(20)))
        table.add_column(_null("max_commute_minutes", sa.Integer()))
        table.add_column(_null("available_from", sa.Date()))
    with op.batch_alter_table("matching_proposals") as table:
        table.add_column(_null("decided_by", sa.String(100)))
        table.add_column(_null("decided_at", TZ))
        table.add_column(_null("reason", sa.Text()))


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
