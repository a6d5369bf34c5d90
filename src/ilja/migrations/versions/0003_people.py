"""The registry: households, persons (RRN only as an encrypted token and a blind index) and
duplicate flags.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, TZ, column, fk, id_column, index, pk

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
HEAD_FK = "fk_households_head_person_id_persons"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # households and persons point at each other: SQLite takes the forward reference inline,
    # PostgreSQL gets the head's foreign key once persons exists.
    op.create_table(
        "households", id_column(), column("head_person_id", sa.Integer(), True), column("address", sa.Text(), True),
        column("created_at", TZ),
        pk("households"),
        *([sa.ForeignKeyConstraint(["head_person_id"], ["persons.id"], name=HEAD_FK,
                                   ondelete="SET NULL")] if sqlite else []),
    )
    index("households", "head_person_id")
    op.create_table(
        "persons", id_column(), column("name", sa.String(100)), column("rrn_token", sa.String(200), True),
        column("rrn_index", sa.String(100), True), column("rrn_masked", sa.String(14), True),
        column("rrn_basis", sa.String(64), True), column("birth_date", sa.Date()), column("phone", sa.String(20), True),
        column("sido", sa.String(20)), column("sigungu", sa.String(20)), column("address_detail", sa.String(200), True),
        column("household_id", sa.Integer(), True), column("employment_status", sa.String(20)),
        column("able_to_work", sa.Boolean()), column("household_head", sa.Boolean()),
        column("household_size", sa.Integer()), column("vulnerable_groups", JSON),
        column("veteran_service_months", sa.Integer()), column("nationality", sa.String(3)),
        column("visa", sa.String(10)), column("unemployment_benefit_periods", JSON), column("training_history", JSON),
        column("household_income_krw", BIG, True), column("household_assets_krw", BIG, True),
        column("receives_livelihood_benefit", sa.Boolean(), True), column("created_at", TZ), column("updated_at", TZ),
        fk("persons", "household_id", "households", ondelete="SET NULL"),
        pk("persons"), sa.UniqueConstraint("rrn_index", name="uq_persons_rrn_index"),
    )
    op.create_index("ix_persons_name_birth_date", "persons", ["name", "birth_date"])
    index("persons", "phone", "sigungu", "household_id")
    if not sqlite:
        op.create_foreign_key(HEAD_FK, "households", "persons", ["head_person_id"], ["id"],
                              ondelete="SET NULL")
    op.create_table(
        "person_duplicate_flags", id_column(), column("person_a_id", sa.Integer()),
        column("person_b_id", sa.Integer(), True), column("reason", sa.String(64)), column("status", sa.String(16)),
        column("created_at", TZ), column("resolved_by", sa.String(100), True), column("resolved_at", TZ, True),
        column("merged_person_id", sa.Integer(), True),
        fk("person_duplicate_flags", "person_a_id", "persons", ondelete="CASCADE"),
        fk("person_duplicate_flags", "person_b_id", "persons", ondelete="SET NULL"),
        pk("person_duplicate_flags"),
        sa.UniqueConstraint("person_a_id", "person_b_id", name="uq_person_duplicate_flags_pair"),
    )
    index("person_duplicate_flags", "person_a_id", "person_b_id", "status")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(HEAD_FK, "households", type_="foreignkey")
    for table in ("person_duplicate_flags", "persons", "households"):
        op.drop_table(table)
