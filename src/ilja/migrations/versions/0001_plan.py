"""The 2025 plan: versions, programs, tracks, districts, sites, targets, warnings.

Revision ID: 0001
Revises:
Create Date: 2025-11-27

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``
so later migrations can refer to them by name on either database.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, column, drop_indexes, fk, id_column, index, pk

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_versions", id_column(), column("plan_id", sa.String(64)), column("version", sa.String(32)),
        column("year", sa.Integer()), column("content_hash", sa.String(64)), column("is_current", sa.Boolean()),
        column("loaded_at", sa.DateTime(timezone=True)), column("warning_count", sa.Integer()), column("title", JSON),
        column("sources", JSON), column("standards", JSON), column("district_count", JSON), column("checks", JSON),
        pk("plan_versions"), sa.UniqueConstraint("content_hash", name="uq_plan_versions_content_hash"),
    )
    op.create_table(
        "programs", column("code", sa.String(64)), column("parent_code", sa.String(64), True),
        column("position", sa.Integer()), column("name_ko", sa.String(200)), column("name_en", sa.String(200)),
        column("kind", sa.String(20)), column("budget_million_krw", sa.BigInteger(), True),
        column("projects", sa.Integer(), True), column("people", sa.Integer(), True),
        column("people_approximate", sa.Boolean()), column("source", sa.Text()), column("data", JSON),
        column("plan_version_id", sa.Integer()),
        pk("programs", "code"),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["programs.code"], name="fk_programs_parent_code_programs"
        ),
        fk("programs", "plan_version_id", "plan_versions"),
    )
    op.create_table(
        "program_tracks", column("code", sa.String(64)), column("program_code", sa.String(64)),
        column("position", sa.Integer()), column("name_ko", sa.String(200)), column("name_en", sa.String(200)),
        column("kind", sa.String(20)), column("type", sa.String(20), True), column("projects", sa.Integer(), True),
        column("people", sa.Integer(), True), column("people_approximate", sa.Boolean()), column("source", sa.Text()),
        column("data", JSON), column("plan_version_id", sa.Integer()),
        pk("program_tracks", "code"),
        sa.ForeignKeyConstraint(
            ["program_code"], ["programs.code"], name="fk_program_tracks_program_code_programs"
        ),
        fk("program_tracks", "plan_version_id", "plan_versions"),
    )
    index("program_tracks", "program_code")
    op.create_table(
        "districts", column("code", sa.String(5)), column("position", sa.Integer()), column("name_ko", sa.String(20)),
        column("name_en", sa.String(40)), column("source", sa.Text()), column("plan_version_id", sa.Integer()),
        pk("districts", "code"), sa.UniqueConstraint("name_ko", name="uq_districts_name_ko"),
        fk("districts", "plan_version_id", "plan_versions"),
    )
    op.create_table(
        "sites", column("code", sa.String(64)), column("kind", sa.String(20)), column("position", sa.Integer()),
        column("name_ko", sa.String(200)), column("name_en", sa.String(200)),
        column("district_code", sa.String(5), True), column("opening_year", sa.Integer(), True),
        column("opening_month", sa.Integer(), True), column("founded_year", sa.Integer(), True),
        column("trainees", sa.Integer(), True), column("floor_area_m2", sa.Float(), True), column("source", sa.Text()),
        column("data", JSON), column("plan_version_id", sa.Integer()),
        pk("sites", "code"),
        sa.ForeignKeyConstraint(
            ["district_code"], ["districts.code"], name="fk_sites_district_code_districts"
        ),
        fk("sites", "plan_version_id", "plan_versions"),
    )
    index("sites", "kind", "district_code")
    op.create_table(
        "plan_targets", id_column(), column("key", sa.String(200)), column("position", sa.Integer()),
        column("program_code", sa.String(64), True), column("track_code", sa.String(64), True),
        column("metric", sa.String(64)), column("year", sa.Integer(), True), column("kind", sa.String(10)),
        column("value", sa.Float()), column("value_max", sa.Float(), True), column("unit", sa.String(32)),
        column("source", sa.Text()), column("data", JSON), column("plan_version_id", sa.Integer()),
        pk("plan_targets"), sa.UniqueConstraint("key", name="uq_plan_targets_key"),
        sa.ForeignKeyConstraint(
            ["program_code"], ["programs.code"], name="fk_plan_targets_program_code_programs"
        ),
        sa.ForeignKeyConstraint(
            ["track_code"],
            ["program_tracks.code"],
            name="fk_plan_targets_track_code_program_tracks",
        ),
        fk("plan_targets", "plan_version_id", "plan_versions"),
    )
    index("plan_targets", "metric")
    op.create_table(
        "plan_warnings", id_column(), column("plan_version_id", sa.Integer()), column("position", sa.Integer()),
        column("code", sa.String(64)), column("subject", sa.String(128)), column("message_ko", sa.Text()),
        column("message_en", sa.Text()), column("stated", JSON, True), column("computed", JSON, True),
        column("sources", JSON),
        pk("plan_warnings"),
        sa.UniqueConstraint(
            "plan_version_id", "code", "subject", name="uq_plan_warnings_plan_version_id"
        ),
        fk("plan_warnings", "plan_version_id", "plan_versions", ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("plan_warnings")
    drop_indexes("plan_targets", "metric")
    op.drop_table("plan_targets")
    drop_indexes("sites", "kind", "district_code")
    op.drop_table("sites")
    op.drop_table("districts")
    drop_indexes("program_tracks", "program_code")
    op.drop_table("program_tracks")
    op.drop_table("programs")
    op.drop_table("plan_versions")
