"""The registry: households, persons (RRN only as an encrypted token and a blind index) and
duplicate flags.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, TZ, fk, id_column, index, pk

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
        "households",
        id_column(),
        sa.Column("head_person_id", sa.Integer(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        pk("households"),
        *([sa.ForeignKeyConstraint(["head_person_id"], ["persons.id"], name=HEAD_FK,
                                   ondelete="SET NULL")] if sqlite else []),
    )
    index("households", "head_person_id")
    op.create_table(
        "persons",
        id_column(),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("rrn_token", sa.String(200), nullable=True),
        sa.Column("rrn_index", sa.String(100), nullable=True),
        sa.Column("rrn_masked", sa.String(14), nullable=True),
        sa.Column("rrn_basis", sa.String(64), nullable=True),
        sa.Column("birth_date", sa.Date(), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("sido", sa.String(20), nullable=False),
        sa.Column("sigungu", sa.String(20), nullable=False),
        sa.Column("address_detail", sa.String(200), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("employment_status", sa.String(20), nullable=False),
        sa.Column("able_to_work", sa.Boolean(), nullable=False),
        sa.Column("household_head", sa.Boolean(), nullable=False),
        sa.Column("household_size", sa.Integer(), nullable=False),
        sa.Column("vulnerable_groups", JSON, nullable=False),
        sa.Column("veteran_service_months", sa.Integer(), nullable=False),
        sa.Column("nationality", sa.String(3), nullable=False),
        sa.Column("visa", sa.String(10), nullable=False),
        sa.Column("unemployment_benefit_periods", JSON, nullable=False),
        sa.Column("training_history", JSON, nullable=False),
        sa.Column("household_income_krw", BIG, nullable=True),
        sa.Column("household_assets_krw", BIG, nullable=True),
        sa.Column("receives_livelihood_benefit", sa.Boolean(), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["household_id"], ["households.id"],
                                name="fk_persons_household_id_households", ondelete="SET NULL"),
        pk("persons"),
        sa.UniqueConstraint("rrn_index", name="uq_persons_rrn_index"),
    )
    op.create_index("ix_persons_name_birth_date", "persons", ["name", "birth_date"])
    for column in ("phone", "sigungu", "household_id"):
        op.create_index(f"ix_persons_{column}", "persons", [column])
    if not sqlite:
        op.create_foreign_key(HEAD_FK, "households", "persons", ["head_person_id"], ["id"],
                              ondelete="SET NULL")
    op.create_table(
        "person_duplicate_flags",
        id_column(),
        sa.Column("person_a_id", sa.Integer(), nullable=False),
        sa.Column("person_b_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolved_at", TZ, nullable=True),
        sa.Column("merged_person_id", sa.Integer(), nullable=True),
        fk("person_duplicate_flags", "person_a_id", "persons", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["person_b_id"], ["persons.id"],
                                name="fk_person_duplicate_flags_person_b_id_persons",
                                ondelete="SET NULL"),
        pk("person_duplicate_flags"),
        sa.UniqueConstraint("person_a_id", "person_b_id", name="uq_person_duplicate_flags_pair"),
    )
    for column in ("person_a_id", "person_b_id", "status"):
        op.create_index(f"ix_person_duplicate_flags_{column}", "person_duplicate_flags", [column])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(HEAD_FK, "households", type_="foreignkey")
    for table in ("person_duplicate_flags", "persons", "households"):
        op.drop_table(table)
