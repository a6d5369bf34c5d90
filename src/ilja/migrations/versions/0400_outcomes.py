"""Outcomes: participations (completers and public-job participants), employment outcomes,
follow-ups, the alumni and Seoul AI Alliance registers, and staff-entered KPI figures.

Revision ID: 0400
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``UNIQUE(source_ref)`` makes reading completions from another domain idempotent.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import TZ, column, fk, id_column, index, pk

revision = "0400"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = "outcome_participations"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer(), True), column("program_code", sa.String(64)),
        column("track_code", sa.String(64), True), column("campus_code", sa.String(64), True),
        column("district_code", sa.String(8), True), column("course", sa.String(200), True),
        column("field", sa.String(64), True), column("started_on", sa.Date()), column("started_year", sa.Integer()),
        column("status", sa.String(16)), column("completed_on", sa.Date(), True),
        column("completed_year", sa.Integer(), True), column("completed_month", sa.String(7), True),
        column("source_ref", sa.String(100)), column("created_at", TZ), column("created_by", sa.String(100), True),
        pk(t), fk(t, "person_id", "persons"), sa.UniqueConstraint("source_ref", name=f"uq_{t}_source_ref"),
    )
    index(t, "person_id")
    op.create_index(f"ix_{t}_program_completed", t, ["program_code", "completed_on"])
    op.create_index(f"ix_{t}_program_started", t, ["program_code", "started_year"])

    t = "outcome_records"
    op.create_table(
        t, id_column(), column("participation_id", sa.Integer()), column("kind", sa.String(16)),
        column("effective_on", sa.Date()), column("recorded_on", sa.Date()), column("months_after", sa.Integer()),
        column("employer", sa.String(200), True), column("job_title", sa.String(200), True),
        column("contract_type", sa.String(16), True), column("source", sa.String(24)),
        column("follow_up_point", sa.Integer(), True), column("recorded_by", sa.String(100), True),
        column("created_at", TZ),
        pk(t), fk(t, "participation_id", "outcome_participations", "CASCADE"),
    )
    op.create_index(f"ix_{t}_participation_kind", t, ["participation_id", "kind"])

    t = "outcome_follow_ups"
    op.create_table(
        t, id_column(), column("participation_id", sa.Integer()), column("point_months", sa.Integer()),
        column("due_on", sa.Date()), column("done_on", sa.Date(), True), column("outcome_id", sa.Integer(), True),
        pk(t), fk(t, "participation_id", "outcome_participations", "CASCADE"),
        fk(t, "outcome_id", "outcome_records", "SET NULL"),
        sa.UniqueConstraint("participation_id", "point_months", name=f"uq_{t}_participation_id"),
    )
    index(t, "due_on")

    t = "alumni_members"
    op.create_table(
        t, id_column(), column("person_id", sa.Integer(), True), column("campus_code", sa.String(64), True),
        column("joined_on", sa.Date()), column("left_on", sa.Date(), True), column("created_by", sa.String(100), True),
        pk(t), fk(t, "person_id", "persons"), sa.UniqueConstraint("person_id", name=f"uq_{t}_person_id"),
    )
    t = "alumni_activities"
    op.create_table(
        t, id_column(), column("member_id", sa.Integer()), column("kind", sa.String(24)), column("on", sa.Date()),
        column("amount_won", sa.Integer(), True), column("created_by", sa.String(100), True),
        pk(t), fk(t, "member_id", "alumni_members", "CASCADE"),
    )
    index(t, "member_id")
    t = "alliance_members"
    op.create_table(
        t, id_column(), column("name", sa.String(200)), column("kind", sa.String(16)), column("joined_on", sa.Date()),
        column("left_on", sa.Date(), True), column("created_by", sa.String(100), True),
        pk(t), sa.UniqueConstraint("name", name=f"uq_{t}_name"),
    )
    t = "kpi_actuals"
    op.create_table(
        t, id_column(), column("scope", sa.String(64)), column("metric", sa.String(64)), column("year", sa.Integer()),
        column("value", sa.Numeric(18, 2)), column("source", sa.String(300)),
        column("recorded_by", sa.String(100), True), column("recorded_at", TZ),
        pk(t), sa.UniqueConstraint("scope", "metric", "year", name=f"uq_{t}_scope"),
    )


def downgrade() -> None:
    for table in ("kpi_actuals", "alliance_members", "alumni_activities", "alumni_members",
                  "outcome_follow_ups", "outcome_records", "outcome_participations"):
        op.drop_table(table)
