"""The 2025 plan: versions, programs, tracks, districts, sites, targets, warnings.

Revision ID: 0001
Revises:
Create Date: 2025-11-27

Written by hand for SQLite and PostgreSQL; constraint names follow ``ilja.db.NAMING_CONVENTION``
so later migrations can refer to them by name on either database.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _json() -> sa.JSON:
    return sa.JSON(none_as_null=True)


def _version_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["plan_version_id"],
        ["plan_versions.id"],
        name=f"fk_{table}_plan_version_id_plan_versions",
    )


def upgrade() -> None:
    op.create_table(
        "plan_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(64), nullable=False),
        sa.Column("version", sa.String(32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("title", _json(), nullable=False),
        sa.Column("sources", _json(), nullable=False),
        sa.Column("standards", _json(), nullable=False),
        sa.Column("district_count", _json(), nullable=False),
        sa.Column("checks", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_versions"),
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
        sa.Column("data", _json(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_programs"),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["programs.code"], name="fk_programs_parent_code_programs"
        ),
        _version_fk("programs"),
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
        sa.Column("data", _json(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_program_tracks"),
        sa.ForeignKeyConstraint(
            ["program_code"], ["programs.code"], name="fk_program_tracks_program_code_programs"
        ),
        _version_fk("program_tracks"),
    )
    op.create_index("ix_program_tracks_program_code", "program_tracks", ["program_code"])
    op.create_table(
        "districts",
        sa.Column("code", sa.String(5), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name_ko", sa.String(20), nullable=False),
        sa.Column("name_en", sa.String(40), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_districts"),
        sa.UniqueConstraint("name_ko", name="uq_districts_name_ko"),
        _version_fk("districts"),
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
        sa.Column("data", _json(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name="pk_sites"),
        sa.ForeignKeyConstraint(
            ["district_code"], ["districts.code"], name="fk_sites_district_code_districts"
        ),
        _version_fk("sites"),
    )
    op.create_index("ix_sites_kind", "sites", ["kind"])
    op.create_index("ix_sites_district_code", "sites", ["district_code"])
    op.create_table(
        "plan_targets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
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
        sa.Column("data", _json(), nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_targets"),
        sa.UniqueConstraint("key", name="uq_plan_targets_key"),
        sa.ForeignKeyConstraint(
            ["program_code"], ["programs.code"], name="fk_plan_targets_program_code_programs"
        ),
        sa.ForeignKeyConstraint(
            ["track_code"],
            ["program_tracks.code"],
            name="fk_plan_targets_track_code_program_tracks",
        ),
        _version_fk("plan_targets"),
    )
    op.create_index("ix_plan_targets_metric", "plan_targets", ["metric"])
    op.create_table(
        "plan_warnings",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(128), nullable=False),
        sa.Column("message_ko", sa.Text(), nullable=False),
        sa.Column("message_en", sa.Text(), nullable=False),
        sa.Column("stated", _json(), nullable=True),
        sa.Column("computed", _json(), nullable=True),
        sa.Column("sources", _json(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_warnings"),
        sa.UniqueConstraint(
            "plan_version_id", "code", "subject", name="uq_plan_warnings_plan_version_id"
        ),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["plan_versions.id"],
            ondelete="CASCADE",
            name="fk_plan_warnings_plan_version_id_plan_versions",
        ),
    )


def downgrade() -> None:
    op.drop_table("plan_warnings")
    op.drop_index("ix_plan_targets_metric", table_name="plan_targets")
    op.drop_table("plan_targets")
    op.drop_index("ix_sites_district_code", table_name="sites")
    op.drop_index("ix_sites_kind", table_name="sites")
    op.drop_table("sites")
    op.drop_table("districts")
    op.drop_index("ix_program_tracks_program_code", table_name="program_tracks")
    op.drop_table("program_tracks")
    op.drop_table("programs")
    op.drop_table("plan_versions")
