"""A new row and the rows that name it, written together (a submission: the application, its
history lines, its audit entries and its consents).

On PostgreSQL it is one statement, compiled once per shape and run on the driver's cursor
(``db.DriverStatement``: without SQLAlchemy's execution context and result objects): the row is
inserted unless a unique constraint holds its values already (``ON CONFLICT DO NOTHING …
RETURNING id``), and each set of linked rows is inserted from that insert's result in a
data-modifying CTE, so a row that was not written takes none with it. SQLite runs the same
inserts one after another (statements there are calls into the same process, not round trips).
Each domain still builds its own rows (history lines in ``statuses``, audit entries checked in
``accounts.audit``, consents in ``privacy``); this only writes them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from sqlalchemy import Table, bindparam, cast, insert, select, union_all
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ilja.db import DriverStatement

# psycopg converts a statement's ``%(name)s`` placeholders afresh each time it is sent unless the
# statement has at most 4,096 characters and 50 parameters; a submission's (about 4,100 and 70)
# is sent hundreds of times a second, and converting it cost about 0.3 ms of CPU each time. Its
# few shapes are kept with psycopg's other conversions (an LRU cache of 128). The limits are
# psycopg's private module's: should a release move them, nothing is raised and the statement is
# converted each time, as before.
_psycopg_queries = getattr(psycopg, "_queries", None)
for _limit, _wanted in (("MAX_CACHED_STATEMENT_LENGTH", 16_384), ("MAX_CACHED_STATEMENT_PARAMS", 256)):
    if isinstance(getattr(_psycopg_queries, _limit, None), int):
        setattr(_psycopg_queries, _limit, max(getattr(_psycopg_queries, _limit), _wanted))


@dataclass(frozen=True)
class Linked:
    """Rows of ``table`` that name the new row: its id goes into their column ``link``."""

    table: Table
    rows: Sequence[dict[str, Any]]
    link: str


def insert_unless_taken(session: Session, table: Table, values: dict[str, Any],
                        linked: Sequence[Linked] = ()) -> int | None:
    """Insert ``values`` into ``table`` with every one of ``linked``'s rows; the new row's id, or
    None (nothing written) when a unique constraint already holds its values."""
    linked = [item for item in linked if item.rows]
    if session.get_bind().dialect.name != "postgresql":
        new_id = session.execute(_insert(table), values).scalar_one_or_none()
        if new_id is not None:
            for item in linked:
                session.execute(insert(item.table), [{**row, item.link: new_id} for row in item.rows])
        return new_id
    shape = tuple((item.table, tuple(c for c in item.rows[0] if c != item.link), len(item.rows), item.link)
                  for item in linked)
    params = {f"p_{column}": value for column, value in values.items()}
    for k, (_, columns, _, _), item in zip(range(len(shape)), shape, linked, strict=True):
        for i, row in enumerate(item.rows):
            params.update({f"d{k}_{i}_{column}": row[column] for column in columns})
    written = _statement(table, tuple(values), shape).run(session, params)
    return written[0][0] if written else None


@functools.cache
def _insert(table: Table) -> Any:
    return sqlite_insert(table).on_conflict_do_nothing().returning(table.c.id)


@functools.lru_cache(maxsize=64)
def _statement(table: Table, columns: tuple[str, ...],
               shape: tuple[tuple[Table, tuple[str, ...], int, str], ...]) -> DriverStatement:
    new = (postgresql_insert(table)
           .values({c: bindparam(f"p_{c}", type_=table.c[c].type) for c in columns})
           .on_conflict_do_nothing().returning(table.c.id).cte("new_row"))
    writes = []
    for k, (target, names, count, link) in enumerate(shape):
        rows = [select(cast(new.c.id, target.c[link].type).label(link),
                       *(bindparam(f"d{k}_{i}_{c}", type_=target.c[c].type).label(c) for c in names))
                .select_from(new) for i in range(count)]
        source = rows[0] if count == 1 else union_all(*rows)
        writes.append(insert(target).from_select([link, *names], source).cte(f"linked_{k}"))
    return DriverStatement(select(new.c.id).add_cte(*writes))
