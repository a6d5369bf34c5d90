"""Public jobs: projects, placements with history, timesheets with approvals and corrections,
payroll runs and pay lines.

Revision ID: 0300
Revises: 0004

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``.
``UNIQUE(placement_id, day)`` refuses a day entered twice and ``UNIQUE(placement_id, month)`` on
``pj_pay_lines`` refuses paying a participant twice for a month.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import BIGID, JSON, TZ, fk, id_column, index, pk

revision = "0300"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pj_projects",
        id_column(),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("track_code", sa.String(64), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("host_code", sa.String(64), nullable=False),
        sa.Column("host_name", sa.String(200), nullable=False),
        sa.Column("host_kind", sa.String(16), nullable=False),
        sa.Column("district_code", sa.String(5), nullable=True),
        sa.Column("seats", sa.Integer(), nullable=False),
        pk("pj_projects"),
        sa.UniqueConstraint("code", name="uq_pj_projects_code"),
    )
    index("pj_projects", "program_code", "host_code")
    op.create_table(
        "pj_placements",
        id_column(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("track_code", sa.String(64), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=False),
        sa.Column("planned_end_on", sa.Date(), nullable=False),
        sa.Column("daily_milli_hours", sa.Integer(), nullable=False),
        sa.Column("days_per_week", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("pension_exempt_from", sa.Date(), nullable=False),
        sa.Column("employment_insurance_exempt", sa.Boolean(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("pj_placements"),
        fk("pj_placements", "project_id", "pj_projects"),
        fk("pj_placements", "person_id", "persons"),
        fk("pj_placements", "application_id", "applications"),
        fk("pj_placements", "replaces_id", "pj_placements"),
        sa.UniqueConstraint("application_id", name="uq_pj_placements_application_id"),
    )
    for column in ("project_id", "program_code", "person_id", "status"):
        op.create_index(f"ix_pj_placements_{column}", "pj_placements", [column])
    op.create_table(
        "pj_placement_events",
        id_column(),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("details", JSON, nullable=True),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("at", TZ, nullable=False),
        pk("pj_placement_events"),
        fk("pj_placement_events", "placement_id", "pj_placements"),
    )
    op.create_index("ix_pj_placement_events_placement_id", "pj_placement_events",
                    ["placement_id"])
    op.create_table(
        "pj_timesheet_entries",
        id_column(BIGID),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("milli_hours", sa.Integer(), nullable=False),
        sa.Column("entered_by", sa.String(100), nullable=True),
        pk("pj_timesheet_entries"),
        fk("pj_timesheet_entries", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "day", name="uq_pj_timesheet_entries_placement_id"),
    )
    index("pj_timesheet_entries", "day")
    op.create_table(
        "pj_approvals",
        id_column(),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(100), nullable=True),
        sa.Column("approved_at", TZ, nullable=False),
        pk("pj_approvals"),
        fk("pj_approvals", "project_id", "pj_projects"),
        sa.UniqueConstraint("project_id", "month", name="uq_pj_approvals_project_id"),
    )
    op.create_table(
        "pj_payroll_runs",
        id_column(),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("parameter_version", sa.String(64), nullable=False),
        sa.Column("totals", JSON, nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("at", TZ, nullable=False),
        pk("pj_payroll_runs"),
        sa.UniqueConstraint("program_code", "month", "sequence",
                            name="uq_pj_payroll_runs_program_code"),
    )
    op.create_table(
        "pj_pay_lines",
        id_column(),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("gross", sa.BigInteger(), nullable=False),
        sa.Column("adjustment", sa.BigInteger(), nullable=False),
        sa.Column("deductions_total", sa.BigInteger(), nullable=False),
        sa.Column("net", sa.BigInteger(), nullable=False),
        sa.Column("components", JSON, nullable=False),
        sa.Column("deductions", JSON, nullable=False),
        sa.Column("adjustments", JSON, nullable=True),
        pk("pj_pay_lines"),
        fk("pj_pay_lines", "run_id", "pj_payroll_runs"),
        fk("pj_pay_lines", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "month", name="uq_pj_pay_lines_placement_id"),
    )
    index("pj_pay_lines", "run_id", "person_id")
    op.create_table(
        "pj_corrections",
        id_column(),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("before", JSON, nullable=True),
        sa.Column("after", JSON, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.String(100), nullable=True),
        sa.Column("at", TZ, nullable=False),
        sa.Column("carried_line_id", sa.Integer(), nullable=True),
        pk("pj_corrections"),
        fk("pj_corrections", "placement_id", "pj_placements"),
        fk("pj_corrections", "carried_line_id", "pj_pay_lines"),
    )
    op.create_index("ix_pj_corrections_placement_id",
                    "pj_corrections", ["placement_id"])


def downgrade() -> None:
    for table in ("pj_corrections", "pj_pay_lines", "pj_payroll_runs",
                  "pj_approvals", "pj_timesheet_entries",
                  "pj_placement_events", "pj_placements", "pj_projects"):
        op.drop_table(table)
