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

from ilja.migrations.columns import BIGID, JSON, TZ, column, fk, id_column, index, pk

revision = "0300"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pj_projects", id_column(), column("code", sa.String(64)), column("program_code", sa.String(64)),
        column("track_code", sa.String(64), True), column("name", sa.String(200)), column("host_code", sa.String(64)),
        column("host_name", sa.String(200)), column("host_kind", sa.String(16)),
        column("district_code", sa.String(5), True), column("seats", sa.Integer()),
        pk("pj_projects"), sa.UniqueConstraint("code", name="uq_pj_projects_code"),
    )
    index("pj_projects", "program_code", "host_code")
    op.create_table(
        "pj_placements", id_column(), column("project_id", sa.Integer()), column("program_code", sa.String(64)),
        column("track_code", sa.String(64), True), column("person_id", sa.Integer()),
        column("application_id", sa.Integer(), True), column("start_on", sa.Date()), column("end_on", sa.Date()),
        column("planned_end_on", sa.Date()), column("daily_milli_hours", sa.Integer()),
        column("days_per_week", sa.Integer()), column("status", sa.String(16)),
        column("pension_exempt_from", sa.Date()), column("employment_insurance_exempt", sa.Boolean()),
        column("replaces_id", sa.Integer(), True), column("created_at", TZ),
        pk("pj_placements"), fk("pj_placements", "project_id", "pj_projects"),
        fk("pj_placements", "person_id", "persons"), fk("pj_placements", "application_id", "applications"),
        fk("pj_placements", "replaces_id", "pj_placements"),
        sa.UniqueConstraint("application_id", name="uq_pj_placements_application_id"),
    )
    index("pj_placements", "project_id", "program_code", "person_id", "status")
    op.create_table(
        "pj_placement_events", id_column(), column("placement_id", sa.Integer()), column("kind", sa.String(20)),
        column("note", sa.Text(), True), column("details", JSON, True), column("actor_id", sa.String(100), True),
        column("at", TZ),
        pk("pj_placement_events"), fk("pj_placement_events", "placement_id", "pj_placements"),
    )
    index("pj_placement_events", "placement_id")
    op.create_table(
        "pj_timesheet_entries", id_column(BIGID), column("placement_id", sa.Integer()), column("day", sa.Date()),
        column("kind", sa.String(16)), column("milli_hours", sa.Integer()), column("entered_by", sa.String(100), True),
        pk("pj_timesheet_entries"), fk("pj_timesheet_entries", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "day", name="uq_pj_timesheet_entries_placement_id"),
    )
    index("pj_timesheet_entries", "day")
    op.create_table(
        "pj_approvals", id_column(), column("project_id", sa.Integer()), column("month", sa.Integer()),
        column("approved_by", sa.String(100), True), column("approved_at", TZ),
        pk("pj_approvals"), fk("pj_approvals", "project_id", "pj_projects"),
        sa.UniqueConstraint("project_id", "month", name="uq_pj_approvals_project_id"),
    )
    op.create_table(
        "pj_payroll_runs", id_column(), column("program_code", sa.String(64)), column("month", sa.Integer()),
        column("sequence", sa.Integer()), column("parameter_version", sa.String(64)), column("totals", JSON),
        column("actor_id", sa.String(100), True), column("at", TZ),
        pk("pj_payroll_runs"),
        sa.UniqueConstraint("program_code", "month", "sequence",
                            name="uq_pj_payroll_runs_program_code"),
    )
    op.create_table(
        "pj_pay_lines", id_column(), column("run_id", sa.Integer()), column("placement_id", sa.Integer()),
        column("person_id", sa.Integer()), column("month", sa.Integer()), column("gross", sa.BigInteger()),
        column("adjustment", sa.BigInteger()), column("deductions_total", sa.BigInteger()),
        column("net", sa.BigInteger()), column("components", JSON), column("deductions", JSON),
        column("adjustments", JSON, True),
        pk("pj_pay_lines"), fk("pj_pay_lines", "run_id", "pj_payroll_runs"),
        fk("pj_pay_lines", "placement_id", "pj_placements"),
        sa.UniqueConstraint("placement_id", "month", name="uq_pj_pay_lines_placement_id"),
    )
    index("pj_pay_lines", "run_id", "person_id")
    op.create_table(
        "pj_corrections", id_column(), column("placement_id", sa.Integer()), column("day", sa.Date()),
        column("month", sa.Integer()), column("before", JSON, True), column("after", JSON), column("reason", sa.Text()),
        column("actor_id", sa.String(100), True), column("at", TZ), column("carried_line_id", sa.Integer(), True),
        pk("pj_corrections"), fk("pj_corrections", "placement_id", "pj_placements"),
        fk("pj_corrections", "carried_line_id", "pj_pay_lines"),
    )
    index("pj_corrections", "placement_id")


def downgrade() -> None:
    for table in ("pj_corrections", "pj_pay_lines", "pj_payroll_runs",
                  "pj_approvals", "pj_timesheet_entries",
                  "pj_placement_events", "pj_placements", "pj_projects"):
        op.drop_table(table)
