"""The column types, columns and constraints that the hand-written migrations share.

Every migration in ``versions/`` builds its tables from these, so what one returns is part of the
history of every database already migrated: never change what a helper builds (add a new one
instead). ``tests/migrations/test_schema_unchanged.py`` keeps the schema the migrations build, to
the byte, on SQLite and PostgreSQL. Names follow ``ilja.db.NAMING_CONVENTION``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TZ = sa.DateTime(timezone=True)
JSON = sa.JSON(none_as_null=True)
# A 64-bit key on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit and only it autoincrements.
BIGID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def id_column(type_: sa.types.TypeEngine | None = None) -> sa.Column:
    """The surrogate key ``id`` (an Integer unless ``type_``, e.g. BIGID)."""
    return sa.Column("id", type_ if type_ is not None else sa.Integer(), autoincrement=True, nullable=False)


def column(name: str, type_: sa.types.TypeEngine, null: bool = False) -> sa.Column:
    return sa.Column(name, type_, nullable=null)


def evidence_columns() -> list[sa.Column]:
    """An uploaded evidence file kept by its digest, with its type and size (all optional)."""
    return [column("evidence_sha256", sa.String(64), True), column("evidence_type", sa.String(40), True),
            column("evidence_bytes", sa.Integer(), True)]


def pk(table: str, column: str = "id") -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(column, name=f"pk_{table}")


def fk(table: str, column: str, target: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    """``table.column`` refers to ``target.id``."""
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], ondelete=ondelete,
                                   name=f"fk_{table}_{column}_{target}")


def index(table: str, *columns: str) -> None:
    """One index on each of ``columns``, named ``ix_<table>_<column>``."""
    for name in columns:
        op.create_index(f"ix_{table}_{name}", table, [name])


def drop_indexes(table: str, *columns: str) -> None:
    """The indexes ``index`` made, in the reverse order."""
    for name in reversed(columns):
        op.drop_index(f"ix_{table}_{name}", table_name=table)
