"""The 2025 plan: versions, programs, tracks, districts, sites, targets, warnings.

Revision ID: 0001
Revises:
Create Date: 2025-11-27

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``
so later migrations can refer to them by name on either database.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, drop_indexes, fk, id_column, index, pk

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        id_column(),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("title", JSON, nullable=False),
        sa.Column("sources", JSON, nullable=False),
        sa.Column("standards", JSON, nullable=False),
        sa.Column("district_count", JSON, nullable=False),
        sa.Column("checks", JSON, nullable=False),
        pk("plan_versions"),
        sa.UniqueConstraint("content_hash", name="uq_plan_versions_content_hash"),
    )
    op.create_table(
        "programs",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("parent_code", sa.String(64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ko", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("budget_million_krw", sa.BigInteger(), nullable=True),
        sa.Column("projects", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("people_approximate", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        pk("programs", "code"),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["programs.code"], name="fk_programs_parent_code_programs"
        ),
        fk("programs", "plan_version_id", "plan_versions"),
    )
    op.create_table(
        "program_tracks",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ko", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("type", sa.String(20), nullable=True),
        sa.Column("projects", sa.Integer(), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("people_approximate", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        pk("program_tracks", "code"),
        sa.ForeignKeyConstraint(
            ["program_code"], ["programs.code"], name="fk_program_tracks_program_code_programs"
        ),
        fk("program_tracks", "plan_version_id", "plan_versions"),
    )
    index("program_tracks", "program_code")
    op.create_table(
        "districts",
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ko", sa.String(20), nullable=False),
        sa.Column("name_en", sa.String(40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        pk("districts", "code"),
        sa.UniqueConstraint("name_ko", name="uq_districts_name_ko"),
        fk("districts", "plan_version_id", "plan_versions"),
    )
    op.create_table(
        "sites",
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ko", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("district_code", sa.String(5), nullable=True),
        sa.Column("opening_year", sa.Integer(), nullable=True),
        sa.Column("opening_month", sa.Integer(), nullable=True),
        sa.Column("founded_year", sa.Integer(), nullable=True),
        sa.Column("trainees", sa.Integer(), nullable=True),
        sa.Column("floor_area_m2", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        pk("sites", "code"),
        sa.ForeignKeyConstraint(
            ["district_code"], ["districts.code"], name="fk_sites_district_code_districts"
        ),
        fk("sites", "plan_version_id", "plan_versions"),
    )
    index("sites", "kind", "district_code")
    op.create_table(
        "plan_targets",
        id_column(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("program_code", sa.String(64), nullable=True),
        sa.Column("track_code", sa.String(64), nullable=True),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("value_max", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("data", JSON, nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        pk("plan_targets"),
        sa.UniqueConstraint("key", name="uq_plan_targets_key"),
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
        "plan_warnings",
        id_column(),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("message_ko", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("stated", JSON, nullable=True),
        sa.Column("computed", JSON, nullable=True),
        sa.Column("sources", JSON, nullable=False),
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
