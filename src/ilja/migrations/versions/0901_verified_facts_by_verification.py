"""Verified facts: one row per verification (a records check's facts of one application together,
as JSON), not one per fact (issue 21).

Revision ID: 0901
Revises: 0900

A records check of 100,000 applicants stored 500,000 rows, each with its foreign-key checks and
index entries: most of the PostgreSQL server's time in the import. Now the check's facts of one
application are one row (``facts``: fact → value); a fact staff accept or correct is a row of
its own (``declared``: fact → declared value). The unique (application, fact) and the round's
index go: a fact is in one row at most (the writers keep it so), and a round's rows are read by
the range of its application ids. The rows are carried over: a check's facts of an application
gathered into one row, each of staff's into its own.
"""

import sqlalchemy as sa
from alembic import op

from ilja.migrations.columns import JSON, TZ, fk, id_column, index, pk

revision = "0901"
down_revision = "0900"
branch_labels = None
depends_on = None

T = "verified_facts"
KEPT = "verified_facts_0900"  # the rows while the table is made anew (no constraints: CREATE … AS)
SHARED = "application_id, round_id, person_id, method, source, document_id, check_id, reason, verified_by, verified_at"


def _create(*own: sa.Column | sa.Constraint) -> None:
    """The table with its own columns (and constraints) among those both versions have."""
    op.create_table(
        T, id_column(),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        *own,
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("check_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("verified_by", sa.String(100), nullable=True),
        sa.Column("verified_at", TZ, nullable=False),
        fk(T, "application_id", "applications", "CASCADE"),
        fk(T, "document_id", "verification_documents", "SET NULL"),
        fk(T, "check_id", "verification_records_checks"),
        pk(T),
    )


def _keep_rows() -> None:
    op.execute(f"CREATE TABLE {KEPT} AS SELECT * FROM {T}")
    op.drop_table(T)


def _sqlite_json(each: str) -> str:
    """The JSON text of a ``json_each`` row's value (its ``value`` is SQL's: true is 1)."""
    return (f"CASE {each}.type WHEN 'null' THEN NULL WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' "
            f"WHEN 'object' THEN {each}.value WHEN 'array' THEN {each}.value ELSE json_quote({each}.value) END")


def upgrade() -> None:
    _keep_rows()
    _create(sa.Column("facts", JSON, nullable=False), sa.Column("declared", JSON, nullable=True))
    index(T, "application_id")
    if op.get_bind().dialect.name == "postgresql":
        gathered, one, declared = ("json_object_agg(fact, value ORDER BY id)", "json_build_object(fact, value)",
                                   "json_build_object(fact, declared)")
    else:
        gathered, one, declared = ("json_group_object(fact, json(value))", "json_object(fact, json(value))",
                                   "json_object(fact, json(declared))")
    op.execute(f"INSERT INTO {T} ({SHARED}, facts, declared) "
               f"SELECT {SHARED}, {gathered}, NULL FROM (SELECT * FROM {KEPT} ORDER BY id) AS f "
               f"WHERE check_id IS NOT NULL GROUP BY {SHARED} ORDER BY min(id)")
    op.execute(f"INSERT INTO {T} ({SHARED}, facts, declared) "
               f"SELECT {SHARED}, {one}, {declared} FROM {KEPT} WHERE check_id IS NULL ORDER BY id")
    op.drop_table(KEPT)


def downgrade() -> None:
    _keep_rows()
    _create(sa.Column("fact", sa.String(40), nullable=False), sa.Column("value", sa.JSON(), nullable=True),
            sa.Column("declared", sa.JSON(), nullable=True),
            sa.UniqueConstraint("application_id", "fact", name=f"uq_{T}_application_id_fact"))
    index(T, "round_id")
    if op.get_bind().dialect.name == "postgresql":
        value, declared = "e.value", "v.declared -> e.key"
    else:
        value = _sqlite_json("e")
        declared = f"(SELECT {_sqlite_json('d')} FROM json_each(v.declared) AS d WHERE d.key = e.key)"
    shared = ", ".join(f"v.{name.strip()}" for name in SHARED.split(","))
    op.execute(f"INSERT INTO {T} ({SHARED}, fact, value, declared) "
               f"SELECT {shared}, e.key, {value}, {declared} FROM {KEPT} AS v, json_each(v.facts) AS e ORDER BY v.id")
    op.drop_table(KEPT)
